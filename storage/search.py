"""Full-text search over stored articles: one query language, two engines.

Migration 0003 keeps the indexes current (SQLite FTS5 ``article_fts``; PostgreSQL ``article_search`` with a
'simple' tsvector). :func:`search_articles` takes a query written the way people type into a search box and
gives the same articles on both databases:

- words are all required: ``banjir samarinda``
- ``"double quotes"`` make a phrase: ``"dinas kesehatan"``
- ``OR`` between two terms accepts either: ``bpbd OR basarnas``
- a leading ``-`` excludes a term: ``banjir -jakarta``

Matching ignores case and diacritics is whole-word (no stemming: Indonesian affixes are many, and 'simple' keeps
recall predictable). :class:`SearchQueryError` says what is wrong with a query.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from storage.db import StorageError, as_utc, safe_url

_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')
_WORD = re.compile(r"\w", re.UNICODE)


class SearchQueryError(StorageError):
    """A search query that cannot be run (empty, only exclusions, a dangling OR …)."""


@dataclass(frozen=True)
class SearchTerm:
    text: str
    phrase: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    """All ``groups`` must match (each group: any of its terms); none of ``excluded`` may."""

    groups: tuple[tuple[SearchTerm, ...], ...]
    excluded: tuple[SearchTerm, ...]


@dataclass(frozen=True)
class SearchHit:
    article_id: int
    source_key: str
    title: str | None
    canonical_url: str
    published_at: dt.datetime | None
    published_date: str | None
    is_advertorial: bool
    snippet: str
    score: float


@dataclass(frozen=True)
class SearchResult:
    query: str
    total: int
    hits: list[SearchHit]


def parse_query(text: str) -> ParsedQuery:
    """Parse a search-box query; raises :class:`SearchQueryError`."""
    groups: list[list[SearchTerm]] = []
    excluded: list[SearchTerm] = []
    pending_or = False
    if text.count('"') % 2:
        raise SearchQueryError(f"unbalanced double quote in search query {text!r}")
    for match in _TOKEN.finditer(text):
        negated, phrase, word = match.group(1), match.group(2), match.group(3)
        if word is not None and word == "OR":
            if not groups or pending_or:
                raise SearchQueryError(f"'OR' needs a term on each side in search query {text!r}")
            pending_or = True
            continue
        if word is not None and word.startswith("-") and len(word) > 1:
            negated, word = "-", word[1:]
        term = SearchTerm(phrase if phrase is not None else word, phrase=phrase is not None)
        if not _WORD.search(term.text):
            continue  # punctuation only: both engines ignore it
        if negated:
            if pending_or:
                raise SearchQueryError(f"'OR' cannot join an excluded term in search query {text!r}")
            excluded.append(term)
        elif pending_or:
            groups[-1].append(term)
            pending_or = False
        else:
            groups.append([term])
    if pending_or:
        raise SearchQueryError(f"'OR' needs a term on each side in search query {text!r}")
    if not groups:
        raise SearchQueryError(f"search query {text!r} has no words to look for "
                               "(exclusions alone match nothing)" if excluded else "empty search query")
    return ParsedQuery(tuple(tuple(group) for group in groups), tuple(excluded))


def _fts5_string(term: SearchTerm) -> str:
    return '"' + term.text.replace('"', '""') + '"'


def fts5_query(parsed: ParsedQuery) -> str:
    """The SQLite FTS5 MATCH expression for a parsed query (every term quoted: no FTS5 syntax leaks in)."""
    positive = " AND ".join("(" + " OR ".join(_fts5_string(term) for term in group) + ")"
                            for group in parsed.groups)
    expression = f"({positive})"
    for term in parsed.excluded:
        expression = f"({expression} NOT {_fts5_string(term)})"
    return expression


def _tsquery_sql(parsed: ParsedQuery, params: dict[str, Any]) -> str:
    """A PostgreSQL tsquery expression; each term is a phraseto_tsquery so that words and phrases tokenise
    exactly as the indexed text did."""
    def term_sql(term: SearchTerm) -> str:
        name = f"term_{len(params)}"
        params[name] = term.text
        return f"phraseto_tsquery('simple', :{name})"

    positive = " && ".join("(" + " || ".join(term_sql(term) for term in group) + ")" for group in parsed.groups)
    expression = f"({positive})"
    for term in parsed.excluded:
        expression = f"({expression} && !!{term_sql(term)})"
    return expression


def _filters(since: dt.date | None, source_key: str | None, params: dict[str, Any]) -> str:
    clauses = []
    if since is not None:
        clauses.append("va.published_date >= :since")
        params["since"] = since
    if source_key is not None:
        clauses.append("va.source_key = :source_key")
        params["source_key"] = source_key
    return "".join(f" AND {clause}" for clause in clauses)


def _bind_types(statement: sa.TextClause, params: dict[str, Any]) -> sa.TextClause:
    if "since" in params:
        statement = statement.bindparams(sa.bindparam("since", type_=sa.Date()))
    return statement


_COLUMNS = ("va.article_id, va.source_key, va.title, va.canonical_url, va.published_at, va.published_date, "
            "va.is_advertorial")


def _search_sqlite(connection: Connection, parsed: ParsedQuery, since: dt.date | None, source_key: str | None,
                   limit: int) -> tuple[int, list[sa.Row[Any]]]:
    params: dict[str, Any] = {"match": fts5_query(parsed)}
    where = "article_fts MATCH :match" + _filters(since, source_key, params)
    base = "FROM article_fts JOIN v_article va ON va.article_id = article_fts.rowid WHERE " + where
    total = connection.execute(_bind_types(sa.text(f"SELECT count(*) {base}"), params), params).scalar_one()
    rows = connection.execute(_bind_types(sa.text(
        f"SELECT {_COLUMNS}, snippet(article_fts, -1, '[', ']', ' … ', 24) AS snippet, "
        f"-bm25(article_fts, 2.0, 1.0) AS score {base} "
        "ORDER BY score DESC, va.published_at DESC, va.article_id DESC LIMIT :limit"), params),
        {**params, "limit": limit}).all()
    return total, rows


def _search_postgresql(connection: Connection, parsed: ParsedQuery, since: dt.date | None,
                       source_key: str | None, limit: int) -> tuple[int, list[sa.Row[Any]]]:
    params: dict[str, Any] = {}
    query = _tsquery_sql(parsed, params)
    where = "s.document @@ q.query" + _filters(since, source_key, params)
    base = (f"FROM (SELECT {query} AS query) q JOIN article_search s ON s.document @@ q.query "
            f"JOIN v_article va ON va.article_id = s.article_id WHERE {where}")
    total = connection.execute(_bind_types(sa.text(f"SELECT count(*) {base}"), params), params).scalar_one()
    rows = connection.execute(_bind_types(sa.text(
        f"SELECT {_COLUMNS}, ts_headline('simple', a.text, q.query, "
        "'StartSel=[, StopSel=], MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=\" … \"') "
        f"AS snippet, ts_rank(s.document, q.query) AS score {base.replace('WHERE', 'JOIN article a ON a.id = s.article_id WHERE', 1)} "
        "ORDER BY score DESC, va.published_at DESC, va.article_id DESC LIMIT :limit"), params),
        {**params, "limit": limit}).all()
    return total, rows


def search_articles(engine: Engine, query: str, *, since: dt.date | None = None, source_key: str | None = None,
                    limit: int = 50) -> SearchResult:
    """Articles whose title or text match ``query``, best first (at most ``limit``) and how many match."""
    parsed = parse_query(query)
    try:
        with engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                total, rows = _search_postgresql(connection, parsed, since, source_key, limit)
            else:
                total, rows = _search_sqlite(connection, parsed, since, source_key, limit)
    except SQLAlchemyError as error:
        original = getattr(error, "orig", None) or error
        first = next((line.strip() for line in str(original).splitlines() if line.strip()), type(error).__name__)
        raise StorageError(f"searching failed on {safe_url(engine.url)}: {first}") from None
    hits = [SearchHit(article_id=row.article_id, source_key=row.source_key, title=row.title,
                      canonical_url=row.canonical_url, published_at=as_utc(row.published_at),
                      published_date=None if row.published_date is None else str(row.published_date),
                      is_advertorial=bool(row.is_advertorial), snippet=" ".join((row.snippet or "").split()),
                      score=float(row.score)) for row in rows]
    return SearchResult(query=query, total=total, hits=hits)


