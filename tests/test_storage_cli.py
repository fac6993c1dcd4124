"""The database commands as a user runs them: pantau db upgrade, pantau query, pantau runs."""

from __future__ import annotations

import csv
import io
import json

import pytest

import storage
from crawler.config import EntityConfig, SourceConfig
from tests.cli_runner import run_pantau

COMMANDS = [("db", "upgrade"), ("query",), ("runs",), ("db",)]


def _seed(database_url: str) -> int:
    engine = storage.connect(database_url)
    try:
        storage.sync_config(
            engine,
            [SourceConfig(key="diksi", name="Diksi", home_url="https://diksi.co/", timezone="Asia/Makassar")],
            [EntityConfig(id="pemprov-kaltim", name="Pemerintah Provinsi Kalimantan Timur",
                          acronym="Pemprov Kaltim", kind="pemda", level="provinsi")])
        run_id = storage.start_run(engine, "diksi", "scheduled", pid=123)
        storage.finish_run(engine, run_id, "failed", storage.RunStats(pages=7, new_articles=5, mentions=9,
                                                                      errors=1), error_summary="HTTP 503 on /")
        storage.start_run(engine, "diksi", "manual")
        return run_id
    finally:
        engine.dispose()


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_cli_db_commands_have_help_with_example(command: tuple[str, ...]) -> None:
    result = run_pantau(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert "Example: pantau" in result.stdout


def test_cli_db_upgrade_creates_and_reports_schema(database_url: str) -> None:
    first = run_pantau("db", "upgrade", database_url=database_url)
    assert first.returncode == 0, first.stderr
    assert f"from an empty database to schema revision {storage.head_revision()}" in first.stdout
    second = run_pantau("db", "upgrade", database_url=database_url)
    assert second.returncode == 0 and "already at schema revision" in second.stdout
    assert "pantau:pantau@" not in first.stdout + second.stdout  # no password in output


def test_cli_query_prints_table_csv_and_json(database_url: str) -> None:
    _seed(database_url)
    sql = "SELECT key, name FROM source ORDER BY key"
    table = run_pantau("query", sql, database_url=database_url)
    assert table.returncode == 0, table.stderr
    assert "diksi" in table.stdout and "Diksi" in table.stdout
    as_csv = run_pantau("query", sql, "--csv", database_url=database_url)
    assert list(csv.reader(io.StringIO(as_csv.stdout))) == [["key", "name"], ["diksi", "Diksi"]]
    as_json = run_pantau("query", "SELECT alias FROM entity_alias WHERE alias = :a", "--json",
                         "--param", "a", "Pemprov Kaltim", database_url=database_url)
    assert json.loads(as_json.stdout) == [{"alias": "Pemprov Kaltim"}]


def test_cli_query_cannot_write(database_url: str) -> None:
    _seed(database_url)
    result = run_pantau("query", "DELETE FROM source", database_url=database_url)
    assert result.returncode == 2  # refused before it reaches the database (tests/test_query_hostile.py)
    assert result.stderr.startswith("Error: query refused:") and result.stderr.count("\n") == 1
    check = run_pantau("query", "SELECT count(*) AS n FROM source", "--csv", database_url=database_url)
    assert check.stdout.splitlines() == ["n", "1"]


def test_cli_query_bad_sql_is_one_line(database_url: str) -> None:
    _seed(database_url)
    result = run_pantau("query", "SELEC 1", database_url=database_url)
    assert result.returncode == 2 and result.stderr.count("\n") == 1  # not a read statement: refused
    result = run_pantau("query", "SELECT FROM WHERE 1", database_url=database_url)
    assert result.returncode == 1 and result.stderr.count("\n") == 1  # the database's own syntax error
    assert "Traceback" not in result.stderr


def test_cli_query_missing_sqlite_file_is_one_line(tmp_path) -> None:
    result = run_pantau("query", "SELECT 1", database_url=f"sqlite:///{tmp_path / 'none.db'}")
    assert result.returncode == 2 and "does not exist" in result.stderr and result.stderr.count("\n") == 1
    assert not (tmp_path / "none.db").exists()


def test_cli_runs_lists_recent_runs(database_url: str) -> None:
    failed_id = _seed(database_url)
    table = run_pantau("runs", database_url=database_url)
    assert table.returncode == 0, table.stderr
    assert "failed" in table.stdout and "running" in table.stdout and "HTTP 503 on /" in table.stdout
    rows = json.loads(run_pantau("runs", "--json", database_url=database_url).stdout)
    assert [row["status"] for row in rows] == ["running", "failed"]
    failed = rows[1]
    assert (failed["id"], failed["pages"], failed["new"], failed["mentions"], failed["errors"]) == \
        (failed_id, 7, 5, 9, 1)
    assert failed["started_at"].endswith("+00:00")
    limited = json.loads(run_pantau("runs", "--limit", "1", "--json", database_url=database_url).stdout)
    assert len(limited) == 1


def test_cli_runs_on_empty_database_says_how_to_start(sqlite_url: str) -> None:
    assert run_pantau("db", "upgrade", database_url=sqlite_url).returncode == 0  # read commands create nothing
    result = run_pantau("runs", database_url=sqlite_url)
    assert result.returncode == 0 and "No crawl runs recorded yet" in result.stdout


@pytest.mark.parametrize("url", ["nonsense://", "postgresql://pantau:s3cret@127.0.0.1:1/pantau"])
def test_cli_bad_database_url_is_one_line(url: str) -> None:
    result = run_pantau("runs", database_url=url)
    assert result.returncode == 1
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert "s3cret" not in result.stderr and "Traceback" not in result.stderr
