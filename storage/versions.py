"""Previous versions of edited articles (table ``article_version``) and the fetch state of stored articles.

:class:`ArticleChangeHook` is installed as an :class:`storage.ArticleWriter`'s ``before_write`` hook: inside
the writer's transaction, before it updates rows, it keeps the old title and text of every article whose
extracted title or text changed (``text_hash`` differs) as an ``article_version`` row with a one-line diff
summary, clears ``removed_at`` of a story that is back, and writes the fetch state (validators, lastmod seen,
content hash, next due) of every page in the batch. The writer then updates the article row and replaces its
mentions and quotes, as for any changed text: that is where re-matching happens. Tone (when it lands) is
written by the same writer path and so follows; :attr:`ArticleChangeHook.on_changed` lets another capability
react to the ids of articles that changed in a batch (same transaction).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from crawler.freshness import diff_summary
from storage import models
from storage.db import StorageError, safe_url
from storage.fetch_state import FetchStateRecorder, upsert

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

article_table = models.Article.__table__
version_table = models.ArticleVersion.__table__

_IN_CHUNK = 500


class ArticleChangeHook:
    """``before_write`` hook of one source's article writer (see the module docstring)."""

    def __init__(self, recorder: FetchStateRecorder) -> None:
        self.recorder = recorder
        self.versions = 0
        self.on_changed: list[Callable[[Connection, list[int]], None]] = []

    def __call__(self, connection: Connection, batch: Sequence[Any], stored: Mapping[str, tuple[int, str]]) -> None:
        """``batch``: the writer's queued items (``.article``, ``.fetched_at``); ``stored``: canonical URL ->
        (article id, text_hash) of those already in the table."""
        ids = [stored[item.article.canonical_url][0] for item in batch if item.article.canonical_url in stored]
        previous: dict[int, Any] = {}
        a = article_table.c
        for start in range(0, len(ids), _IN_CHUNK):
            for row in connection.execute(
                    sa.select(a.id, a.title, a.text, a.text_hash, a.modified_at, a.fetched_at, a.first_seen_at,
                              a.removed_at).where(a.id.in_(ids[start:start + _IN_CHUNK]))):
                previous[row.id] = row
        versions: list[dict[str, Any]] = []
        back: list[int] = []
        states: list[dict[str, Any]] = []
        for item in batch:
            article = item.article
            known = stored.get(article.canonical_url)
            old = previous.get(known[0]) if known else None
            if old is not None and old.text_hash != article.text_hash:
                versions.append({
                    "article_id": old.id, "title": old.title, "text": old.text, "text_hash": old.text_hash,
                    "modified_at": old.modified_at, "fetched_at": old.fetched_at, "replaced_at": item.fetched_at,
                    "new_modified_at": _aware(article.modified_at),
                    "title_changed": (old.title or "") != (article.title or ""),
                    "diff_summary": diff_summary(old.title, old.text, article.title, article.text)})
            if old is not None and old.removed_at is not None:
                back.append(old.id)
            # get, not pop: a batch the database refuses is written again one by one (a crawl's worth at most).
            info = self.recorder.pending_articles.get(article.canonical_url)
            published = _aware(article.published_at)
            states.append({
                "source_id": self.recorder.source_id, "kind": "article", "canonical_url": article.canonical_url,
                "url": info.url if info else article.url, "etag": info.etag if info else None,
                "last_modified": info.last_modified if info else None,
                "lastmod_seen": info.lastmod if info else None, "content_hash": article.text_hash,
                "last_status": item.http_status, "last_fetched_at": item.fetched_at, "fetch_count": 1,
                "next_due_at": self.recorder.due_after(published, old.first_seen_at if old else item.fetched_at,
                                                       item.fetched_at)})
        if versions:
            connection.execute(version_table.insert(), versions)
            self.versions += len(versions)
            for listener in self.on_changed:
                listener(connection, [row["article_id"] for row in versions])
        for start in range(0, len(back), _IN_CHUNK):
            connection.execute(article_table.update().where(a.id.in_(back[start:start + _IN_CHUNK]))
                               .values(removed_at=None))
        upsert(connection, states, ("url", "etag", "last_modified", "lastmod_seen", "content_hash", "last_status",
                                    "last_fetched_at", "next_due_at"))


def article_changes(engine: Engine, article_ids: Iterable[int]) -> dict[int, str]:
    """``edited`` or ``removed`` (a removal wins) for the articles among ``article_ids`` that a re-fetch found
    changed, read from v_article_changes; articles never changed are absent."""
    ids = sorted(set(article_ids))
    found: dict[int, str] = {}
    query = sa.text("SELECT article_id, change FROM v_article_changes WHERE article_id IN :ids").bindparams(
        sa.bindparam("ids", expanding=True))
    try:
        with engine.connect() as connection:
            for start in range(0, len(ids), _IN_CHUNK):
                for row in connection.execute(query, {"ids": ids[start:start + _IN_CHUNK]}):
                    if found.get(row.article_id) != "removed":
                        found[row.article_id] = row.change
    except SQLAlchemyError as error:
        original = getattr(error, "orig", None) or error
        raise StorageError(f"reading article changes failed on {safe_url(engine.url)}: "
                           f"{str(original).splitlines()[0]}") from None
    return found


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # Extraction gives aware times; a naive one (none seen so far) would be refused by UTCDateTime.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value
