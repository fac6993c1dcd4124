"""``pantau report partners|daily|weekly``: the office's monthly, daily and weekly reports.

Builders live in crawler.reports; this module parses options, loads config/partners (the contracts and the
office's agencies), and writes the chosen format (a table on the terminal, CSV, or an HTML page) to stdout or
``--output``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from crawler.cli import AppContext, PantauError, cli
from crawler.cli.db import open_database, print_rows, storage_errors

FORMATS = click.Choice(["table", "csv", "html"])


def _partner_book(app: AppContext, partners_path: Path | None) -> Any:
    from crawler.config import ConfigError, load_entities
    from crawler.partners import load_partners

    try:
        entities = load_entities(app.config_dir)
    except ConfigError:
        entities = None  # no dictionary here: the report warns about agencies it cannot find instead
    return load_partners(app.config_dir, path=partners_path, entities=entities)


def _write(report: Any, output_format: str, output: Path | None) -> None:
    from crawler.reports import ReportError

    if output_format == "html":
        try:
            text = report.render_html()
        except ImportError as error:
            raise PantauError(f"HTML reports need Jinja2 and matplotlib ({error.name} is missing): "
                              "pip install jinja2 matplotlib") from None
    elif output_format == "csv":
        table = report.tables[0]
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(table.columns)
        for row in table.rows:
            writer.writerow(["" if value is None else json.dumps(value, ensure_ascii=False)
                             if isinstance(value, list | dict) else value for value in row])
        text = buffer.getvalue()
    else:
        if output is not None:
            raise ReportError("--output needs --format csv or html (a table is for the terminal)")
        for warning in report.warnings:
            click.echo(f"Warning: {warning}", err=True)
        for table in report.tables:
            columns = [c for c in table.columns if c != "links"]
            keep = [table.columns.index(c) for c in columns]
            print_rows(columns, [tuple(row[i] for i in keep) for row in table.rows], "table", title=table.title)
        return
    for warning in report.warnings:
        click.echo(f"Warning: {warning}", err=True)
    if output is None:
        sys.stdout.write(text)
    else:
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(text, encoding="utf-8")
        except OSError as error:
            raise PantauError(f"cannot write {output}: {error.strerror}") from None
        click.echo(f"Wrote {output}", err=True)


def _build(app: AppContext, builder: Callable[[Any], Any]) -> Any:
    from crawler.reports import ReportError

    engine = open_database(app)
    try:
        with storage_errors():
            try:
                return builder(engine)
            except ReportError as error:
                raise PantauError(str(error)) from None
            except ImportError as error:
                raise PantauError(f"reports need Jinja2 and matplotlib ({error.name} is missing): "
                                  "pip install jinja2 matplotlib") from None
    finally:
        engine.dispose()


def _today(book: Any) -> dt.date:
    zone = zoneinfo.ZoneInfo(book.office.timezone if book.office else "Asia/Makassar")
    return dt.datetime.now(zone).date()


common_options = [
    click.option("--format", "output_format", type=FORMATS, default="table", show_default=True,
                 help="table (terminal), csv or html."),
    click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
                 help="Write to this file instead of stdout."),
    click.option("--partners", "partners_path", type=click.Path(exists=True, path_type=Path), default=None,
                 help="A partners YAML file or folder (default: CONFIG/partners)."),
    click.option("--no-lineage", is_flag=True,
                 help="Count a renamed agency's old and new names apart (default: as one body)."),
]


_agency_option = click.option(
    "--agency", "agencies", multiple=True, metavar="ID",
    help="Follow this agency (repeatable); default: the office's agencies from config/partners.")


def _build_for_office(app: AppContext, book: Any, build_report: Callable[..., Any], start: dt.date,
                      agencies: tuple[str, ...], no_lineage: bool) -> Any:
    """A daily or weekly report from ``start`` for the agencies given, else the office's own."""
    return _build(app, lambda engine: build_report(
        engine, start, agencies=agencies or None, office_agencies=book.office.agencies if book.office else None,
        office_name=book.office.name if book.office else None, lineage=not no_lineage))


def _with_common(command: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(common_options):
        command = option(command)
    return command


@cli.group("report")
def report_group() -> None:
    """The office's reports: partner-media evaluation, daily e-kliping, weekly brief.

    Example: pantau report partners --month 2026-10 --format html -o partners-2026-10.html
    """


@report_group.command("partners")
@click.option("--month", required=True, metavar="YYYY-MM", help="The month to evaluate, e.g. 2026-10.")
@click.option("--outlet", "outlets", multiple=True, metavar="KEY", help="Only this partner (repeatable).")
@click.option("--count-pickups", is_flag=True,
              help="Count an article that ran a press release of an assigned agency as a piece for it, even "
                   "when it does not name the agency (docs/clusters.md).")
@_with_common
@click.pass_obj
def report_partners(app: AppContext, month: str, outlets: tuple[str, ...], count_pickups: bool,
                    output_format: str, output: Path | None, partners_path: Path | None, no_lineage: bool) -> None:
    """Partner media against their contracts: pieces per assigned agency against the monthly quota.

    A piece is an article the outlet published that month naming the agency in its title, lead, body or a
    quote; advertorial and news are counted apart, and every piece is linked.

    Example: pantau report partners --month 2026-10 --format csv > partners-2026-10.csv
    """
    from crawler.partners import Month
    from crawler.reports import build_partner_report

    try:
        parsed = Month.parse(month)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--month") from None
    book = _partner_book(app, partners_path)
    if not book.partners:
        raise PantauError(f"no partner contracts found in {partners_path or app.config_dir / 'partners'}; "
                          "add config/partners/*.yaml (see docs/reports.md) or pass --partners")
    report = _build(app, lambda engine: build_partner_report(engine, book, parsed, lineage=not no_lineage,
                                                             outlets=outlets or None,
                                                             count_pickups=count_pickups))
    _write(report, output_format, output)


def parse_day(value: str | None, name: str) -> dt.date | None:
    """A YYYY-MM-DD option value (None stays None); a bad one is a usage error naming the option."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date; write YYYY-MM-DD", param_hint=name) from None


@report_group.command("daily")
@click.option("--date", "day", metavar="YYYY-MM-DD", default=None,
              help="The day (publication's local date); default: today in the office's time zone.")
@_agency_option
@_with_common
@click.pass_obj
def report_daily(app: AppContext, day: str | None, agencies: tuple[str, ...], output_format: str,
                 output: Path | None, partners_path: Path | None, no_lineage: bool) -> None:
    """The daily e-kliping: the day's articles naming the office's agencies, grouped by agency.

    Each clipping has the title, outlet, time, the zone of the mention, a snippet and the link. HTML is
    printable; CSV has one row per article and agency.

    Example: pantau report daily --date 2026-11-20 --format html -o kliping-2026-11-20.html
    """
    from crawler.reports import build_daily_report

    book = _partner_book(app, partners_path)
    parsed = parse_day(day, "--date") or _today(book)
    report = _build_for_office(app, book, build_daily_report, parsed, agencies, no_lineage)
    _write(report, output_format, output)


@report_group.command("weekly")
@click.option("--week", metavar="YYYY-Www|DATE", default=None,
              help="ISO week (2026-W47) or any day in it; default: the current week.")
@_agency_option
@_with_common
@click.pass_obj
def report_weekly(app: AppContext, week: str | None, agencies: tuple[str, ...], output_format: str,
                  output: Path | None, partners_path: Path | None, no_lineage: bool) -> None:
    """The weekly brief: articles per day per agency, top outlets, share of voice, most-quoted speakers.

    The HTML page embeds a chart (PNG) for each section; CSV is the per-day table.

    Example: pantau report weekly --week 2026-W47 --format html -o minggu-47.html
    """
    from crawler.reports import build_weekly_report
    from crawler.reports.common import ReportError, parse_week

    book = _partner_book(app, partners_path)
    try:
        monday = parse_week(week) if week else _today(book)
    except ReportError as error:
        raise click.BadParameter(str(error), param_hint="--week") from None
    report = _build_for_office(app, book, build_weekly_report, monday, agencies, no_lineage)
    _write(report, output_format, output)
