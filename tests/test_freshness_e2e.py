"""End to end: crawl the demo site, move its clock, crawl again: the edited, removed and new stories are exactly
the ones the site recorded (crawler.demo.changes), v_article_changes shows them, and nothing else changed.
Real Scrapy crawls over loopback into real SQLite and PostgreSQL; the crawl's clock is the site's."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
import sqlalchemy as sa

from crawler.demo import DemoSite
from crawler.reports import build_daily_report
from crawler.urls import canonical_url
from tests.cli_runner import run_pantau
from tests.fixtures.news_site import DEMO_TODAY, write_demo_config
from tests.test_schema_docs import FRESHNESS_QUERIES, example_queries

pytestmark = pytest.mark.slow


def crawl(database_url: str, config_dir: Any, now: Any) -> Any:
    result = run_pantau("crawl", "--no-progress", "--now", now.isoformat(timespec="seconds"),
                        database_url=database_url, config_dir=config_dir, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def read(database_url: str) -> dict[str, Any]:
    import storage

    engine = storage.connect(database_url)
    try:
        with engine.connect() as connection:
            articles = {row.canonical_url: row._asdict() for row in connection.execute(sa.text(
                "SELECT id, canonical_url, title, text_hash, removed_at FROM article"))}
            mentions = Counter((row.canonical_url, row.entity_id, row.surface, row.zone)
                               for row in connection.execute(sa.text(
                                   "SELECT a.canonical_url, m.entity_id, m.surface, m.zone FROM mention m "
                                   "JOIN article a ON a.id = m.article_id")))
            changes = [row._asdict() for row in connection.execute(sa.text(
                "SELECT canonical_url, change, title, previous_title, title_changed, diff_summary "
                "FROM v_article_changes ORDER BY canonical_url"))]
            statuses = Counter(row.last_status for row in connection.execute(sa.text(
                "SELECT last_status FROM fetch_state WHERE kind = 'article'")))
    finally:
        engine.dispose()
    return {"articles": articles, "mentions": mentions, "changes": changes, "statuses": statuses}


def test_recrawl_finds_exactly_the_edits_removals_and_new_stories_the_site_made(tmp_path, database_url):
    with DemoSite(days=15, today=DEMO_TODAY) as site:
        config = write_demo_config(site, tmp_path / "config")
        crawl(database_url, config, site.now())
        before = read(database_url)
        assert before["changes"] == [] and len(before["articles"]) == len(site.article_urls())

        site.set_epoch(1)
        record = {(canonical_url(change["url"]), change["change"]): change for change in site.changes()}
        crawl(database_url, config, site.now())
        after = read(database_url)

        edited = {url for url, kind in record if kind == "edited"}
        removed = {url for url, kind in record if kind == "removed"}
        added = {url for url, kind in record if kind == "added"}
        assert edited and removed and added, "the site edits, removes and adds stories at epoch 1"
        assert {row["canonical_url"] for row in after["changes"] if row["change"] == "edited"} == edited
        assert {row["canonical_url"] for row in after["changes"] if row["change"] == "removed"} == removed
        assert set(after["articles"]) - set(before["articles"]) == added
        assert {url for url, row in after["articles"].items() if row["removed_at"] is not None} == removed
        assert removed <= set(after["articles"]), "a removed story keeps its row"
        changed_text = {url for url, row in after["articles"].items()
                        if url in before["articles"] and row["text_hash"] != before["articles"][url]["text_hash"]}
        assert changed_text == edited, "no story changed but those the site edited (ads and header dates are not)"

        for row in after["changes"]:
            if row["change"] != "edited":
                continue
            change = record[(row["canonical_url"], "edited")]
            assert row["title"] == change["title"]
            assert row["previous_title"] == change["previous_title"]
            assert bool(row["title_changed"]) == (change["edit"] == "headline")
            assert row["diff_summary"].startswith("title changed" if change["edit"] == "headline"
                                                  else "1 paragraph changed"), row
            for mention in change.get("removed_mentions", []):
                key = (row["canonical_url"], mention["entity_id"], mention["surface"], mention["zone"])
                assert after["mentions"][key] == before["mentions"][key] - 1, (key, "mentions are re-matched")

        import storage

        engine = storage.connect(database_url)
        try:
            with engine.connect() as connection:
                for number in FRESHNESS_QUERIES:
                    rows = connection.execute(sa.text(example_queries()[number - 1].strip().rstrip(";"))).all()
                    assert rows, f"docs/schema.md example {number} finds the changes after a re-crawl"
                days = {row.article_id: row.published_date for row in connection.execute(sa.text(
                    "SELECT article_id, published_date FROM v_article"))}
            marked: dict[str, str] = {}
            for url in edited | removed:
                article_id = after["articles"][url]["id"]
                day = days[article_id]
                report = build_daily_report(engine, day if isinstance(day, dt.date) else dt.date.fromisoformat(day))
                table = report.table("clippings")
                for row in table.rows:
                    record = dict(zip(table.columns, row))
                    if record["url"] == url:
                        marked[url] = record["change"]
            assert marked, "the edited and removed demo stories name agencies, so the daily clipping lists them"
            assert marked == {url: "dihapus" if url in removed else "diubah" for url in marked}
        finally:
            engine.dispose()

        # Later, same site: the stories still young are asked again, conditionally; 304 means unchanged.
        crawl(database_url, config, site.now() + dt.timedelta(hours=30))
        later = read(database_url)
        assert later["changes"] == after["changes"], "an unchanged re-fetch invents no edit"
        assert later["statuses"][304] > 0, later["statuses"]
        assert set(later["articles"]) == set(after["articles"])
