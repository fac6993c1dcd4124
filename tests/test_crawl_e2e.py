"""End to end: real Scrapy crawls of the demo news site over loopback into real SQLite and PostgreSQL, compared
with the site's own record of what it published (articles, true publication times, planted mentions)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
import sqlalchemy as sa

from crawler.urls import canonical_url
from storage.db import as_utc
from tests.cli_runner import run_pantau

pytestmark = pytest.mark.slow


def stored_articles(database_url: str) -> dict[str, dict[str, Any]]:
    """canonical_url -> the stored article with its mentions, read with plain SQL."""
    import storage

    engine = storage.connect(database_url)
    try:
        with engine.connect() as connection:
            articles = {row.canonical_url: {**row._asdict(), "mentions": Counter()} for row in connection.execute(
                sa.text("SELECT a.id, a.canonical_url, a.title, a.published_at, a.published_utc_offset, "
                        "a.is_advertorial, a.text, s.key AS source FROM article a JOIN source s ON s.id = a.source_id"))}
            by_id = {article["id"]: article for article in articles.values()}
            for row in connection.execute(sa.text("SELECT article_id, entity_id, surface, zone FROM mention")):
                by_id[row.article_id]["mentions"][(row.entity_id, row.surface, row.zone)] += 1
            runs = [row._asdict() for row in connection.execute(sa.text(
                "SELECT r.id, s.key AS source, r.status, r.pages, r.new_articles, r.updated_articles, r.mentions, "
                "r.errors FROM crawl_run r JOIN source s ON s.id = r.source_id ORDER BY r.id"))]
    finally:
        engine.dispose()
    return articles, runs


def planted(truth: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Pantau's canonical URL (crawler.urls.canonical_url of the page's own) -> the article the site published."""
    return {canonical_url(article["canonical_url"]): {**article, "source": outlet["key"]}
            for outlet in truth["outlets"] for article in outlet["articles"]}


def test_demo_crawl_matches_the_site_record_and_recrawl_adds_nothing(news_site, demo_sources_dir, database_url):
    first = run_pantau("crawl", "--no-progress", database_url=database_url, config_dir=demo_sources_dir)
    assert first.returncode == 0, first.stderr[-3000:]
    assert " INFO " not in first.stderr and " DEBUG " not in first.stderr, "quiet by default (-v for more)"

    truth = planted(news_site.truth())
    stored, runs = stored_articles(database_url)

    assert sorted(stored) == sorted(truth), "every demo article stored once under its canonical URL, nothing else"
    wrong_titles = [(url, stored[url]["title"], t["title"]) for url, t in truth.items()
                    if stored[url]["title"] != t["title"]]
    assert wrong_titles == []
    wrong_times = [(url, stored[url]["published_at"], t["published_at"]) for url, t in truth.items()
                   if as_utc(stored[url]["published_at"]) != as_utc(t["published_at"])]
    assert wrong_times == [], "published_at must be the site's true publication time, not the header date"
    wrong_offsets = [url for url, t in truth.items() if stored[url]["published_utc_offset"]
                     != dt.datetime.fromisoformat(t["published_at"]).utcoffset() // dt.timedelta(minutes=1)]
    assert wrong_offsets == [], "the original UTC offset (WIB 420, WITA 480) is kept"
    assert all(stored[url]["text"].strip() for url in truth)
    wrong_mentions = {}
    for url, t in truth.items():
        expected = Counter((m["entity_id"], m["surface"], m["zone"]) for m in t["mentions"])
        if stored[url]["mentions"] != expected:
            wrong_mentions[url] = {"missing": expected - stored[url]["mentions"],
                                   "extra": stored[url]["mentions"] - expected}
    assert wrong_mentions == {}, "exactly the mentions the site planted (traps are no mentions)"
    trap_articles = [t for t in truth.values() if t.get("traps")]
    assert trap_articles, "the demo site plants traps (e.g. an acronym inside a longer word)"

    assert {run["source"] for run in runs} == {t["source"] for t in truth.values()}
    assert all(run["status"] == "succeeded" for run in runs), runs
    assert sum(run["new_articles"] for run in runs) == len(truth)
    assert sum(run["mentions"] for run in runs) == sum(len(t["mentions"]) for t in truth.values())

    second = run_pantau("crawl", "--no-progress", database_url=database_url, config_dir=demo_sources_dir)
    assert second.returncode == 0, second.stderr[-3000:]
    again, runs = stored_articles(database_url)
    assert sorted(again) == sorted(stored)
    assert sum(sum(article["mentions"].values()) for article in again.values()) == \
        sum(sum(article["mentions"].values()) for article in stored.values())
    sources = {t["source"] for t in truth.values()}
    second_runs = runs[len(sources):]
    assert len(runs) == 2 * len(sources)
    for run in second_runs:
        assert (run["status"], run["new_articles"], run["updated_articles"], run["mentions"]) == \
            ("succeeded", 0, 0, 0), run


def test_broken_outlet_never_stops_the_others(faulty_news_site, faulty_sources_dir, sqlite_url):
    result = run_pantau("crawl", "--no-progress", database_url=sqlite_url, config_dir=faulty_sources_dir,
                        timeout=600)
    truth = planted(faulty_news_site.truth())
    stored, runs = stored_articles(sqlite_url)
    healthy = {url for url, article in truth.items() if article["source"] != "kabarrapuh"}
    assert healthy <= set(stored), "every healthy outlet's article is stored despite the broken one"
    faulty_run = next(run for run in runs if run["source"] == "kabarrapuh")
    assert faulty_run["errors"] > 0
    assert "kabarrapuh" in result.stdout
    assert all(run["status"] == "succeeded" for run in runs if run["source"] != "kabarrapuh"), runs


def test_adhoc_crawl_skips_a_source_already_being_crawled(news_site, demo_sources_dir, sqlite_url):
    import os

    import storage
    from crawler.config import load_entities, load_sources
    from storage import daemon_state

    engine = storage.connect(sqlite_url)
    storage.sync_config(engine, load_sources(demo_sources_dir), load_entities(demo_sources_dir))
    busy = daemon_state.claim_run(engine, "kabarmahakam", "scheduled", pid=os.getpid())  # a live process
    engine.dispose()
    result = run_pantau("crawl", "kabarmahakam", "diksinusa", "--max-articles", "3", "--no-progress",
                        database_url=sqlite_url, config_dir=demo_sources_dir)
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"already being crawled (run {busy.run_id}, scheduled" in result.stdout
    stored, runs = stored_articles(sqlite_url)
    assert {article["source"] for article in stored.values()} == {"diksinusa"}
    assert [(run["source"], run["status"]) for run in runs] == [("kabarmahakam", "running"),
                                                                ("diksinusa", "succeeded")]


def test_ctrl_c_stops_a_crawl_as_interrupted_and_keeps_what_was_stored(faulty_news_site, faulty_sources_dir,
                                                                       sqlite_url):
    import os
    import signal
    import subprocess
    import sys
    import time

    # kabarrapuh has a page that hangs for 8 s, so the crawl is still running when the signal comes.
    command = [sys.executable, "-m", "crawler", "--database-url", sqlite_url, "--config", str(faulty_sources_dir),
               "crawl", "kabarrapuh", "--no-progress"]
    hang_requested = faulty_news_site.outlet("kabarrapuh").hang_requested
    hang_requested.clear()  # the site is shared with other tests, which may have asked for the page before
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "PANTAU_FAST_LOCAL": "1"})
    # Signal while the crawl waits on the hanging page (however slow the machine is to get there).
    assert hang_requested.wait(120), "the crawl never asked for the hanging page"
    time.sleep(0.5)
    child.send_signal(signal.SIGINT)
    stdout, stderr = child.communicate(timeout=120)
    assert child.returncode == 130, (stdout[-1500:], stderr[-1500:])
    assert "interrupted" in stdout
    _, runs = stored_articles(sqlite_url)
    assert [(run["source"], run["status"]) for run in runs] == [("kabarrapuh", "interrupted")]


def test_crawl_demo_twice_adds_nothing_the_second_time(tmp_path):
    """The README's quick start: `pantau crawl --demo` serves the demo site itself, on fixed ports."""
    database = f"sqlite:///{tmp_path}/pantau.db"
    first = run_pantau("crawl", "--demo", "--no-progress", database_url=database, cwd=tmp_path)
    assert first.returncode == 0, first.stderr[-2000:]
    second = run_pantau("crawl", "--demo", "--no-progress", database_url=database, cwd=tmp_path)
    assert second.returncode == 0, second.stderr[-2000:]
    from crawler.demo import DemoSite

    outlets = DemoSite().truth()["outlets"]
    published = sum(len(outlet["articles"]) for outlet in outlets)
    stored, runs = stored_articles(database)
    assert len(stored) == published
    assert sum(run["new_articles"] for run in runs[:len(outlets)]) == published
    assert [(run["new_articles"], run["mentions"]) for run in runs[len(outlets):]] == [(0, 0)] * len(outlets)
