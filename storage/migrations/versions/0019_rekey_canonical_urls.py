"""Re-key stored articles and fetch state under the canonical URLs of w3lib and courlan (issue #18).

``crawler.urls.normalize_url`` now leaves percent-encoding, IDNA hosts and query order to w3lib's
``canonicalize_url`` and tracker parameters to courlan's rule (Pantau's page-variant rules stay on top). A few
stored keys change (a recommendation widget's ``?source=…``, an encoded ``%2F`` kept, a Unicode host in IDNA), so
this revision recomputes ``article.canonical_url`` and ``fetch_state.canonical_url`` (kind ``article``) from the
stored keys with the new function; ``fetch_error`` is keyed by the URL as fetched and stays.

Rows whose keys now collide are one story stored twice, and are merged as a re-fetch under one key would have
kept them: the earliest row (first_seen_at, then id) stays, with its id and first_seen_at, so links, alert
cursors and cluster ids keep pointing at it; it takes the content of the most recently fetched row of the group
together with that row's mentions, quotes and tones (offsets index that text), and its own earlier text, when it
differs, becomes an ``article_version``, as a changed story's does. Every merged-away row's versions move to the
kept row; its other derived rows describe a copy of the text that is no longer stored and go with it; its story
cluster row and press-release row move when the kept row has none; references to it (story_cluster.cluster_id,
matched_article_id, release_article_id, alert.article_ids) are pointed at the kept row. Colliding fetch_state
rows keep the most recently fetched one, with the fetch counts added up.

The new function is imported rather than copied: this revision exists to apply it. Downgrading changes nothing
(merged rows cannot be split again; the older normaliser reads the new keys as ordinary URLs).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 08:00:00
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.engine import Connection

from crawler.urls import normalize_url
from storage.models import JSONDocument

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

logger = logging.getLogger(__name__)

_CHUNK = 500
# Rows computed from an article's text: they follow the text that is kept.
_TEXT_DERIVED = ("mention", "quote", "article_tone", "mention_tone")
# Article columns that identify the row rather than describe its latest fetch.
_IDENTITY_COLUMNS = {"id", "canonical_url", "first_seen_at"}


def _new_key(key: str) -> str:
    try:
        return normalize_url(key)
    except ValueError:  # a key the URL parsers cannot read (e.g. a broken IPv6 host) keeps its old value
        return key


def _changed_keys(connection: Connection, query: sa.Select) -> dict[str, str]:
    """old key -> new key, for the keys that change."""
    return {old: new for (old,) in connection.execute(query) if (new := _new_key(old)) != old}


def upgrade() -> None:
    connection = op.get_bind()
    merged = _rekey_articles(connection)
    fetch_states = _rekey_fetch_state(connection)
    if merged or fetch_states:
        logger.info("re-keyed canonical URLs: %d duplicate articles merged, %d fetch_state rows merged",
                    merged, fetch_states)


def downgrade() -> None:
    pass  # see the module docstring: merged rows cannot be split, and the old keys are not needed


def _rekey_articles(connection: Connection) -> int:
    article = sa.table("article", sa.column("id"), sa.column("canonical_url"))
    changed = _changed_keys(connection, sa.select(article.c.canonical_url))
    if not changed:
        return 0
    # Every row under an old key that changes or a new key: the groups that may merge.
    keys = sorted(set(changed) | set(changed.values()))
    groups: dict[str, list[int]] = defaultdict(list)
    for start in range(0, len(keys), _CHUNK):
        rows = connection.execute(sa.text(
            "SELECT id, canonical_url FROM article WHERE canonical_url IN :keys ORDER BY first_seen_at, id"
        ).bindparams(sa.bindparam("keys", expanding=True)), {"keys": keys[start:start + _CHUNK]})
        for row_id, key in rows:
            groups[changed.get(key, key)].append(row_id)
    columns = [column["name"] for column in sa.inspect(connection).get_columns("article")]
    merged = 0
    for group in groups.values():
        ordered = _order_by_first_seen(connection, group)
        if len(ordered) > 1:
            _merge_articles(connection, ordered, columns)
            merged += len(ordered) - 1
    # Two steps, so that no row takes a key another row still holds for a moment.
    for old, new in changed.items():
        connection.execute(sa.text("UPDATE article SET canonical_url = :temporary WHERE canonical_url = :old"),
                           {"temporary": f"rekey-0019:{old}", "old": old})
    for old, new in changed.items():
        connection.execute(sa.text("UPDATE article SET canonical_url = :new WHERE canonical_url = :temporary"),
                           {"new": new, "temporary": f"rekey-0019:{old}"})
    return merged


def _order_by_first_seen(connection: Connection, ids: list[int]) -> list[int]:
    rows = connection.execute(sa.text("SELECT id FROM article WHERE id IN :ids ORDER BY first_seen_at, id")
                              .bindparams(sa.bindparam("ids", expanding=True)), {"ids": ids})
    return [row_id for (row_id,) in rows]


def _merge_articles(connection: Connection, ordered: list[int], columns: list[str]) -> None:
    kept, others = ordered[0], ordered[1:]
    latest = connection.execute(sa.text(
        "SELECT id FROM article WHERE id IN :ids ORDER BY fetched_at DESC, id DESC"
    ).bindparams(sa.bindparam("ids", expanding=True)), {"ids": ordered}).scalars().first()
    execute = connection.execute
    if latest != kept:
        before = execute(sa.text("SELECT title, text_hash FROM article WHERE id = :id"), {"id": kept}).one()
        after = execute(sa.text("SELECT title, text_hash, url FROM article WHERE id = :id"), {"id": latest}).one()
        if before.text_hash != after.text_hash:
            execute(sa.text(
                "INSERT INTO article_version (article_id, title, text, text_hash, modified_at, fetched_at, "
                "replaced_at, new_modified_at, title_changed, diff_summary) "
                "SELECT old.id, old.title, old.text, old.text_hash, old.modified_at, old.fetched_at, "
                "new.fetched_at, new.modified_at, :title_changed, :summary "
                "FROM article AS old, article AS new WHERE old.id = :kept AND new.id = :latest"),
                {"kept": kept, "latest": latest, "title_changed": before.title != after.title,
                 "summary": f"merged with {after.url[:500]} (the same story under another address, "
                            "re-keyed by migration 0019)"})
        for table in _TEXT_DERIVED:
            execute(sa.text(f"DELETE FROM {table} WHERE article_id = :id"), {"id": kept})
            execute(sa.text(f"UPDATE {table} SET article_id = :kept WHERE article_id = :latest"),
                    {"kept": kept, "latest": latest})
        quote = connection.dialect.identifier_preparer.quote
        content = [quote(name) for name in columns if name not in _IDENTITY_COLUMNS]
        assignments = ", ".join(f"{name} = (SELECT newest.{name} FROM article AS newest WHERE newest.id = :latest)"
                                for name in content)
        execute(sa.text(f"UPDATE article SET {assignments} WHERE id = :kept"), {"kept": kept, "latest": latest})
    # The merged-away rows, the most recently fetched first (its cluster row is the one to keep, if any).
    for other in sorted(others, key=lambda row_id: row_id != latest):
        execute(sa.text("UPDATE article_version SET article_id = :kept WHERE article_id = :other"),
                {"kept": kept, "other": other})
        for table in _TEXT_DERIVED:
            execute(sa.text(f"DELETE FROM {table} WHERE article_id = :id"), {"id": other})
        for table in ("story_cluster", "press_release"):
            has_row = execute(sa.text(f"SELECT 1 FROM {table} WHERE article_id = :id"), {"id": kept}).first()
            if has_row:
                execute(sa.text(f"DELETE FROM {table} WHERE article_id = :id"), {"id": other})
            else:
                execute(sa.text(f"UPDATE {table} SET article_id = :kept WHERE article_id = :other"),
                        {"kept": kept, "other": other})
        for column in ("cluster_id", "matched_article_id", "release_article_id"):
            execute(sa.text(f"UPDATE story_cluster SET {column} = :kept WHERE {column} = :other"),
                    {"kept": kept, "other": other})
        execute(sa.text("UPDATE story_cluster SET matched_article_id = NULL "
                        "WHERE article_id = :kept AND matched_article_id = :kept"), {"kept": kept})
        _repoint_alerts(connection, other, kept)
        execute(sa.text("DELETE FROM article WHERE id = :id"), {"id": other})


def _repoint_alerts(connection: Connection, other: int, kept: int) -> None:
    alert = sa.table("alert", sa.column("id"), sa.column("article_ids", JSONDocument))
    for alert_id, article_ids in connection.execute(sa.select(alert.c.id, alert.c.article_ids)):
        if other in (article_ids or []):
            repointed = list(dict.fromkeys(kept if value == other else value for value in article_ids))
            connection.execute(alert.update().where(alert.c.id == alert_id).values(article_ids=repointed))


def _rekey_fetch_state(connection: Connection) -> int:
    fetch_state = sa.table("fetch_state", sa.column("canonical_url"), sa.column("kind"))
    changed = _changed_keys(connection, sa.select(fetch_state.c.canonical_url)
                            .where(fetch_state.c.kind == "article"))
    if not changed:
        return 0
    keys = sorted(set(changed) | set(changed.values()))
    groups: dict[str, list[int]] = defaultdict(list)
    for start in range(0, len(keys), _CHUNK):
        rows = connection.execute(sa.text(
            "SELECT id, canonical_url FROM fetch_state WHERE kind = 'article' AND canonical_url IN :keys "
            "ORDER BY CASE WHEN last_fetched_at IS NULL THEN 1 ELSE 0 END, last_fetched_at DESC, id DESC"
        ).bindparams(sa.bindparam("keys", expanding=True)), {"keys": keys[start:start + _CHUNK]})
        for row_id, key in rows:
            groups[changed.get(key, key)].append(row_id)
    merged = 0
    for ids in groups.values():
        if len(ids) < 2:
            continue
        # The chunks are each ordered: order the group as a whole again.
        ordered = [row_id for (row_id,) in connection.execute(sa.text(
            "SELECT id FROM fetch_state WHERE id IN :ids "
            "ORDER BY CASE WHEN last_fetched_at IS NULL THEN 1 ELSE 0 END, last_fetched_at DESC, id DESC"
        ).bindparams(sa.bindparam("ids", expanding=True)), {"ids": ids})]
        kept, others = ordered[0], ordered[1:]
        connection.execute(sa.text(
            "UPDATE fetch_state SET fetch_count = (SELECT SUM(fetch_count) FROM fetch_state WHERE id IN :ids) "
            "WHERE id = :kept").bindparams(sa.bindparam("ids", expanding=True)), {"ids": ordered, "kept": kept})
        connection.execute(sa.text("DELETE FROM fetch_state WHERE id IN :ids")
                           .bindparams(sa.bindparam("ids", expanding=True)), {"ids": others})
        merged += len(others)
    for old, new in changed.items():
        connection.execute(sa.text("UPDATE fetch_state SET canonical_url = :temporary "
                                   "WHERE kind = 'article' AND canonical_url = :old"),
                           {"temporary": f"rekey-0019:{old}", "old": old})
    for old, new in changed.items():
        connection.execute(sa.text("UPDATE fetch_state SET canonical_url = :new WHERE canonical_url = :temporary"),
                           {"new": new, "temporary": f"rekey-0019:{old}"})
    return merged
