"""The daemon in-process with a paused scheduler: start-up, reloads, bad edits, the lock, orphans and status.

The scheduler is started paused, so no job ever fires: these tests look at the schedule the daemon built,
never wait for it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

import storage
from crawler.config import ConfigError
from crawler.daemon import Daemon, DaemonAlreadyRunning, DaemonOptions
from crawler.daemon.status import gather_status
from storage import daemon_state

SOURCES = """
[[sources]]
key = "diksi"
name = "Diksi"
home_url = "https://diksi.example/"
interval_minutes = 30

[[sources]]
key = "tribun"
name = "Tribun"
home_url = "https://tribun.example/"
interval_minutes = 60
"""


_edits = itertools.count(1)


def write_sources(config_dir: Path, text: str) -> None:
    path = config_dir / "sources" / "news.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    # Two edits within one file-system timestamp tick must still look different to the mtime poll.
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000 * next(_edits)))


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "config"
    (directory / "sources").mkdir(parents=True)
    (directory / "entities").mkdir()
    write_sources(directory, SOURCES)
    return directory


def make_daemon(database_url: str, config_dir: Path, **options: object) -> Daemon:
    return Daemon(DaemonOptions(database_url=database_url, config_dir=config_dir, **options))  # type: ignore[arg-type]


@pytest.fixture
def daemon(sqlite_url: str, config_dir: Path) -> Iterator[Daemon]:
    daemon = make_daemon(sqlite_url, config_dir)
    daemon.start(paused=True)
    yield daemon
    daemon.close()


def jobs(daemon: Daemon) -> dict[str, object]:
    return {job.id: job for job in daemon.scheduler.get_jobs()}


def test_start_schedules_one_job_per_enabled_source(daemon: Daemon) -> None:
    scheduled = jobs(daemon)
    assert sorted(scheduled) == ["crawl:diksi", "crawl:tribun"]
    job = scheduled["crawl:diksi"]
    assert (job.max_instances, job.coalesce, job.misfire_grace_time) == (1, True, 900)
    assert job.trigger.interval == dt.timedelta(minutes=30)
    assert job.trigger.jitter == 180 or job.trigger.jitter == 120  # a tenth of the interval, capped at 2 min
    snapshot = daemon.schedule_snapshot()
    assert set(snapshot) == {"diksi", "tribun"} and snapshot["diksi"]["every"] == "30 min"


def test_reload_adds_removes_disables_and_retimes_sources(daemon: Daemon, config_dir: Path,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    write_sources(config_dir, SOURCES.replace("interval_minutes = 30", "interval_minutes = 15")
                  .replace('interval_minutes = 60', 'interval_minutes = 60\nenabled = false') + """
        [[sources]]
        key = "antara"
        name = "Antara"
        home_url = "https://antara.example/"
        cron = "0 6 * * *"
        timezone = "Asia/Makassar"
    """)
    assert daemon.reload()
    scheduled = jobs(daemon)
    assert sorted(scheduled) == ["crawl:antara", "crawl:diksi"]
    assert scheduled["crawl:diksi"].trigger.interval == dt.timedelta(minutes=15)
    assert "config reloaded: 1 added, 1 removed, 1 re-timed" in caplog.text
    with daemon.engine.connect() as connection:
        keys = {row[0] for row in connection.exec_driver_sql("SELECT key FROM source")}
    assert "antara" in keys  # mirrored into SQL, so its runs can be recorded


def test_reload_without_changes_does_nothing(daemon: Daemon) -> None:
    before = {job.id: job.next_run_time for job in daemon.scheduler.get_jobs()}
    assert daemon.reload()
    assert {job.id: job.next_run_time for job in daemon.scheduler.get_jobs()} == before


def test_bad_edit_keeps_the_last_good_schedule_and_logs_one_error(daemon: Daemon, config_dir: Path,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    good_snapshot = daemon.watcher.current.snapshot_dir
    before = {job.id: job.trigger.interval for job in daemon.scheduler.get_jobs()}
    write_sources(config_dir, SOURCES.replace("interval_minutes = 30", "interval_minutes = 0"))
    assert daemon.reload() is False
    assert daemon.reload() is True  # the same broken files: nothing new to say
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert len(errors) == 1
    message = errors[0].getMessage()
    assert message.startswith("config not reloaded, keeping the last good schedule: ")
    assert "news.toml:" in message and "'diksi'" in message and "interval_minutes" in message
    assert "pantau-daemon-config" not in message  # names the operator's file, not the daemon's copy
    assert {job.id: job.trigger.interval for job in daemon.scheduler.get_jobs()} == before
    assert daemon.watcher.current.snapshot_dir == good_snapshot  # crawls keep reading the good copy
    assert "interval_minutes = 30" in (good_snapshot / "sources" / "news.toml").read_text()
    write_sources(config_dir, SOURCES.replace("interval_minutes = 30", "interval_minutes = 10"))
    assert daemon.reload()
    assert jobs(daemon)["crawl:diksi"].trigger.interval == dt.timedelta(minutes=10)


def test_bad_cron_in_an_edit_is_refused_like_any_mistake(daemon: Daemon, config_dir: Path,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    write_sources(config_dir, SOURCES.replace("interval_minutes = 30", 'cron = "61 * * * *"'))
    assert daemon.reload() is False
    assert "bad cron expression '61 * * * *'" in caplog.text
    assert jobs(daemon)["crawl:diksi"].trigger.interval == dt.timedelta(minutes=30)


def test_broken_config_at_start_refuses_to_start(sqlite_url: str, config_dir: Path) -> None:
    write_sources(config_dir, "[[sources]]\nkey = 'x'\n")
    daemon = make_daemon(sqlite_url, config_dir)
    with pytest.raises(ConfigError, match="news.toml"):
        daemon.start(paused=True)
    write_sources(config_dir, SOURCES)  # fixed: it starts, so the refusal gave the lock back
    again = make_daemon(sqlite_url, config_dir)
    again.start(paused=True)
    again.close()


def test_second_daemon_on_the_same_database_is_refused(database_url: str, config_dir: Path) -> None:
    first = make_daemon(database_url, config_dir)
    first.start(paused=True)
    try:
        second = make_daemon(database_url, config_dir)
        with pytest.raises(DaemonAlreadyRunning, match="already"):
            second.start(paused=True)
    finally:
        first.close()
    third = make_daemon(database_url, config_dir)
    third.start(paused=True)
    third.close()


def test_start_marks_orphaned_runs_interrupted_and_leaves_live_ones(sqlite_url: str, config_dir: Path) -> None:
    from crawler.config import load_entities, load_sources

    engine = storage.connect(sqlite_url)
    storage.sync_config(engine, load_sources(config_dir), load_entities(config_dir))
    dead_pid = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                                  text=True, check=True).stdout)
    orphan = storage.start_run(engine, "diksi", "scheduled", pid=dead_pid)
    live = storage.start_run(engine, "tribun", "manual")  # this test process: alive, an ad-hoc crawl
    daemon = make_daemon(sqlite_url, config_dir)
    daemon.start(paused=True)
    daemon.close()
    runs = {run.id: run for run in storage.recent_runs(engine)}
    assert runs[orphan].status == "interrupted" and runs[orphan].finished_at is not None
    assert runs[live].status == "running"
    engine.dispose()


def test_restart_continues_the_interval_from_the_last_run(sqlite_url: str, config_dir: Path) -> None:
    from crawler.config import load_entities, load_sources

    engine = storage.connect(sqlite_url)
    storage.sync_config(engine, load_sources(config_dir), load_entities(config_dir))
    run_id = storage.start_run(engine, "diksi", "scheduled")
    storage.finish_run(engine, run_id, "succeeded")
    last_start = storage.recent_runs(engine, limit=1)[0].started_at
    daemon = make_daemon(sqlite_url, config_dir, max_jitter=dt.timedelta(0))
    daemon.start(paused=True)
    try:
        next_diksi = jobs(daemon)["crawl:diksi"].next_run_time
        next_tribun = jobs(daemon)["crawl:tribun"].next_run_time
    finally:
        daemon.close()
    assert abs(next_diksi - (last_start + dt.timedelta(minutes=30))) < dt.timedelta(seconds=1)
    assert next_tribun - daemon.started_at < dt.timedelta(seconds=5)  # never crawled: due now
    engine.dispose()


def test_status_shows_the_daemon_while_it_runs_and_after(sqlite_url: str, config_dir: Path) -> None:
    from crawler.config import load_sources

    daemon = make_daemon(sqlite_url, config_dir)
    daemon.start(paused=True)
    daemon_state.record_heartbeat(daemon.engine, now=daemon.clock(), schedule=daemon.schedule_snapshot())
    engine = storage.connect(sqlite_url)
    try:
        running = gather_status(engine, sqlite_url, load_sources(config_dir))
        assert running.daemon.running and running.daemon.pid == daemon.pid
        assert {source.key: source.next_run is not None for source in running.sources} == \
            {"diksi": True, "tribun": True}
        daemon.close()
        stopped = gather_status(engine, sqlite_url, load_sources(config_dir))
        assert not stopped.daemon.running and stopped.daemon.stopped_at is not None
        assert all(source.next_run is None for source in stopped.sources)
    finally:
        engine.dispose()


def test_status_lists_sources_failing_repeatedly(sqlite_url: str, config_dir: Path) -> None:
    from crawler.config import load_entities, load_sources

    engine = storage.connect(sqlite_url)
    storage.sync_config(engine, load_sources(config_dir), load_entities(config_dir))
    storage.finish_run(engine, storage.start_run(engine, "diksi", "scheduled"), "succeeded")
    for status in ("failed", "timed-out", "failed"):
        storage.finish_run(engine, storage.start_run(engine, "diksi", "scheduled"), status,
                           error_summary=f"{status}: connection refused")
    storage.finish_run(engine, storage.start_run(engine, "tribun", "scheduled"), "failed")
    report = gather_status(engine, sqlite_url, load_sources(config_dir))
    assert [source.key for source in report.failing] == ["diksi"]
    assert report.failing[0].failures_in_a_row == 3
    assert report.failing[0].last_finished.error_summary == "failed: connection refused"
    engine.dispose()


def test_job_listeners_log_missed_skipped_and_failed_jobs(daemon: Daemon, caplog: pytest.LogCaptureFixture) -> None:
    from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED, JobEvent, \
        JobExecutionEvent

    due = dt.datetime(2026, 11, 26, 3, 0, tzinfo=dt.timezone.utc)
    daemon._on_job_event(JobExecutionEvent(EVENT_JOB_MISSED, "crawl:diksi", "default", due))
    daemon._on_job_event(JobEvent(EVENT_JOB_MAX_INSTANCES, "crawl:tribun", "default"))
    try:
        raise RuntimeError("database is locked")
    except RuntimeError as error:
        daemon._on_job_event(JobExecutionEvent(EVENT_JOB_ERROR, "crawl:diksi", "default", due, exception=error,
                                               traceback="Traceback …"))
    messages = [(record.levelname, record.getMessage()) for record in caplog.records]
    assert ("WARNING", "crawl of diksi missed its start at 2026-11-26T03:00:00+00:00 (the daemon was busy or "
            "asleep); it runs at its next time") in messages
    assert ("WARNING", "crawl of tribun is due but its previous run is still going or waiting: skipped this time") \
        in messages
    assert ("ERROR", "crawl job of diksi failed in the daemon: RuntimeError('database is locked')") in messages


def test_an_edit_is_reloaded_at_once_by_the_watch_not_by_the_poll(sqlite_url: str, config_dir: Path) -> None:
    """watchfiles tells the daemon of the edit: with the poll an hour away, the new interval is live in seconds."""
    import threading
    import time

    daemon = make_daemon(sqlite_url, config_dir, poll_seconds=3600.0)
    daemon.start(paused=True)
    loop = threading.Thread(target=daemon._main_loop, daemon=True)
    try:
        assert daemon.config_events is not None and daemon.config_events.active
        loop.start()
        time.sleep(1.5)  # the loop's first pass (its start-up reload) is done; the next poll is an hour away
        write_sources(config_dir, SOURCES.replace("interval_minutes = 30", "interval_minutes = 20"))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and jobs(daemon)["crawl:diksi"].trigger.interval != dt.timedelta(minutes=20):
            time.sleep(0.2)
        assert jobs(daemon)["crawl:diksi"].trigger.interval == dt.timedelta(minutes=20)
    finally:
        daemon._stop_signals = 1
        daemon.wake.set()
        loop.join(timeout=10)
        daemon.close()
    assert not loop.is_alive()


def test_config_events_ignore_editor_backups_and_hidden_files(tmp_path: Path) -> None:
    import threading

    from crawler.daemon.config_watch import ConfigEvents

    (tmp_path / "sources").mkdir()
    seen = threading.Event()
    events = ConfigEvents(tmp_path, seen.set, debounce_ms=50).start()
    try:
        (tmp_path / "sources" / "news.toml~").write_text("backup", encoding="utf-8")
        (tmp_path / "sources" / ".news.toml.swp").write_text("swap", encoding="utf-8")
        assert not seen.wait(2.0), "an editor's backup or swap file woke the daemon"
        (tmp_path / "sources" / "news.toml").write_text("[[sources]]\n", encoding="utf-8")
        assert seen.wait(10.0), "a real edit was not reported"
    finally:
        events.stop()
