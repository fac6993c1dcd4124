"""Migration 0019 re-keys canonical URLs under w3lib/courlan's normalisation and merges the rows that now collide,
on a real SQLite file and a real PostgreSQL database: a database at 0018 with stored rows, upgraded to head."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

import storage
from crawler.urls import normalize_url
from storage.db import create_engine, head_revision
from storage.models import (Alert, Article, ArticleTone, ArticleVersion, Entity, FetchState, Mention, MentionTone,
                            PressRelease, Quote, Source, StoryCluster)

UTC = dt.timezone.utc
T0 = dt.datetime(2025, 10, 1, 8, 0, tzinfo=UTC)

# Keys as the previous normaliser stored them.
WELT_WIDGET = "https://welt.de/politik/article253202060/x.html?source=puerto-reco-2_ABC-V41.3.C_FCM"
WELT = "https://welt.de/politik/article253202060/x.html"
KOMPAS = [f"https://kompas.test/read/2025/10/01/banjir?source={name}" for name in ("home", "rss")]
KOMPAS_NEW = "https://kompas.test/read/2025/10/01/banjir"
IDNA_OLD = "https://bücher.example/berita/1"  # changes key, collides with nothing
UNCHANGED = "https://site.test/read.php?id=5"


def _article(row_id: int, key: str, *, seen: int, fetched: int, text: str, title: str = "Banjir") -> dict:
    return {"id": row_id, "source_id": 1, "canonical_url": key, "url": key + "#as-fetched", "title": title,
            "authors": [], "editors": [], "published_at": T0, "fetched_at": T0 + dt.timedelta(hours=fetched),
            "first_seen_at": T0 + dt.timedelta(hours=seen), "language": "id", "text_hash": f"hash-{text}",
            "text": text, "word_count": len(text.split()), "tags": [], "captions": [], "related": [],
            "is_advertorial": False, "pages": 1}


def _mention(row_id: int, article_id: int, surface: str) -> dict:
    return {"id": row_id, "article_id": article_id, "entity_id": "diskominfo", "surface": surface,
            "start_offset": 0, "end_offset": len(surface), "field": "text", "zone": "body", "resolution": "name",
            "snippet": surface}


def _cluster(article_id: int, cluster_id: int, matched: int | None) -> dict:
    return {"article_id": article_id, "cluster_id": cluster_id, "matched_article_id": matched,
            "signature": b"\x00" * 8, "assigned_at": T0}


def _fetch_state(row_id: int, key: str, fetched: int, count: int) -> dict:
    return {"id": row_id, "source_id": 1, "kind": "article", "canonical_url": key, "url": key,
            "content_hash": f"c{row_id}", "last_fetched_at": T0 + dt.timedelta(hours=fetched), "fetch_count": count}


def _seed(connection: sa.Connection) -> None:
    insert = connection.execute
    insert(sa.insert(Source.__table__), {
        "id": 1, "key": "demo", "name": "Demo", "home_url": "https://welt.de/", "scope": "national",
        "timezone": "Asia/Makassar", "language": "id", "interval_minutes": 60, "enabled": True, "in_config": True,
        "config": {}, "updated_at": T0})
    insert(sa.insert(Entity.__table__), {"id": "diskominfo", "name": "Diskominfo", "kind": "dinas",
                                         "level": "provinsi", "in_config": True, "updated_at": T0})
    insert(sa.insert(Article.__table__), [
        # welt: the widget variant was stored first; the plain address was fetched last, with a new text.
        _article(1, WELT_WIDGET, seen=0, fetched=1, text="teks lama", title="Judul lama"),
        _article(2, WELT, seen=2, fetched=5, text="teks baru"),
        # kompas: three rows; the earliest is also the most recently fetched, so its content stays.
        _article(3, KOMPAS[0], seen=1, fetched=9, text="kompas terbaru"),
        _article(4, KOMPAS[1], seen=3, fetched=4, text="kompas lain"),
        _article(5, KOMPAS_NEW, seen=4, fetched=6, text="kompas ketiga"),
        _article(6, IDNA_OLD, seen=0, fetched=0, text="buku"),
        _article(7, UNCHANGED, seen=0, fetched=0, text="tetap"),
    ])
    insert(sa.insert(Mention.__table__), [_mention(10, 1, "lama"), _mention(11, 1, "lama dua"),
                                          _mention(12, 2, "baru"), _mention(13, 4, "kompas lain"),
                                          _mention(14, 7, "tetap")])
    insert(sa.insert(Quote.__table__), [{"id": 20, "article_id": 2, "speaker": "Kadis", "entity_id": "diskominfo",
                                         "text": "kutipan baru", "start_offset": 0, "end_offset": 5}])
    insert(sa.insert(ArticleTone.__table__), [
        {"id": 30 + article_id, "article_id": article_id, "entity_id": "diskominfo", "tone": tone, "score": 0.0,
         "negative": 0.0, "positive": 0.0, "evidence": tone, "method": "lexicon-1"}
        for article_id, tone in ((1, "negative"), (2, "positive"))])
    insert(sa.insert(MentionTone.__table__), [
        {"id": 40, "article_id": 2, "entity_id": "diskominfo", "field": "text", "start_offset": 0,
         "tone": "positive", "score": 0.5, "sentence": "baru"}])
    insert(sa.insert(ArticleVersion.__table__), [
        {"id": 50, "article_id": 2, "title": "Banjir", "text": "teks awal", "text_hash": "hash-awal",
         "fetched_at": T0, "replaced_at": T0 + dt.timedelta(hours=5), "title_changed": False,
         "diff_summary": "1 paragraph changed"}])
    insert(sa.insert(StoryCluster.__table__), [_cluster(1, 1, None), _cluster(2, 1, 1), _cluster(4, 4, None),
                                               _cluster(7, 4, 4)])
    insert(sa.insert(PressRelease.__table__), [{"article_id": 4, "agency_id": "diskominfo", "origin": "source",
                                                "registered_at": T0}])
    insert(sa.insert(Alert.__table__), [{
        "id": 60, "dedupe_key": "rule:new", "channel": "log", "rule_id": "rule", "condition": "new_article",
        "article_ids": [2, 1, 7], "event": {}, "status": "sent", "created_at": T0, "attempts": 1}])
    insert(sa.insert(FetchState.__table__), [
        _fetch_state(70, WELT_WIDGET, fetched=1, count=2), _fetch_state(71, WELT, fetched=5, count=3),
        _fetch_state(72, IDNA_OLD, fetched=0, count=1), _fetch_state(73, UNCHANGED, fetched=0, count=1),
        {**_fetch_state(74, "https://welt.de/wp-json/wp/v2/posts?source=x", fetched=0, count=1), "kind": "wp-rest"}])


def _scalars(connection: sa.Connection, sql: str, **params: object) -> list:
    return list(connection.execute(sa.text(sql), params).scalars())


def test_migration_0019_rekeys_and_merges_colliding_articles(database_url: str) -> None:
    assert normalize_url(WELT_WIDGET) == WELT and {normalize_url(key) for key in KOMPAS} == {KOMPAS_NEW}
    idna_new = normalize_url(IDNA_OLD)
    assert idna_new == "https://xn--bcher-kva.example/berita/1"
    engine = create_engine(database_url)
    try:
        storage.upgrade(engine, "0018")
        with engine.begin() as connection:
            _seed(connection)
        assert storage.upgrade(engine) == head_revision()
        with engine.connect() as connection:
            keys = dict(connection.execute(sa.text("SELECT id, canonical_url FROM article")).all())
            assert keys == {1: WELT, 3: KOMPAS_NEW, 6: idna_new, 7: UNCHANGED}
            welt = connection.execute(sa.text("SELECT * FROM article WHERE id = 1")).mappings().one()
            # the earliest row's id and first_seen_at, the latest fetch's content
            assert (welt["text"], welt["title"], welt["url"]) == ("teks baru", "Banjir", WELT + "#as-fetched")
            assert storage_time(welt["first_seen_at"]) == T0
            assert storage_time(welt["fetched_at"]) == T0 + dt.timedelta(hours=5)
            # its mentions, quotes and tones are the latest fetch's (their offsets index that text)
            assert _scalars(connection, "SELECT surface FROM mention WHERE article_id = 1") == ["baru"]
            assert _scalars(connection, "SELECT text FROM quote WHERE article_id = 1") == ["kutipan baru"]
            assert _scalars(connection, "SELECT tone FROM article_tone WHERE article_id = 1") == ["positive"]
            assert _scalars(connection, "SELECT sentence FROM mention_tone WHERE article_id = 1") == ["baru"]
            # history: the moved version and the kept row's own earlier text
            versions = connection.execute(sa.text(
                "SELECT text, title_changed, diff_summary FROM article_version WHERE article_id = 1 "
                "ORDER BY replaced_at, fetched_at"
            )).all()
            assert [(text, bool(changed)) for text, changed, _ in versions] == [("teks awal", False),
                                                                                 ("teks lama", True)]
            assert versions[1].diff_summary.startswith(f"merged with {WELT}#as-fetched")
            # kompas: the earliest row was also the latest fetched: its own content and (no) mentions stay
            kompas = connection.execute(sa.text("SELECT text FROM article WHERE id = 3")).scalar_one()
            assert kompas == "kompas terbaru"
            assert _scalars(connection, "SELECT id FROM mention WHERE article_id IN (3, 4, 5)") == []
            # nothing is left pointing at a merged-away row
            for table in ("mention", "quote", "article_tone", "mention_tone", "article_version", "press_release"):
                assert _scalars(connection, f"SELECT article_id FROM {table} WHERE article_id IN (2, 4, 5)") == []
            clusters = {row.article_id: (row.cluster_id, row.matched_article_id) for row in connection.execute(
                sa.text("SELECT article_id, cluster_id, matched_article_id FROM story_cluster"))}
            assert clusters == {1: (1, None), 3: (3, None), 7: (3, 3)}
            assert _scalars(connection, "SELECT article_id FROM press_release") == [3]
            [alert_ids] = _scalars(connection, "SELECT article_ids FROM alert")
            assert (alert_ids if isinstance(alert_ids, list) else __import__("json").loads(alert_ids)) == [1, 7]
            # the unchanged row and its mention are untouched
            assert _scalars(connection, "SELECT surface FROM mention WHERE article_id = 7") == ["tetap"]
            states = {row.canonical_url: (row.id, row.fetch_count) for row in connection.execute(
                sa.text("SELECT id, canonical_url, fetch_count FROM fetch_state"))}
            assert states == {WELT: (71, 5), idna_new: (72, 1), UNCHANGED: (73, 1),
                              "https://welt.de/wp-json/wp/v2/posts?source=x": (74, 1)}
            # full-text search follows the merged text
            assert _search(connection, "baru") == [1] and _search(connection, "lama") == []
            assert _search(connection, "kompas") == [3]
    finally:
        engine.dispose()


def test_migration_0019_changes_nothing_when_no_key_changes(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        storage.upgrade(engine, "0018")
        with engine.begin() as connection:
            connection.execute(sa.insert(Source.__table__), {
                "id": 1, "key": "demo", "name": "Demo", "home_url": "https://site.test/", "scope": "national",
                "timezone": "Asia/Makassar", "language": "id", "interval_minutes": 60, "enabled": True,
                "in_config": True, "config": {}, "updated_at": T0})
            connection.execute(sa.insert(Article.__table__), [
                _article(1, UNCHANGED, seen=0, fetched=0, text="satu"),
                _article(2, "https://site.test/read.php?id=6", seen=1, fetched=1, text="dua")])
        storage.upgrade(engine)
        with engine.connect() as connection:
            assert connection.execute(sa.text("SELECT id, canonical_url, text FROM article ORDER BY id")).all() == [
                (1, UNCHANGED, "satu"), (2, "https://site.test/read.php?id=6", "dua")]
    finally:
        engine.dispose()


def storage_time(value: object) -> dt.datetime:
    """A stored timestamp as an aware UTC datetime (SQLite returns its text, PostgreSQL an aware datetime)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    assert isinstance(value, dt.datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _search(connection: sa.Connection, word: str) -> list[int]:
    if connection.dialect.name == "postgresql":
        return _scalars(connection, "SELECT article_id FROM article_search "
                                    "WHERE document @@ to_tsquery('simple', :word) ORDER BY article_id", word=word)
    return _scalars(connection, "SELECT rowid FROM article_fts WHERE article_fts MATCH :word ORDER BY rowid",
                    word=word)


@pytest.fixture(autouse=True)
def _quiet_alembic(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("WARNING", logger="alembic")
