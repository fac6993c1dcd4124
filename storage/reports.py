"""The reads behind ``pantau report`` and ``pantau export``: plain queries over the analyst views.

Every report counts what the views count (docs/schema.md): mentions in the title, lead, body and quote zones,
days as the publication's own local calendar day (``published_date``), and agencies by lineage unless asked
to keep renamed bodies apart. Dates are half-open ranges ``[start, end)`` of local days. Functions return
plain dataclasses; the report builders in crawler/reports turn them into tables, CSV and HTML.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from storage.db import StorageError, as_utc, safe_url

AgencyKey = Literal["lineage_id", "entity_id"]


def _wrap(engine: Engine, action: str, error: SQLAlchemyError) -> StorageError:
    original = getattr(error, "orig", None) or error
    first = next((line.strip() for line in str(original).splitlines() if line.strip()), type(error).__name__)
    return StorageError(f"{action} failed on {safe_url(engine.url)}: {first}")


def as_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _in_list(name: str, values: Sequence[Any]) -> sa.BindParameter[Any]:
    return sa.bindparam(name, value=list(values), expanding=True)


def _date_range(statement: sa.TextClause) -> sa.TextClause:
    return statement.bindparams(sa.bindparam("start", type_=sa.Date()), sa.bindparam("end", type_=sa.Date()))


# Narrow by the indexed UTC column first (a local day is within 14 hours of UTC), then by the local day.
_PERIOD = ("published_date >= :start AND published_date < :end "
           "AND (published_at IS NULL OR (published_at >= :utc_start AND published_at < :utc_end))")


def _period_params(start: dt.date, end: dt.date) -> dict[str, Any]:
    return {"start": start, "end": end,
            "utc_start": dt.datetime.combine(start, dt.time(), dt.timezone.utc) - dt.timedelta(hours=15),
            "utc_end": dt.datetime.combine(end, dt.time(), dt.timezone.utc) + dt.timedelta(hours=15)}


def _run(engine: Engine, action: str, work: Any) -> Any:
    try:
        with engine.connect() as connection:
            return work(connection)
    except SQLAlchemyError as error:
        raise _wrap(engine, action, error) from None


# --------------------------------------------------------------------------------------------- agencies


@dataclass(frozen=True)
class AgencyName:
    entity_id: str
    name: str
    acronym: str | None
    lineage_id: str
    lineage_name: str


def agency_names(engine: Engine) -> dict[str, AgencyName]:
    """Every agency in the database, by id, with its lineage (v_entity_lineage)."""
    def work(connection: Connection) -> dict[str, AgencyName]:
        rows = connection.execute(sa.text(
            "SELECT entity_id, entity_name, acronym, lineage_id, lineage_name FROM v_entity_lineage"))
        return {row.entity_id: AgencyName(row.entity_id, row.entity_name, row.acronym, row.lineage_id,
                                          row.lineage_name) for row in rows}
    return _run(engine, "reading agencies", work)


def source_names(engine: Engine) -> dict[str, str]:
    def work(connection: Connection) -> dict[str, str]:
        return {row.key: row.name for row in connection.execute(sa.text("SELECT key, name FROM source"))}
    return _run(engine, "reading sources", work)


# ---------------------------------------------------------------------------------- articles per agency


@dataclass(frozen=True)
class AgencyArticle:
    """One article that names one agency (or one lineage) in a counted zone: a row of v_article_entity."""

    agency_id: str          # the entity id, or the lineage id when counting by lineage
    entity_id: str
    article_id: int
    source_key: str
    source_name: str
    title: str | None
    canonical_url: str
    published_at: dt.datetime | None
    published_utc_offset: int | None
    published_date: dt.date
    is_advertorial: bool
    mentions: int
    top_zone: str
    snippet: str
    published_time_known: bool | None = None  # False: the page gave the day only
    tone: str | None = None  # negative, neutral or positive toward the agency (None: not scored yet)
    tone_evidence: str | None = None  # the sentence(s) that decided it, one per line

    @property
    def local_published_at(self) -> dt.datetime | None:
        if self.published_at is None:
            return None
        offset = dt.timedelta(minutes=self.published_utc_offset or 0)
        return self.published_at.astimezone(dt.timezone(offset))

    @property
    def local_published(self) -> str | None:
        """The publication time in its own offset (ISO 8601), or only its day when the page gave no time."""
        local = self.local_published_at
        if local is None:
            return None
        return local.date().isoformat() if self.published_time_known is False else local.isoformat()


# Negative first: a lineage piece that is negative under either name is negative (the costly miss).
TONE_RANK = {"negative": 0, "positive": 1, "neutral": 2}


def agency_articles(engine: Engine, start: dt.date, end: dt.date, *, agencies: Sequence[str] | None = None,
                    sources: Sequence[str] | None = None, key: AgencyKey = "lineage_id") -> list[AgencyArticle]:
    """Articles published on local days ``[start, end)`` naming the agencies (ids of ``key`` kind; None: all).

    One row per article and agency key: an article naming both Kominfo and Komdigi is one row for the
    lineage komdigi (its most prominent mention), two rows when ``key`` is ``entity_id``.
    """
    if key not in ("lineage_id", "entity_id"):
        raise ValueError(f"key must be lineage_id or entity_id, not {key!r}")
    params = _period_params(start, end)
    where = _PERIOD
    binds: list[sa.BindParameter[Any]] = []
    if agencies is not None:
        where += f" AND ae.{key} IN :agencies"
        binds.append(_in_list("agencies", agencies))
    if sources is not None:
        where += " AND ae.source_key IN :sources"
        binds.append(_in_list("sources", sources))
    statement = _date_range(sa.text(
        f"SELECT ae.{key} AS agency_id, ae.entity_id, ae.article_id, ae.source_key, ae.source_name, ae.title, "
        "ae.canonical_url, ae.published_at, a.published_utc_offset, a.published_time_known, ae.published_date, "
        "ae.is_advertorial, ae.mentions, ae.top_zone, ae.snippet, ae.tone, ae.tone_evidence "
        "FROM v_article_entity ae JOIN article a ON a.id = ae.article_id "
        f"WHERE {where.replace('published_', 'ae.published_')} "
        "ORDER BY ae.published_at, ae.article_id, ae.entity_id").bindparams(*binds))
    zone_rank = {"title": 0, "lead": 1, "body": 2, "quote": 3}

    def work(connection: Connection) -> list[AgencyArticle]:
        chosen: dict[tuple[str, int], AgencyArticle] = {}
        for row in connection.execute(statement, params):
            item = AgencyArticle(
                agency_id=row.agency_id, entity_id=row.entity_id, article_id=row.article_id,
                source_key=row.source_key, source_name=row.source_name, title=row.title,
                canonical_url=row.canonical_url, published_at=as_utc(row.published_at),
                published_utc_offset=row.published_utc_offset, published_date=as_date(row.published_date),
                is_advertorial=bool(row.is_advertorial), mentions=int(row.mentions), top_zone=row.top_zone,
                snippet=row.snippet,
                published_time_known=None if row.published_time_known is None else bool(row.published_time_known),
                tone=row.tone, tone_evidence=row.tone_evidence)
            known = chosen.get((item.agency_id, item.article_id))
            if known is None:
                chosen[(item.agency_id, item.article_id)] = item
            else:  # two names of one lineage in one article: one piece, its mentions summed
                better = item if zone_rank.get(item.top_zone, 9) < zone_rank.get(known.top_zone, 9) else known
                worse_tone = min((known, item), key=lambda piece: TONE_RANK.get(piece.tone or "", 3))
                chosen[(item.agency_id, item.article_id)] = AgencyArticle(
                    **{**better.__dict__, "mentions": known.mentions + item.mentions,
                       "tone": worse_tone.tone, "tone_evidence": worse_tone.tone_evidence})
        return list(chosen.values())
    return _run(engine, "reading articles per agency", work)


# ----------------------------------------------------------------------------------------------- quotes


@dataclass(frozen=True)
class SpeakerCount:
    speaker: str
    entity_id: str | None
    entity_name: str | None
    quotes: int
    articles: int
    outlets: int


def top_speakers(engine: Engine, start: dt.date, end: dt.date, limit: int = 10) -> list[SpeakerCount]:
    """The most-quoted named speakers on local days ``[start, end)`` (v_quote), most quotes first."""
    statement = _date_range(sa.text(
        "SELECT speaker, entity_id, entity_name, count(*) AS quotes, count(DISTINCT article_id) AS articles, "
        "count(DISTINCT source_key) AS outlets FROM v_quote "
        f"WHERE speaker IS NOT NULL AND {_PERIOD} "
        "GROUP BY speaker, entity_id, entity_name "
        "ORDER BY quotes DESC, articles DESC, speaker, entity_id LIMIT :limit"))

    def work(connection: Connection) -> list[SpeakerCount]:
        return [SpeakerCount(row.speaker, row.entity_id, row.entity_name, int(row.quotes), int(row.articles),
                             int(row.outlets))
                for row in connection.execute(statement, {**_period_params(start, end), "limit": limit})]
    return _run(engine, "reading quotes", work)


# ---------------------------------------------------------------------------------------- share of voice


@dataclass(frozen=True)
class VoiceShare:
    entity_id: str
    entity_name: str
    articles: int
    mentions: int
    share: float


def share_of_voice(engine: Engine, period: Literal["week", "month"], period_start: dt.date) -> list[VoiceShare]:
    """One period's rows of v_share_of_voice (every agency, share of all counted mentions), biggest first."""
    statement = sa.text(
        "SELECT entity_id, entity_name, articles, mentions, share FROM v_share_of_voice "
        "WHERE period = :period AND period_start = :period_start "
        "ORDER BY mentions DESC, articles DESC, entity_id").bindparams(sa.bindparam("period_start", type_=sa.Date()))

    def work(connection: Connection) -> list[VoiceShare]:
        return [VoiceShare(row.entity_id, row.entity_name, int(row.articles), int(row.mentions), float(row.share))
                for row in connection.execute(statement, {"period": period, "period_start": period_start})]
    return _run(engine, "reading share of voice", work)


# ---------------------------------------------------------------------------------------------- exports

ExportKind = Literal["mentions", "articles", "quotes"]

EXPORT_QUERIES: dict[str, str] = {
    "mentions": ("SELECT mention_id, article_id, entity_id, entity_name, lineage_id, source_key, published_at, "
                 "published_date, is_advertorial, zone, field, resolution, surface, snippet, start_offset, "
                 "end_offset, counted FROM v_mention"),
    "articles": ("SELECT va.article_id, va.source_key, va.source_name, va.title, va.canonical_url, va.published_at, "
                 "va.published_utc_offset, a.published_time_known, va.published_date, va.first_seen_at, va.section, "
                 "va.is_advertorial, va.word_count, va.byline, a.authors, a.editors, a.tags, a.text "
                 "FROM v_article va JOIN article a ON a.id = va.article_id"),
    "quotes": ("SELECT quote_id, article_id, speaker, entity_id, entity_name, lineage_id, source_key, title, "
               "canonical_url, published_at, published_date, is_advertorial, quote_text, start_offset, end_offset "
               "FROM v_quote"),
}
_EXPORT_ORDER = {"mentions": "mention_id", "articles": "va.article_id", "quotes": "quote_id"}
_EXPORT_PREFIX = {"mentions": "", "articles": "va.", "quotes": ""}


def export_rows(engine: Engine, kind: ExportKind, since: dt.date | None = None, until: dt.date | None = None,
                batch_size: int = 2000) -> tuple[list[str], Iterator[list[tuple[Any, ...]]]]:
    """Column names and batches of rows of mentions, articles or quotes published on local days
    ``since``..``until`` (both inclusive, either open); read in keyset pages, no long transaction."""
    if kind not in EXPORT_QUERIES:
        raise ValueError(f"unknown export {kind!r}")
    prefix, order = _EXPORT_PREFIX[kind], _EXPORT_ORDER[kind]
    clauses, params = [], {}
    if since is not None:
        clauses.append(f"{prefix}published_date >= :since")
        params["since"] = since
    if until is not None:
        clauses.append(f"{prefix}published_date < :until_next")
        params["until_next"] = until + dt.timedelta(days=1)
    clauses.append(f"{order} > :after")
    statement = sa.text(f"{EXPORT_QUERIES[kind]} WHERE {' AND '.join(clauses)} ORDER BY {order} LIMIT :limit")
    statement = statement.bindparams(*[sa.bindparam(name, type_=sa.Date()) for name in ("since", "until_next")
                                       if name in params])
    try:
        with engine.connect() as connection:
            columns = list(connection.execute(statement, {**params, "after": -1, "limit": 0}).keys())
    except SQLAlchemyError as error:
        raise _wrap(engine, f"exporting {kind}", error) from None

    def batches() -> Iterator[list[tuple[Any, ...]]]:
        after = -1
        while True:
            try:
                with engine.connect() as connection:
                    rows = [tuple(row) for row in connection.execute(
                        statement, {**params, "after": after, "limit": batch_size})]
            except SQLAlchemyError as error:
                raise _wrap(engine, f"exporting {kind}", error) from None
            if rows:
                yield rows
            if len(rows) < batch_size:
                return
            after = rows[-1][0]
    return columns, batches()
