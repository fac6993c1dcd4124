"""``pantau query`` against hostile SQL (#21 item 1, #17): exactly one statement, read-only whatever it says,
bounded in time and rows, on SQLite and on PostgreSQL (with a role that could write: the test's own)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from storage.query import QueryFailed, _sqlite_read_only
from tests.cli_runner import run_pantau
from tests.test_storage_cli import _seed

INFINITE = "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT n FROM c"


def _state(database_url: str) -> tuple[int, list[str]]:
    engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as connection:
            sources = connection.execute(sa.text("SELECT count(*) FROM source")).scalar_one()
        tables = sorted(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()
    return sources, tables


@pytest.mark.parametrize("sql", [
    "SELECT 1; DELETE FROM source",
    "COMMIT; DELETE FROM source",
    "SET TRANSACTION READ WRITE; DELETE FROM source",
    "COMMIT; CREATE TABLE stolen (x integer)",
    "SELECT 1; COMMIT; CREATE TABLE stolen (x integer)",
    "SELECT ';'; DELETE FROM source -- a quoted ; does not count, the real one does",
    "COMMIT",
    "SET TRANSACTION READ WRITE",
    "DELETE FROM source",
    "CREATE TABLE stolen (x integer)",
])
def test_query_refuses_more_than_one_statement_and_non_reads(database_url, sql):
    _seed(database_url)
    before = _state(database_url)
    result = run_pantau("query", sql, database_url=database_url)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith("Error: query refused:") and result.stderr.count("\n") == 1
    assert _state(database_url) == before


def test_query_write_hidden_in_a_read_is_refused_by_the_database(database_url):
    _seed(database_url)
    before = _state(database_url)
    if database_url.startswith("sqlite"):
        sql = "WITH d AS (SELECT 1) DELETE FROM source"  # SQLite allows a CTE in front of a DELETE
    else:
        sql = "WITH d AS (DELETE FROM source RETURNING 1) SELECT * FROM d"
    result = run_pantau("query", sql, database_url=database_url)
    assert result.returncode == 1 and result.stderr.startswith("Error: query failed:"), result.stderr
    assert _state(database_url) == before
    if database_url.startswith("postgresql"):  # and the transaction cannot be switched back to read-write
        sneaky = run_pantau("query", "SELECT set_config('transaction_read_only', 'off', true)",
                            database_url=database_url)
        assert sneaky.returncode == 1, sneaky.stdout


def test_query_select_still_works_with_params(database_url):
    _seed(database_url)
    result = run_pantau("query", "SELECT key FROM source WHERE key = :k;", "--param", "k", "diksi", "--csv",
                        database_url=database_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["key", "diksi"]


def test_query_row_limit_stops_an_endless_result(database_url):
    _seed(database_url)
    result = run_pantau("query", INFINITE, "--max-rows", "5", "--csv", database_url=database_url, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["n", "1", "2", "3", "4", "5"]
    assert "Only the first 5 rows" in result.stderr


def test_query_statement_timeout(database_url):
    _seed(database_url)
    sql = ("WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 2000000000) "
           "SELECT count(*) FROM c")
    started = time.monotonic()
    result = run_pantau("query", sql, "--timeout", "1", database_url=database_url, timeout=120)
    assert result.returncode == 1, result.stdout
    assert "ran past the 1 s limit" in result.stderr and result.stderr.count("\n") == 1
    assert time.monotonic() - started < 60


@pytest.mark.parametrize("sql", [
    "ATTACH DATABASE '{path}' AS planted",
    "VACUUM INTO '{path}'",
])
def test_query_sqlite_attach_and_vacuum_into_create_no_file(sqlite_url, tmp_path, sql):
    _seed(sqlite_url)
    planted = tmp_path / "planted.db"
    result = run_pantau("query", sql.format(path=planted), database_url=sqlite_url)
    assert result.returncode == 2 and "refused" in result.stderr
    assert not planted.exists()


@pytest.mark.parametrize("sql", [
    "ATTACH DATABASE '{path}' AS planted",
    "PRAGMA journal_mode = DELETE",
    "PRAGMA user_version = 7",
    "PRAGMA query_only = OFF",
    "SELECT load_extension('{path}')",
    "INSERT INTO source (key) VALUES ('x')",
    "BEGIN",
])
def test_query_sqlite_authorizer_refuses_what_the_parse_might_miss(sqlite_url, tmp_path, sql):
    """Below the parse: the read-only connection and its authorizer refuse these on their own."""
    _seed(sqlite_url)
    planted = tmp_path / "planted.db"
    database = Path(sqlite_url.removeprefix("sqlite:///"))
    with pytest.raises(QueryFailed):
        _sqlite_read_only(database, sql.format(path=planted), {}, 5.0, 10)
    assert not planted.exists()
    assert _state(sqlite_url)[0] == 1


def test_query_sqlite_read_pragma_allowed(sqlite_url):
    _seed(sqlite_url)
    result = run_pantau("query", "PRAGMA table_info(source)", "--csv", database_url=sqlite_url)
    assert result.returncode == 0, result.stderr
    assert "key" in result.stdout
