"""Alembic migrations of the server database (PostgreSQL)."""
