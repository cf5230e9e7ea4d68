"""The central sync server: FastAPI on PostgreSQL, one meeting point for every station of a shop."""
