"""Opening the database: URL handling, SQLite and PostgreSQL session settings, and schema migrations.

:func:`connect` turns a database URL into an :class:`~sqlalchemy.engine.Engine` that is ready to use: the
SQLite file's folder exists, SQLite runs in WAL mode with a busy timeout and foreign keys on, ``postgresql://``
URLs use psycopg 3, and the schema is migrated to the newest Alembic revision the first time a process opens a
database. Two processes that start together are safe: the migration runs under a lock that the database itself
holds (``BEGIN IMMEDIATE`` on SQLite, an advisory lock on PostgreSQL), so the second one waits and then finds
nothing to do. Every expected failure is a :class:`StorageError` whose message is one line naming the URL
(without its password) and saying what to do; :func:`database_error` turns a raw driver error (or a missing
driver) into one, for front ends that must never show a traceback. ``connect(url, create=False)`` refuses a
SQLite file that does not exist (:class:`DatabaseNotFound`) instead of creating an empty one: only the commands
that store data create a database.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

if TYPE_CHECKING:  # Alembic is imported only to migrate (~0.25 s of every process's start otherwise)
    from alembic.config import Config
    from alembic.script import ScriptDirectory

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000
POSTGRES_CONNECT_TIMEOUT_S = 10
# pg_advisory_xact_lock key that serialises schema migrations ("pantau" in ASCII, as an int64).
MIGRATION_LOCK_KEY = 0x70616E746175
# pg_advisory_xact_lock key held by every storage write transaction on PostgreSQL ("pantaw").
WRITE_LOCK_KEY = 0x70616E746177
# Execution option that makes a SQLite transaction start with BEGIN IMMEDIATE (take the write lock up front).
WRITE_TRANSACTION = "pantau_write_transaction"

URL_HINT = "use sqlite:///path/to/pantau.db or postgresql://user:password@host/dbname"
POSTGRES_EXTRA_HINT = "PostgreSQL needs the postgres extra: pip install 'pantau[postgres]'"

_migrated: set[str] = set()
_migrated_lock = threading.Lock()


class StorageError(Exception):
    """An expected storage failure; ``str(error)`` is the one-line message for the user."""


class DatabaseNotFound(StorageError):
    """A SQLite database file that does not exist, opened by a command that only reads (a mistyped path)."""


def as_utc(value: Any) -> dt.datetime | None:
    """A timestamp from raw SQL as an aware UTC datetime (SQLite gives back naive UTC text)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


def safe_url(url: URL | str) -> str:
    """The URL as text with its password hidden, for messages and logs."""
    if isinstance(url, str):
        try:
            url = make_url(url)
        except ArgumentError:
            return url
    return url.render_as_string(hide_password=True)


def parse_url(url: str | URL) -> URL:
    """Validate a database URL and normalise it: ``postgres(ql)://`` means psycopg 3."""
    if isinstance(url, URL):
        parsed = url
    else:
        try:
            parsed = make_url(url.strip())
        except ArgumentError:
            raise StorageError(f"'{url}' is not a database URL: {URL_HINT} "
                               "(--database-url or PANTAU_DATABASE_URL)") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise StorageError(f"unsupported database '{backend}' in {safe_url(parsed)}: {URL_HINT}")
    if backend == "postgresql" and not parsed.database:
        raise StorageError(f"{safe_url(parsed)} names no database: {URL_HINT}")
    return parsed


def _sqlite_path(url: URL) -> Path | None:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:") or url.query.get("mode") == "memory":
        return None
    return Path(database)


def sqlite_file(url: str | URL) -> Path | None:
    """The absolute path of a SQLite URL's database file; None for PostgreSQL and in-memory databases."""
    parsed = parse_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    path = _sqlite_path(parsed)
    return None if path is None else path.expanduser().resolve()


def require_existing(url: str | URL) -> None:
    """Raise :class:`DatabaseNotFound` when ``url`` names a SQLite file that does not exist."""
    path = sqlite_file(url)
    if path is not None and not path.exists():
        raise DatabaseNotFound(
            f"database file {path} does not exist (from {safe_url(url)}); check --database-url or "
            "PANTAU_DATABASE_URL, or create it with pantau db upgrade (pantau crawl also creates it)")


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control away from Python's sqlite3 module (which would not wrap DDL in a transaction);
    # the "begin" listener below emits BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")  # safe in WAL mode: a crash loses no committed transaction
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _on_sqlite_begin(connection: Connection) -> None:
    # A deferred transaction that reads and then writes fails at once with SQLITE_BUSY when another process
    # wrote meanwhile (the busy timeout cannot help), so writers take the write lock when they begin.
    if connection.get_execution_options().get(WRITE_TRANSACTION):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")


def create_engine(url: str | URL) -> Engine:
    """An engine for ``url`` with Pantau's session settings, without touching the schema."""
    parsed = parse_url(url)
    options: dict[str, Any] = {
        "json_serializer": lambda value: json.dumps(value, ensure_ascii=False),
    }
    try:
        parsed.get_dialect()
    except (NoSuchModuleError, ImportError) as error:
        raise _missing_driver(parsed, error) from None
    if parsed.get_backend_name() == "sqlite":
        path = _sqlite_path(parsed)
        if path is not None:
            try:
                path.expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StorageError(f"cannot create the folder for {safe_url(parsed)}: {error.strerror}; "
                                   "choose a writable path") from None
        engine = sa.create_engine(parsed, **options)
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
    else:
        connect_args = {}
        if "connect_timeout" not in parsed.query:
            connect_args["connect_timeout"] = POSTGRES_CONNECT_TIMEOUT_S
        # psycopg's pipelined executemany beats SQLAlchemy's multi-VALUES rewriting ("insertmanyvalues") here:
        # psycopg parses every placeholder of a statement in Python, and a 500-row article INSERT has 15,000
        # (bench/storage.py: 3.5x the articles per second at a fifth of the CPU).
        try:  # the dialect imports psycopg only here
            engine = sa.create_engine(parsed, pool_pre_ping=True, connect_args=connect_args,
                                      use_insertmanyvalues=False, **options)
        except ImportError as error:
            raise _missing_driver(parsed, error) from None
    return engine


def _missing_driver(url: URL, error: BaseException) -> StorageError:
    if url.get_backend_name() == "postgresql":
        return StorageError(f"cannot use {safe_url(url)}: the psycopg driver is not installed; "
                            f"{POSTGRES_EXTRA_HINT}")
    return StorageError(f"cannot use {safe_url(url)}: {_first_line(error)}; {URL_HINT}")


def _first_line(error: BaseException) -> str:
    original = getattr(error, "orig", None) or error
    lines = [line.strip() for line in str(original).splitlines() if line.strip()]
    return lines[0] if lines else type(original).__name__


def _unreachable(engine: Engine, error: BaseException) -> StorageError:
    return _cannot_open(engine.url, error)


def _cannot_open(url: URL, error: BaseException) -> StorageError:
    reason = _first_line(error)
    if url.get_backend_name() == "sqlite":
        hint = "check that the file is a Pantau SQLite database and that its folder is writable"
    elif "does not exist" in reason and "database" in reason:
        hint = f"create it first (createdb {url.database}) or correct the name in --database-url"
    elif "password authentication failed" in reason or ("role" in reason and "does not exist" in reason):
        hint = "check the user and password in --database-url"
    else:
        hint = "check that the server is running and the host, port, user, password and database name"
    return StorageError(f"cannot open database {safe_url(url)}: {reason}; {hint}")


def database_error(url: str | URL, error: BaseException) -> StorageError | None:
    """The one-line :class:`StorageError` for ``error`` met while using the database at ``url``, or None.

    Covers what code outside storage may let through: a missing driver (psycopg) and a raw DBAPI error such as
    a refused connection or a file that is not a database.
    """
    if isinstance(error, StorageError):
        return error
    try:
        parsed = parse_url(url)
    except StorageError as bad_url:
        return bad_url
    if isinstance(error, ImportError) and (error.name or "").split(".")[0] in ("psycopg", "psycopg2"):
        return _missing_driver(parsed, error)
    if isinstance(error, (DBAPIError, SQLAlchemyError)):
        return _cannot_open(parsed, error)
    return None


@contextlib.contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A connection inside one transaction that holds the database's write lock from its start, then commits.

    One storage writer at a time, on both databases: SQLite's ``BEGIN IMMEDIATE``, and on PostgreSQL a
    transaction-scoped advisory lock, so that a check-then-insert (is this URL stored? is this source key
    known?) cannot race another process. Write batches are short, so waiting writers wait milliseconds.
    """
    with engine.connect() as connection:
        connection.execution_options(**{WRITE_TRANSACTION: True})
        with connection.begin():
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
            yield connection


# ------------------------------------------------------------------------------------------------ migrations


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic configuration for storage/migrations, without needing an alembic.ini on disk."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    if len(heads) != 1:  # pragma: no cover - a developer's mistake, caught by the migration tests
        raise StorageError(f"the migrations have {len(heads)} heads; merge them (alembic merge heads)")
    return heads[0]


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except DBAPIError as error:
        raise _unreachable(engine, error) from None


_REVISION_LINE = re.compile(r"^(down_revision|revision)\s*(?::[^=]*)?=\s*(None|\"[^\"]+\"|'[^']+')\s*(?:#.*)?$", re.M)


def _head_from_files() -> str | None:
    """The head revision read from the migration files' ``revision = ...`` lines, without importing Alembic
    or the migrations; None when the files are not a plain chain (a merge, two heads): then Alembic decides."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict((name, value.strip("\"'")) for name, value in _REVISION_LINE.findall(path.read_text("utf-8")))
        if "revision" not in found:
            continue
        if "down_revision" not in found:
            return None
        revisions.add(found["revision"])
        if found["down_revision"] != "None":
            parents.add(found["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 and parents <= revisions else None


def _stamped_revision(engine: Engine) -> str | None:
    """The database's revision read straight from ``alembic_version`` (None: no such table, or several rows)."""
    try:
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table("alembic_version"):
                return None
            rows = connection.exec_driver_sql("SELECT version_num FROM alembic_version").fetchall()
    except DBAPIError as error:
        raise _unreachable(engine, error) from None
    return rows[0][0] if len(rows) == 1 else None


@contextlib.contextmanager
def migration_connection(engine: Engine) -> Iterator[Connection]:
    """A connection for running migrations: write-locking transactions, and on SQLite foreign keys off."""
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # With foreign keys on, a batch migration's DROP TABLE would cascade-delete child rows. The pragma
            # only takes effect outside a transaction, so switch it off here and back on before the pool
            # gets the connection back.
            connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
            connection.commit()
        try:
            connection.execution_options(**{WRITE_TRANSACTION: True})
            yield connection
        finally:
            if sqlite:
                connection.rollback()
                connection.exec_driver_sql("PRAGMA foreign_keys = ON")
                connection.commit()


def _run_migrations(engine: Engine, revision: str, *, downgrade: bool = False) -> None:
    from alembic import command

    with migration_connection(engine) as connection:
        config = alembic_config(connection)
        if downgrade:
            command.downgrade(config, revision)
        else:
            command.upgrade(config, revision)


def upgrade(url: str | URL | Engine, revision: str = "head") -> str:
    """Migrate the database at ``url`` to ``revision`` (default: the newest); returns the revision reached."""
    engine = url if isinstance(url, Engine) else create_engine(url)
    try:
        _run_migrations(engine, revision)
        return current_revision(engine) or "base"
    except StorageError:
        raise
    except DBAPIError as error:
        raise _unreachable(engine, error) from None
    finally:
        if not isinstance(url, Engine):
            engine.dispose()


def downgrade(url: str | URL | Engine, revision: str = "base") -> None:
    """Migrate the database back to ``revision`` (developers and tests; analysts never need this)."""
    engine = url if isinstance(url, Engine) else create_engine(url)
    try:
        _run_migrations(engine, revision, downgrade=True)
    finally:
        with _migrated_lock:
            _migrated.discard(engine.url.render_as_string(hide_password=False))
        if not isinstance(url, Engine):
            engine.dispose()


def ensure_schema(engine: Engine) -> None:
    """Migrate to head when the database is behind; refuse a database migrated by a newer Pantau."""
    key = engine.url.render_as_string(hide_password=False)
    with _migrated_lock:
        if key in _migrated:
            return
    # The common case, a database already at head, is checked without Alembic (its import and the loading of
    # every migration module were ~0.3 s of CPU of each crawl process's start).
    head = _head_from_files()
    if head is None or _stamped_revision(engine) != head:
        _migrate_to_head(engine)
    with _migrated_lock:
        _migrated.add(key)


def _migrate_to_head(engine: Engine) -> None:
    from alembic.script import ScriptDirectory

    head = head_revision()
    current = current_revision(engine)
    if current != head:
        if current is not None and not _known(ScriptDirectory.from_config(alembic_config()), current):
            raise StorageError(f"database {safe_url(engine.url)} is at schema revision {current}, which this "
                               "Pantau does not know; upgrade Pantau (pip install -U pantau)")
        logger.info("migrating %s from %s to %s", safe_url(engine.url), current or "an empty database", head)
        try:
            _run_migrations(engine, "head")
        except DBAPIError as error:
            raise _unreachable(engine, error) from None


def _known(script: ScriptDirectory, revision: str) -> bool:  # noqa: F821 - imported by the caller
    try:
        return script.get_revision(revision) is not None
    except Exception:  # alembic raises several kinds of errors for unknown or partial ids
        return False


def connect(url: str | URL, *, migrate: bool = True, create: bool = True) -> Engine:
    """An engine for ``url``, checked to be reachable, with the schema migrated to head unless ``migrate=False``.

    ``create=False`` raises :class:`DatabaseNotFound` for a SQLite file that does not exist yet.
    """
    if not create:
        require_existing(url)
    engine = create_engine(url)
    try:
        if migrate:
            ensure_schema(engine)
        else:
            with engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
    except StorageError:
        engine.dispose()
        raise
    except (DBAPIError, SQLAlchemyError) as error:
        engine.dispose()
        raise _unreachable(engine, error) from None
    return engine
