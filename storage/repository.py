"""Everything Pantau writes to SQL and the few reads the crawler needs: config mirroring, crawl runs, articles.

Writes are Core statements, one transaction per unit of work (:func:`storage.db.write_transaction`), batched
where volume matters. :class:`ArticleWriter` is the one writer of articles: idempotent by canonical URL (the
same text again writes nothing; changed text updates the row and replaces its mentions and quotes; a new URL
inserts), with ``INSERT … ON CONFLICT`` for each dialect and mentions as a plain multi-row INSERT.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import time
import zoneinfo
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from crawler.article import Article, Mention, Quote
from crawler.config import EntityConfig, SourceConfig
from storage import models
from storage.db import StorageError, safe_url, write_transaction

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

RunTrigger = Literal["manual", "scheduled"]
RunStatus = Literal["running", "succeeded", "failed", "timed-out", "interrupted"]
FINISHED_STATUSES = ("succeeded", "failed", "timed-out", "interrupted")

source_table = models.Source.__table__
crawl_run_table = models.CrawlRun.__table__
article_table = models.Article.__table__
entity_table = models.Entity.__table__
alias_table = models.EntityAlias.__table__
mention_table = models.Mention.__table__
quote_table = models.Quote.__table__

# Stay well under SQLite's and PostgreSQL's limits on bound parameters in one IN (…) list.
_IN_CHUNK = 500


class UnknownSourceError(StorageError):
    """A source key that the ``source`` table does not have (sync the config first)."""


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _chunks(items: Sequence[Any], size: int = _IN_CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _source_row(connection: Connection, source_key: str) -> sa.Row[Any]:
    row = connection.execute(
        sa.select(source_table.c.id, source_table.c.timezone).where(source_table.c.key == source_key)
    ).first()
    if row is None:
        raise UnknownSourceError(f"unknown source '{source_key}': it is not in the database; "
                                 "check the key (pantau sources list) or sync the config first")
    return row


def _wrap(engine: Engine, action: str, error: SQLAlchemyError) -> StorageError:
    original = getattr(error, "orig", None) or error
    first = next((line.strip() for line in str(original).splitlines() if line.strip()), type(error).__name__)
    return StorageError(f"{action} failed on {safe_url(engine.url)}: {first}")


# ----------------------------------------------------------------------------------------------- config sync


@dataclass
class SyncResult:
    """What :func:`sync_config` changed (all zero when the database already mirrored the config)."""

    sources_added: int = 0
    sources_updated: int = 0
    sources_removed: int = 0
    entities_added: int = 0
    entities_updated: int = 0
    entities_removed: int = 0
    aliases_added: int = 0
    aliases_removed: int = 0

    @property
    def changed(self) -> bool:
        return any(asdict(self).values())


def _source_values(source: SourceConfig) -> dict[str, Any]:
    return {
        "key": source.key,
        "name": source.name,
        "home_url": source.home_url,
        "region": source.region,
        "scope": source.scope,
        "timezone": source.timezone,
        "language": source.language,
        "interval_minutes": source.interval_minutes,
        "cron": source.cron,
        "enabled": source.enabled,
        "in_config": True,
        "config": source.model_dump(mode="json", by_alias=True),
    }


def _entity_values(entity: EntityConfig) -> dict[str, Any]:
    return {
        "id": entity.id,
        "name": entity.name,
        "acronym": entity.acronym,
        "kind": entity.kind,
        "level": entity.level,
        "region": entity.region,
        "valid_from": entity.valid_from,
        "valid_to": entity.valid_to,
        "in_config": True,
    }


def explicit_aliases(entity: EntityConfig) -> list[str]:
    """The surface forms an entity names itself: its name, acronym and aliases, in that order, once each."""
    forms = [entity.name, entity.acronym, *entity.aliases]
    return list(dict.fromkeys(form.strip() for form in forms if form and form.strip()))


def _differs(row: Mapping[str, Any], values: Mapping[str, Any]) -> bool:
    return any(row[name] != value for name, value in values.items())


def sync_config(engine: Engine, sources: Iterable[SourceConfig], entities: Iterable[EntityConfig]) -> SyncResult:
    """Mirror validated config into ``source``, ``entity`` and ``entity_alias`` in one transaction.

    New rows are inserted and changed rows updated; sources and agencies that left the config keep their rows
    (their articles and mentions point at them) with ``in_config`` false, and such sources are disabled.
    Explicit aliases follow the config exactly; derived aliases (:func:`sync_derived_aliases`) are left alone.
    Running it twice changes nothing the second time.
    """
    sources, entities = list(sources), list(entities)
    result = SyncResult()
    now = utc_now()
    try:
        with write_transaction(engine) as connection:
            _sync_sources(connection, sources, now, result)
            _sync_entities(connection, entities, now, result)
            _sync_explicit_aliases(connection, entities, result)
    except SQLAlchemyError as error:
        raise _wrap(engine, "syncing the config", error) from None
    if result.changed:
        logger.info("config synced: %s", result)
    return result


def _sync_sources(connection: Connection, sources: list[SourceConfig], now: dt.datetime,
                  result: SyncResult) -> None:
    existing = {row.key: row._mapping for row in connection.execute(sa.select(source_table))}
    for source in sources:
        values = _source_values(source)
        row = existing.get(source.key)
        if row is None:
            connection.execute(source_table.insert().values(**values, updated_at=now))
            result.sources_added += 1
        elif _differs(row, values):
            connection.execute(source_table.update().where(source_table.c.id == row["id"])
                               .values(**values, updated_at=now))
            result.sources_updated += 1
    configured = {source.key for source in sources}
    removed = [row["id"] for key, row in existing.items() if key not in configured and row["in_config"]]
    if removed:
        connection.execute(source_table.update().where(source_table.c.id.in_(removed))
                           .values(enabled=False, in_config=False, updated_at=now))
        result.sources_removed = len(removed)


def _sync_entities(connection: Connection, entities: list[EntityConfig], now: dt.datetime,
                   result: SyncResult) -> None:
    existing = {row.id: row._mapping for row in connection.execute(sa.select(entity_table))}
    # Insert without links first: a parent or successor may come later in the list (foreign keys are checked
    # at once on SQLite), then set the links.
    for entity in entities:
        values = _entity_values(entity)
        row = existing.get(entity.id)
        if row is None:
            connection.execute(entity_table.insert().values(**values, updated_at=now))
            result.entities_added += 1
        elif _differs(row, values) or (row["parent_id"], row["successor_id"]) != (entity.parent, entity.successor):
            connection.execute(entity_table.update().where(entity_table.c.id == entity.id)
                               .values(**values, updated_at=now))
            result.entities_updated += 1
    for entity in entities:
        row = existing.get(entity.id)
        if row is None or (row["parent_id"], row["successor_id"]) != (entity.parent, entity.successor):
            connection.execute(entity_table.update().where(entity_table.c.id == entity.id)
                               .values(parent_id=entity.parent, successor_id=entity.successor))
    configured = {entity.id for entity in entities}
    removed = [key for key, row in existing.items() if key not in configured and row["in_config"]]
    for chunk in _chunks(removed):
        connection.execute(entity_table.update().where(entity_table.c.id.in_(chunk))
                           .values(in_config=False, updated_at=now))
    result.entities_removed = len(removed)


def _sync_explicit_aliases(connection: Connection, entities: list[EntityConfig], result: SyncResult) -> None:
    existing: dict[str, dict[str, tuple[int, str]]] = {}
    for row in connection.execute(sa.select(alias_table)):
        existing.setdefault(row.entity_id, {})[row.alias] = (row.id, row.origin)
    inserts: list[dict[str, Any]] = []
    promote: list[int] = []
    remove: list[int] = []
    for entity in entities:
        wanted = explicit_aliases(entity)
        stored = existing.get(entity.id, {})
        for alias in wanted:
            if alias not in stored:
                inserts.append({"entity_id": entity.id, "alias": alias, "origin": "explicit"})
            elif stored[alias][1] != "explicit":
                promote.append(stored[alias][0])
        remove.extend(alias_id for alias, (alias_id, origin) in stored.items()
                      if origin == "explicit" and alias not in wanted)
    if inserts:
        connection.execute(alias_table.insert(), inserts)
    for chunk in _chunks(promote):
        connection.execute(alias_table.update().where(alias_table.c.id.in_(chunk)).values(origin="explicit"))
    for chunk in _chunks(remove):
        connection.execute(alias_table.delete().where(alias_table.c.id.in_(chunk)))
    result.aliases_added, result.aliases_removed = len(inserts) + len(promote), len(remove)


def sync_derived_aliases(engine: Engine, aliases: Mapping[str, Iterable[str]]) -> int:
    """Replace the derived aliases of each entity in ``aliases`` (forms that are explicit stay explicit).

    Returns the number of derived aliases stored. Entities not in the mapping keep theirs.
    """
    try:
        with write_transaction(engine) as connection:
            ids = list(aliases)
            explicit: dict[str, set[str]] = {}
            for chunk in _chunks(ids):
                connection.execute(alias_table.delete().where(alias_table.c.entity_id.in_(chunk),
                                                              alias_table.c.origin == "derived"))
                for row in connection.execute(sa.select(alias_table.c.entity_id, alias_table.c.alias)
                                              .where(alias_table.c.entity_id.in_(chunk))):
                    explicit.setdefault(row.entity_id, set()).add(row.alias)
            rows = [{"entity_id": entity_id, "alias": alias, "origin": "derived"}
                    for entity_id, forms in aliases.items()
                    for alias in dict.fromkeys(forms) if alias not in explicit.get(entity_id, set())]
            if rows:
                connection.execute(alias_table.insert(), rows)
            return len(rows)
    except SQLAlchemyError as error:
        raise _wrap(engine, "storing derived aliases", error) from None


# ------------------------------------------------------------------------------------------------ crawl runs


@dataclass(frozen=True)
class RunStats:
    """The counts a crawl run reports when it finishes."""

    pages: int = 0
    new_articles: int = 0
    updated_articles: int = 0
    mentions: int = 0
    errors: int = 0


@dataclass(frozen=True)
class RunRecord:
    """One row of ``crawl_run``, with its source's key."""

    id: int
    source_key: str
    trigger: str
    status: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    hostname: str | None
    pid: int | None
    pages: int
    new_articles: int
    updated_articles: int
    mentions: int
    errors: int
    error_summary: str | None

    @property
    def duration(self) -> dt.timedelta | None:
        return self.finished_at - self.started_at if self.finished_at else None


def start_run(engine: Engine, source_key: str, trigger: RunTrigger, pid: int | None = None) -> int:
    """Record that a crawl of ``source_key`` starts now; returns the run id. ``pid`` defaults to this process."""
    if trigger not in ("manual", "scheduled"):
        raise ValueError(f"trigger must be 'manual' or 'scheduled', not {trigger!r}")
    try:
        with write_transaction(engine) as connection:
            source = _source_row(connection, source_key)
            return connection.execute(crawl_run_table.insert().values(
                source_id=source.id, trigger=trigger, status="running", started_at=utc_now(),
                hostname=socket.gethostname(), pid=os.getpid() if pid is None else pid,
                pages=0, new_articles=0, updated_articles=0, mentions=0, errors=0,
            ).returning(crawl_run_table.c.id)).scalar_one()
    except SQLAlchemyError as error:
        raise _wrap(engine, "starting a crawl run", error) from None


def set_run_pid(engine: Engine, run_id: int, pid: int) -> None:
    """Record the process that does the run (the daemon knows it only after starting the child)."""
    with write_transaction(engine) as connection:
        connection.execute(crawl_run_table.update().where(crawl_run_table.c.id == run_id).values(pid=pid))


def finish_run(engine: Engine, run_id: int, status: RunStatus, stats: RunStats | Mapping[str, int] | None = None,
               error_summary: str | None = None) -> None:
    """Record the end of a run: its final status, counts and (for failures) a short error summary."""
    if status not in FINISHED_STATUSES:
        raise ValueError(f"status must be one of {', '.join(FINISHED_STATUSES)}, not {status!r}")
    if stats is None:
        counts: dict[str, int] = {}
    elif isinstance(stats, RunStats):
        counts = asdict(stats)
    else:
        known = {f.name for f in fields(RunStats)}
        unknown = set(stats) - known
        if unknown:
            raise ValueError(f"unknown run counts {sorted(unknown)}; expected {sorted(known)}")
        counts = dict(stats)
    try:
        with write_transaction(engine) as connection:
            updated = connection.execute(crawl_run_table.update().where(crawl_run_table.c.id == run_id).values(
                status=status, finished_at=utc_now(), error_summary=error_summary, **counts))
            if updated.rowcount == 0:
                raise StorageError(f"crawl run {run_id} does not exist in {safe_url(engine.url)}")
    except SQLAlchemyError as error:
        raise _wrap(engine, "finishing a crawl run", error) from None


# A run's process may start a little after its row (the daemon claims the row, then starts the child), and
# /proc start times are rounded to clock ticks and boot-time seconds.
PID_START_SLACK = dt.timedelta(seconds=60)


def process_alive(pid: int | None, started_by: dt.datetime | None = None) -> bool:
    """True when process ``pid`` exists on this machine (and, when known, had started by ``started_by``).

    The start-time check tells a live crawl from a younger process that reuses the pid of a dead one.
    """
    if pid is None or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except PermissionError:
        pass  # exists, owned by someone else
    except OSError:
        return False
    if started_by is not None:
        process_start = _process_started_at(pid)
        if process_start is not None and process_start > started_by + PID_START_SLACK:
            return False
    return True


def _process_started_at(pid: int) -> dt.datetime | None:
    """When process ``pid`` started, from Linux's /proc; None elsewhere."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            ticks = int(stat.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/stat", encoding="ascii") as system:
            boot = next(int(line.split()[1]) for line in system if line.startswith("btime "))
        return dt.datetime.fromtimestamp(boot + ticks / os.sysconf("SC_CLK_TCK"), dt.timezone.utc)
    except (OSError, ValueError, IndexError, StopIteration):
        return None


def mark_orphaned_runs_interrupted(engine: Engine, *,
                                   other_hosts_started_before: dt.datetime | None = None) -> list[int]:
    """Mark ``running`` rows whose process is gone as ``interrupted``; returns their ids.

    Runs of this host are orphaned when their pid is dead (or now belongs to a younger process). Runs recorded
    by another host are only touched when they started before ``other_hosts_started_before``.
    """
    hostname = socket.gethostname()
    try:
        with write_transaction(engine) as connection:
            running = connection.execute(
                sa.select(crawl_run_table.c.id, crawl_run_table.c.hostname, crawl_run_table.c.pid,
                          crawl_run_table.c.started_at).where(crawl_run_table.c.status == "running")
            ).all()
            orphaned = [
                run.id for run in running
                if (run.hostname in (hostname, None) and not process_alive(run.pid, run.started_at))
                or (run.hostname not in (hostname, None) and other_hosts_started_before is not None
                    and run.started_at < other_hosts_started_before)
            ]
            for chunk in _chunks(orphaned):
                connection.execute(crawl_run_table.update().where(crawl_run_table.c.id.in_(chunk)).values(
                    status="interrupted", finished_at=utc_now(),
                    error_summary=sa.func.coalesce(crawl_run_table.c.error_summary,
                                                   "the crawl process ended without recording a result")))
    except SQLAlchemyError as error:
        raise _wrap(engine, "marking orphaned runs", error) from None
    if orphaned:
        logger.warning("marked %d orphaned crawl runs interrupted: %s", len(orphaned), orphaned)
    return orphaned


def recent_runs(engine: Engine, limit: int = 20, source_key: str | None = None) -> list[RunRecord]:
    """The newest ``limit`` crawl runs (of one source, when given), newest first."""
    query = (sa.select(*[c for c in crawl_run_table.c if c.name != "source_id"],
                       source_table.c.key.label("source_key"))
             .join(source_table, source_table.c.id == crawl_run_table.c.source_id)
             .order_by(crawl_run_table.c.started_at.desc(), crawl_run_table.c.id.desc()).limit(limit))
    if source_key is not None:
        query = query.where(source_table.c.key == source_key)
    try:
        with engine.connect() as connection:
            return [RunRecord(**row._mapping) for row in connection.execute(query)]
    except SQLAlchemyError as error:
        raise _wrap(engine, "reading crawl runs", error) from None


# -------------------------------------------------------------------------------------------------- articles


def known_canonical_urls(engine: Engine, source_key: str) -> set[str]:
    """Canonical URLs already stored for ``source_key`` (the spider does not download them again)."""
    query = (sa.select(article_table.c.canonical_url)
             .join(source_table, source_table.c.id == article_table.c.source_id)
             .where(source_table.c.key == source_key))
    try:
        with engine.connect() as connection:
            return set(connection.execute(query).scalars())
    except SQLAlchemyError as error:
        raise _wrap(engine, "reading stored URLs", error) from None


def _without_nul(value: str | None) -> str | None:
    # PostgreSQL text cannot hold NUL characters; a stray one in a scraped page must not lose the batch.
    return value.replace("\x00", "") if value and "\x00" in value else value


def _aware(value: dt.datetime | None, zone: dt.tzinfo) -> dt.datetime | None:
    if value is None or (value.tzinfo is not None and value.utcoffset() is not None):
        return value
    return value.replace(tzinfo=zone)


def _offset_minutes(value: dt.datetime | None) -> int | None:
    if value is None:
        return None
    offset = value.utcoffset()
    return None if offset is None else int(offset.total_seconds() // 60)


def _article_values(article: Article, zone: dt.tzinfo) -> dict[str, Any]:
    """Column values that come from the article itself (not from the fetch or the row's history)."""
    published_at = _aware(article.published_at, zone)
    return {
        "url": article.url,
        "title": _without_nul(article.title),
        "authors": list(article.authors),
        "editors": list(article.editors),
        "published_at": published_at,
        "published_utc_offset": _offset_minutes(published_at),
        "modified_at": _aware(article.modified_at, zone),
        "date_source": article.date_source,
        "published_time_known": article.published_time_known,
        "language": article.language,
        "text_hash": article.text_hash,
        "text": _without_nul(article.text) or "",
        "word_count": article.word_count,
        "section": article.section,
        "tags": list(article.tags),
        "captions": list(article.captions),
        "related": list(article.related),
        "byline": _without_nul(article.byline),
        "site_name": article.site_name,
        "is_advertorial": bool(article.is_advertorial),
        "pages": article.pages,
    }


class _EntityIds:
    """The entity ids that exist, so that a mention of an agency missing from the table is dropped, not fatal."""

    def __init__(self) -> None:
        self._known: set[str] = set()
        self._warned: set[str] = set()

    def filter(self, connection: Connection, mentions: Iterable[Mention], quotes: Iterable[Quote]
               ) -> tuple[list[Mention], list[Quote]]:
        mentions, quotes = list(mentions), list(quotes)
        wanted = {m.entity_id for m in mentions} | {q.entity_id for q in quotes if q.entity_id}
        if not wanted <= self._known:
            self._known = set(connection.execute(sa.select(entity_table.c.id)).scalars())
        missing = wanted - self._known
        if missing - self._warned:
            logger.warning("dropping mentions of agencies that are not in the entity table "
                           "(sync the dictionary first): %s", ", ".join(sorted(missing - self._warned)))
            self._warned |= missing
        if missing:
            mentions = [m for m in mentions if m.entity_id not in missing]
            quotes = [q if q.entity_id not in missing else Quote(q.text, q.start, q.end, q.speaker, None)
                      for q in quotes]
        return mentions, quotes


def _mention_rows(article_id: int, mentions: Iterable[Mention]) -> list[dict[str, Any]]:
    return [{"article_id": article_id, "entity_id": m.entity_id, "surface": _without_nul(m.surface),
             "start_offset": m.start, "end_offset": m.end, "field": m.field, "zone": m.zone,
             "resolution": m.resolution, "snippet": _without_nul(m.snippet) or ""} for m in mentions]


def _quote_rows(article_id: int, quotes: Iterable[Quote]) -> list[dict[str, Any]]:
    return [{"article_id": article_id, "speaker": _without_nul(q.speaker), "entity_id": q.entity_id,
             "text": _without_nul(q.text) or "", "start_offset": q.start, "end_offset": q.end} for q in quotes]


def _insert_ignoring_conflicts(connection: Connection) -> Any:
    if connection.dialect.name == "postgresql":
        return postgresql.insert(article_table).on_conflict_do_nothing(index_elements=["canonical_url"])
    return sqlite.insert(article_table).on_conflict_do_nothing(index_elements=["canonical_url"])


@dataclass
class _Pending:
    article: Article
    mentions: list[Mention]
    quotes: list[Quote]
    http_status: int | None
    fetched_at: dt.datetime


@dataclass
class _BatchOutcome:
    new_articles: int = 0
    updated_articles: int = 0
    unchanged_articles: int = 0
    failed_articles: int = 0
    new_mentions: int = 0

    def add(self, other: _BatchOutcome) -> None:
        for name in ("new_articles", "updated_articles", "unchanged_articles", "failed_articles", "new_mentions"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


class ArticleWriter:
    """Stores a source's articles with their mentions and quotes, in batches; idempotent by canonical URL.

    ``add`` queues an article and writes the queue once it holds ``batch_size`` articles or its oldest article
    waited ``max_delay`` seconds (so a slow, polite crawl that is killed loses little). ``flush`` writes the
    queue in one transaction; use the writer as a context manager or call ``close`` to write the rest.
    Running totals: ``new_articles``, ``updated_articles``, ``new_mentions``, ``unchanged_articles`` and
    ``failed_articles`` (articles the database refused; logged, the rest of their batch is kept).
    """

    def __init__(self, engine: Engine, source_key: str, run_id: int | None = None, batch_size: int = 500,
                 max_delay: float = 30.0) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.engine, self.source_key, self.run_id = engine, source_key, run_id
        self.batch_size, self.max_delay = batch_size, max_delay
        try:
            with engine.connect() as connection:
                source = _source_row(connection, source_key)
        except SQLAlchemyError as error:
            raise _wrap(engine, "opening the article writer", error) from None
        self.source_id: int = source.id
        self.zone = zoneinfo.ZoneInfo(source.timezone)
        self._pending: dict[str, _Pending] = {}
        self._oldest: float | None = None
        self._entities = _EntityIds()
        self.new_articles = self.updated_articles = self.new_mentions = 0
        self.unchanged_articles = self.failed_articles = 0

    def __enter__(self) -> ArticleWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def pending(self) -> int:
        return len(self._pending)

    def add(self, article: Article, mentions: Sequence[Mention] = (), quotes: Sequence[Quote] = (),
            http_status: int | None = 200, fetched_at: dt.datetime | None = None) -> None:
        """Queue one article (a later add of the same canonical URL replaces the queued one)."""
        if fetched_at is None:
            fetched_at = utc_now()
        elif fetched_at.tzinfo is None:
            fetched_at = fetched_at.astimezone()  # a naive machine time is this machine's local time
        self._pending[article.canonical_url] = _Pending(article, list(mentions), list(quotes), http_status,
                                                        fetched_at)
        if self._oldest is None:
            self._oldest = time.monotonic()
        if len(self._pending) >= self.batch_size or time.monotonic() - self._oldest >= self.max_delay:
            self.flush()

    def flush(self) -> None:
        """Write the queued articles in one transaction (article by article if the database refuses one)."""
        if not self._pending:
            return
        batch = list(self._pending.values())
        try:
            outcome = self._write(batch)
        except (IntegrityError, sa.exc.DataError) as error:
            logger.warning("a batch of %d articles of %s was refused (%s); storing them one by one",
                           len(batch), self.source_key, str(getattr(error, "orig", error)).splitlines()[0])
            outcome = self._write_one_by_one(batch)
        except SQLAlchemyError as error:
            raise _wrap(self.engine, f"storing {len(batch)} articles of {self.source_key}", error) from None
        self._pending.clear()
        self._oldest = None
        self.new_articles += outcome.new_articles
        self.updated_articles += outcome.updated_articles
        self.unchanged_articles += outcome.unchanged_articles
        self.failed_articles += outcome.failed_articles
        self.new_mentions += outcome.new_mentions

    def close(self) -> None:
        self.flush()

    def _write_one_by_one(self, batch: list[_Pending]) -> _BatchOutcome:
        total = _BatchOutcome()
        for item in batch:
            try:
                total.add(self._write([item]))
            except (IntegrityError, sa.exc.DataError) as error:
                logger.error("cannot store %s: %s", item.article.canonical_url,
                             str(getattr(error, "orig", error)).splitlines()[0])
                total.failed_articles += 1
        return total

    def _write(self, batch: list[_Pending]) -> _BatchOutcome:
        outcome = _BatchOutcome()
        with write_transaction(self.engine) as connection:
            urls = [item.article.canonical_url for item in batch]
            stored: dict[str, tuple[int, str]] = {}
            for chunk in _chunks(urls):
                for row in connection.execute(
                        sa.select(article_table.c.canonical_url, article_table.c.id, article_table.c.text_hash)
                        .where(article_table.c.canonical_url.in_(chunk))):
                    stored[row.canonical_url] = (row.id, row.text_hash)

            inserts: list[dict[str, Any]] = []
            updates: list[dict[str, Any]] = []
            rewritten: dict[str, int] = {}
            for item in batch:
                values = _article_values(item.article, self.zone)
                values.update(fetched_at=item.fetched_at, http_status=item.http_status,
                              last_crawl_run_id=self.run_id)
                known = stored.get(item.article.canonical_url)
                if known is None:
                    inserts.append({**values, "source_id": self.source_id,
                                    "canonical_url": item.article.canonical_url,
                                    "first_seen_at": item.fetched_at, "updated_at": None})
                elif known[1] != values["text_hash"]:
                    updates.append({**values, "b_id": known[0], "updated_at": item.fetched_at})
                    rewritten[item.article.canonical_url] = known[0]
                else:
                    outcome.unchanged_articles += 1

            inserted: dict[str, int] = {}
            if inserts:
                # No RETURNING: a plain executemany is pipelined by psycopg and batched by SQLite; the ids come
                # from one SELECT. The write lock means every URL not stored before is now ours.
                connection.execute(_insert_ignoring_conflicts(connection), inserts)
                new_urls = [row["canonical_url"] for row in inserts]
                for chunk in _chunks(new_urls):
                    inserted.update(connection.execute(
                        sa.select(article_table.c.canonical_url, article_table.c.id)
                        .where(article_table.c.canonical_url.in_(chunk))).all())
                outcome.new_articles = len(inserted)
                outcome.unchanged_articles += len(inserts) - len(inserted)
            if updates:
                connection.execute(article_table.update().where(article_table.c.id == sa.bindparam("b_id")),
                                   updates)
                outcome.updated_articles = len(updates)
                rewritten_ids = [row["b_id"] for row in updates]
                for chunk in _chunks(rewritten_ids):
                    connection.execute(mention_table.delete().where(mention_table.c.article_id.in_(chunk)))
                    connection.execute(quote_table.delete().where(quote_table.c.article_id.in_(chunk)))

            mention_rows: list[dict[str, Any]] = []
            quote_rows: list[dict[str, Any]] = []
            for item in batch:
                url = item.article.canonical_url
                article_id = inserted.get(url) or rewritten.get(url)
                if article_id is None:
                    continue
                mentions, quotes = self._entities.filter(connection, item.mentions, item.quotes)
                mention_rows += _mention_rows(article_id, mentions)
                quote_rows += _quote_rows(article_id, quotes)
            if mention_rows:
                connection.execute(mention_table.insert(), mention_rows)
            if quote_rows:
                connection.execute(quote_table.insert(), quote_rows)
            outcome.new_mentions = len(mention_rows)

            if self.run_id is not None and (outcome.new_articles or outcome.updated_articles):
                run = crawl_run_table.c
                connection.execute(crawl_run_table.update().where(run.id == self.run_id).values(
                    new_articles=run.new_articles + outcome.new_articles,
                    updated_articles=run.updated_articles + outcome.updated_articles,
                    mentions=run.mentions + outcome.new_mentions))
        return outcome


# ------------------------------------------------------------------------------------------------ re-matching


@dataclass(frozen=True)
class StoredArticle:
    """An article read back from SQL: its row id, source, and the :class:`Article` the matcher takes."""

    id: int
    source_key: str
    article: Article


def _restore_zone(value: dt.datetime | None, offset_minutes: int | None) -> dt.datetime | None:
    if value is None or offset_minutes is None:
        return value
    return value.astimezone(dt.timezone(dt.timedelta(minutes=offset_minutes)))


def _article_filter(query: sa.Select, since: dt.datetime | dt.date | None, source_key: str | None) -> sa.Select:
    """Restrict a query over article (joined with source) to ``since`` and ``source_key``."""
    if since is not None:
        if not isinstance(since, dt.datetime):
            since = dt.datetime.combine(since, dt.time(), dt.timezone.utc)
        elif since.tzinfo is None:
            since = since.replace(tzinfo=dt.timezone.utc)
        query = query.where(sa.or_(article_table.c.published_at >= since,
                                   sa.and_(article_table.c.published_at.is_(None),
                                           article_table.c.first_seen_at >= since)))
    if source_key is not None:
        query = query.where(source_table.c.key == source_key)
    return query


def count_articles(engine: Engine, since: dt.datetime | dt.date | None = None, source_key: str | None = None) -> int:
    """How many articles :func:`stored_articles` would return with the same filters."""
    query = sa.select(sa.func.count(article_table.c.id)).join(
        source_table, source_table.c.id == article_table.c.source_id)
    return _count(engine, _article_filter(query, since, source_key), "counting articles")


def count_mentions(engine: Engine, since: dt.datetime | dt.date | None = None, source_key: str | None = None) -> int:
    """Mentions stored for the articles :func:`stored_articles` would return with the same filters."""
    query = (sa.select(sa.func.count(mention_table.c.id))
             .join(article_table, article_table.c.id == mention_table.c.article_id)
             .join(source_table, source_table.c.id == article_table.c.source_id))
    return _count(engine, _article_filter(query, since, source_key), "counting mentions")


def _count(engine: Engine, query: sa.Select, action: str) -> int:
    try:
        with engine.connect() as connection:
            return connection.execute(query).scalar_one()
    except SQLAlchemyError as error:
        raise _wrap(engine, action, error) from None


def stored_articles(engine: Engine, since: dt.datetime | dt.date | None = None, source_key: str | None = None,
                    batch_size: int = 500) -> Iterator[StoredArticle]:
    """Stored articles in id order, read in pages so that no transaction stays open between them.

    ``since`` keeps articles published at or after it (those without a publication time count from when they
    were first seen); a date means its midnight UTC. published_at comes back in its original offset.
    """
    columns = [c for c in article_table.c if c.name not in ("source_id",)]
    query = (sa.select(*columns, source_table.c.key.label("source_key"))
             .join(source_table, source_table.c.id == article_table.c.source_id)
             .order_by(article_table.c.id).limit(batch_size))
    query = _article_filter(query, since, source_key)
    last_id = 0
    while True:
        try:
            with engine.connect() as connection:
                rows = connection.execute(query.where(article_table.c.id > last_id)).all()
        except SQLAlchemyError as error:
            raise _wrap(engine, "reading stored articles", error) from None
        for row in rows:
            yield StoredArticle(id=row.id, source_key=row.source_key, article=Article(
                url=row.url, canonical_url=row.canonical_url, title=row.title, text=row.text,
                authors=list(row.authors or []), editors=list(row.editors or []),
                published_at=_restore_zone(row.published_at, row.published_utc_offset),
                modified_at=_restore_zone(row.modified_at, row.published_utc_offset),
                date_source=row.date_source, published_time_known=row.published_time_known,
                language=row.language, site_name=row.site_name,
                section=row.section, tags=list(row.tags or []), captions=list(row.captions or []),
                related=list(row.related or []), byline=row.byline, is_advertorial=row.is_advertorial,
                pages=row.pages))
        if len(rows) < batch_size:
            return
        last_id = rows[-1].id


def replace_mentions_many(engine: Engine,
                          results: Mapping[int, tuple[Sequence[Mention], Sequence[Quote] | None]]) -> int:
    """Replace the mentions (and quotes, unless given as None) of many articles in one transaction.

    Returns the number of mentions stored.
    """
    entity_ids = _EntityIds()
    try:
        with write_transaction(engine) as connection:
            article_ids = list(results)
            mention_rows: list[dict[str, Any]] = []
            quote_rows: list[dict[str, Any]] = []
            quotes_replaced: list[int] = []
            for article_id, (mentions, quotes) in results.items():
                kept_mentions, kept_quotes = entity_ids.filter(connection, mentions, quotes or ())
                mention_rows += _mention_rows(article_id, kept_mentions)
                if quotes is not None:
                    quotes_replaced.append(article_id)
                    quote_rows += _quote_rows(article_id, kept_quotes)
            for chunk in _chunks(article_ids):
                connection.execute(mention_table.delete().where(mention_table.c.article_id.in_(chunk)))
            for chunk in _chunks(quotes_replaced):
                connection.execute(quote_table.delete().where(quote_table.c.article_id.in_(chunk)))
            if mention_rows:
                connection.execute(mention_table.insert(), mention_rows)
            if quote_rows:
                connection.execute(quote_table.insert(), quote_rows)
            return len(mention_rows)
    except SQLAlchemyError as error:
        raise _wrap(engine, "replacing mentions", error) from None


def replace_mentions(engine: Engine, article_id: int, mentions: Sequence[Mention],
                     quotes: Sequence[Quote] | None = None) -> int:
    """Replace one article's mentions (and its quotes, unless ``quotes`` is None); returns mentions stored."""
    return replace_mentions_many(engine, {article_id: (mentions, quotes)})
