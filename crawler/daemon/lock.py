"""One daemon per database: a lock held for the daemon's whole life, in or beside the database.

SQLite: an exclusive ``flock`` on a file beside the database (``pantau.db.daemon.lock``), which also holds the
holder's pid, host and start time for the refusal message. PostgreSQL: a session-level ``pg_advisory_lock``
on a dedicated connection that does nothing else (its ``application_name`` names the holder, so a second
daemon on another machine can say who holds it). Either lock disappears with the process, so a crashed
daemon never blocks its successor.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url

from storage.db import create_engine, safe_url

logger = logging.getLogger(__name__)

# Advisory locks are per database, but pg_locks lists every database's: one server may hold several Pantau
# databases (staging and production), each with its own daemon.
_THIS_DATABASE = "{table}database = (SELECT oid FROM pg_database WHERE datname = current_database())"
# pg_advisory_lock key of the daemon ("pantau-d" as an int64; the migrations use another key).
DAEMON_LOCK_KEY = 0x70616E7461752D64
APPLICATION_PREFIX = "pantau-daemon"


class DaemonAlreadyRunning(Exception):
    """Another daemon holds this database's lock; ``str(error)`` is the one-line message."""


def lock_file_for(url: URL) -> Path | None:
    """The lock file beside a SQLite database file; None for in-memory databases."""
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:") or url.query.get("mode") == "memory":
        return None
    return Path(database).expanduser().resolve().with_name(Path(database).name + ".daemon.lock")


def _holder_text(holder: dict[str, object] | None) -> str:
    if not holder:
        return "another daemon"
    return f"daemon pid {holder.get('pid')} on {holder.get('hostname')} (since {holder.get('started_at')})"


class DaemonLock:
    """Take with :meth:`acquire`, give back with :meth:`release`; also a context manager."""

    def __init__(self, database_url: str, *, pid: int | None = None, hostname: str = "",
                 started_at: dt.datetime | None = None) -> None:
        self.url = make_url(database_url) if isinstance(database_url, str) else database_url
        self.pid = pid or os.getpid()
        self.hostname = hostname
        self.started_at = started_at or dt.datetime.now(dt.timezone.utc)
        self._file = None
        self._engine: Engine | None = None
        self._connection = None

    @property
    def description(self) -> str:
        if self.url.get_backend_name() == "sqlite":
            return f"file lock {lock_file_for(self.url)}"
        return f"PostgreSQL advisory lock {DAEMON_LOCK_KEY} on {safe_url(self.url)}"

    def acquire(self, *, wait: float = 1.0) -> None:
        """Take the lock or raise :class:`DaemonAlreadyRunning`; ``wait`` rides out a status probe's brief hold."""
        deadline = time.monotonic() + wait
        while True:
            try:
                self._try_acquire()
                return
            except DaemonAlreadyRunning:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(0.1)

    def _try_acquire(self) -> None:
        if self.url.get_backend_name() == "sqlite":
            self._acquire_file()
        else:
            self._acquire_advisory()

    def _acquire_file(self) -> None:
        path = lock_file_for(self.url)
        if path is None:
            return  # an in-memory database is private to this process: nothing to share
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            try:
                holder = json.loads(handle.read() or "{}")
            except ValueError:
                holder = None
            handle.close()
            raise DaemonAlreadyRunning(
                f"{_holder_text(holder)} already runs on {safe_url(self.url)} (lock file {path}); "
                "stop it first, or use another --database-url") from None
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": self.pid, "hostname": self.hostname,
                                 "started_at": self.started_at.isoformat(timespec="seconds")}))
        handle.flush()
        self._file = handle

    def _acquire_advisory(self) -> None:
        application = (f"{APPLICATION_PREFIX} pid={self.pid} host={self.hostname} "
                       f"since={self.started_at.isoformat(timespec='seconds')}")[:63]
        engine = create_engine(self.url)
        connection = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            connection.execute(sa.text("SELECT set_config('application_name', :name, false)"),
                               {"name": application})
            got = connection.execute(sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": DAEMON_LOCK_KEY}).scalar()
            if not got:
                holder = connection.execute(sa.text(
                    "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                    "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = :high AND l.objid = :low "
                    f"AND l.objsubid = 1 AND {_THIS_DATABASE.format(table='l.')}"), _key_parts()).scalar()
                raise DaemonAlreadyRunning(
                    f"{holder or 'another daemon'} already holds the daemon lock of {safe_url(self.url)}; "
                    "stop it first (one daemon per database)")
        except BaseException:
            connection.close()
            engine.dispose()
            raise
        self._engine, self._connection = engine, connection

    def check(self) -> bool:
        """Whether the lock is still ours (a PostgreSQL connection can drop); False means stop scheduling."""
        if self._connection is None:
            return True
        try:
            self._connection.execute(sa.text("SELECT 1"))
            return True
        except sa.exc.DBAPIError:
            return False

    def release(self) -> None:
        if self._file is not None:
            try:
                self._file.seek(0)
                self._file.truncate()
                fcntl.flock(self._file, fcntl.LOCK_UN)
            finally:
                self._file.close()
                self._file = None
        if self._connection is not None:
            try:
                self._connection.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": DAEMON_LOCK_KEY})
            except sa.exc.DBAPIError:
                pass  # the connection is gone, and the lock with it
            finally:
                self._connection.close()
                assert self._engine is not None
                self._engine.dispose()
                self._connection = self._engine = None

    def __enter__(self) -> DaemonLock:
        self.acquire()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


def _key_parts() -> dict[str, int]:
    return {"high": (DAEMON_LOCK_KEY >> 32) & 0xFFFFFFFF, "low": DAEMON_LOCK_KEY & 0xFFFFFFFF}


def daemon_lock_held(database_url: str, engine: Engine | None = None) -> bool | None:
    """Whether some daemon holds the lock of this database now; None when that cannot be told."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        path = lock_file_for(url)
        if path is None or not path.exists():
            return False if path is not None else None
        with open(path, encoding="utf-8") as handle:
            try:
                # A shared probe: fails while a daemon holds the exclusive lock, and never blocks one for long.
                fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
            return False
    own = engine is None
    engine = engine or create_engine(url)
    try:
        with engine.connect() as connection:
            return bool(connection.execute(sa.text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = :high "
                f"AND objid = :low AND objsubid = 1 AND {_THIS_DATABASE.format(table='')}"), _key_parts()).scalar())
    except sa.exc.DBAPIError:
        return None
    finally:
        if own:
            engine.dispose()
