"""Per-URL fetch state in SQL (table ``fetch_state``): what the spider reads to plan requests, and what every
fetch writes back (validators, lastmod seen, content hash, last fetch, next due).

Reads (:func:`lookup`, :func:`due`, :func:`rest_enumerated_at`) are small indexed queries for one batch of
discovered URLs, so no crawl holds every known URL of a source in memory. Writes go through one
:class:`FetchStateRecorder` per source crawl, on the crawl's writer thread: 304s, 404/410s and re-fetches as
queued rows flushed in batches, and the state of stored articles inside the :class:`storage.ArticleWriter`'s
own transaction (its ``before_write`` hook, see :mod:`storage.versions`), so that an article and the validators
that describe it are committed together. The daemon, ad-hoc crawls and workers share the same rows.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from crawler.freshness import FetchInfo, KnownUrl, next_due
from storage import models
from storage.db import StorageError, safe_url, write_transaction

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

fetch_state_table = models.FetchState.__table__
article_table = models.Article.__table__
source_table = models.Source.__table__

# Well under the bound-parameter limits of SQLite and PostgreSQL in one IN (…) list.
_IN_CHUNK = 500
# Queued fetch results written per transaction.
FLUSH_EVERY = 200


def _wrap(engine: Engine, action: str, error: SQLAlchemyError) -> StorageError:
    original = getattr(error, "orig", None) or error
    first = next((line.strip() for line in str(original).splitlines() if line.strip()), type(error).__name__)
    return StorageError(f"{action} failed on {safe_url(engine.url)}: {first}")


def _known_query() -> sa.Select:
    a, f = article_table.c, fetch_state_table.c
    return (sa.select(a.canonical_url, sa.func.coalesce(f.url, a.url).label("url"), f.etag, f.last_modified,
                      f.lastmod_seen, sa.func.coalesce(f.last_fetched_at, a.fetched_at).label("last_fetched_at"),
                      f.next_due_at, a.published_at, a.first_seen_at, a.removed_at)
            .select_from(article_table.outerjoin(fetch_state_table, f.canonical_url == a.canonical_url)))


def _known(row: Any) -> KnownUrl:
    return KnownUrl(canonical_url=row.canonical_url, url=row.url, etag=row.etag, last_modified=row.last_modified,
                    lastmod_seen=row.lastmod_seen, last_fetched_at=row.last_fetched_at, next_due_at=row.next_due_at,
                    published_at=row.published_at, first_seen_at=row.first_seen_at, removed_at=row.removed_at)


def lookup(engine: Engine, canonical_urls: Iterable[str]) -> dict[str, KnownUrl]:
    """The stored articles among ``canonical_urls`` with their fetch state; URLs not stored are absent."""
    urls = list(dict.fromkeys(canonical_urls))
    found: dict[str, KnownUrl] = {}
    try:
        with engine.connect() as connection:
            for start in range(0, len(urls), _IN_CHUNK):
                chunk = urls[start:start + _IN_CHUNK]
                for row in connection.execute(_known_query().where(article_table.c.canonical_url.in_(chunk))):
                    found[row.canonical_url] = _known(row)
    except SQLAlchemyError as error:
        raise _wrap(engine, "reading fetch state", error) from None
    return found


def lookup_for_planning(engine: Engine, canonical_urls: Mapping[str, bool], now: dt.datetime
                        ) -> tuple[set[str], dict[str, KnownUrl]]:
    """:func:`lookup` for planning: ``canonical_urls`` maps each discovered URL to whether its discovery entry
    gave a lastmod. Returns the stored URLs without one that :func:`crawler.freshness.plan_fetch` skips whatever
    else their row says (not due by ``now``), as a set, and the :class:`KnownUrl` of every other stored one. A
    re-crawl finds nearly every URL in the set: no row of timestamps is read for it."""
    a, f = article_table.c, fetch_state_table.c
    without_lastmod = [url for url, has_lastmod in canonical_urls.items() if not has_lastmod]
    # The part of plan_fetch's "due" test that fetch_state answers (the same comparison due() makes): a URL that
    # passes it comes back in full and plan_fetch decides (removed or not). Not asking for removed_at keeps the
    # query on article's canonical_url index: the article row (with its text) is not read.
    maybe_due = sa.case((sa.and_(f.next_due_at.is_not(None), f.next_due_at <= now), 1), else_=0)
    idle: set[str] = set()
    full = [url for url, has_lastmod in canonical_urls.items() if has_lastmod]
    try:
        with engine.connect() as connection:
            for start in range(0, len(without_lastmod), _IN_CHUNK):
                chunk = without_lastmod[start:start + _IN_CHUNK]
                query = (sa.select(a.canonical_url, maybe_due)
                         .select_from(article_table.outerjoin(fetch_state_table, f.canonical_url == a.canonical_url))
                         .where(a.canonical_url.in_(chunk)))
                for canonical, due in connection.execute(query):
                    if due:
                        full.append(canonical)
                    else:
                        idle.add(canonical)
    except SQLAlchemyError as error:
        raise _wrap(engine, "reading fetch state", error) from None
    return idle, lookup(engine, full) if full else {}


def due(engine: Engine, source_key: str, now: dt.datetime, limit: int = 5000) -> list[KnownUrl]:
    """Stored, not removed articles of ``source_key`` whose refetch schedule says "now", oldest due first."""
    f = fetch_state_table.c
    query = (_known_query().join(source_table, source_table.c.id == article_table.c.source_id)
             .where(source_table.c.key == source_key, f.kind == "article", f.next_due_at <= now,
                    article_table.c.removed_at.is_(None))
             .order_by(f.next_due_at).limit(limit))
    try:
        with engine.connect() as connection:
            return [_known(row) for row in connection.execute(query)]
    except SQLAlchemyError as error:
        raise _wrap(engine, "reading due articles", error) from None


def rest_enumerated_at(engine: Engine, endpoint: str) -> dt.datetime | None:
    """When a crawl last walked every page of the WordPress REST endpoint ``endpoint`` (None: never)."""
    f = fetch_state_table.c
    try:
        with engine.connect() as connection:
            return connection.execute(sa.select(f.last_fetched_at).where(
                f.canonical_url == endpoint, f.kind == "wp-rest")).scalar_one_or_none()
    except SQLAlchemyError as error:
        raise _wrap(engine, "reading fetch state", error) from None


def _insert(connection: Connection) -> Any:
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(fetch_state_table)


def upsert(connection: Connection, rows: Sequence[dict[str, Any]], update: Sequence[str]) -> None:
    """Insert fetch_state rows or, for a canonical URL already there, set the ``update`` columns (a NULL
    ``lastmod_seen`` keeps the stored one) and count the fetch."""
    if not rows:
        return
    statement = _insert(connection)
    excluded, table = statement.excluded, fetch_state_table.c
    values: dict[str, Any] = {name: excluded[name] for name in update}
    if "lastmod_seen" in values:
        values["lastmod_seen"] = sa.func.coalesce(excluded.lastmod_seen, table.lastmod_seen)
    values["fetch_count"] = table.fetch_count + 1
    connection.execute(statement.on_conflict_do_update(index_elements=["canonical_url"], set_=values), list(rows))


@dataclass
class _Event:
    known: KnownUrl
    status: int
    fetched_at: dt.datetime
    lastmod: dt.datetime | None


class FetchStateRecorder:
    """Fetch results of one source's crawl, written on the crawl's writer thread (not thread-safe by design)."""

    def __init__(self, engine: Engine, source_key: str, schedule: Sequence[dt.timedelta]) -> None:
        self.engine, self.source_key, self.schedule = engine, source_key, tuple(schedule)
        try:
            with engine.connect() as connection:
                self.source_id: int = connection.execute(
                    sa.select(source_table.c.id).where(source_table.c.key == source_key)).scalar_one()
        except SQLAlchemyError as error:
            raise _wrap(engine, "opening the fetch state", error) from None
        self.pending_articles: dict[str, FetchInfo] = {}
        self._events: list[_Event] = []
        self.not_modified = self.removed = self.refetched = 0

    def due_after(self, published_at: dt.datetime | None, first_seen_at: dt.datetime | None,
                  fetched_at: dt.datetime) -> dt.datetime | None:
        return next_due(published_at, first_seen_at, fetched_at, self.schedule)

    # ------------------------------------------------------------------ queued results (304, 404/410, re-fetch)

    def note_article(self, canonical_url: str, info: FetchInfo) -> None:
        """Validators of a page handed to the article writer; written with the article (``before_write``)."""
        self.pending_articles[canonical_url] = info

    def record(self, known: KnownUrl, status: int, fetched_at: dt.datetime,
               lastmod: dt.datetime | None = None) -> None:
        """A re-fetch of a stored article answered ``status``: 304 (unchanged), 404/410 (removed) or 200 (the
        page goes on to the article writer; only the time is recorded here, its validators come with it)."""
        self._events.append(_Event(known, status, fetched_at, lastmod))
        if len(self._events) >= FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        if not self._events:
            return
        events, self._events = self._events, []
        try:
            with write_transaction(self.engine) as connection:
                self._write_events(connection, events)
        except SQLAlchemyError as error:
            raise _wrap(self.engine, f"storing fetch state of {self.source_key}", error) from None

    def _write_events(self, connection: Connection, events: list[_Event]) -> None:
        timed: list[dict[str, Any]] = []
        gone: list[dict[str, Any]] = []
        for event in events:
            known = event.known
            row = {"source_id": self.source_id, "kind": "article", "canonical_url": known.canonical_url,
                   "url": known.url, "last_status": event.status, "last_fetched_at": event.fetched_at,
                   # A 200 goes on to the article writer: its lastmod counts as seen only once the article is
                   # stored (before_write), or a crash in between would hide the edit from the next crawl.
                   "lastmod_seen": event.lastmod if event.status != 200 else None,
                   "fetch_count": 1, "next_due_at": None}
            if event.status in (404, 410):
                gone.append(row)
                continue
            row["next_due_at"] = self.due_after(known.published_at, known.first_seen_at, event.fetched_at)
            timed.append(row)
            if event.status == 304:
                self.not_modified += 1
            else:
                self.refetched += 1
        update = ("last_status", "last_fetched_at", "next_due_at", "lastmod_seen")
        upsert(connection, timed, update)
        upsert(connection, gone, update)
        if gone:
            a = article_table.c
            connection.execute(article_table.update().where(a.canonical_url == sa.bindparam("b_url"),
                                                            a.removed_at.is_(None)),
                               [{"b_url": row["canonical_url"], "removed_at": row["last_fetched_at"]}
                                for row in gone])
            self.removed += len(gone)
            logger.info("%s: %d stored articles are gone (404/410)", self.source_key, len(gone))

    # ------------------------------------------------------------------ WordPress REST enumeration

    def rest_enumerated(self, endpoint: str, at: dt.datetime) -> None:
        """Every page of the source's REST endpoint was read at ``at`` (next crawls ask only for changes)."""
        row = {"source_id": self.source_id, "kind": "wp-rest", "canonical_url": endpoint, "url": endpoint,
               "last_status": 200, "last_fetched_at": at, "fetch_count": 1}
        try:
            with write_transaction(self.engine) as connection:
                upsert(connection, [row], ("last_status", "last_fetched_at"))
        except SQLAlchemyError as error:
            raise _wrap(self.engine, f"storing fetch state of {self.source_key}", error) from None
