"""The daemon's child crawls, with stand-in children (tiny Python scripts) so each test takes a second or two.

The real child (``python -m crawler crawl``) is exercised by tests/test_daemon_integration.py.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

import storage
from crawler.config import SourceConfig
from crawler.daemon.runner import CrawlRunner, RunnerSettings
from storage import daemon_state


def child_script(body: str) -> str:
    """A stand-in child: ``run_id`` and ``database_url`` are defined; the body does the 'crawl'.

    Bodies import storage themselves, after installing any signal handler (imports are slow on a busy machine).
    """
    return textwrap.dedent("""
        import os, signal, sys, time
        database_url, run_id = sys.argv[1], int(sys.argv[2])
    """) + textwrap.dedent(body)


class StandInRunner(CrawlRunner):
    script = ""

    def command(self, source_key: str, run_id: int, config_dir: Path) -> list[str]:
        return [sys.executable, "-c", self.script, self.settings.database_url, str(run_id)]


@pytest.fixture
def engine(sqlite_url: str) -> Engine:
    engine = storage.connect(sqlite_url)
    storage.sync_config(engine, [SourceConfig(key=key, name=key, home_url=f"https://{key}.example/")
                                 for key in ("diksi", "tribun", "antara")], [])
    yield engine
    engine.dispose()


def make_runner(engine: Engine, script: str, **settings: object) -> StandInRunner:
    runner = StandInRunner(engine, RunnerSettings(database_url=engine.url.render_as_string(hide_password=False),
                                                  poll_seconds=0.05, **settings),  # type: ignore[arg-type]
                           config_dir=lambda: Path("."))
    runner.script = child_script(script)
    return runner


def test_child_that_records_its_result_keeps_it(engine: Engine) -> None:
    runner = make_runner(engine, """
        import storage
        engine = storage.connect(database_url)
        storage.finish_run(engine, run_id, "succeeded", {"pages": 12, "new_articles": 4})
    """)
    assert runner.run_source("diksi") == "succeeded"
    run = storage.recent_runs(engine, limit=1)[0]
    assert (run.status, run.pages, run.new_articles, run.trigger) == ("succeeded", 12, 4, "scheduled")
    assert run.pid != os.getpid()  # the child's pid, not the daemon's


def test_child_that_crashes_leaves_a_failed_run_with_its_last_words(engine: Engine) -> None:
    runner = make_runner(engine, """
        sys.exit("Error: cannot open database: disk full")
    """)
    assert runner.run_source("diksi") == "failed"
    run = storage.recent_runs(engine, limit=1)[0]
    assert run.error_summary == "the crawl process exited with code 1: Error: cannot open database: disk full"


def test_child_over_its_time_limit_is_stopped_and_timed_out(engine: Engine) -> None:
    runner = make_runner(engine, """
        def graceful(*_):
            import storage
            engine = storage.connect(database_url)
            storage.finish_run(engine, run_id, "failed", {"pages": 3}, error_summary="crawl ended: shutdown")
            sys.exit(0)
        signal.signal(signal.SIGTERM, graceful)
        time.sleep(60)
    """, time_limit=dt.timedelta(seconds=1.5), grace_period=dt.timedelta(seconds=20))
    started = time.monotonic()
    assert runner.run_source("diksi") == "timed-out"
    assert time.monotonic() - started < 20
    run = storage.recent_runs(engine, limit=1)[0]
    assert (run.status, run.pages) == ("timed-out", 3)  # the counts the child saved are kept
    assert "time limit of 1 s" in run.error_summary


def test_child_that_ignores_sigterm_is_killed_after_the_grace_period(engine: Engine) -> None:
    runner = make_runner(engine, """
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        time.sleep(60)
    """, time_limit=dt.timedelta(seconds=1), grace_period=dt.timedelta(seconds=0.5))
    started = time.monotonic()
    assert runner.run_source("diksi") == "timed-out"
    assert time.monotonic() - started < 6


def test_stop_interrupts_running_children_and_starts_no_new_ones(engine: Engine) -> None:
    runner = make_runner(engine, """
        time.sleep(60)
    """, grace_period=dt.timedelta(seconds=2))
    results: list[str] = []
    worker = threading.Thread(target=lambda: results.append(runner.run_source("diksi")))
    worker.start()
    deadline = time.monotonic() + 10
    while not runner.running() and time.monotonic() < deadline:
        time.sleep(0.05)
    runner.stop()
    worker.join(timeout=10)
    assert results == ["interrupted"]
    assert runner.run_source("tribun") == "not started: shutting down"
    assert [run.status for run in storage.recent_runs(engine)] == ["interrupted"]


def test_concurrent_crawls_never_exceed_the_cap(engine: Engine, tmp_path: Path) -> None:
    marks = tmp_path / "marks"
    marks.mkdir()
    runner = make_runner(engine, f"""
        from pathlib import Path
        marks = Path({str(marks)!r})
        (marks / f"{{run_id}}.start").write_text(repr(time.monotonic()))
        time.sleep(0.6)
        (marks / f"{{run_id}}.end").write_text(repr(time.monotonic()))
        import storage
        storage.finish_run(storage.connect(database_url), run_id, "succeeded")
    """, max_concurrent=2)
    threads = [threading.Thread(target=runner.run_source, args=(key,)) for key in ("diksi", "tribun", "antara")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    spans = [(float((marks / f"{run.id}.start").read_text()), float((marks / f"{run.id}.end").read_text()))
             for run in storage.recent_runs(engine)]
    assert len(spans) == 3
    for moment, _ in spans:
        assert sum(1 for start, end in spans if start <= moment < end) <= 2


def test_a_source_being_crawled_ad_hoc_is_skipped(engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    storage.start_run(engine, "diksi", "manual", pid=os.getpid())
    runner = make_runner(engine, "raise SystemExit('must not run')")
    assert runner.run_source("diksi") == "skipped: already being crawled"
    assert "skip diksi: already being crawled" in caplog.text
    assert len(storage.recent_runs(engine)) == 1


def test_grandchildren_die_with_their_crawl(engine: Engine, tmp_path: Path) -> None:
    pid_file = tmp_path / "grandchild.pid"
    runner = make_runner(engine, f"""
        import subprocess
        worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        open({str(pid_file)!r}, "w").write(str(worker.pid))
        import storage
        storage.finish_run(storage.connect(database_url), run_id, "succeeded")
    """)
    assert runner.run_source("diksi") == "succeeded"
    grandchild = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.waitpid(grandchild, os.WNOHANG)
        except ChildProcessError:
            pass
        if not daemon_state.process_alive(grandchild):
            break
        time.sleep(0.05)
    assert not daemon_state.process_alive(grandchild) or _is_zombie(grandchild)


def _is_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def test_child_stderr_reaches_the_daemon_log(engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    """#21 item 8: every line the child writes to stderr is in the daemon's log, at the level it names."""
    runner = make_runner(engine, """
        for number in range(300):  # more than any tail: nothing may be dropped
            print(f"2026-12-02 10:00:00,000 WARNING spiders.news: diksi: http://x/{number}: HTTP 503",
                  file=sys.stderr)
        print("2026-12-02 10:00:01,000 ERROR crawler.crawl: crawl of diksi crashed", file=sys.stderr)
        print("Traceback (most recent call last): boom", file=sys.stderr)
        import storage
        engine = storage.connect(database_url)
        storage.finish_run(engine, run_id, "succeeded", {"pages": 1})
    """)
    with caplog.at_level(logging.DEBUG, logger="crawler.daemon.child"):
        assert runner.run_source("diksi") == "succeeded"
    relayed = [record for record in caplog.records if record.name == "crawler.daemon.child"]
    messages = [record.getMessage() for record in relayed]
    assert sum("HTTP 503" in message for message in messages) == 300
    assert all("crawl diksi (run " in message for message in messages)
    levels = {message.rsplit(": ", 1)[-1]: record.levelno for message, record in zip(messages, relayed)}
    assert levels["crawl of diksi crashed"] == logging.ERROR
    assert any(record.levelno == logging.WARNING and "Traceback" in record.getMessage() for record in relayed)
