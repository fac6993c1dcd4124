"""Database commands: ``pantau db upgrade``, ``pantau query`` and ``pantau runs``.

Also home of the row output shared by every command that prints rows (``--table``, ``--csv``, ``--json``):
:func:`output_options` adds the options and :func:`print_rows` prints. Storage failures reach the user as one
line (``Error: …``) and exit code 1 (2 for a SQLite file that does not exist). :func:`open_database` is how every
command opens the database: commands that only read refuse a missing SQLite file; those that store data
(crawl, daemon, db upgrade) create it and say where.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import decimal
import json
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import click

from crawler.cli import EXIT_BAD_INPUT, AppContext, PantauError, cli

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

OutputFormat = Literal["table", "csv", "json"]
F = TypeVar("F", bound=Callable[..., Any])


# ------------------------------------------------------------------------------------------------ row output


def output_options(command: F) -> F:
    """Add the shared ``--table`` (default), ``--csv`` and ``--json`` switches (parameter ``output_format``)."""
    for flag, help_text in reversed([("table", "Print a table (default)."), ("csv", "Print CSV with a header."),
                                     ("json", "Print a JSON array of objects.")]):
        extra = {"default": "table"} if flag == "table" else {}
        command = click.option(f"--{flag}", "output_format", flag_value=flag, help=help_text, **extra)(command)
    return command


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(_plain(value))


def csv_cell(value: Any) -> Any:
    """A value as CSV text: booleans as true/false (what spreadsheets, pandas and COPY read as booleans, not
    Python's True/False), lists and mappings as JSON, times as ISO 8601."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return _plain(value)


def print_rows(columns: Sequence[str], rows: Sequence[Sequence[Any]], output_format: OutputFormat = "table",
               *, title: str | None = None) -> None:
    """Print rows to stdout as a rich table, CSV or a JSON array."""
    if output_format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([csv_cell(value) for value in row])
    elif output_format == "json":
        records = [{name: _plain(value) for name, value in zip(columns, row)} for row in rows]
        click.echo(json.dumps(records, ensure_ascii=False, indent=2, default=str))
    else:
        from rich.console import Console
        from rich.text import Text
        from rich.table import Table

        table = Table(*columns, title=title, show_lines=False, highlight=False)
        for row in rows:
            table.add_row(*(Text(_cell(value)) for value in row))  # data, never rich markup
        # Off a terminal rich would squeeze the table into 80 columns; let it be as wide as its content.
        Console(width=None if sys.stdout.isatty() else 10_000).print(table)
        if not rows:
            click.echo("(no rows)")


@contextlib.contextmanager
def storage_errors() -> Iterator[None]:
    """Turn a :class:`storage.StorageError` into the CLI's one-line error and exit code 1 (2: no such file)."""
    from storage.db import DatabaseNotFound, StorageError

    try:
        yield
    except StorageError as error:
        failure = click.ClickException(str(error))
        if isinstance(error, DatabaseNotFound):
            failure.exit_code = EXIT_BAD_INPUT
        raise failure from None


def open_database(app: AppContext, *, migrate: bool = True, create: bool = False) -> Engine:
    """The engine for ``--database-url``, migrated to head unless ``migrate=False``.

    A SQLite file that does not exist is refused unless ``create`` (commands that store data), which creates
    it and says where on stderr.
    """
    from storage.db import connect, sqlite_file

    with storage_errors():
        new_file = sqlite_file(app.database_url) if create else None
        if new_file is not None and new_file.exists():
            new_file = None
        engine = connect(app.database_url, migrate=migrate, create=create)
    if new_file is not None:
        click.echo(f"Created a new SQLite database: {new_file}", err=True)
    return engine


# ---------------------------------------------------------------------------------------------- pantau db …


@cli.group("db")
def db_group() -> None:
    """Manage Pantau's database schema.

    Example: pantau db upgrade
    """


@db_group.command("upgrade")
@click.pass_obj
def db_upgrade(app: AppContext) -> None:
    """Migrate the database to the newest schema.

    Pantau also migrates on first use; run this after upgrading Pantau, or to create the tables before
    pointing analysts at a new database.

    Example: pantau --database-url postgresql://pantau@localhost/pantau db upgrade
    """
    from storage.db import create_engine, current_revision, safe_url, sqlite_file, upgrade

    with storage_errors():
        new_file = sqlite_file(app.database_url)
        if new_file is not None and new_file.exists():
            new_file = None
        engine = create_engine(app.database_url)
        try:
            before = current_revision(engine)
            after = upgrade(engine)
        finally:
            engine.dispose()
    where = safe_url(app.database_url)
    if new_file is not None:
        click.echo(f"Created a new SQLite database: {new_file}", err=True)
    if before == after:
        click.echo(f"{where} is already at schema revision {after}.")
    else:
        click.echo(f"{where} upgraded from {before or 'an empty database'} to schema revision {after}.")


# ---------------------------------------------------------------------------------------------- pantau query


class RefusedQueryError(PantauError):
    exit_code = EXIT_BAD_INPUT


@cli.command("query")
@click.argument("sql")
@click.option("-p", "--param", "params", nargs=2, multiple=True, metavar="NAME VALUE",
              help="Bind :NAME in the SQL to VALUE (repeatable).")
@click.option("--timeout", default=60.0, show_default=True, type=click.FloatRange(min=0), metavar="SECONDS",
              help="Stop the statement after this long (0: no limit).")
@click.option("--max-rows", default=10_000, show_default=True, type=click.IntRange(min=1), metavar="N",
              help="Print at most N rows (a note on stderr says when there were more).")
@output_options
@click.pass_obj
def query(app: AppContext, sql: str, params: tuple[tuple[str, str], ...], timeout: float, max_rows: int,
          output_format: OutputFormat) -> None:
    """Run one read-only SQL statement and print its rows.

    Exactly one statement (SELECT, WITH, VALUES, EXPLAIN…; anything after the first is refused), run in a
    read-only transaction it cannot end (SQLite: a read-only connection that refuses writes, ATTACH, PRAGMA
    writes and load_extension), with a time limit and a row limit. Tables and views are described in
    docs/schema.md.

    Example: pantau query "SELECT entity_id, count(*) AS n FROM mention GROUP BY entity_id ORDER BY n DESC" --csv
    """
    from storage import StorageError
    from storage.query import QueryRefused, run_read_only

    open_database(app, migrate=False).dispose()  # a missing SQLite file or a bad URL: one line, here
    try:
        result = run_read_only(app.database_url, sql, params, timeout=timeout, max_rows=max_rows)
    except QueryRefused as error:  # bad input (exit 2), not a failure of the database
        raise RefusedQueryError(f"query refused: {error}") from None
    except StorageError as error:
        raise click.ClickException(str(error)) from None
    if not result.columns:
        click.echo("The statement returned no rows.", err=True)
        return
    print_rows(result.columns, result.rows, output_format)
    if result.truncated:
        click.echo(f"Only the first {max_rows} rows are shown; raise --max-rows or add LIMIT/WHERE.", err=True)


# ----------------------------------------------------------------------------------------------- pantau runs


@cli.command("runs")
@click.option("-n", "--limit", default=20, show_default=True, type=click.IntRange(min=1),
              help="How many runs (or, with --errors, fetch errors) to show, newest first.")
@click.option("--source", "source_key", default=None, metavar="KEY", help="Only runs of this source.")
@click.option("--errors", "show_errors", is_flag=True,
              help="Show the pages and sitemaps that failed (the fetch_error table) instead of the runs.")
@click.option("--run", "run_id", default=None, type=int, metavar="ID", help="With --errors: only this run's.")
@click.option("--resolved", "include_resolved", is_flag=True,
              help="With --errors: also the failures a later run got past.")
@output_options
@click.pass_obj
def runs(app: AppContext, limit: int, source_key: str | None, show_errors: bool, run_id: int | None,
         include_resolved: bool, output_format: OutputFormat) -> None:
    """Show recent crawl runs: when, how they ended, and what they stored; or, with --errors, what failed.

    A failed page stays listed under --errors (and is asked for again by every run) until a run stores it.

    Example: pantau runs --errors --source diksi
    """
    from storage import recent_runs

    if show_errors:
        _print_fetch_errors(app, limit, source_key, run_id, include_resolved, output_format)
        return
    engine = open_database(app)
    try:
        with storage_errors():
            records = recent_runs(engine, limit=limit, source_key=source_key)
    finally:
        engine.dispose()
    columns = ["id", "source", "trigger", "status", "started_at", "duration_s", "pages", "new", "updated",
               "mentions", "errors", "failed_items", "error_summary"]
    table = output_format == "table"
    rows = [(
        run.id, run.source_key, run.trigger, run.status,
        run.started_at.astimezone() if table else run.started_at,
        round(run.duration.total_seconds(), 1) if run.duration else None,
        run.pages, run.new_articles, run.updated_articles, run.mentions, run.errors, run.failed_items,
        (run.error_summary or "")[:80] if table else run.error_summary,
    ) for run in records]
    if table and not rows:
        click.echo("No crawl runs recorded yet. Start one with: pantau crawl --demo")
        return
    print_rows(columns, rows, output_format, title="Recent crawl runs" if table else None)


def _print_fetch_errors(app: AppContext, limit: int, source_key: str | None, run_id: int | None,
                        include_resolved: bool, output_format: OutputFormat) -> None:
    from storage.fetch_errors import recent_fetch_errors

    engine = open_database(app)
    try:
        with storage_errors():
            records = recent_fetch_errors(engine, limit=limit, source_key=source_key, run_id=run_id,
                                          include_resolved=include_resolved)
    finally:
        engine.dispose()
    table = output_format == "table"
    columns = ["run", "source", "kind", "url", "reason", "http_status", "attempts", "last_tried_at",
               "resolved_at"]
    rows = [(
        record.run_id, record.source_key, record.kind, record.url,
        (record.reason[:100] if table else record.reason), record.http_status, record.attempts,
        record.last_tried_at.astimezone() if table else record.last_tried_at,
        (record.resolved_at.astimezone() if table and record.resolved_at else record.resolved_at),
    ) for record in records]
    if table and not rows:
        click.echo("No open fetch errors: every page the crawls found was fetched and read.")
        return
    print_rows(columns, rows, output_format, title="Fetch errors" if table else None)
