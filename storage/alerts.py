"""Storage for alerts: the new articles a check evaluates (with their mentions), the history conditions ask
about, and the ``alert`` / ``alert_check`` rows — recorded once by dedupe key, claimed before sending so that
two checkers never send one alert twice, and settled as sent, failed (with the next attempt) or skipped.

Articles are written under one database-wide write lock (storage.db.write_transaction), so their ids commit in
increasing order: a check's cursor is simply the highest article id it has seen.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from crawler.alerts.model import COUNTED_ZONES, ArticleFact, MentionFact
from storage.db import as_utc, write_transaction
from storage.models import Alert, AlertCheck, Article, Mention, Source

logger = logging.getLogger(__name__)

alert_table = Alert.__table__
check_table = AlertCheck.__table__
article_table = Article.__table__
mention_table = Mention.__table__
source_table = Source.__table__
_CHUNK = 500

# Loaders of extra per-article facts for conditions and messages (CheckBatch.facts): name -> function of a
# connection and the batch's article ids. The tone analysis registers "tone" here, returning
# {(article_id, entity_id): crawler.alerts.model.Tone}.
FACT_LOADERS: dict[str, Callable[[Connection, list[int]], Any]] = {}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _moment() -> sa.ColumnElement[Any]:
    return sa.func.coalesce(article_table.c.published_at, article_table.c.first_seen_at)


# ------------------------------------------------------------------------------------------- the window


def last_cursor(engine: Engine) -> int | None:
    """The highest article id the last (non-dry) check evaluated, or None before the first check."""
    with engine.connect() as connection:
        return connection.execute(sa.select(sa.func.max(check_table.c.last_article_id))).scalar()


def max_article_id(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.select(sa.func.max(article_table.c.id))).scalar() or 0


def newest_first_seen(engine: Engine) -> dt.datetime | None:
    """When the newest stored article was first stored (None for an empty database)."""
    with engine.connect() as connection:
        return connection.execute(sa.select(sa.func.max(article_table.c.first_seen_at))).scalar()


def first_article_id_since(engine: Engine, first_seen: dt.datetime) -> int:
    """The id just before the first article stored at or after ``first_seen`` (a first check's cursor)."""
    with engine.connect() as connection:
        first = connection.execute(sa.select(sa.func.min(article_table.c.id))
                                   .where(article_table.c.first_seen_at >= first_seen)).scalar()
    return (first - 1) if first is not None else max_article_id(engine)


def new_articles(engine: Engine, *, after_id: int | None = None, upto_id: int | None = None,
                 published_since: dt.datetime | None = None, ids: list[int] | None = None) -> list[ArticleFact]:
    """Articles with ``after_id < id <= upto_id`` (and, with ``published_since``, published on or after it —
    or first stored on or after it when their date is unknown), with their mentions, oldest id first."""
    query = (sa.select(article_table.c.id, article_table.c.url, article_table.c.canonical_url,
                       article_table.c.title, article_table.c.text, article_table.c.published_at,
                       article_table.c.published_utc_offset, article_table.c.first_seen_at,
                       article_table.c.is_advertorial, source_table.c.key, source_table.c.name,
                       source_table.c.timezone)
             .join(source_table, source_table.c.id == article_table.c.source_id)
             .order_by(article_table.c.id))
    if after_id is not None:
        query = query.where(article_table.c.id > after_id)
    if upto_id is not None:
        query = query.where(article_table.c.id <= upto_id)
    if ids is not None:
        query = query.where(article_table.c.id.in_(sorted(set(ids))))
    if published_since is not None:
        query = query.where(sa.or_(article_table.c.published_at >= published_since,
                                   sa.and_(article_table.c.published_at.is_(None),
                                           article_table.c.first_seen_at >= published_since)))
    with engine.connect() as connection:
        rows = connection.execute(query).all()
        mentions: dict[int, list[MentionFact]] = {}
        ids = [row.id for row in rows]
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start:start + _CHUNK]
            for mention in connection.execute(
                    sa.select(mention_table.c.article_id, mention_table.c.entity_id, mention_table.c.zone,
                              mention_table.c.field, mention_table.c.snippet)
                    .where(mention_table.c.article_id.in_(chunk)).order_by(mention_table.c.id)):
                mentions.setdefault(mention.article_id, []).append(
                    MentionFact(mention.entity_id, mention.zone, mention.field, mention.snippet))
    return [ArticleFact(id=row.id, source_key=row.key, source_name=row.name, source_timezone=row.timezone,
                        url=row.url or row.canonical_url, title=row.title or "", text=row.text or "",
                        published_at=as_utc(row.published_at), published_utc_offset=row.published_utc_offset,
                        first_seen_at=as_utc(row.first_seen_at), is_advertorial=bool(row.is_advertorial),
                        mentions=tuple(mentions.get(row.id, ())))
            for row in rows]


def load_facts(engine: Engine, article_ids: list[int]) -> dict[str, Any]:
    """Every registered fact loader's answer for these articles; a loader that fails is logged and left out."""
    facts: dict[str, Any] = {}
    if not FACT_LOADERS or not article_ids:
        return facts
    with engine.connect() as connection:
        for name, loader in FACT_LOADERS.items():
            try:
                facts[name] = loader(connection, article_ids)
            except Exception:  # noqa: BLE001 - an extra fact must never stop the alerts
                logger.exception("alert facts '%s' could not be loaded", name)
    return facts


class StoredHistory:
    """crawler.alerts.model.History answered from the database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _naming(self, entity_ids: frozenset[str]) -> sa.Select:
        return (sa.select(article_table.c.id, _moment().label("moment"), source_table.c.key).distinct()
                .join(mention_table, mention_table.c.article_id == article_table.c.id)
                .join(source_table, source_table.c.id == article_table.c.source_id)
                .where(mention_table.c.entity_id.in_(sorted(entity_ids)),
                       mention_table.c.zone.in_(sorted(COUNTED_ZONES))))

    def coverage(self, entity_ids: frozenset[str], start: dt.datetime, end: dt.datetime
                 ) -> list[tuple[int, dt.datetime]]:
        query = self._naming(entity_ids).where(_moment() >= start, _moment() < end)
        with self.engine.connect() as connection:
            return [(row.id, as_utc(row.moment)) for row in connection.execute(query)]  # type: ignore[misc]

    def first_by_outlet(self, entity_ids: frozenset[str]) -> dict[str, tuple[dt.datetime, int, dt.datetime]]:
        firsts: dict[str, tuple[dt.datetime, int, dt.datetime]] = {}
        query = self._naming(entity_ids).add_columns(article_table.c.first_seen_at)
        with self.engine.connect() as connection:
            for row in connection.execute(query):
                candidate = (as_utc(row.moment), row.id, as_utc(row.first_seen_at))
                if row.key not in firsts or candidate[:2] < firsts[row.key][:2]:
                    firsts[row.key] = candidate  # type: ignore[assignment]
        return firsts

    def articles(self, article_ids: list[int]) -> list[ArticleFact]:
        return new_articles(self.engine, ids=article_ids) if article_ids else []


# ------------------------------------------------------------------------------------------- alert rows


@dataclass(frozen=True)
class AlertRow:
    id: int
    dedupe_key: str
    channel: str
    rule_id: str
    condition: str
    entity_id: str | None
    article_ids: list[int]
    event: dict[str, Any]
    status: str
    digest_period: str | None
    created_at: dt.datetime
    next_attempt_at: dt.datetime | None
    sent_at: dt.datetime | None
    attempts: int
    last_error: str | None


def _row(row: Any) -> AlertRow:
    values = row._asdict()
    for name in ("created_at", "next_attempt_at", "sent_at"):
        values[name] = as_utc(values[name])
    return AlertRow(**values)


def _insert_ignoring_conflicts(connection: Connection) -> Any:
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(alert_table).on_conflict_do_nothing(index_elements=["dedupe_key", "channel"])


def record_alerts(engine: Engine, rows: Sequence[dict[str, Any]]) -> list[tuple[str, str]]:
    """Insert alert rows whose (dedupe_key, channel) is new; the (key, channel) pairs actually inserted."""
    if not rows:
        return []
    with write_transaction(engine) as connection:
        before = _existing(connection, rows)
        fresh = [row for row in rows if (row["dedupe_key"], row["channel"]) not in before]
        if fresh:
            connection.execute(_insert_ignoring_conflicts(connection), fresh)
    return [(row["dedupe_key"], row["channel"]) for row in fresh]


def _existing(connection: Connection, rows: Sequence[dict[str, Any]]) -> set[tuple[str, str]]:
    keys = sorted({row["dedupe_key"] for row in rows})
    found: set[tuple[str, str]] = set()
    for start in range(0, len(keys), _CHUNK):
        found.update((row.dedupe_key, row.channel) for row in connection.execute(
            sa.select(alert_table.c.dedupe_key, alert_table.c.channel)
            .where(alert_table.c.dedupe_key.in_(keys[start:start + _CHUNK]))))
    return found


def known_alerts(engine: Engine, pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which (dedupe_key, channel) pairs are already recorded (for a dry run)."""
    rows = [{"dedupe_key": key, "channel": channel} for key, channel in pairs]
    if not rows:
        return set()
    with engine.connect() as connection:
        return _existing(connection, rows)


def claim_due(engine: Engine, now: dt.datetime, lease: dt.timedelta) -> list[AlertRow]:
    """Pending and failed alerts due by ``now``, claimed for ``lease`` (their next attempt moves past it), so
    that a second checker running at the same time leaves them alone."""
    with write_transaction(engine) as connection:
        rows = [_row(row) for row in connection.execute(
            sa.select(alert_table).where(alert_table.c.status.in_(("pending", "failed")),
                                         alert_table.c.next_attempt_at <= now)
            .order_by(alert_table.c.created_at, alert_table.c.id))]
        for start in range(0, len(rows), _CHUNK):
            connection.execute(alert_table.update()
                               .where(alert_table.c.id.in_([row.id for row in rows[start:start + _CHUNK]]))
                               .values(next_attempt_at=now + lease))
    return rows


def _update(engine: Engine, ids: Sequence[int], **values: Any) -> None:
    if not ids:
        return
    with write_transaction(engine) as connection:
        for start in range(0, len(ids), _CHUNK):
            connection.execute(alert_table.update().where(alert_table.c.id.in_(list(ids[start:start + _CHUNK])))
                               .values(**values))


def mark_sent(engine: Engine, ids: Sequence[int], now: dt.datetime) -> None:
    _update(engine, ids, status="sent", sent_at=now, next_attempt_at=None, attempts=alert_table.c.attempts + 1)


def mark_failed(engine: Engine, ids: Sequence[int], error: str, next_attempt_at: dt.datetime | None) -> None:
    """A failed attempt: retried at ``next_attempt_at``, or given up when that is None."""
    _update(engine, ids, status="failed" if next_attempt_at else "gave-up", last_error=error[:2000],
            next_attempt_at=next_attempt_at, attempts=alert_table.c.attempts + 1)


def mark_skipped(engine: Engine, ids: Sequence[int], reason: str) -> None:
    _update(engine, ids, status="skipped", last_error=reason[:2000], next_attempt_at=None)


def release(engine: Engine, ids: Sequence[int], at: dt.datetime) -> None:
    """Give claimed alerts back, due at ``at`` (quiet hours began, or the check ran out of time)."""
    _update(engine, ids, next_attempt_at=at)


def record_check(engine: Engine, *, started_at: dt.datetime, finished_at: dt.datetime, last_article_id: int,
                 articles: int, events: int, sent: int, failed: int) -> None:
    with write_transaction(engine) as connection:
        connection.execute(check_table.insert().values(
            started_at=started_at, finished_at=finished_at, last_article_id=last_article_id, articles=articles,
            events=events, sent=sent, failed=failed))


def list_alerts(engine: Engine, *, status: Sequence[str] | None = None, rule_id: str | None = None,
                since: dt.datetime | None = None, limit: int = 50) -> list[AlertRow]:
    """Alert rows, newest first."""
    query = sa.select(alert_table).order_by(alert_table.c.created_at.desc(), alert_table.c.id.desc()).limit(limit)
    if status:
        query = query.where(alert_table.c.status.in_(list(status)))
    if rule_id:
        query = query.where(alert_table.c.rule_id == rule_id)
    if since is not None:
        query = query.where(alert_table.c.created_at >= since)
    with engine.connect() as connection:
        return [_row(row) for row in connection.execute(query)]
