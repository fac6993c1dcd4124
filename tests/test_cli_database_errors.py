"""A database that cannot be opened, as a user meets it: every command says one line naming the URL (password
hidden) and what to do, exit code 1 (2 for a SQLite file that does not exist), never a traceback.

Runs the real ``pantau`` in a subprocess (tests/cli_runner.py) against a corrupt SQLite file, a PostgreSQL
port nobody listens on, a PostgreSQL database that does not exist, and a Python without psycopg.
"""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.cli_runner import run_pantau

# Every command that opens the database, with arguments that are otherwise valid.
COMMANDS = {
    "crawl": ["crawl", "lokal", "--no-progress"],
    "status": ["status"],
    "rematch": ["rematch"],
    "runs": ["runs"],
    "query": ["query", "SELECT 1"],
    "search": ["search", "banjir"],
    "report": ["report", "daily", "--date", "2026-11-19"],
    "export": ["export", "mentions", "--format", "csv"],
    "daemon": ["daemon", "--every", "60"],
}
READ_COMMANDS = ["status", "rematch", "runs", "query", "search", "report", "export"]


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip() and not line.startswith("Demo news site")]


def _assert_one_line(result, expected: str, code: int = 1) -> str:  # noqa: ANN001 - CompletedProcess
    lines = _error_lines(result.stderr)
    assert result.returncode == code, result.stderr[-2000:]
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert len(lines) == 1, result.stderr[-2000:]
    assert expected in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def closed_port() -> int:
    """A loopback port that nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


ONE_AGENCY = """\
entities:
  - id: diskominfo-kaltim
    name: Dinas Komunikasi dan Informatika Provinsi Kalimantan Timur
    acronym: Diskominfo
    kind: dinas
    level: provinsi
    region: Kalimantan Timur
"""


@pytest.fixture
def empty_config(tmp_path: Path) -> Path:
    """A config folder with no sources, so that no command can reach out to a real site."""
    (tmp_path / "config" / "sources").mkdir(parents=True)
    (tmp_path / "config" / "entities").mkdir()
    (tmp_path / "config" / "entities" / "one.yaml").write_text(ONE_AGENCY, encoding="utf-8")
    (tmp_path / "config" / "sources" / "one.toml").write_text(
        '[[sources]]\nkey = "lokal"\nname = "Lokal"\nhome_url = "http://127.0.0.1:9/"\n'
        'timezone = "Asia/Makassar"\nenabled = false\n', encoding="utf-8")
    return tmp_path / "config"


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_database_errors_corrupt_sqlite_file_gives_one_line(command: str, tmp_path: Path,
                                                             empty_config: Path) -> None:
    corrupt = tmp_path / "kliping.db"
    corrupt.write_bytes(b"this is a spreadsheet, not a database " * 200)
    result = run_pantau(*COMMANDS[command], database_url=f"sqlite:///{corrupt}", config_dir=empty_config,
                        timeout=120)
    line = _assert_one_line(result, "cannot open database sqlite:///")
    assert "file is not a database" in line and "check that the file is a Pantau SQLite database" in line
    assert corrupt.read_bytes().startswith(b"this is a spreadsheet")  # nothing overwritten


@pytest.mark.parametrize("command", ["crawl", "status", "rematch", "daemon", "runs"])
def test_database_errors_unreachable_postgres_hides_password(command: str, closed_port: int,
                                                             empty_config: Path) -> None:
    url = f"postgresql://humas:rahasia-sekali@127.0.0.1:{closed_port}/pantau"
    result = run_pantau(*COMMANDS[command], database_url=url, config_dir=empty_config, timeout=120)
    line = _assert_one_line(result, f"cannot open database postgresql+psycopg://humas:***@127.0.0.1:{closed_port}")
    assert "rahasia-sekali" not in result.stderr + result.stdout
    assert "check that the server is running" in line


@pytest.mark.postgres
@pytest.mark.parametrize("command", ["status", "crawl", "daemon"])
def test_database_errors_missing_postgres_database_says_createdb(command: str, postgres_admin_engine: Engine,
                                                                 empty_config: Path) -> None:
    url = postgres_admin_engine.url.set(database="pantau_tidak_ada").render_as_string(hide_password=False)
    result = run_pantau(*COMMANDS[command], database_url=url, config_dir=empty_config, timeout=120)
    line = _assert_one_line(result, 'database "pantau_tidak_ada" does not exist')
    assert "createdb pantau_tidak_ada" in line


@pytest.mark.parametrize("command", ["runs", "status", "crawl", "daemon", "report", "db"])
def test_database_errors_postgres_without_psycopg_says_pip_install(command: str, tmp_path: Path,
                                                                   empty_config: Path) -> None:
    # A Python where `import psycopg` fails, as on a machine that installed Pantau without the extra.
    blocker = tmp_path / "no-psycopg"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text(
        "import sys\nsys.modules['psycopg'] = None\nsys.modules['psycopg2'] = None\n", encoding="utf-8")
    args = ["db", "upgrade"] if command == "db" else COMMANDS[command]
    result = run_pantau(*args, database_url="postgresql://humas:pw@127.0.0.1/pantau", config_dir=empty_config,
                        env={"PYTHONPATH": str(blocker)})
    _assert_one_line(result, "pip install 'pantau[postgres]'")


@pytest.mark.parametrize("command", READ_COMMANDS)
def test_database_errors_read_commands_refuse_missing_sqlite_file(command: str, tmp_path: Path,
                                                                  empty_config: Path) -> None:
    typo = tmp_path / "kliping" / "pantua.db"
    result = run_pantau(*COMMANDS[command], database_url=f"sqlite:///{typo}", config_dir=empty_config)
    line = _assert_one_line(result, f"database file {typo} does not exist", code=2)
    assert "--database-url" in line
    assert not typo.parent.exists()  # no folder, no empty database left behind


def test_database_errors_db_upgrade_creates_and_says_where(tmp_path: Path) -> None:
    target = tmp_path / "baru" / "pantau.db"
    result = run_pantau("db", "upgrade", database_url=f"sqlite:///{target}")
    assert result.returncode == 0, result.stderr
    assert f"Created a new SQLite database: {target}" in result.stderr
    with sqlite3.connect(target) as connection:
        assert connection.execute("SELECT count(*) FROM crawl_run").fetchone() == (0,)
    again = run_pantau("db", "upgrade", database_url=f"sqlite:///{target}")
    assert again.returncode == 0 and "Created" not in again.stderr
    # ...and now the read commands accept it
    runs = run_pantau("runs", database_url=f"sqlite:///{target}")
    assert runs.returncode == 0 and "No crawl runs recorded yet" in runs.stdout
