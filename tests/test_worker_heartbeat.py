"""Workers' heartbeats on real SQLite and PostgreSQL: a run executed by a worker on another machine is live while
that worker beats and abandoned a few intervals after it falls silent — not 12 hours later (DEFAULT_STALE_AFTER)."""

from __future__ import annotations

import datetime as dt
import os

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

import storage
from crawler.config import SourceConfig
from storage import daemon_state, worker_heartbeats
from storage.worker_heartbeats import MISSED_BEATS

NOW = dt.datetime(2026, 11, 26, 3, 0, tzinfo=dt.timezone.utc)
INTERVAL = 30.0
FAR_HOST = "machine-far-away"  # a host whose pids this test cannot check (nor can any other machine's)


@pytest.fixture
def engine(database_engine: Engine) -> Engine:
    storage.sync_config(database_engine, [SourceConfig(key="diksi", name="Diksi", home_url="https://diksi.example/")],
                        [])
    return database_engine


def beat(engine: Engine, name: str, at: dt.datetime, *, host: str = FAR_HOST) -> None:
    worker_heartbeats.record_beat(engine, name=name, hostname=host, pid=4242, started_at=NOW - dt.timedelta(hours=1),
                                  interval_seconds=INTERVAL, now=at)


def claim_far_away(engine: Engine, worker: str | None) -> int:
    claim = daemon_state.claim_run(engine, "diksi", "scheduled", pid=4242, now=NOW, hostname=FAR_HOST, worker=worker)
    assert claim.run_id is not None
    return claim.run_id


def status_of(engine: Engine, run_id: int) -> tuple[str, str | None]:
    with engine.connect() as connection:
        return tuple(connection.execute(sa.text("SELECT status, error_summary FROM crawl_run WHERE id = :id"),
                                        {"id": run_id}).one())


def test_a_run_of_a_beating_worker_elsewhere_is_live_and_blocks_a_second_claim(engine: Engine) -> None:
    beat(engine, "pantau@far-1", NOW)
    run_id = claim_far_away(engine, "pantau@far-1")
    later = NOW + dt.timedelta(seconds=INTERVAL * MISSED_BEATS - 1)
    beat(engine, "pantau@far-1", later - dt.timedelta(seconds=INTERVAL))  # still beating
    other = daemon_state.claim_run(engine, "diksi", "scheduled", pid=os.getpid(), now=later)
    assert other.run_id is None and other.busy_with is not None and other.busy_with.id == run_id
    assert other.busy_with.worker == "pantau@far-1"
    assert worker_heartbeats.interrupt_runs_of_silent_workers(engine, now=later) == []
    assert status_of(engine, run_id)[0] == "running"


def test_a_silent_worker_elsewhere_loses_its_run_to_the_next_claim_within_a_few_intervals(engine: Engine) -> None:
    beat(engine, "pantau@far-1", NOW)
    run_id = claim_far_away(engine, "pantau@far-1")
    # No beat since NOW: a few intervals later the machine is taken for lost, its run for abandoned.
    later = NOW + dt.timedelta(seconds=INTERVAL * MISSED_BEATS + 1)
    assert later - NOW < daemon_state.DEFAULT_STALE_AFTER / 100
    claim = daemon_state.claim_run(engine, "diksi", "scheduled", pid=os.getpid(), now=later)
    assert claim.run_id is not None and claim.run_id != run_id
    status, reason = status_of(engine, run_id)
    assert status == "interrupted"
    assert "pantau@far-1" in reason and FAR_HOST in reason and "stopped beating" in reason


def test_the_sweep_interrupts_only_the_runs_of_silent_workers(engine: Engine) -> None:
    storage.sync_config(engine, [SourceConfig(key="diksi", name="Diksi", home_url="https://diksi.example/"),
                                 SourceConfig(key="tribun", name="Tribun", home_url="https://tribun.example/")], [])
    beat(engine, "pantau@lost", NOW)
    beat(engine, "pantau@alive", NOW)
    lost = claim_far_away(engine, "pantau@lost")
    alive = daemon_state.claim_run(engine, "tribun", "scheduled", pid=4243, now=NOW, hostname="machine-c",
                                   worker="pantau@alive").run_id
    later = NOW + dt.timedelta(seconds=INTERVAL * MISSED_BEATS + 1)
    beat(engine, "pantau@alive", later, host="machine-c")
    assert worker_heartbeats.interrupt_runs_of_silent_workers(engine, now=later) == [lost]
    assert status_of(engine, lost)[0] == "interrupted"
    assert status_of(engine, alive)[0] == "running"


def test_a_worker_that_stopped_or_never_beat_holds_no_run(engine: Engine) -> None:
    beat(engine, "pantau@far-1", NOW)
    stopped = claim_far_away(engine, "pantau@far-1")
    worker_heartbeats.record_stop(engine, name="pantau@far-1", now=NOW + dt.timedelta(seconds=1))
    assert worker_heartbeats.interrupt_runs_of_silent_workers(engine, now=NOW + dt.timedelta(seconds=2)) == [stopped]
    assert "stopped before the run ended" in status_of(engine, stopped)[1]
    ghost = claim_far_away(engine, "pantau@never-beat")
    assert worker_heartbeats.interrupt_runs_of_silent_workers(engine, now=NOW + dt.timedelta(seconds=3)) == [ghost]


def test_a_worker_restarted_under_its_name_interrupts_what_its_earlier_process_left(engine: Engine) -> None:
    beat(engine, "pantau@w1", NOW)
    left = claim_far_away(engine, "pantau@w1")
    beat(engine, "pantau@w1", NOW + dt.timedelta(seconds=5))  # the new process's first beat looks fresh
    assert worker_heartbeats.interrupt_runs_of_silent_workers(engine, now=NOW + dt.timedelta(seconds=5),
                                                              also_named="pantau@w1") == [left]
    assert "started again" in status_of(engine, left)[1]


def test_runs_without_a_worker_keep_the_old_rule(engine: Engine) -> None:
    """An ad-hoc crawl or a daemon child elsewhere has no heartbeat: live until DEFAULT_STALE_AFTER."""
    run_id = claim_far_away(engine, None)
    later = NOW + dt.timedelta(hours=1)
    assert worker_heartbeats.interrupt_runs_of_silent_workers(engine, now=later) == []
    assert daemon_state.claim_run(engine, "diksi", "scheduled", pid=os.getpid(), now=later).busy_with.id == run_id


def test_the_interval_comes_from_the_environment_with_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(worker_heartbeats.HEARTBEAT_ENV, raising=False)
    assert worker_heartbeats.configured_interval() == worker_heartbeats.DEFAULT_INTERVAL_SECONDS
    monkeypatch.setenv(worker_heartbeats.HEARTBEAT_ENV, "2.5")
    assert worker_heartbeats.configured_interval() == 2.5
    for bad in ("soon", "0", "-3"):
        monkeypatch.setenv(worker_heartbeats.HEARTBEAT_ENV, bad)
        with pytest.raises(ValueError, match=worker_heartbeats.HEARTBEAT_ENV):
            worker_heartbeats.configured_interval()
