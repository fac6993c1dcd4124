"""The real daemon, as an operator starts it: a subprocess, real child crawls of the demo site over loopback.

The only test that waits on the wall clock: it polls the database (bounded) until a source has two
successive runs, then sends SIGTERM and expects a clean exit.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import storage
from crawler.config import default_config_dir
from crawler.demo import DemoSite
from tests.fixtures.news_site import DEMO_TODAY, write_demo_config

ROOT = Path(__file__).resolve().parent.parent
WAIT_SECONDS = 180


@pytest.fixture(scope="module")
def small_news_site() -> Iterator[DemoSite]:
    """The demo site with a few days of stories, so that each crawl takes seconds."""
    with DemoSite(days=4, today=DEMO_TODAY) as site:
        yield site


def wait_for(condition, timeout: float, what: str, process: subprocess.Popen[str]):  # noqa: ANN001, ANN201
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        if process.poll() is not None:
            pytest.fail(f"the daemon exited early ({process.returncode}) while waiting for {what}")
        time.sleep(0.5)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


@pytest.mark.slow
def test_daemon_crawls_on_its_interval_reloads_on_sighup_and_stops_cleanly_on_sigterm(
        small_news_site: DemoSite, tmp_path: Path, smtp_server, webhook_receiver) -> None:
    config_dir = write_demo_config(small_news_site, tmp_path / "config")
    (config_dir / "alerts").mkdir()
    shutil.copy(default_config_dir() / "alerts" / "example.yaml", config_dir / "alerts")
    alert_env = {"PANTAU_SMTP_HOST": "127.0.0.1", "PANTAU_SMTP_PORT": str(smtp_server.port),
                 "PANTAU_ALERT_EMAIL": "humas@kaltimprov.example", "PANTAU_ALERT_WEBHOOK": webhook_receiver.url}
    database_url = f"sqlite:///{tmp_path / 'pantau.db'}"
    log_file = tmp_path / "daemon.log"
    daemon = subprocess.Popen(
        [sys.executable, str(ROOT / "schedule.py"), "--database-url", database_url, "--config", str(config_dir),
         "--every", "3", "--allow-private-addresses", "--grace-period", "20", "--poll", "0.5",
         "--log-format", "json", "--log-file", str(log_file)],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **alert_env})
    try:
        engine = wait_for(lambda: _engine_when_ready(database_url), 60, "the database", daemon)

        def two_runs_of_one_source():  # noqa: ANN202
            runs = storage.recent_runs(engine, limit=100)
            for key in {run.source_key for run in runs}:
                done = [run for run in runs if run.source_key == key and run.status == "succeeded"]
                if len(done) >= 2:
                    return sorted(done, key=lambda run: run.id)
            return None

        done = wait_for(two_runs_of_one_source, WAIT_SECONDS, "two successive runs of one source", daemon)
        first, second = done[0], done[1]
        assert first.trigger == second.trigger == "scheduled"
        assert first.new_articles > 0 and second.new_articles == 0  # the second crawl found nothing new
        assert second.started_at >= first.finished_at  # one source's runs never overlap

        # After the scheduled runs the daemon's alert check sends the demo's planted events, each once.
        planted = sorted((event["rule"], tuple(sorted(event["urls"])))
                         for event in small_news_site.truth()["planted_alerts"])
        wait_for(lambda: len(webhook_receiver.received) >= len(planted), 60, "the alerts", daemon)
        arrived = sorted((hook["rule"], tuple(sorted(a["url"] for a in hook["articles"])))
                         for hook in webhook_receiver.received)
        assert arrived == planted
        assert len(smtp_server.wait_for(len(planted) - 1)) == len(planted) - 1  # the keyword rule: webhook only

        status = subprocess.run([sys.executable, "-m", "crawler", "--database-url", database_url, "--config",
                                 str(config_dir), "status", "--json"], capture_output=True, text=True, timeout=60)
        assert status.returncode == 0, status.stderr
        report = json.loads(status.stdout)
        assert report["daemon"]["running"] and report["daemon"]["pid"] == daemon.pid

        # SIGHUP reloads at once: disable the last source.
        sources_file = config_dir / "sources" / "demo.toml"
        text = sources_file.read_text(encoding="utf-8")
        head, _, tail = text.rpartition("enabled = true")
        sources_file.write_text(head + "enabled = false" + tail, encoding="utf-8")
        daemon.send_signal(signal.SIGHUP)
        wait_for(lambda: "config reloaded: 0 added, 1 removed, 0 re-timed" in log_file.read_text(encoding="utf-8"),
                 30, "the reload after SIGHUP", daemon)

        daemon.send_signal(signal.SIGTERM)
        out, err = daemon.communicate(timeout=60)
    finally:
        if daemon.poll() is None:
            daemon.kill()
            daemon.communicate()
    assert daemon.returncode == 0, err[-3000:]
    runs = storage.recent_runs(engine, limit=200)
    assert runs and all(run.status != "running" for run in runs)
    assert {run.status for run in runs} <= {"succeeded", "interrupted"}
    by_source: dict[str, list] = {}
    for run in sorted(runs, key=lambda run: run.started_at):
        by_source.setdefault(run.source_key, []).append(run)
    for source_runs in by_source.values():  # never two runs of one source at once
        for earlier, later in zip(source_runs, source_runs[1:]):
            assert later.started_at >= earlier.finished_at
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    messages = [line["message"] for line in lines]
    assert any(message.startswith("daemon started") for message in messages)
    assert any("SIGTERM received" in message for message in messages)
    assert messages[-1] == "daemon stopped"
    assert log_file.read_text(encoding="utf-8").count("daemon stopped") == 1
    assert len(webhook_receiver.received) == len(planted)  # later runs found nothing new to alert about
    state = subprocess.run([sys.executable, "-m", "crawler", "--database-url", database_url, "--config",
                            str(config_dir), "status", "--json"], capture_output=True, text=True, timeout=60)
    assert json.loads(state.stdout)["daemon"]["running"] is False
    engine.dispose()


def _engine_when_ready(database_url: str):  # noqa: ANN202
    path = Path(database_url.removeprefix("sqlite:///"))
    if not path.exists():
        return None
    try:
        engine = storage.connect(database_url)
    except storage.StorageError:
        return None
    return engine


def test_schedule_py_is_a_script_not_an_installed_module() -> None:
    found = subprocess.run([sys.executable, "-c", "import importlib.util, json; "
                            "spec = importlib.util.find_spec('schedule'); print(spec.origin if spec else '')"],
                           capture_output=True, text=True, cwd="/", env={**os.environ, "PYTHONPATH": ""})
    assert str(ROOT / "schedule.py") not in found.stdout


def test_second_daemon_process_refuses_with_one_line(tmp_path: Path, small_news_site: DemoSite) -> None:
    config_dir = write_demo_config(small_news_site, tmp_path / "config")
    sources_file = config_dir / "sources" / "demo.toml"  # nothing to crawl: this test is about the lock
    sources_file.write_text(sources_file.read_text().replace("enabled = true", "enabled = false"))
    database_url = f"sqlite:///{tmp_path / 'pantau.db'}"
    command = [sys.executable, "-m", "crawler", "--database-url", database_url, "--config", str(config_dir),
               "daemon", "--every", "3600"]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lock_file = tmp_path / "pantau.db.daemon.lock"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (lock_file.exists() and lock_file.read_text()):
            time.sleep(0.2)
        second = subprocess.run(command, capture_output=True, text=True, timeout=60)
        assert second.returncode == 1
        refusal = [line for line in second.stderr.splitlines() if "already runs" in line]
        assert len(refusal) == 1, second.stderr  # logged once, not logged and then printed again
        assert f"refusing to start: daemon pid {first.pid}" in refusal[0]
        assert "Traceback" not in second.stderr
    finally:
        first.send_signal(signal.SIGINT)
        first.communicate(timeout=60)
    assert first.returncode == 0
