"""``pantau export mentions|articles|quotes``: bulk rows for analysts' own tools, as CSV, JSON Lines or Parquet.

Rows come from the analyst views (storage.reports.export_rows) in keyset pages, so an export of millions of
mentions streams without holding them all in memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import json
import sys
from pathlib import Path
from typing import IO, Any

import click

from crawler.cli import AppContext, PantauError, cli
from crawler.cli.db import csv_cell, open_database, storage_errors


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:  # raw SQL on SQLite: naive UTC
            value = value.replace(tzinfo=dt.timezone.utc)
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def _normalise(column: str, value: Any) -> Any:
    """One representation on both databases: timestamps as aware UTC ISO text, dates as ISO text,
    booleans as booleans, JSON lists as lists."""
    if value is None:
        return None
    if column.endswith("_at"):
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        return _plain(value)
    if column == "published_date":
        return str(value)[:10]
    if column in ("is_advertorial", "counted"):
        return bool(value)
    if column in ("authors", "editors", "tags") and isinstance(value, str):
        return json.loads(value)
    return _plain(value)


def _open(output: Path | None, binary: bool = False) -> IO[Any]:
    if output is None:
        return sys.stdout.buffer if binary else sys.stdout
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        return output.open("wb" if binary else "w", encoding=None if binary else "utf-8",
                           **({} if binary else {"newline": ""}))
    except OSError as error:
        raise PantauError(f"cannot write {output}: {error.strerror}") from None


@cli.command("export")
@click.argument("kind", type=click.Choice(["mentions", "articles", "quotes"]))
@click.option("--since", metavar="YYYY-MM-DD", default=None, help="First publication day (inclusive).")
@click.option("--until", metavar="YYYY-MM-DD", default=None, help="Last publication day (inclusive).")
@click.option("--format", "output_format", type=click.Choice(["csv", "jsonl", "parquet"]), default="csv",
              show_default=True, help="CSV with a header, JSON Lines, or Parquet (needs pyarrow and --output).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of stdout.")
@click.pass_obj
def export(app: AppContext, kind: str, since: str | None, until: str | None, output_format: str,
           output: Path | None) -> None:
    """Export mentions, articles or quotes published in a period, one row each.

    Days are the publication's local calendar days. Mentions carry a counted flag (title, lead, body, quote
    zones); articles include their text. Columns are those of v_mention, v_article (+ text) and v_quote.

    Example: pantau export mentions --since 2026-10-01 --until 2026-10-31 --format parquet -o oktober.parquet
    """
    from storage.reports import export_rows

    days = []
    for name, value in (("--since", since), ("--until", until)):
        try:
            days.append(dt.date.fromisoformat(value) if value else None)
        except ValueError:
            raise click.BadParameter(f"'{value}' is not a date; write YYYY-MM-DD", param_hint=name) from None
    if days[0] and days[1] and days[0] > days[1]:
        raise click.BadParameter(f"--since {since} is after --until {until}")
    if output_format == "parquet":
        if output is None:
            raise click.UsageError("--format parquet needs --output FILE (Parquet is not written to a terminal)")
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise PantauError("Parquet export needs pyarrow: pip install 'pantau[parquet]'") from None
    engine = open_database(app)
    count = 0
    try:
        with storage_errors():
            columns, batches = export_rows(engine, kind, days[0], days[1])  # type: ignore[arg-type]
            normalised = ([{c: _normalise(c, v) for c, v in zip(columns, row)} for row in batch]
                          for batch in batches)
            if output_format == "parquet":
                count = _write_parquet(output, columns, normalised)  # type: ignore[arg-type]
            else:
                stream = _open(output)
                try:
                    if output_format == "csv":
                        writer = csv.writer(stream, lineterminator="\n")
                        writer.writerow(columns)
                    for batch in normalised:
                        for record in batch:
                            if output_format == "csv":
                                writer.writerow([csv_cell(value) for value in record.values()])
                            else:
                                stream.write(json.dumps(record, ensure_ascii=False) + "\n")
                            count += 1
                finally:
                    if output is not None:
                        stream.close()
    finally:
        engine.dispose()
    click.echo(f"Exported {count} {kind}" + (f" to {output}" if output else ""), err=True)


def _parquet_type(column: str) -> Any:
    import pyarrow as pa

    if column.endswith("_at"):
        return pa.timestamp("us", tz="UTC")
    if column == "published_date":
        return pa.date32()
    if column in ("is_advertorial", "counted"):
        return pa.bool_()
    if column in ("authors", "editors", "tags"):
        return pa.list_(pa.string())
    if column.endswith("_id") and column not in ("entity_id", "lineage_id") or column.endswith("_offset") \
            or column in ("word_count", "published_utc_offset"):
        return pa.int64()
    return pa.string()


def _write_parquet(output: Path, columns: list[str], batches: Any) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(column, _parquet_type(column)) for column in columns])
    count = 0
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        with pq.ParquetWriter(output, schema) as writer:
            for batch in batches:
                converted = []
                for record in batch:
                    row = dict(record)
                    for column in columns:
                        value = row[column]
                        if value is not None and column.endswith("_at"):
                            row[column] = dt.datetime.fromisoformat(value)
                        elif value is not None and column == "published_date":
                            row[column] = dt.date.fromisoformat(value)
                    converted.append(row)
                writer.write_table(pa.Table.from_pylist(converted, schema=schema))
                count += len(converted)
            if count == 0:
                writer.write_table(schema.empty_table())
    except OSError as error:
        raise PantauError(f"cannot write {output}: {error.strerror}") from None
    return count
