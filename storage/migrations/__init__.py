"""Alembic migrations of Pantau's schema (env.py, versions/); run by storage.db, never imported by users."""
