"""Analysts' ad-hoc SQL (``pantau query``): exactly one read-only statement, bounded in time and rows.

:func:`single_read_statement` parses the text (sqlparse) and accepts one statement that starts as a read does
(``SELECT``, ``WITH``, ``VALUES``, ``TABLE``, ``EXPLAIN``, ``SHOW``; ``PRAGMA`` on SQLite): anything after the
first statement, and every statement that could end or change the transaction around it (``COMMIT``, ``SET
TRANSACTION``, ``ATTACH``, ``VACUUM INTO`` …), is refused before the database sees it. :func:`run_read_only` then
runs it where it cannot write even if the parse were fooled:

- PostgreSQL: a ``READ ONLY`` transaction with ``SET LOCAL statement_timeout``, rows streamed from a
  server-side cursor (a single statement cannot commit or leave that transaction);
- SQLite: a connection opened ``mode=ro`` with an authorizer that refuses every write, transaction control,
  ``ATTACH``/``DETACH``, pragmas other than a short list of read-only ones, and ``load_extension``; a progress
  handler ends the statement at the time limit.

At most ``max_rows`` rows are read; ``QueryResult.truncated`` says when there were more.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import sqlparse
from sqlalchemy.exc import DBAPIError, SQLAlchemyError, StatementError
from sqlparse import tokens as T

from storage.db import StorageError, create_engine, parse_url, safe_url

READ_KEYWORDS = {"SELECT", "WITH", "VALUES", "TABLE", "EXPLAIN", "SHOW"}
SQLITE_READ_PRAGMAS = {
    "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo", "foreign_key_list",
    "foreign_key_check", "integrity_check", "quick_check", "database_list", "collation_list", "function_list",
    "module_list", "pragma_list", "compile_options", "user_version", "schema_version", "application_id",
    "page_count", "page_size", "freelist_count", "encoding",
}
_PRAGMAS_WITH_WRITES = {"user_version", "schema_version", "application_id", "page_size", "encoding"}


class QueryRefused(StorageError):
    """The SQL is not exactly one read-only statement; ``str()`` says what was refused and what to do."""


class QueryFailed(StorageError):
    """The database refused or aborted the statement (a write, a syntax error, the time limit)."""


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]
    truncated: bool  # more rows than max_rows: only the first max_rows are in ``rows``


def _meaningful(statement: sqlparse.sql.Statement) -> bool:
    return any(not token.is_whitespace and token.ttype not in T.Comment and token.ttype is not T.Punctuation
               and token.ttype not in (T.Comment.Single, T.Comment.Multiline)
               for token in statement.flatten())


def single_read_statement(sql: str, dialect: str) -> str:
    """``sql`` as one statement without its trailing ``;``, or :class:`QueryRefused`."""
    statements = [statement for statement in sqlparse.parse(sql) if _meaningful(statement)]
    if not statements:
        raise QueryRefused("the query is empty; give one SELECT statement")
    if len(statements) > 1:
        raise QueryRefused(f"only one statement may run, the SQL has {len(statements)}; remove everything after "
                           "the first ';'")
    statement = statements[0]
    first = statement.token_first(skip_ws=True, skip_cm=True)
    word = first.normalized.upper() if first is not None else ""
    allowed = READ_KEYWORDS | ({"PRAGMA"} if dialect == "sqlite" else set())
    if word not in allowed and not (first is not None and first.ttype is T.Punctuation and word == "("):
        raise QueryRefused(f"'{word or str(first)}' statements are refused: pantau query runs one read-only "
                           "statement (SELECT, WITH, VALUES, EXPLAIN…)")
    return str(statement).strip().rstrip(";").strip()


# ------------------------------------------------------------------------------------------------ SQLite


_SQLITE_DENIED = {
    getattr(sqlite3, name) for name in (
        "SQLITE_INSERT", "SQLITE_UPDATE", "SQLITE_DELETE", "SQLITE_CREATE_INDEX", "SQLITE_CREATE_TABLE",
        "SQLITE_CREATE_TEMP_INDEX", "SQLITE_CREATE_TEMP_TABLE", "SQLITE_CREATE_TEMP_TRIGGER",
        "SQLITE_CREATE_TEMP_VIEW", "SQLITE_CREATE_TRIGGER", "SQLITE_CREATE_VIEW", "SQLITE_DROP_INDEX",
        "SQLITE_DROP_TABLE", "SQLITE_DROP_TEMP_INDEX", "SQLITE_DROP_TEMP_TABLE", "SQLITE_DROP_TEMP_TRIGGER",
        "SQLITE_DROP_TEMP_VIEW", "SQLITE_DROP_TRIGGER", "SQLITE_DROP_VIEW", "SQLITE_TRANSACTION",
        "SQLITE_ATTACH", "SQLITE_DETACH", "SQLITE_ALTER_TABLE", "SQLITE_REINDEX", "SQLITE_ANALYZE",
        "SQLITE_CREATE_VTABLE", "SQLITE_DROP_VTABLE", "SQLITE_SAVEPOINT",
    ) if hasattr(sqlite3, name)
}


def _sqlite_authorizer(action: int, arg1: str | None, arg2: str | None, _db: str | None,
                       _trigger: str | None) -> int:
    if action in _SQLITE_DENIED:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_PRAGMA:
        name = (arg1 or "").lower()
        if name not in SQLITE_READ_PRAGMAS or (arg2 is not None and name in _PRAGMAS_WITH_WRITES):
            return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in ("load_extension", "writefile", "edit"):
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def _sqlite_read_only(path: Path, sql: str, params: Mapping[str, Any], timeout: float,
                      max_rows: int) -> QueryResult:
    uri = f"{path.resolve().as_uri()}?mode=ro"
    connection = sqlite3.connect(uri, uri=True, timeout=5.0, isolation_level=None)
    try:
        connection.execute("PRAGMA query_only = ON")  # before the authorizer, which refuses it
        deadline = time.monotonic() + timeout if timeout else None
        connection.set_authorizer(_sqlite_authorizer)
        if deadline is not None:
            connection.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
        try:
            cursor = connection.execute(sql, dict(params))
            columns = [column[0] for column in cursor.description or []]
            rows = cursor.fetchmany(max_rows + 1) if columns else []
        except sqlite3.OperationalError as error:
            if deadline is not None and time.monotonic() > deadline and "interrupt" in str(error).lower():
                raise QueryFailed(f"query failed: it ran past the {timeout:g} s limit (--timeout)") from None
            raise QueryFailed(f"query failed: {_first_line(error)}") from None
        except sqlite3.DatabaseError as error:
            raise QueryFailed(f"query failed: {_first_line(error)}") from None
        except sqlite3.ProgrammingError as error:
            raise QueryFailed(f"query failed: {_first_line(error)} (bind it with --param NAME VALUE)") from None
    finally:
        connection.close()
    return QueryResult(columns, [tuple(row) for row in rows[:max_rows]], len(rows) > max_rows)


# ------------------------------------------------------------------------------------------------ PostgreSQL


def _postgres_read_only(url: Any, sql: str, params: Mapping[str, Any], timeout: float,
                        max_rows: int) -> QueryResult:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            transaction = connection.begin()
            try:
                connection.exec_driver_sql("SET TRANSACTION READ ONLY")
                if timeout:
                    connection.exec_driver_sql(f"SET LOCAL statement_timeout = {int(timeout * 1000)}")
                result = connection.execution_options(stream_results=True, max_row_buffer=1000).execute(
                    sa.text(sql), dict(params))
                if not result.returns_rows:
                    return QueryResult([], [], False)
                columns = list(result.keys())
                rows = [tuple(row) for row in result.fetchmany(max_rows + 1)]
                result.close()
            finally:
                transaction.rollback()  # read-only: nothing to keep, and never a COMMIT on the analyst's behalf
    except DBAPIError as error:
        text = _first_line(error.orig or error)
        if "statement timeout" in text:
            text = f"it ran past the {timeout:g} s limit (--timeout)"
        raise QueryFailed(f"query failed: {text}") from None
    except StatementError as error:
        raise QueryFailed(f"query failed: {_first_line(error.orig or error)} "
                          "(bind it with --param NAME VALUE)") from None
    except SQLAlchemyError as error:
        raise QueryFailed(f"query failed on {safe_url(url)}: {_first_line(error)}") from None
    finally:
        engine.dispose()
    return QueryResult(columns, rows[:max_rows], len(rows) > max_rows)


def _first_line(error: BaseException) -> str:
    text = str(error).split("(Background on this error", 1)[0]
    return next((line.strip() for line in text.splitlines() if line.strip()), type(error).__name__)


def run_read_only(database_url: str, sql: str, params: Mapping[str, Any] | Sequence[tuple[str, Any]] = (), *,
                  timeout: float = 60.0, max_rows: int = 10_000) -> QueryResult:
    """Run one read-only statement on ``database_url`` (see the module docstring for the guarantees)."""
    url = parse_url(database_url)
    dialect = url.get_backend_name()
    statement = single_read_statement(sql, dialect)
    params = dict(params)
    if dialect == "sqlite":
        database = url.database or ""
        if not database or database == ":memory:" or database.startswith("file:"):
            raise QueryRefused(f"{safe_url(url)} is not a database file; give --database-url sqlite:///PATH")
        return _sqlite_read_only(Path(database), statement, params, timeout, max_rows)
    return _postgres_read_only(url, statement, params, timeout, max_rows)
