"""Alembic revisions, oldest first: 0001 the initial schema; views and later changes follow."""
