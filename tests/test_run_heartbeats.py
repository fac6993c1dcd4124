"""Heartbeats beyond `pantau worker`: on PostgreSQL the daemon and an ad-hoc `pantau crawl` beat too, so that a
run of a lost machine frees its source within minutes, whichever command claimed it (storage/worker_heartbeats.py).

On SQLite nothing beats: the file is used from one machine, where a run's pid is checked directly.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from crawler.daemon import Daemon, DaemonOptions
from crawler.urls import canonical_url
from storage.worker_heartbeats import HEARTBEAT_ENV
from tests.fixtures.news_site import write_demo_config
from tests.test_workers import _can_fake_a_host, kill_tree

ROOT = Path(__file__).resolve().parent.parent
SOURCES = """
[[sources]]
key = "diksi"
name = "Diksi"
home_url = "https://diksi.example/"
interval_minutes = 30
"""


def _config(tmp_path: Path) -> Path:
    directory = tmp_path / "config"
    (directory / "sources").mkdir(parents=True)
    (directory / "entities").mkdir()
    (directory / "sources" / "news.toml").write_text(SOURCES, encoding="utf-8")
    return directory


def _beats(database_url: str) -> list[tuple]:
    engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(
                "SELECT name, hostname, pid, stopped_at FROM worker_heartbeat ORDER BY name")).all()
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_a_daemon_on_postgresql_beats_under_its_own_name_and_its_runs_carry_it(postgres_url, tmp_path):
    daemon = Daemon(DaemonOptions(database_url=postgres_url, config_dir=_config(tmp_path)))
    daemon.start(paused=True)
    try:
        name = f"daemon@{socket.gethostname()}-{os.getpid()}"
        assert daemon.runner.worker == name  # every run this daemon claims dies with this heartbeat
        [(beat_name, hostname, pid, stopped_at)] = _beats(postgres_url)
        assert (beat_name, hostname, pid, stopped_at) == (name, socket.gethostname(), os.getpid(), None)
    finally:
        daemon.close()
    [(_, _, _, stopped_at)] = _beats(postgres_url)
    assert stopped_at is not None  # a stopped daemon's runs need not wait for its silence


def test_a_daemon_on_sqlite_does_not_beat(sqlite_url, tmp_path):
    daemon = Daemon(DaemonOptions(database_url=sqlite_url, config_dir=_config(tmp_path)))
    daemon.start(paused=True)
    try:
        assert daemon.runner.worker is None
        assert _beats(sqlite_url) == []
    finally:
        daemon.close()


def _run_states(engine: sa.Engine, source: str) -> list[tuple]:
    with engine.connect() as connection:
        return connection.execute(sa.text(
            "SELECT r.id, r.status, r.hostname, r.worker, r.error_summary FROM crawl_run r "
            "JOIN source s ON s.id = r.source_id WHERE s.key = :key ORDER BY r.id"), {"key": source}).all()


def _stored(engine: sa.Engine, source: str) -> list[str]:
    with engine.connect() as connection:
        return [row[0] for row in connection.execute(sa.text(
            "SELECT a.canonical_url FROM article a JOIN source s ON s.id = a.source_id WHERE s.key = :key"),
            {"key": source})]


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.skipif(not _can_fake_a_host(), reason="needs unshare --uts (root) to give a crawl another host name")
def test_an_ad_hoc_crawl_lost_on_another_machine_frees_its_source_within_seconds(postgres_url, news_site,
                                                                                   tmp_path):
    """`pantau crawl` on "machine-b" (its own UTS namespace: this host cannot check its pid) is killed with its
    extraction workers mid-run. Before, its run counted as live for 12 hours and the next crawl of the source
    was skipped as "already being crawled"; now the next crawl here sees the heartbeat stopped, marks the run
    interrupted, and completes the source: what was stored stays, nothing is stored twice."""
    config_dir = write_demo_config(news_site, tmp_path / "config")
    env = {**os.environ, "PANTAU_FAST_LOCAL": "1", HEARTBEAT_ENV: "1"}  # lost after 4 s of silence
    command = [sys.executable, "-m", "crawler", "--database-url", postgres_url, "--config", str(config_dir),
               "crawl", "gemanusantara", "--no-progress"]
    log = open(tmp_path / "far.log", "w", encoding="utf-8")  # noqa: SIM115 - closed below
    far = subprocess.Popen(["unshare", "--uts", "sh", "-c", 'hostname machine-b && exec "$@"', "sh", *command],
                           cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    engine = sa.create_engine(postgres_url, poolclass=sa.pool.NullPool)
    try:
        deadline = time.monotonic() + 120
        running: list[tuple] = []
        while time.monotonic() < deadline and not running:
            try:
                running = [row for row in _run_states(engine, "gemanusantara") if row[1] == "running"]
            except sa.exc.ProgrammingError:  # the schema is not there yet
                pass
            time.sleep(0.3)
        assert running, (tmp_path / "far.log").read_text()[-2000:]
        [(run_id, _, hostname, worker, _)] = running
        assert hostname == "machine-b" and worker.startswith("crawl@machine-b-")
        time.sleep(2)  # well under way
        kill_tree(far.pid, signal.SIGKILL)  # the machine is lost: the crawl and its extraction workers
        far.wait()
        expected = {canonical_url(article["canonical_url"]) for outlet in news_site.truth()["outlets"]
                    if outlet["key"] == "gemanusantara" for article in outlet["articles"]}
        assert len(_stored(engine, "gemanusantara")) < len(expected), "killed before the run ended"

        time.sleep(5)  # more than MISSED_BEATS intervals of silence
        near = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert near.returncode == 0, near.stdout[-2000:] + near.stderr[-2000:]
        runs = _run_states(engine, "gemanusantara")
        assert [(row[0], row[1], row[2]) for row in runs] == [(run_id, "interrupted", "machine-b"),
                                                            (runs[1][0], "succeeded", socket.gethostname())]
        assert f"{worker} on machine-b stopped beating" in runs[0][4]
        stored = _stored(engine, "gemanusantara")
        assert len(stored) == len(set(stored)) and set(stored) == expected
        # The clean crawl forgot its heartbeat row; the lost one's stays, silent.
        assert [(row[0], row[1], row[3]) for row in _beats(postgres_url)] == [(worker, "machine-b", None)]
    finally:
        if far.poll() is None:
            kill_tree(far.pid, signal.SIGKILL)
        log.close()
        engine.dispose()
