"""An item pipeline step that raises makes the run fail (#17): a real crawl of the demo site with a test-only
step inserted through Scrapy's ITEM_PIPELINES (tests/fixtures/raising_pipeline.py) that raises for three pages
of one outlet, on SQLite and PostgreSQL. The run is recorded as failed with its failed items, the step and the
first error; `pantau crawl` exits 3 with one line saying so; `pantau runs` shows it; the pages are fetch errors
that the next, healthy crawl stores."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from crawler.cli.crawl import EXIT_PIPELINE_FAILURES
from crawler.urls import canonical_url
from tests.cli_runner import run_pantau

ROOT = Path(__file__).resolve().parent.parent
STEP = "tests.fixtures.raising_pipeline.RaisingPipeline"
pytestmark = pytest.mark.slow


def _crawl_with_raising_step(database_url: str, config_dir: Path, pattern: str, order: int):
    return subprocess.run(
        [sys.executable, "-m", "tests.fixtures.raising_pipeline", "--database-url", database_url,
         "--config", str(config_dir), "crawl", "--no-progress"], capture_output=True, text=True, timeout=600,
        cwd=ROOT, env={**os.environ, "PANTAU_FAST_LOCAL": "1", "RAISING_PIPELINE_URLS": pattern,
                       "RAISING_PIPELINE_ORDER": str(order)})


def _rows(database_url: str, sql: str) -> list:
    engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(sql)).all()
    finally:
        engine.dispose()


@pytest.mark.parametrize("order", [700, 860], ids=["before the store step", "after the store step"])
def test_a_raising_pipeline_step_fails_the_run_and_the_next_crawl_stores_its_pages(
        news_site, demo_sources_dir, database_url, order):
    outlet = next(o for o in news_site.truth()["outlets"] if o["key"] == "diksinusa")
    broken = outlet["articles"][:3]
    # host and path, whole: the outlets syndicate stories, so a slug alone names other pages too
    pattern = "|".join(rf"//{re.escape(urlsplit(article['url']).netloc + urlsplit(article['url']).path)}$"
                       for article in broken)
    broken_urls = {canonical_url(article["canonical_url"]) for article in broken}

    first = _crawl_with_raising_step(database_url, demo_sources_dir, pattern, order)
    assert first.returncode == EXIT_PIPELINE_FAILURES, first.stderr[-3000:]
    lines = [line for line in first.stderr.splitlines() if line.startswith("pantau crawl: ")]
    assert len(lines) == 1, first.stderr[-3000:]
    assert re.fullmatch(rf"pantau crawl: diksinusa: 3 items failed in a pipeline step; first: {re.escape(STEP)}: "
                        r"http://\S+: BrokenStepError: planted failure for http://\S+", lines[0]), lines[0]
    assert "<html" not in first.stderr.lower(), "the log names the page, never the item's HTML"

    runs = {row.key: row for row in _rows(database_url, "SELECT s.key, r.status, r.failed_items, r.error_summary "
                                                        "FROM crawl_run r JOIN source s ON s.id = r.source_id")}
    assert (runs["diksinusa"].status, runs["diksinusa"].failed_items) == ("failed", 3)
    assert STEP in runs["diksinusa"].error_summary and "BrokenStepError" in runs["diksinusa"].error_summary
    assert {key: (row.status, row.failed_items) for key, row in runs.items() if key != "diksinusa"} == {
        key: ("succeeded", 0) for key in runs if key != "diksinusa"}
    stored = {canonical_url(url) for (url,) in _rows(database_url, "SELECT canonical_url FROM article")}
    if order < 800:  # failed before the store step: not stored, and asked for again by the next run
        assert not broken_urls & stored
    else:  # failed after it: stored, but the run still is not a success
        assert broken_urls <= stored
    errors = _rows(database_url, "SELECT url, reason FROM fetch_error WHERE resolved_at IS NULL")
    planted = [row for row in errors if f"pipeline step {STEP} failed" in row.reason]
    assert len(planted) == (3 if order < 800 else 0), errors  # a stored page resolves its own error

    shown = run_pantau("runs", "--json", database_url=database_url)
    assert shown.returncode == 0, shown.stderr
    diksi = next(run for run in json.loads(shown.stdout) if run["source"] == "diksinusa")
    assert (diksi["status"], diksi["failed_items"]) == ("failed", 3) and STEP in diksi["error_summary"]

    healthy = run_pantau("crawl", "--no-progress", database_url=database_url, config_dir=demo_sources_dir)
    assert healthy.returncode == 0, healthy.stderr[-3000:]
    stored = {canonical_url(url) for (url,) in _rows(database_url, "SELECT canonical_url FROM article")}
    assert broken_urls <= stored
    assert _rows(database_url, "SELECT url FROM fetch_error WHERE resolved_at IS NULL") == []
    last = _rows(database_url, "SELECT r.status, r.failed_items FROM crawl_run r JOIN source s ON s.id = "
                               "r.source_id WHERE s.key = 'diksinusa' ORDER BY r.id DESC")[0]
    assert tuple(last) == ("succeeded", 0)
