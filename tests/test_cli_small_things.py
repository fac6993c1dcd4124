"""Small things a user meets, run as the user runs them: ``status`` tells sources that are not in the config
from disabled ones and shows times with their zone, and commands accept the keys it shows; "1 article matches";
CSV booleans are true/false."""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from pathlib import Path

import pytest

from crawler.config import default_config_dir
from tests.cli_runner import run_pantau
from tests.fixtures.demo_crawl import CrawledDemo

DEMO_KEYS = ("kabarmahakam", "diksinusa", "gemanusantara")


@pytest.fixture
def demo_copy(crawled_demo: CrawledDemo, tmp_path: Path) -> str:
    """A private copy of the crawled SQLite demo database (the shared one must not be written)."""
    if crawled_demo.dialect != "sqlite":
        pytest.skip("a file copy: SQLite only")
    target = tmp_path / "copy.db"
    with sqlite3.connect(crawled_demo.url.removeprefix("sqlite:///")) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return f"sqlite:///{target}"


def test_status_marks_sources_not_in_the_config_and_shows_zones(demo_copy: str) -> None:
    # The bundled config does not list the demo outlets: they are known only from their runs.
    result = run_pantau("status", database_url=demo_copy, config_dir=default_config_dir())
    assert result.returncode == 0, result.stderr
    for key in DEMO_KEYS:
        row = next(line for line in result.stdout.splitlines() if f" {key} " in line)
        assert "not in config" in row and "(disabled)" not in row
        last_run = row.split("│")[3].strip()
        assert re.fullmatch(r"(\d{4}-\d\d-\d\d \d\d:\d\d|\d\d:\d\d:\d\d) (\S+)", last_run), last_run
    disabled = next(line for line in result.stdout.splitlines() if " kompas " in line)
    assert "(disabled)" in disabled


def test_rematch_accepts_a_source_that_status_shows(demo_copy: str) -> None:
    result = run_pantau("rematch", "--source", "kabarmahakam", database_url=demo_copy,
                        config_dir=default_config_dir())
    assert result.returncode == 0, result.stderr
    assert re.match(r"Re-matched [1-9]\d* articles", result.stdout)
    unknown = run_pantau("rematch", "--source", "kabarmahakamm", database_url=demo_copy,
                         config_dir=default_config_dir())
    assert unknown.returncode == 2 and unknown.stderr.startswith("Error: unknown source 'kabarmahakamm'")


def test_search_says_1_article_matches(crawled_demo: CrawledDemo) -> None:
    from storage.search import search_articles

    with crawled_demo.engine.connect() as connection:
        titles = [row[0] for row in connection.exec_driver_sql("SELECT title FROM article ORDER BY id LIMIT 40")]
    query = next(f'"{title}"' for title in titles if search_articles(crawled_demo.engine, f'"{title}"').total == 1)
    result = run_pantau("search", query, database_url=crawled_demo.url)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "1 article matches; showing 1."
    several = run_pantau("search", "samarinda", database_url=crawled_demo.url)
    assert re.fullmatch(r"\d+ articles match; showing \d+\.", several.stderr.strip())


def test_export_csv_booleans_are_true_false(crawled_demo: CrawledDemo) -> None:
    result = run_pantau("export", "mentions", "--format", "csv", database_url=crawled_demo.url)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows
    assert {row["is_advertorial"] for row in rows} == {"true", "false"}
    assert {row["counted"] for row in rows} <= {"true", "false"}


@pytest.mark.postgres
def test_query_csv_booleans_are_true_false(postgres_url: str) -> None:
    assert run_pantau("db", "upgrade", database_url=postgres_url).returncode == 0
    result = run_pantau("query", "SELECT true AS yes, false AS no, NULL::boolean AS unknown", "--csv",
                        database_url=postgres_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["yes,no,unknown", "true,false,"]
