"""``pantau daemon`` (the scheduler; ``python schedule.py`` runs the same) and ``pantau status``."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from crawler.cli import EXIT_BAD_INPUT, AppContext, PantauError, cli
from crawler.config import ConfigError, load_sources


class DaemonRefused(PantauError):
    """Another daemon runs on this database."""


class BadDaemonOption(PantauError):
    exit_code = EXIT_BAD_INPUT


def _seconds(value: float) -> dt.timedelta:
    return dt.timedelta(seconds=value)


@cli.command()
@click.option("--max-concurrent", type=click.IntRange(min=1), default=2, show_default=True,
              help="At most this many crawls at once, across all sources.")
@click.option("--time-limit", type=click.FloatRange(min=1), default=3600, show_default=True, metavar="SECONDS",
              help="Stop a crawl that runs longer than this (SIGTERM, then SIGKILL after the grace period).")
@click.option("--grace-period", type=click.FloatRange(min=0), default=60, show_default=True, metavar="SECONDS",
              help="On shutdown or time limit, how long a crawl may take to finish its in-flight items.")
@click.option("--every", type=click.FloatRange(min=1), default=None, metavar="SECONDS",
              help="Crawl every source every SECONDS instead of its configured interval (trying the daemon "
                   "against `pantau demo serve`, tests).")
@click.option("--poll", "poll_seconds", type=click.FloatRange(min=0.1), default=5, show_default=True,
              metavar="SECONDS", help="How often to check the config folder for edits when it cannot be watched (edits are heard at "
                   "once through watchfiles; SIGHUP reloads at once).")
@click.option("--log-format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="One line per event on stderr: text for people, json for log collectors.")
@click.option("--log-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the log to this file, rotated at 10 MB (5 old files kept).")
@click.option("--executor", type=click.Choice(["local", "celery"]), default="local", show_default=True,
              help="local: each due crawl is a child process here; celery: it is queued for `pantau worker`s "
                   "(Redis broker, see --broker).")
@click.option("--broker", default=None,
              help="Redis broker URL for --executor celery (default: $PANTAU_BROKER_URL or redis://127.0.0.1:6379/0).")
@click.option("--allow-private-addresses", is_flag=True,
              help="Crawl with `pantau crawl --demo`'s local settings (no politeness delays; "
                   "PANTAU_FAST_LOCAL=1 for the children): only for `pantau demo serve` and tests, never for real "
                   "sites. Crawls reach loopback only at the sources' own configured host:port, with or without it.")
@click.pass_context
def daemon(ctx: click.Context, max_concurrent: int, time_limit: float, grace_period: float, every: float | None,
           poll_seconds: float, log_format: str, log_file: Path | None, executor: str, broker: str | None,
           allow_private_addresses: bool) -> None:
    """Run the scheduler: crawl every enabled source on its interval, until SIGTERM or Ctrl-C.

    Each crawl runs as a child process with a time limit and is recorded in crawl_run. Edits to the config
    folder take effect without a restart (a broken edit is logged and the last good config kept); SIGHUP
    reloads at once. Only one daemon may run per database. `python schedule.py` does the same.
    See docs/daemon.md for running it under systemd.

    Example: pantau --database-url sqlite:///pantau.db daemon --log-file /var/log/pantau/daemon.log
    """
    from crawler.daemon import Daemon, DaemonAlreadyRunning, DaemonOptions
    from crawler.daemon.logs import configure_logging

    app: AppContext = ctx.obj
    if executor == "celery":
        from crawler.cli.workers import require_celery

        require_celery()
    verbose = ctx.parent.params.get("verbose", 0) if ctx.parent else 0
    configure_logging(log_format=log_format, log_file=log_file,  # type: ignore[arg-type]
                      level=logging.DEBUG if verbose >= 2 else logging.INFO)
    options = DaemonOptions(
        database_url=app.database_url, config_dir=app.config_dir, max_concurrent=max_concurrent,
        time_limit=_seconds(time_limit), grace_period=_seconds(grace_period),
        every=_seconds(every) if every else None, poll_seconds=poll_seconds,
        allow_private_addresses=allow_private_addresses, executor=executor, broker_url=broker,
    )
    from storage.db import database_error

    # Each refusal is logged once (stderr, and the log file an operator reads later); main() then only exits.
    log = logging.getLogger("crawler.daemon")
    try:
        _open_or_create(app)
        code = Daemon(options).run()
    except DaemonAlreadyRunning as error:
        log.error("refusing to start: %s", error)
        raise DaemonRefused(f"refusing to start: {error}", already_reported=True) from None
    except ConfigError as error:
        log.error("refusing to start: %s", error)
        raise DaemonRefused(str(error), exit_code=EXIT_BAD_INPUT, already_reported=True) from None
    except Exception as error:
        failure = database_error(app.database_url, error)
        if failure is None:
            raise
        log.error("refusing to start: %s", failure)
        raise DaemonRefused(str(failure), already_reported=True) from None
    sys.exit(code)


def _open_or_create(app: AppContext) -> None:
    """Open (creating a new SQLite file, and logging where) the database before taking the daemon's lock."""
    from storage.db import connect, sqlite_file

    new_file = sqlite_file(app.database_url)
    if new_file is not None and new_file.exists():
        new_file = None
    connect(app.database_url).dispose()
    if new_file is not None:
        logging.getLogger("crawler.daemon").info("created a new SQLite database: %s", new_file)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the status as one JSON object.")
@click.option("--workers", "show_workers", is_flag=True,
              help="Also show the Celery workers, their runs in flight, the queues and back-fills in progress "
                   "(on by default when PANTAU_BROKER_URL is set).")
@click.pass_obj
def status(app: AppContext, as_json: bool, show_workers: bool) -> None:
    """Show whether the daemon runs, and each source's last run, result and next run.

    Sources whose last three or more runs failed or timed out are listed at the end.

    Example: pantau status
    """
    from crawler.cli.db import open_database
    from crawler.daemon.status import gather_status

    warning = None
    try:
        sources = load_sources(app.config_dir)
    except ConfigError as error:
        sources, warning = None, f"the config has a mistake, showing the sources the database knows: {error}"
    engine = open_database(app)
    try:
        report = gather_status(engine, app.database_url, sources)
    finally:
        engine.dispose()
    if as_json:
        click.echo(json.dumps(_as_json(report), ensure_ascii=False, indent=2))
        return
    # Piped or redirected output gets room for the whole table instead of rich's default of 80 columns.
    console = Console() if sys.stdout.isatty() else Console(width=140)
    if warning:
        console.print(f"[yellow]warning[/yellow]: {warning}", highlight=False)
    console.print(f"Daemon: {report.daemon.describe(report.now)}", highlight=False)
    table = Table(title_justify="left")
    for column in ("source", "every", "last run", "result", "new", "mentions", "next run", "failing"):
        table.add_column(column, justify="right" if column in ("new", "mentions", "failing") else "left")
    for source in report.sources:
        last = source.last_run
        result = "-"
        if last is not None:
            result = last.status if last.status == "succeeded" else f"[red]{last.status}[/red]"
            if last.status == "running":
                result = "[cyan]running[/cyan]"
        every = source.every if source.enabled else f"{source.every} (disabled)"
        if not source.in_config:
            every = "not in config"
        table.add_row(source.key, every, _local(last.started_at, report.now) if last else "never", result,
                      str(last.new_articles) if last else "", str(last.mentions) if last else "",
                      _local(source.next_run, report.now) if source.next_run else
                      ("-" if report.daemon.running else "not scheduled"),
                      str(source.failures_in_a_row) if source.failures_in_a_row else "")
    console.print(table)
    if report.failing:
        console.print("[bold red]Failing repeatedly:[/bold red]")
        for source in report.failing:
            error = source.last_finished.error_summary if source.last_finished else None
            console.print(f"  {source.key}: {source.failures_in_a_row} failed runs in a row; last error: "
                          f"{error or '-'}", highlight=False, markup=False)
    if show_workers or os.environ.get("PANTAU_BROKER_URL"):
        from crawler.cli.workers import print_worker_status

        engine = open_database(app)
        try:
            print_worker_status(console, engine, None)
        finally:
            engine.dispose()


def _local(moment: dt.datetime | None, now: dt.datetime) -> str:
    """The machine's local time with its zone (WITA, WIB, UTC…); the date only when it is not today."""
    if moment is None:
        return "-"
    local = moment.astimezone()
    shown = local.strftime("%H:%M:%S" if local.date() == now.astimezone().date() else "%Y-%m-%d %H:%M")
    return f"{shown} {local.tzname() or local.strftime('%z')}"


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def _as_json(report) -> dict:  # noqa: ANN001 - crawler.daemon.status.Status, imported lazily
    daemon = report.daemon
    return {
        "daemon": {"running": daemon.running, "pid": daemon.pid, "hostname": daemon.hostname,
                   "since": _iso(daemon.since), "heartbeat_at": _iso(daemon.heartbeat_at),
                   "stopped_at": _iso(daemon.stopped_at), "responding": daemon.responding},
        "sources": [{
            "key": source.key, "every": source.every, "enabled": source.enabled, "in_config": source.in_config,
            "last_run": None if source.last_run is None else {
                "id": source.last_run.id, "status": source.last_run.status, "trigger": source.last_run.trigger,
                "started_at": _iso(source.last_run.started_at), "finished_at": _iso(source.last_run.finished_at),
                "new_articles": source.last_run.new_articles, "mentions": source.last_run.mentions,
                "error_summary": source.last_run.error_summary},
            "next_run": _iso(source.next_run), "failures_in_a_row": source.failures_in_a_row,
            "failing": source.failing,
        } for source in report.sources],
    }
