"""The ``fetch_error`` table: pages and sitemaps a crawl could not fetch or read, one row per source and URL.

:func:`record_fetch_errors` writes what a run's spider collected (a URL that failed before gets the new run,
reason and status, and its attempts add up); :func:`resolve_fetch_errors` marks the URLs a run stored;
:func:`open_article_errors` gives the next run the article URLs to ask for again; :func:`recent_fetch_errors`
serves ``pantau runs --errors``. docs/schema.md documents the table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from crawler.fetch_failures import FetchFailure
from storage.db import StorageError, safe_url, write_transaction
from storage.models import FetchError, Source

fetch_error_table = FetchError.__table__
source_table = Source.__table__
MAX_REASON = 1000


@dataclass
class FetchErrorRecord:
    """One row of ``fetch_error``, with its source's key."""

    id: int
    source_key: str
    run_id: int
    url: str
    kind: str
    reason: str
    http_status: int | None
    attempts: int
    first_failed_at: dt.datetime
    last_tried_at: dt.datetime
    resolved_at: dt.datetime | None


def _wrap(engine: Engine, action: str, error: SQLAlchemyError) -> StorageError:
    original = getattr(error, "orig", None) or error
    first = next((line.strip() for line in str(original).splitlines() if line.strip()), type(error).__name__)
    return StorageError(f"{action} failed on {safe_url(engine.url)}: {first}")


def _source_id(connection: sa.Connection, source_key: str) -> int:
    found = connection.execute(sa.select(source_table.c.id).where(source_table.c.key == source_key)).scalar()
    if found is None:
        raise StorageError(f"unknown source '{source_key}': sync the config first")
    return found


def record_fetch_errors(engine: Engine, source_key: str, run_id: int, failures: Sequence[FetchFailure]) -> int:
    """Write a run's failures (the last one per URL wins; attempts add up); returns the rows written."""
    latest: dict[str, FetchFailure] = {}
    attempts: dict[str, int] = {}
    for failure in failures:
        url = failure.url.replace("\x00", "")
        latest[url] = failure
        attempts[url] = attempts.get(url, 0) + max(1, failure.attempts)
    if not latest:
        return 0
    try:
        with write_transaction(engine) as connection:
            source_id = _source_id(connection, source_key)
            rows = [{
                "source_id": source_id, "run_id": run_id, "url": url, "kind": failure.kind,
                "reason": failure.reason.replace("\x00", "")[:MAX_REASON], "http_status": failure.http_status,
                "attempts": attempts[url], "first_failed_at": failure.tried_at, "last_tried_at": failure.tried_at,
                "resolved_at": None,
            } for url, failure in latest.items()]
            insert = (postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert)(
                fetch_error_table)
            excluded = insert.excluded
            connection.execute(insert.on_conflict_do_update(
                index_elements=["source_id", "url"],
                set_={"run_id": excluded.run_id, "kind": excluded.kind, "reason": excluded.reason,
                      "http_status": excluded.http_status,
                      "attempts": fetch_error_table.c.attempts + excluded.attempts,
                      "last_tried_at": excluded.last_tried_at, "resolved_at": None},
            ), rows)
    except SQLAlchemyError as error:
        raise _wrap(engine, "recording fetch errors", error) from None
    return len(rows)


def resolve_fetch_errors(engine: Engine, source_key: str, urls: Iterable[str],
                         when: dt.datetime | None = None) -> int:
    """Mark the open errors of ``urls`` (pages a run has now stored) resolved; returns how many were."""
    wanted = sorted(set(urls))
    if not wanted:
        return 0
    when = when or dt.datetime.now(dt.timezone.utc)
    resolved = 0
    try:
        with write_transaction(engine) as connection:
            source_id = _source_id(connection, source_key)
            for start in range(0, len(wanted), 500):  # SQLite limits bound parameters per statement
                result = connection.execute(
                    fetch_error_table.update()
                    .where(fetch_error_table.c.source_id == source_id,
                           fetch_error_table.c.url.in_(wanted[start:start + 500]),
                           fetch_error_table.c.resolved_at.is_(None))
                    .values(resolved_at=when))
                resolved += result.rowcount or 0
    except SQLAlchemyError as error:
        raise _wrap(engine, "resolving fetch errors", error) from None
    return resolved


def open_article_errors(engine: Engine, source_key: str, limit: int = 1000) -> list[str]:
    """Article URLs of ``source_key`` whose last fetch failed, oldest attempt first (asked for again)."""
    query = (sa.select(fetch_error_table.c.url)
             .join(source_table, source_table.c.id == fetch_error_table.c.source_id)
             .where(source_table.c.key == source_key, fetch_error_table.c.kind == "article",
                    fetch_error_table.c.resolved_at.is_(None))
             .order_by(fetch_error_table.c.last_tried_at, fetch_error_table.c.id).limit(limit))
    try:
        with engine.connect() as connection:
            return list(connection.execute(query).scalars())
    except SQLAlchemyError as error:
        raise _wrap(engine, "reading fetch errors", error) from None


def recent_fetch_errors(engine: Engine, limit: int = 50, source_key: str | None = None,
                        run_id: int | None = None, include_resolved: bool = False) -> list[FetchErrorRecord]:
    """The newest fetch errors (open ones unless ``include_resolved``), newest attempt first."""
    query = (sa.select(*[c for c in fetch_error_table.c if c.name != "source_id"],
                       source_table.c.key.label("source_key"))
             .join(source_table, source_table.c.id == fetch_error_table.c.source_id)
             .order_by(fetch_error_table.c.last_tried_at.desc(), fetch_error_table.c.id.desc()).limit(limit))
    if source_key is not None:
        query = query.where(source_table.c.key == source_key)
    if run_id is not None:
        query = query.where(fetch_error_table.c.run_id == run_id)
    if not include_resolved:
        query = query.where(fetch_error_table.c.resolved_at.is_(None))
    try:
        with engine.connect() as connection:
            return [FetchErrorRecord(**row._mapping) for row in connection.execute(query)]
    except SQLAlchemyError as error:
        raise _wrap(engine, "reading fetch errors", error) from None
