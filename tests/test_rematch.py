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
from storage import models
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


def stored_rows(database_url: str) -> dict[str, list[tuple]]:
    """Every mention, quote and tone row, ids included (an article written again gets new ids)."""
    engine = storage.connect(database_url)
    with engine.connect() as connection:
        rows = {table: [tuple(row) for row in connection.execute(sa.text(f"SELECT * FROM {table} ORDER BY id"))]
                for table in ("mention", "quote", "article_tone", "mention_tone")}
    engine.dispose()
    return rows


def without_ids(rows: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    return {table: sorted(row[1:] for row in values) for table, values in rows.items()}


def test_rematch_writes_only_what_changed_and_scores_tone_again_only_where_needed(database_url):
    from crawler.rematch import rematch

    sources, entities = load_sources(), load_entities()
    engine = storage.connect(database_url)
    storage.sync_config(engine, sources, entities)
    matcher = Matcher(entities)
    diksi = next(source for source in sources if source.key == "diksi")
    with storage.ArticleWriter(engine, "diksi") as writer:  # mentions only: no quotes, no tone yet
        for article in ARTICLES:
            writer.add(article, matcher.find(article, diksi), [], 200, dt.datetime(2026, 11, 3, tzinfo=dt.timezone.utc))
    engine.dispose()

    first = rematch(database_url, sources, entities, workers=1)
    assert (first.articles, first.rewritten, first.rescored) == (2, 0, 2)  # same mentions, tone was missing
    after_first = stored_rows(database_url)
    assert after_first["article_tone"] and after_first["mention_tone"]

    second = rematch(database_url, sources, entities, workers=1)
    assert (second.articles, second.rewritten, second.rescored) == (2, 0, 0)
    assert (second.mentions, second.toned) == (first.mentions, first.toned)
    assert stored_rows(database_url) == after_first, "nothing is written again, ids included"

    forced = rematch(database_url, sources, entities, workers=1, rescore_tone=True)
    assert forced.rescored == 2
    assert without_ids(stored_rows(database_url)) == without_ids(after_first)

    # An agency that changed kind: the articles naming it are scored again (once: then the table has the kind).
    named = {row[2] for row in after_first["article_tone"]}
    changed = sorted(named)[0]
    renamed = [entity.model_copy(update={"kind": "other"}) if entity.id == changed else entity for entity in entities]
    articles_naming = len({row[1] for row in after_first["article_tone"] if row[2] == changed})
    assert rematch(database_url, sources, renamed, workers=1).rescored == articles_naming
    assert rematch(database_url, sources, renamed, workers=1).rescored == 0


def test_rematch_reads_what_matching_reads(database_url):
    """The Article that rematch rebuilds from the columns it reads gives the matcher, the quote finder and the
    tone scorer what the whole stored article gives them (a matcher that starts reading another field fails)."""
    from bench.archive_db import fill_archive
    from crawler.quotes import find_quotes
    from crawler.rematch import _matched_article
    from crawler.tone import ToneScorer
    from storage.rematch import read_matching_range

    sources, entities = load_sources(), load_entities()
    filled = fill_archive(database_url, 40, sources=["diksi", "kompas"], seed=5, workers=1)
    engine = storage.connect(database_url)
    whole = {stored.id: stored for stored in storage.stored_articles(engine)}
    read = read_matching_range(engine, filled.first_id, filled.first_id + 39)
    engine.dispose()
    matcher, scorer, by_key = Matcher(entities), ToneScorer(entities), {source.key: source for source in sources}
    assert [row[0] for row in read.articles] == sorted(whole)
    quoted = 0
    for row in read.articles:
        article_id, source_key, article = _matched_article(row)
        stored = whole[article_id]
        assert source_key == stored.source_key
        assert article.published_at == stored.article.published_at
        assert article.published_at.utcoffset() == stored.article.published_at.utcoffset()
        found = matcher.find(article, by_key[source_key])
        assert found and found == matcher.find(stored.article, by_key[source_key])
        quotes = find_quotes(article, found)
        quoted += bool(quotes)
        assert quotes == find_quotes(stored.article, found)
        assert scorer.assess(article, found) == scorer.assess(stored.article, found)
    assert quoted > 10


def test_rematch_keeps_rows_stored_in_another_order(database_url):
    """Stored rows that come back in another order than the matcher makes them are the same rows: nothing is
    written again, and the counts are those of the stored rows."""
    from bench.archive_db import fill_archive
    from crawler.rematch import rematch
    from storage.rematch import MENTION_COLUMNS, read_matching_range

    sources, entities = load_sources(), load_entities()
    filled = fill_archive(database_url, 30, sources=["diksi"], seed=6, workers=1)
    engine = storage.connect(database_url)
    mention = models.Mention.__table__
    with engine.begin() as connection:  # one article's mentions written again, last first
        article_id = connection.execute(sa.select(mention.c.article_id).group_by(mention.c.article_id)
                                        .having(sa.func.count() > 2).limit(1)).scalar_one()
        rows = [row._asdict() for row in connection.execute(
            sa.select(mention).where(mention.c.article_id == article_id).order_by(mention.c.id.desc()))]
        connection.execute(mention.delete().where(mention.c.article_id == article_id))
        connection.execute(mention.insert(), [{k: v for k, v in row.items() if k != "id"} for row in rows])
    read_back = read_matching_range(engine, article_id, article_id).stored.mentions[article_id]
    written = [tuple(row[name] for name in MENTION_COLUMNS) for row in rows]  # newest id first
    assert read_back == written != written[::-1], "the rows come back in another order than the fill wrote them"
    before = stored_rows(database_url)
    counted = storage.count_mentions(engine)
    engine.dispose()

    result = rematch(database_url, sources, entities, workers=1)
    assert (result.articles, result.rewritten, result.rescored) == (filled.articles, 0, 0)
    assert result.mentions == result.mentions_before == counted == filled.mentions
    assert stored_rows(database_url) == before, "nothing is written again, ids included"
