"""Read-only access for analysts: a PostgreSQL role that can read every table and view and change nothing.

:func:`grant_read_only` creates the role when it does not exist (LOGIN, optionally with a password), makes its
sessions read-only by default, and grants CONNECT, USAGE on the schema and SELECT on every table and view, now
and (through default privileges of the role that runs Pantau's migrations) on those later migrations add.
Running it again is harmless. SQLite has no roles: analysts open the file read-only instead (docs/analysts.md).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from storage.db import StorageError, safe_url


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def grant_read_only(engine: Engine, role: str, password: str | None = None, *, login: bool = True) -> list[str]:
    """Create (if needed) and grant the read-only analyst ``role``; returns the statements run (password hidden)."""
    if engine.dialect.name != "postgresql":
        raise StorageError(f"{safe_url(engine.url)} is SQLite, which has no roles: give analysts a read-only "
                           "copy or open it read-only (sqlite3 -readonly, Datasette); see docs/analysts.md")
    if not role or not role.strip() or "\x00" in role:
        raise StorageError("the role name is empty; give one, e.g. pantau db grant-readonly analyst")
    quote = engine.dialect.identifier_preparer.quote_identifier
    name = quote(role)
    done: list[str] = []
    try:
        with engine.begin() as connection:
            database, schema, current_user = connection.execute(
                sa.text("SELECT current_database(), current_schema(), current_user")).one()
            exists = connection.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :role"),
                                        {"role": role}).first() is not None
            options = "LOGIN" if login else "NOLOGIN"
            options += " NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT"
            statements = [f"{'ALTER' if exists else 'CREATE'} ROLE {name} {options}"]
            if password is not None:
                statements.append(f"ALTER ROLE {name} PASSWORD {_literal(password)}")
            statements += [
                f"ALTER ROLE {name} SET default_transaction_read_only = on",
                f"GRANT CONNECT ON DATABASE {quote(database)} TO {name}",
                f"GRANT USAGE ON SCHEMA {quote(schema)} TO {name}",
                f"GRANT SELECT ON ALL TABLES IN SCHEMA {quote(schema)} TO {name}",
                f"ALTER DEFAULT PRIVILEGES FOR ROLE {quote(current_user)} IN SCHEMA {quote(schema)} "
                f"GRANT SELECT ON TABLES TO {name}",
            ]
            for statement in statements:
                connection.exec_driver_sql(statement)
                done.append(statement if "PASSWORD" not in statement else f"ALTER ROLE {name} PASSWORD '…'")
    except SQLAlchemyError as error:
        original = getattr(error, "orig", None) or error
        first = next((line.strip() for line in str(original).splitlines() if line.strip()), type(error).__name__)
        raise StorageError(f"granting read-only access to {role} failed on {safe_url(engine.url)}: {first} "
                           "(run it as the database owner)") from None
    return done
