"""``pantau rematch``: after a dictionary change, stored articles get the new dictionary's mentions, idempotently."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import sqlalchemy as sa

import storage
from crawler.article import Article
from crawler.config import default_config_dir, load_entities, load_sources
from crawler.mentions import Matcher
from tests.cli_runner import run_pantau

WITA = dt.timezone(dt.timedelta(hours=8))

ARTICLES = [
    Article(url="https://diksi.co/news/1", canonical_url="https://diksi.co/news/1",
            title="Diskominfo Kaltim gelar pelatihan humas",
            text="SAMARINDA - Dinas Komunikasi dan Informatika Provinsi Kalimantan Timur menggelar pelatihan.\n"
                 "Kegiatan ini didukung Bank Sejahtera Mahakam.",
            published_at=dt.datetime(2026, 11, 2, 9, 30, tzinfo=WITA)),
    Article(url="https://diksi.co/news/2", canonical_url="https://diksi.co/news/2",
            title="Bank Sejahtera Mahakam salurkan bantuan",
            text="BALIKPAPAN - Bank Sejahtera Mahakam menyalurkan bantuan bersama Pemkot Balikpapan.",
            published_at=dt.datetime(2026, 10, 20, 14, 0, tzinfo=WITA)),
]

NEW_ENTITY = """
  - id: bank-sejahtera-mahakam
    name: Bank Sejahtera Mahakam
    kind: other
    level: provinsi
    region: Kalimantan Timur
"""


def config_with_new_entity(tmp_path: Path) -> Path:
    config = tmp_path / "config"
    shutil.copytree(default_config_dir() / "sources", config / "sources")
    shutil.copytree(default_config_dir() / "entities", config / "entities")
    (config / "entities" / "zz-extra.yaml").write_text("entities:" + NEW_ENTITY, encoding="utf-8")
    return config


def mention_rows(database_url: str) -> list[tuple]:
    engine = storage.connect(database_url)
    with engine.connect() as connection:
        rows = connection.execute(sa.text(
            "SELECT a.canonical_url, m.entity_id, m.surface, m.field, m.zone, m.start_offset, m.end_offset "
            "FROM mention m JOIN article a ON a.id = m.article_id ORDER BY 1, 6, 2")).all()
    engine.dispose()
    return [tuple(row) for row in rows]


def test_rematch_applies_a_dictionary_change_and_is_idempotent(database_url, tmp_path):
    sources, entities = load_sources(), load_entities()
    engine = storage.connect(database_url)
    storage.sync_config(engine, sources, entities)
    matcher = Matcher(entities)
    diksi = next(source for source in sources if source.key == "diksi")
    with storage.ArticleWriter(engine, "diksi") as writer:
        for article in ARTICLES:
            writer.add(article, matcher.find(article, diksi), [], 200,
                       dt.datetime(2026, 11, 3, tzinfo=dt.timezone.utc))
    engine.dispose()
    before = mention_rows(database_url)
    assert not any(row[1] == "bank-sejahtera-mahakam" for row in before)
    assert ("https://diksi.co/news/1", "diskominfo-kaltim") in {row[:2] for row in before}

    config = config_with_new_entity(tmp_path)
    first = run_pantau("rematch", database_url=database_url, config_dir=config)
    assert first.returncode == 0, first.stderr
    after = mention_rows(database_url)
    added = sorted(set(after) - set(before))
    assert [(row[0], row[1], row[2]) for row in added] == [
        ("https://diksi.co/news/1", "bank-sejahtera-mahakam", "Bank Sejahtera Mahakam"),
        ("https://diksi.co/news/2", "bank-sejahtera-mahakam", "Bank Sejahtera Mahakam"),
        ("https://diksi.co/news/2", "bank-sejahtera-mahakam", "Bank Sejahtera Mahakam"),
    ]
    assert set(before) <= set(after), "mentions of unchanged bodies are kept exactly"
    assert "Re-matched 2 articles" in first.stdout and "(+3 against before)" in first.stdout

    second = run_pantau("rematch", database_url=database_url, config_dir=config)
    assert second.returncode == 0 and "(+0 against before)" in second.stdout
    assert mention_rows(database_url) == after

    recent = run_pantau("rematch", "--since", "2026-11-01", database_url=database_url, config_dir=config)
    assert "Re-matched 1 articles" in recent.stdout


def test_rematch_unknown_source_is_a_one_line_error(sqlite_url):
    result = run_pantau("rematch", "--source", "tidak-ada", database_url=sqlite_url)
    assert result.returncode == 2 and "unknown source 'tidak-ada'" in result.stderr
    assert "Traceback" not in result.stderr
