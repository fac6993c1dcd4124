"""Crawl runs distributed over Celery workers: three real worker processes, a real Redis broker, real PostgreSQL,
real child crawls of the demo site over loopback — compared with the site's own record: every article once,
also when a worker is killed with SIGKILL in the middle of a run."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import sqlalchemy as sa

from crawler.config import default_config_dir
from crawler.urls import canonical_url
from crawler.workers.backfill import month_ranges
from storage.worker_heartbeats import HEARTBEAT_ENV
from tests.fixtures.news_site import write_demo_config

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

ROOT = Path(__file__).resolve().parent.parent
WAIT_SECONDS = 240
# Longer than one demo crawl (≈ 15 s on a busy machine), short enough that a lost run is delivered again soon.
VISIBILITY_SECONDS = 30


class Cluster:
    """The processes of one test: workers (and a leader), each with its log file; all killed at the end."""

    def __init__(self, tmp_path: Path, database_url: str, config_dir: Path, redis_url: str) -> None:
        self.tmp_path, self.database_url, self.config_dir = tmp_path, database_url, config_dir
        self.env = {**os.environ, "PANTAU_BROKER_URL": redis_url, "PANTAU_VISIBILITY_TIMEOUT": str(VISIBILITY_SECONDS),
                    "PANTAU_FAST_LOCAL": "1"}
        self.processes: list[subprocess.Popen] = []
        self.engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)

    def pantau(self, *args: str, log: str, host: str | None = None) -> subprocess.Popen:
        handle = open(self.tmp_path / log, "w", encoding="utf-8")  # noqa: SIM115 - closed with the process
        command = [sys.executable, "-m", "crawler", "--database-url", self.database_url, "--config",
                   str(self.config_dir), *args]
        if host is not None:  # another machine, as far as names go: its own UTS namespace and host name
            command = ["unshare", "--uts", "sh", "-c", f'hostname {host} && exec "$@"', "sh", *command]
        process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=handle, stderr=subprocess.STDOUT, text=True)
        self.processes.append(process)
        return process

    def worker(self, name: str, host: str | None = None) -> subprocess.Popen:
        return self.pantau("worker", "--concurrency", "1", "--name", name, "--allow-private-addresses",
                           "--grace-period", "5", log=f"{name}.log", host=host)

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "crawler", "--database-url", self.database_url, "--config",
                               str(self.config_dir), *args], cwd=ROOT, env=self.env, capture_output=True, text=True,
                              timeout=120)

    def query(self, sql: str, **params) -> list:  # noqa: ANN003
        with self.engine.connect() as connection:
            return connection.execute(sa.text(sql), params).all()

    def wait_for(self, condition, what: str, timeout: float = WAIT_SECONDS):  # noqa: ANN001, ANN201
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                result = condition()
            except sa.exc.ProgrammingError:  # the schema is not there yet
                result = None
            if result:
                return result
            time.sleep(0.5)
        logs = "\n".join(f"--- {path.name}\n{path.read_text()[-1500:]}" for path in self.tmp_path.glob("*.log"))
        pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n{logs}")

    def stored(self, source: str) -> list[str]:
        return [row[0] for row in self.query(
            "SELECT a.canonical_url FROM article a JOIN source s ON s.id = a.source_id WHERE s.key = :key",
            key=source)]

    def close(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                kill_tree(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                kill_tree(process.pid, signal.SIGKILL)
                process.wait()
        self.engine.dispose()


def kill_tree(pid: int, signum: int) -> None:
    """The process and everything it started (the child crawl and its extraction workers live in their own
    session, so a process group signal would miss them): a machine that is lost loses all of them at once."""
    try:
        parent = psutil.Process(pid)
        family = [parent, *parent.children(recursive=True)]
    except psutil.NoSuchProcess:
        return
    for process in family:
        try:
            process.send_signal(signum)
        except psutil.NoSuchProcess:
            pass


@pytest.fixture
def cluster(tmp_path, news_site, postgres_url, redis_url, webhook_receiver):
    config_dir = write_demo_config(news_site, tmp_path / "config")
    shutil.copytree(default_config_dir() / "alerts", config_dir / "alerts")  # alerts go to the test's receiver
    import redis

    redis.Redis.from_url(redis_url).flushdb()  # no message left over from another test's leader or workers
    cluster = Cluster(tmp_path, postgres_url, config_dir, redis_url)
    cluster.env["PANTAU_ALERT_WEBHOOK"] = webhook_receiver.url
    yield cluster
    cluster.close()


def truth_urls(site, source: str, first: dt.date | None = None, last: dt.date | None = None) -> set[str]:
    outlet = next(outlet for outlet in site.truth()["outlets"] if outlet["key"] == source)
    urls = set()
    for article in outlet["articles"]:
        published = dt.datetime.fromisoformat(str(article["published_at"])).date()
        if (first is None or published >= first) and (last is None or published <= last):
            urls.add(canonical_url(article["canonical_url"]))
    return urls


def test_month_ranges_split_the_archive_newest_first_without_overlap():
    ranges = month_ranges(dt.date(2024, 10, 15), dt.date(2025, 1, 3))
    assert [(r.first, r.last) for r in ranges] == [
        (dt.date(2025, 1, 1), dt.date(2025, 1, 3)), (dt.date(2024, 12, 1), dt.date(2024, 12, 31)),
        (dt.date(2024, 11, 1), dt.date(2024, 11, 30)), (dt.date(2024, 10, 15), dt.date(2024, 10, 31))]
    with pytest.raises(ValueError):
        month_ranges(dt.date(2025, 1, 2), dt.date(2025, 1, 1))


def test_three_workers_and_a_leader_crawl_a_backfill_and_every_outlet_once(cluster, news_site, webhook_receiver):
    for name in ("w1", "w2", "w3"):
        cluster.worker(name)
    # An archive back-fill first: the national portal's October-November 2024 stories, one run per month.
    queued = cluster.run("backfill", "gemanusantara", "--from", "2024-10-01", "--to", "2024-11-30")
    assert queued.returncode == 0, queued.stdout + queued.stderr
    assert "2 month(s) from 2024-10-01 to 2024-11-30 queued" in queued.stdout
    cluster.wait_for(lambda: cluster.query("SELECT count(*) FROM backfill_part WHERE status = 'succeeded'")[0][0] == 2,
                     "both months of the back-fill")
    archive = truth_urls(news_site, "gemanusantara", dt.date(2024, 10, 1), dt.date(2024, 11, 30))
    assert archive and sorted(cluster.stored("gemanusantara")) == sorted(archive)

    # The same part's message delivered again (Redis does so when a run outlasts the visibility timeout): the
    # worker sees the part crawled and starts no second run of it.
    part_id, since, until = cluster.query("SELECT id, first_day, last_day FROM backfill_part ORDER BY id")[0]
    runs_before = cluster.query("SELECT count(*) FROM crawl_run")[0][0]
    from crawler.workers.app import BACKFILL_QUEUE, make_app

    make_app(cluster.env["PANTAU_BROKER_URL"]).send_task(
        "pantau.crawl", args=["gemanusantara"], queue=BACKFILL_QUEUE,
        kwargs={"since": str(since), "until": str(until), "backfill_part": part_id})
    cluster.wait_for(lambda: any(f"{since}..{until} already crawled" in path.read_text()
                                 for path in cluster.tmp_path.glob("w*.log")), "the duplicate delivery skipped")
    assert cluster.query("SELECT count(*) FROM crawl_run")[0][0] == runs_before

    # The leader enqueues every source's run; the workers crawl them.
    cluster.pantau("daemon", "--executor", "celery", "--every", "3600", "--allow-private-addresses", log="leader.log")
    outlets = [outlet.key for outlet in news_site.outlets]
    cluster.wait_for(lambda: {row[0] for row in cluster.query(
        "SELECT s.key FROM crawl_run r JOIN source s ON s.id = r.source_id "
        "WHERE r.status = 'succeeded' AND r.trigger = 'scheduled' "
        "AND r.id NOT IN (SELECT run_id FROM backfill_part WHERE run_id IS NOT NULL)")} >= set(outlets)
        and not cluster.query(
        "SELECT 1 FROM crawl_run WHERE status = 'running'"), "a finished run of every outlet")
    for outlet in outlets:
        stored = cluster.stored(outlet)
        assert len(stored) == len(set(stored))
        assert set(stored) == truth_urls(news_site, outlet), f"{outlet}: every article once, nothing else"
    workers_used = [name for name in ("w1", "w2", "w3")
                    if "crawl " in (cluster.tmp_path / f"{name}.log").read_text() and
                    " started (run " in (cluster.tmp_path / f"{name}.log").read_text()]
    assert len(workers_used) >= 2, "the runs were spread over the workers"
    # The workers check the alert rules after their live runs: the demo's planted events arrive, once each.
    planted = sorted((event["rule"], tuple(sorted(event["urls"]))) for event in news_site.truth()["planted_alerts"])
    arrived = sorted((hook["rule"], tuple(sorted(article["url"] for article in hook["articles"])))
                     for hook in webhook_receiver.wait_for(len(planted)))
    assert arrived == planted
    status = cluster.run("status", "--workers")
    assert status.returncode == 0, status.stderr
    assert "Workers: 3 answering" in status.stdout
    assert "Heartbeats (workers, the daemon, ad-hoc crawls)" in status.stdout
    assert status.stdout.count("beating") == 4 and "daemon@" in status.stdout  # 3 workers and the leader


def test_a_worker_killed_mid_run_loses_nothing_and_stores_nothing_twice(cluster, news_site):
    first = cluster.worker("doomed")
    cluster.wait_for(lambda: "ready" in (cluster.tmp_path / "doomed.log").read_text(), "the first worker", 60)
    from crawler.workers.enqueue import enqueue_live_run

    enqueue_live_run("gemanusantara", broker=cluster.env["PANTAU_BROKER_URL"])
    cluster.wait_for(lambda: cluster.query(
        "SELECT 1 FROM crawl_run r JOIN source s ON s.id = r.source_id "
        "WHERE s.key = 'gemanusantara' AND r.status = 'running'"), "the run to start")
    time.sleep(2)  # well under way (a whole crawl of this outlet takes 10-15 s here)
    assert cluster.query("SELECT 1 FROM crawl_run WHERE status = 'running'"), "the run ended before the kill"
    kill_tree(first.pid, signal.SIGKILL)  # the worker, its child crawl and its extraction workers: a lost machine
    first.wait()
    partial = len(cluster.stored("gemanusantara"))  # what its writer had committed stays
    expected = truth_urls(news_site, "gemanusantara")
    assert partial < len(expected), "killed before the run ended"

    cluster.worker("survivor")  # the message comes back after the visibility timeout
    cluster.wait_for(lambda: cluster.query(
        "SELECT 1 FROM crawl_run r JOIN source s ON s.id = r.source_id WHERE s.key = 'gemanusantara' "
        "AND r.status = 'succeeded'"), "the run delivered again to complete", VISIBILITY_SECONDS + WAIT_SECONDS)
    stored = cluster.stored("gemanusantara")
    assert len(stored) == len(set(stored)) and set(stored) == expected
    statuses = [row[0] for row in cluster.query(
        "SELECT r.status FROM crawl_run r JOIN source s ON s.id = r.source_id WHERE s.key = 'gemanusantara' "
        "ORDER BY r.id")]
    assert statuses == ["interrupted", "succeeded"]


def _can_fake_a_host() -> bool:
    try:
        return subprocess.run(["unshare", "--uts", "sh", "-c", "hostname pantau-probe && hostname"],
                              capture_output=True, text=True, timeout=10).stdout.strip() == "pantau-probe"
    except (OSError, subprocess.TimeoutExpired):
        return False


@pytest.mark.skipif(not _can_fake_a_host(), reason="needs unshare --uts (root) to give a worker another host name")
def test_a_lost_machine_s_run_is_retried_once_its_heartbeat_stops_not_after_12_hours(cluster, news_site):
    """A worker on "machine-b" (its own UTS namespace: this test's host cannot check its pids) is killed with
    everything it started; the worker on "machine-c" sees its heartbeat stop, marks the run interrupted, and
    crawls the message Redis delivers again. Before heartbeats, the run of another host counted as live for
    DEFAULT_STALE_AFTER (12 h): the redelivered run was skipped as "already being crawled" and never done."""
    cluster.env[HEARTBEAT_ENV] = "1"  # lost after MISSED_BEATS (4) seconds of silence
    far = cluster.worker("far", host="machine-b")
    cluster.wait_for(lambda: "ready" in (cluster.tmp_path / "far.log").read_text(), "the far worker", 60)
    from crawler.workers.enqueue import enqueue_live_run

    enqueue_live_run("gemanusantara", broker=cluster.env["PANTAU_BROKER_URL"])
    [(run_id, hostname, worker)] = cluster.wait_for(lambda: cluster.query(
        "SELECT r.id, r.hostname, r.worker FROM crawl_run r JOIN source s ON s.id = r.source_id "
        "WHERE s.key = 'gemanusantara' AND r.status = 'running'"), "the run to start")
    assert (hostname, worker) == ("machine-b", "far")
    time.sleep(2)
    assert cluster.query("SELECT 1 FROM crawl_run WHERE status = 'running'"), "the run ended before the kill"
    kill_tree(far.pid, signal.SIGKILL)  # the machine is lost: worker, child crawl, extraction workers
    far.wait()
    expected = truth_urls(news_site, "gemanusantara")
    assert len(cluster.stored("gemanusantara")) < len(expected), "killed before the run ended"

    cluster.worker("near", host="machine-c")
    [(reason,)] = cluster.wait_for(lambda: cluster.query(
        "SELECT error_summary FROM crawl_run WHERE id = :id AND status = 'interrupted'", id=run_id),
        "the lost machine's run to be marked interrupted")
    assert "far on machine-b stopped beating" in reason
    cluster.wait_for(lambda: cluster.query(
        "SELECT 1 FROM crawl_run r JOIN source s ON s.id = r.source_id WHERE s.key = 'gemanusantara' "
        "AND r.status = 'succeeded'"), "the run delivered again to complete", VISIBILITY_SECONDS + WAIT_SECONDS)
    stored = cluster.stored("gemanusantara")
    assert len(stored) == len(set(stored)) and set(stored) == expected
    runs = cluster.query("SELECT r.status, r.hostname, r.worker, r.started_at, r.finished_at FROM crawl_run r "
                         "JOIN source s ON s.id = r.source_id WHERE s.key = 'gemanusantara' ORDER BY r.id")
    assert [(row[0], row[1], row[2]) for row in runs] == [("interrupted", "machine-b", "far"),
                                                        ("succeeded", "machine-c", "near")]
    beats = dict(cluster.query("SELECT name, hostname FROM worker_heartbeat"))
    assert beats == {"far": "machine-b", "near": "machine-c"}
