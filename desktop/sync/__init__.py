"""Sync engine: change capture (outbox), hybrid logical clock; transport comes later."""
