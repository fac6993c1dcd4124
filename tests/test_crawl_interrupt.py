"""Ctrl-C twice during a crawl, as a terminal sends it (SIGINT to the whole process group, pool workers too):
what was extracted is still stored, the runs end ``interrupted``, and the printed summary counts only what the
database holds.

A real ``pantau crawl`` subprocess crawls the demo site with its faulty outlet, whose one hanging page keeps
that outlet's crawl open long after the healthy outlets have finished; the two SIGINTs arrive then, so the
graceful stop the first one asks for cannot finish before the second one stops the reactor.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.demo import DemoSite
from tests.fixtures.news_site import DEMO_TODAY, write_demo_config

HANG_SECONDS = 90.0  # longer than the crawl's download timeout (10 s on loopback), so it never answers
FAULTY_OUTLET = "kabarrapuh"


@pytest.fixture(scope="module")
def hanging_site() -> Iterator[tuple[DemoSite, threading.Event]]:
    """The demo site with the faulty outlet, and an event set when a crawler asks for its hanging page."""
    with DemoSite(include_faulty=True, today=DEMO_TODAY, hang_seconds=HANG_SECONDS) as site:
        faulty = site.outlets[-1]
        answer, hang_requested = faulty.handle, threading.Event()

        def handle(path: str):  # noqa: ANN202 - the outlet's Response
            response = answer(path)
            if response.delay:
                hang_requested.set()
            return response

        faulty.handle = handle
        yield site, hang_requested


def _runs(database: Path) -> dict[str, tuple]:
    if not database.exists():
        return {}
    with sqlite3.connect(database, timeout=30) as connection:
        try:
            rows = connection.execute(
                "SELECT s.key, r.status, r.new_articles, r.mentions, r.error_summary FROM crawl_run r "
                "JOIN source s ON s.id = r.source_id").fetchall()
        except sqlite3.OperationalError:  # the schema is still being created
            return {}
    return {row[0]: row[1:] for row in rows}


def _stored(database: Path, source_key: str) -> tuple[int, int]:
    with sqlite3.connect(database) as connection:
        return connection.execute(
            "SELECT count(DISTINCT a.id), count(m.id) FROM article a JOIN source s ON s.id = a.source_id "
            "LEFT JOIN mention m ON m.article_id = a.id WHERE s.key = ?", (source_key,)).fetchone()


def _summary_rows(stdout: str) -> dict[str, dict[str, str]]:
    """The "Crawl summary" table as {source: {column: cell}}, read by its header."""
    lines = stdout.split("Crawl summary", 1)[1].split("Mentions per agency", 1)[0].splitlines()
    header = next(line for line in lines if "┃" in line and " source " in line)
    columns = [cell.strip() for cell in header.strip("┃ ").split("┃")]
    rows = {}
    for line in lines:
        if line.startswith("│"):
            cells = [cell.strip() for cell in line.strip("│ ").split("│")]
            rows[cells[0]] = dict(zip(columns, cells))
    return rows


def test_crawl_interrupt_ctrl_c_twice_stores_what_was_extracted(hanging_site: tuple[DemoSite, threading.Event],
                                                                 tmp_path: Path) -> None:
    site, hang_requested = hanging_site
    healthy_outlets = {outlet.key for outlet in site.outlets} - {FAULTY_OUTLET}
    config = write_demo_config(site, tmp_path / "config")
    database = tmp_path / "pantau.db"
    env = {**os.environ, "COLUMNS": "200", "PANTAU_FAST_LOCAL": "1"}
    crawl = subprocess.Popen(
        [sys.executable, "-m", "crawler", "--database-url", f"sqlite:///{database}", "--config", str(config),
         "crawl", "--no-progress"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path,
        start_new_session=True)  # its own process group, which receives the SIGINTs like a terminal's
    try:
        deadline = time.monotonic() + 240
        while not hang_requested.wait(0.2):
            assert crawl.poll() is None, crawl.communicate()
            assert time.monotonic() < deadline, "the crawl never asked for the hanging page"
        # Give kabarrapuh's healthy pages (and the other outlets) a few seconds to be analysed and queued, well
        # inside the 10 s download timeout that would end the hang (a loaded machine is slow to poll: at most
        # ~5 s in all, so the signal still finds the hanging request open).
        settle = time.monotonic() + 4
        while time.monotonic() < settle and not healthy_outlets <= {
                key for key, run in _runs(database).items() if run[0] != "running"}:
            time.sleep(0.2)
        time.sleep(0.5)
        assert _runs(database)["kabarrapuh"][0] == "running"
        os.killpg(crawl.pid, signal.SIGINT)
        time.sleep(0.3)
        os.killpg(crawl.pid, signal.SIGINT)
        stdout, stderr = crawl.communicate(timeout=60)
    finally:
        if crawl.poll() is None:
            os.killpg(crawl.pid, signal.SIGKILL)
            crawl.wait()

    assert crawl.returncode == 130, stderr[-3000:]
    assert "Traceback" not in stderr and "BrokenProcessPool" not in stderr, stderr[-3000:]
    runs = _runs(database)
    status, new_articles, mentions, error_summary = runs["kabarrapuh"]
    assert status == "interrupted", runs
    assert "stopped by a signal" in error_summary
    stored_articles, stored_mentions = _stored(database, "kabarrapuh")
    assert stored_articles > 0, "the articles extracted before the second Ctrl-C were not stored"
    assert new_articles == stored_articles
    for key in healthy_outlets:  # succeeded unless the machine was too slow to finish them in time
        assert runs[key][0] in ("succeeded", "interrupted"), runs

    # The printed summary: each row's "new" and "mentions" are what the database holds.
    rows = _summary_rows(stdout)
    assert set(rows) == healthy_outlets | {FAULTY_OUTLET}, stdout
    for key, row in rows.items():
        assert row["status"] == runs[key][0]
        assert (int(row["new"]), int(row["mentions"])) == _stored(database, key), (key, stdout)
    # ...and so is the per-agency table
    with sqlite3.connect(database) as connection:
        total_mentions = connection.execute("SELECT count(*) FROM mention").fetchone()[0]
    per_agency = stdout.split("Mentions per agency", 1)[1]
    printed_total = sum(int(n) for n in re.findall(r"│ [^│]+│\s+(\d+) │", per_agency))
    assert printed_total == total_mentions > 0
    assert re.search(r"kabarrapuh: stopped by a signal", stdout), stdout
