"""Use cases: plain Python, own the transactions, return frozen DTOs."""
