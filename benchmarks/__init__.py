"""Benchmarks: a generated shop at scale and timed scenarios (``python -m benchmarks``)."""
