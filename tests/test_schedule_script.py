"""schedule.py, the daemon's script entry, and the daemon's command-line surface (help, logs, refusals)."""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.cli import main
from crawler.daemon.logs import JsonFormatter, configure_logging

ROOT = Path(__file__).resolve().parent.parent


def load_schedule_script():  # noqa: ANN201
    spec = importlib.util.spec_from_file_location("pantau_schedule_script", ROOT / "schedule.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_schedule_py_moves_global_options_before_the_daemon_command() -> None:
    script = load_schedule_script()
    assert script.daemon_argv(["--database-url", "sqlite:///x.db", "--every", "20", "--config=cfg", "-v",
                               "--log-format", "json"]) == \
        ["--database-url", "sqlite:///x.db", "--config=cfg", "-v", "daemon", "--every", "20", "--log-format", "json"]
    assert script.daemon_argv([]) == ["daemon"]


def test_importing_schedule_py_starts_nothing() -> None:
    script = load_schedule_script()
    assert callable(script.daemon_argv)


@pytest.mark.parametrize("command", [["daemon"], ["status"]])
def test_daemon_commands_have_help_with_an_example(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--help"])
    assert exit_.value.code == 0
    assert "Example: pantau" in capsys.readouterr().out


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """`pantau daemon` configures the root logger for the process; give pytest's set-up back afterwards."""
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    saved_levels = {name: logging.getLogger(name).level for name in
                    ("apscheduler.scheduler", "apscheduler.executors", "alembic")}
    yield
    for handler in list(root.handlers):
        if handler not in saved_handlers:
            root.removeHandler(handler)
            handler.close()
    for handler in saved_handlers:
        if handler not in root.handlers:
            root.addHandler(handler)
    root.setLevel(saved_level)
    for name, level in saved_levels.items():
        logging.getLogger(name).setLevel(level)


def test_daemon_refuses_a_broken_config_with_one_line_and_exit_2(tmp_path: Path, restore_logging: None,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config"
    (config / "sources").mkdir(parents=True)
    (config / "entities").mkdir()
    (config / "sources" / "news.toml").write_text("[[sources]]\nkey = 'x'\nname = 'X'\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        main(["--database-url", f"sqlite:///{tmp_path / 'p.db'}", "--config", str(config), "daemon"])
    assert exit_.value.code == 2
    # Logged once (stderr and the log file), not logged and then printed again.
    error_lines = [line for line in capsys.readouterr().err.splitlines() if "required value is missing" in line]
    assert len(error_lines) == 1
    assert error_lines[0].endswith(f"refusing to start: {config / 'sources' / 'news.toml'}:1: entry 'x': "
                                   "field 'home_url': required value is missing")


def test_status_of_a_database_no_daemon_ever_used(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config"
    (config / "sources").mkdir(parents=True)
    (config / "entities").mkdir()
    (config / "sources" / "news.toml").write_text(
        "[[sources]]\nkey = 'diksi'\nname = 'Diksi'\nhome_url = 'https://diksi.example/'\n", encoding="utf-8")
    with pytest.raises(SystemExit):  # status reads: the database must exist (pantau db upgrade creates it)
        main(["--database-url", f"sqlite:///{tmp_path / 'p.db'}", "db", "upgrade"])
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_:
        main(["--database-url", f"sqlite:///{tmp_path / 'p.db'}", "--config", str(config), "status", "--json"])
    assert exit_.value.code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["daemon"]["running"] is False
    assert [(source["key"], source["last_run"], source["every"]) for source in report["sources"]] == \
        [("diksi", None, "1 h")]


def test_json_log_lines_are_one_object_per_event() -> None:
    try:
        raise ValueError("boom\nsecond line")
    except ValueError:
        record = logging.LogRecord("crawler.daemon", logging.ERROR, __file__, 1, "crawl %s failed", ("diksi",),
                                   sys.exc_info())
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert (entry["level"], entry["logger"], entry["message"]) == ("error", "crawler.daemon", "crawl diksi failed")
    assert "ValueError: boom" in entry["exception"]


def test_log_file_rotates(tmp_path: Path, restore_logging: None) -> None:
    log_file = tmp_path / "logs" / "daemon.log"
    configure_logging(log_format="text", log_file=log_file, max_bytes=2_000, backups=2)
    for number in range(100):
        logging.getLogger("crawler.daemon.test").info("event %d %s", number, "x" * 40)
    assert sorted(path.name for path in log_file.parent.iterdir()) == ["daemon.log", "daemon.log.1", "daemon.log.2"]
    assert "event 99" in log_file.read_text()


def _decoy_crawler(folder: Path) -> Path:
    """A ``crawler`` package that must never be imported: it stops the process with a message."""
    (folder / "crawler").mkdir(parents=True)
    (folder / "crawler" / "__init__.py").write_text("raise SystemExit('decoy crawler imported')\n")
    return folder


def test_schedule_py_from_a_clone_runs_the_clones_code(tmp_path: Path) -> None:
    # Another Pantau's code first on PYTHONPATH, and a run from another folder: the clone still wins.
    decoy = _decoy_crawler(tmp_path / "other")
    result = subprocess.run([sys.executable, str(ROOT / "schedule.py"), "--help"], capture_output=True, text=True,
                            cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(decoy)}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[0] == (f"schedule.py: running Pantau from this clone, {ROOT} "
                                             "(not from any installed pantau)")
    assert "Usage: pantau daemon" in result.stdout


def test_schedule_py_copied_outside_a_clone_runs_the_installed_pantau(tmp_path: Path) -> None:
    import crawler

    copy = _decoy_crawler(tmp_path / "elsewhere") / "schedule.py"
    shutil.copy(ROOT / "schedule.py", copy)
    result = subprocess.run([sys.executable, str(copy), "--help"], capture_output=True, text=True, cwd=tmp_path,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    installed_root = Path(crawler.__file__).resolve().parent.parent
    assert result.stderr.splitlines()[0].startswith("schedule.py: running the installed Pantau ")
    assert result.stderr.splitlines()[0].endswith(f" from {installed_root}")
    assert "decoy" not in result.stderr
