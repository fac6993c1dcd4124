"""The daemon's lock and its crawl_run claims, on real SQLite and PostgreSQL databases."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy.engine import Engine

import storage
from crawler.config import SourceConfig
from crawler.daemon.lock import DaemonAlreadyRunning, DaemonLock, daemon_lock_held
from storage import daemon_state

NOW = dt.datetime(2026, 11, 26, 3, 0, tzinfo=dt.timezone.utc)
HOST = daemon_state.this_host()


def make_source(key: str) -> SourceConfig:
    return SourceConfig(key=key, name=key.title(), home_url=f"https://{key}.example/")


@pytest.fixture
def engine(database_engine: Engine) -> Engine:
    storage.sync_config(database_engine, [make_source("diksi"), make_source("tribun")], [])
    return database_engine


def test_daemon_lock_refuses_a_second_daemon_with_a_clear_message(database_url: str) -> None:
    storage.connect(database_url).dispose()
    first = DaemonLock(database_url, pid=4242, hostname="box-a")
    first.acquire()
    try:
        assert daemon_lock_held(database_url) is True
        second = DaemonLock(database_url, pid=4343, hostname="box-b")
        with pytest.raises(DaemonAlreadyRunning, match=r"pid.?4242.*already") as refusal:
            second.acquire(wait=0.3)
        assert "box-a" in str(refusal.value) and "\n" not in str(refusal.value)
    finally:
        first.release()
    assert daemon_lock_held(database_url) is False
    with DaemonLock(database_url, pid=4343, hostname="box-b"):  # free again once the first one let go
        pass


def test_daemon_lock_is_freed_when_its_process_dies(database_url: str) -> None:
    storage.connect(database_url).dispose()
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        from crawler.daemon.lock import DaemonLock
        lock = DaemonLock({database_url!r}, hostname="crashing")
        lock.acquire()
        print("locked", flush=True)
        time.sleep(60)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(DaemonAlreadyRunning):
            DaemonLock(database_url).acquire(wait=0)
    finally:
        holder.kill()
        holder.wait()
    lock = DaemonLock(database_url)
    lock.acquire(wait=5)  # PostgreSQL notices the dropped connection within moments
    lock.release()


def test_claim_run_creates_a_running_row_with_host_and_pid(engine: Engine) -> None:
    claim = daemon_state.claim_run(engine, "diksi", "scheduled", pid=os.getpid(), now=NOW)
    assert claim.run_id is not None
    run = daemon_state.get_run(engine, claim.run_id)
    assert (run.status, run.trigger, run.pid, run.hostname) == ("running", "scheduled", os.getpid(), HOST)


def test_claim_run_skips_a_source_with_a_live_run(engine: Engine) -> None:
    manual = storage.start_run(engine, "diksi", "manual", pid=os.getpid())  # an ad-hoc crawl in progress
    claim = daemon_state.claim_run(engine, "diksi", "scheduled", pid=os.getpid())
    assert claim.run_id is None and claim.busy_with.id == manual
    other = daemon_state.claim_run(engine, "tribun", "scheduled", pid=os.getpid())
    assert other.run_id is not None  # other sources are not held up


def test_claim_run_interrupts_a_dead_run_and_proceeds(engine: Engine) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    stale = storage.start_run(engine, "diksi", "manual", pid=int(dead.stdout))
    claim = daemon_state.claim_run(engine, "diksi", "scheduled", pid=os.getpid())
    assert claim.run_id is not None
    assert daemon_state.get_run(engine, stale).status == "interrupted"


def test_run_from_another_host_counts_as_live_until_stale() -> None:
    run = storage.RunRecord(id=1, source_key="diksi", trigger="manual", status="running", started_at=NOW,
                            finished_at=None, hostname="other-box", pid=1, pages=0, new_articles=0,
                            updated_articles=0, mentions=0, errors=0, error_summary=None)
    assert daemon_state.run_is_live(run, now=NOW + dt.timedelta(hours=1), hostname=HOST)
    assert not daemon_state.run_is_live(run, now=NOW + dt.timedelta(days=1), hostname=HOST)


def test_settle_run_overrides_only_when_asked(engine: Engine) -> None:
    run_id = daemon_state.claim_run(engine, "diksi", "scheduled", pid=os.getpid()).run_id
    storage.finish_run(engine, run_id, "failed", {"pages": 7, "new_articles": 3}, error_summary="crawl ended: shutdown")
    daemon_state.settle_run(engine, run_id, "failed", "exited with code 1")  # the child wrote a result: kept
    assert daemon_state.get_run(engine, run_id).error_summary == "crawl ended: shutdown"
    daemon_state.settle_run(engine, run_id, "timed-out", "stopped after the time limit", override=True)
    run = daemon_state.get_run(engine, run_id)
    assert (run.status, run.error_summary, run.pages, run.new_articles) == \
        ("timed-out", "stopped after the time limit", 7, 3)


def test_daemon_state_row_records_start_heartbeat_and_stop(engine: Engine) -> None:
    assert daemon_state.read_daemon_state(engine) is None
    daemon_state.record_daemon_start(engine, pid=99, hostname="box", started_at=NOW, config_dir="/etc/pantau")
    later = NOW + dt.timedelta(seconds=15)
    daemon_state.record_heartbeat(engine, now=later, schedule={"diksi": {"next_run": "2026-11-26T03:20:00+00:00"}},
                                  pid=99)
    state = daemon_state.read_daemon_state(engine)
    assert (state.pid, state.started_at, state.heartbeat_at, state.stopped_at) == (99, NOW, later, None)
    assert state.schedule["diksi"]["next_run"].startswith("2026-11-26T03:20")
    daemon_state.record_daemon_stop(engine, pid=99, now=later)
    assert daemon_state.read_daemon_state(engine).stopped_at == later


def test_runs_by_source_newest_first_limited(engine: Engine) -> None:
    ids = [storage.start_run(engine, "diksi", "scheduled") for _ in range(4)]
    for run_id in ids:
        storage.finish_run(engine, run_id, "succeeded")
    storage.finish_run(engine, storage.start_run(engine, "tribun", "manual"), "failed")
    runs = daemon_state.runs_by_source(engine, per_source=3)
    assert [run.id for run in runs["diksi"]] == ids[::-1][:3]
    assert [run.status for run in runs["tribun"]] == ["failed"]
