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

from crawler.cli import EXIT_BAD_INPUT, AppContext, cli

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


@cli.command("query")
@click.argument("sql")
@click.option("-p", "--param", "params", nargs=2, multiple=True, metavar="NAME VALUE",
              help="Bind :NAME in the SQL to VALUE (repeatable).")
@output_options
@click.pass_obj
def query(app: AppContext, sql: str, params: tuple[tuple[str, str], ...], output_format: OutputFormat) -> None:
    """Run one read-only SQL statement and print its rows.

    The statement runs in a read-only transaction, so it cannot change the database. Tables and views are
    described in docs/schema.md.

    Example: pantau query "SELECT entity_id, count(*) AS n FROM mention GROUP BY entity_id ORDER BY n DESC" --csv
    """
    import sqlalchemy as sa  # imported here so that `pantau --help` stays quick

    engine = open_database(app, migrate=False)
    try:
        with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                connection.exec_driver_sql("PRAGMA query_only = ON")
                connection.commit()
            try:
                with connection.begin():
                    if not sqlite:
                        connection.exec_driver_sql("SET TRANSACTION READ ONLY")
                    result = connection.execute(sa.text(sql), dict(params))
                    if not result.returns_rows:
                        columns: list[str] = []
                        rows: list[Sequence[Any]] = []
                    else:
                        columns, rows = list(result.keys()), [tuple(row) for row in result]
            finally:
                if sqlite:
                    connection.rollback()
                    connection.exec_driver_sql("PRAGMA query_only = OFF")
                    connection.commit()
    except sa.exc.DBAPIError as error:
        first = next((line for line in str(error.orig).splitlines() if line.strip()), type(error.orig).__name__)
        raise click.ClickException(f"query failed: {first.strip()}") from None
    except sa.exc.StatementError as error:  # e.g. a :name without --param
        message = re.sub(r"\s*\(Background on this error.*", "", str(error.orig or error).splitlines()[0])
        raise click.ClickException(f"query failed: {message} (bind it with --param NAME VALUE)") from None
    finally:
        engine.dispose()
    if not columns:
        click.echo("The statement returned no rows.", err=True)
        return
    print_rows(columns, rows, output_format)


# ----------------------------------------------------------------------------------------------- pantau runs


@cli.command("runs")
@click.option("-n", "--limit", default=20, show_default=True, type=click.IntRange(min=1),
              help="How many runs to show, newest first.")
@click.option("--source", "source_key", default=None, metavar="KEY", help="Only runs of this source.")
@output_options
@click.pass_obj
def runs(app: AppContext, limit: int, source_key: str | None, output_format: OutputFormat) -> None:
    """Show recent crawl runs: when, how they ended, and what they stored.

    Example: pantau runs --limit 5 --source diksi
    """
    from storage import recent_runs

    engine = open_database(app)
    try:
        with storage_errors():
            records = recent_runs(engine, limit=limit, source_key=source_key)
    finally:
        engine.dispose()
    columns = ["id", "source", "trigger", "status", "started_at", "duration_s", "pages", "new", "updated",
               "mentions", "errors", "error_summary"]
    table = output_format == "table"
    rows = [(
        run.id, run.source_key, run.trigger, run.status,
        run.started_at.astimezone() if table else run.started_at,
        round(run.duration.total_seconds(), 1) if run.duration else None,
        run.pages, run.new_articles, run.updated_articles, run.mentions, run.errors,
        (run.error_summary or "")[:80] if table else run.error_summary,
    ) for run in records]
    if table and not rows:
        click.echo("No crawl runs recorded yet. Start one with: pantau crawl --demo")
        return
    print_rows(columns, rows, output_format, title="Recent crawl runs" if table else None)
