"""``pantau worker`` (execute crawl runs from the queues) and ``pantau backfill`` (an archive crawl spread over the
workers); both need a Redis broker (``--broker`` or ``PANTAU_BROKER_URL``) and normally PostgreSQL."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket

import click
from rich.console import Console
from rich.table import Table

from crawler.cli import EXIT_BAD_INPUT, AppContext, PantauError, cli
from crawler.config import load_entities, load_sources

BROKER_HELP = "Redis broker URL (default: $PANTAU_BROKER_URL or redis://127.0.0.1:6379/0)."


class BadWorkerOption(PantauError):
    exit_code = EXIT_BAD_INPUT


def require_celery() -> None:
    try:
        import celery  # noqa: F401
    except ModuleNotFoundError:
        raise PantauError("distributed crawls need Celery and Redis's client: pip install 'pantau[workers]'") from None


@cli.command()
@click.option("--concurrency", type=click.IntRange(min=1), default=2, show_default=True,
              help="Crawl runs at once on this machine (each one a child crawl process).")
@click.option("--queues", default="live,backfill", show_default=True,
              help="Queues to take runs from, most urgent first.")
@click.option("--time-limit", type=click.FloatRange(min=1), default=3600, show_default=True, metavar="SECONDS",
              help="Stop a crawl that runs longer than this (SIGTERM, then SIGKILL after the grace period).")
@click.option("--grace-period", type=click.FloatRange(min=0), default=60, show_default=True, metavar="SECONDS",
              help="On shutdown or time limit, how long a crawl may take to finish its in-flight items.")
@click.option("--broker", default=None, help=BROKER_HELP)
@click.option("--name", default=None, help="This worker's name in `pantau status` (default: pantau@HOST-PID).")
@click.option("--allow-private-addresses", is_flag=True,
              help="Crawl with the demo site's local settings (loopback allowed, no delays): tests only.")
@click.pass_obj
def worker(app: AppContext, concurrency: int, queues: str, time_limit: float, grace_period: float,
           broker: str | None, name: str | None, allow_private_addresses: bool) -> None:
    """Execute crawl runs that the daemon (`--executor celery`) and `pantau backfill` put on the queues.

    Each run is executed as the daemon's children are: claimed in crawl_run (one crawl per source at a time,
    across all machines), crawled by a child process in its own process group, stopped at the time limit.
    A worker killed mid-run loses nothing: its run is marked interrupted and the run is delivered again.
    Run any number of workers, on any machines, against the same database and broker.

    Example: pantau --database-url postgresql://pantau@db/pantau worker --concurrency 4
    """
    require_celery()
    import storage
    from crawler.daemon.logs import configure_logging
    from crawler.daemon.runner import CrawlRunner, RunnerSettings
    from crawler.workers.app import QUEUES, make_app
    from crawler.heartbeat import Heartbeat
    from crawler.workers.tasks import WorkerContext, install_worker_context
    from storage import worker_heartbeats

    wanted = [queue.strip() for queue in queues.split(",") if queue.strip()]
    unknown = [queue for queue in wanted if queue not in QUEUES]
    if not wanted or unknown:
        raise BadWorkerOption(f"--queues: unknown queue '{(unknown or [''])[0]}' (known: {', '.join(QUEUES)})")
    configure_logging(level=logging.INFO)
    log = logging.getLogger("crawler.workers")
    engine = storage.connect(app.database_url)
    storage.sync_config(engine, load_sources(app.config_dir), load_entities(app.config_dir))
    orphans = storage.mark_orphaned_runs_interrupted(engine)
    if orphans:
        log.warning("marked %d crawl run(s) interrupted that a dead process had left running: %s",
                    len(orphans), ", ".join(map(str, orphans)))
    node = name or f"pantau@{socket.gethostname()}-{os.getpid()}"
    try:
        interval = worker_heartbeats.configured_interval()
    except ValueError as error:
        raise BadWorkerOption(str(error)) from None
    heartbeat = Heartbeat(engine, name=node, hostname=socket.gethostname(), interval=interval)
    heartbeat.start()  # before any run is taken: a run of this worker is live only while it beats
    runner = CrawlRunner(engine, RunnerSettings(
        database_url=app.database_url, max_concurrent=concurrency, time_limit=dt.timedelta(seconds=time_limit),
        grace_period=dt.timedelta(seconds=grace_period), allow_private_addresses=allow_private_addresses,
    ), config_dir=lambda: app.config_dir, worker=node)
    install_worker_context(WorkerContext(runner=runner, database_url=app.database_url))
    celery_app = make_app(broker)

    from celery.signals import worker_shutting_down

    @worker_shutting_down.connect(weak=False)
    def _stop_crawls(sig: str = "", how: str = "", **_: object) -> None:
        # Celery's warm shutdown waits for running tasks; their crawls must stop too (SIGTERM, then the grace
        # period), so that the runs end `interrupted` with what they stored, and the worker can exit.
        log.warning("%s (%s shutdown): stopping the running crawls", sig, how)
        runner.stop()

    log.info("worker %s: database %s, config %s, broker %s, queues %s, %d at once, heartbeat every %g s", node,
             storage.safe_url(app.database_url), app.config_dir, celery_app.conf.broker_url, ",".join(wanted),
             concurrency, interval)
    try:
        celery_app.Worker(hostname=node, concurrency=concurrency, pool="threads", queues=wanted,
                          loglevel="INFO", without_mingle=True, without_gossip=True).start()
    finally:
        heartbeat.stop()
        engine.dispose()


@cli.command()
@click.argument("source_key", metavar="SOURCE")
@click.option("--from", "first", type=click.DateTime(formats=["%Y-%m-%d"]), required=True,
              help="First day of the archive to crawl (YYYY-MM-DD).")
@click.option("--to", "last", type=click.DateTime(formats=["%Y-%m-%d"]), required=True,
              help="Last day (YYYY-MM-DD).")
@click.option("--broker", default=None, help=BROKER_HELP)
@click.pass_obj
def backfill(app: AppContext, source_key: str, first: dt.datetime, last: dt.datetime, broker: str | None) -> None:
    """Crawl a source's archive between two days, one month per crawl run, spread over the workers.

    The months go on the `backfill` queue (newest first), which workers take after the live crawls; a month
    whose source is busy waits and is tried again. `pantau status` shows the progress.

    Example: pantau backfill kaltimpost --from 2025-01-01 --to 2025-12-31
    """
    require_celery()
    import storage
    from crawler.cli.crawl import select_sources
    from crawler.workers.backfill import month_ranges
    from crawler.workers.enqueue import enqueue_backfill_part
    from storage import backfills

    [source] = select_sources(load_sources(app.config_dir), (source_key,))
    try:
        ranges = month_ranges(first.date(), last.date())
    except ValueError as error:
        raise BadWorkerOption(f"--from/--to: {error}") from None
    engine = storage.connect(app.database_url)
    try:
        storage.sync_config(engine, load_sources(app.config_dir), load_entities(app.config_dir))
        backfill_id, part_ids = backfills.create_backfill(engine, source.key, first.date(), last.date(),
                                                         [(r.first, r.last) for r in ranges])
        try:
            for part_id, date_range in zip(part_ids, ranges):
                enqueue_backfill_part(source.key, date_range.first, date_range.last, part_id, broker=broker)
        except Exception as error:  # noqa: BLE001 - kombu raises many kinds
            raise PantauError(f"back-fill {backfill_id} recorded but not queued: the broker did not answer "
                              f"({error}); start redis-server or pass --broker") from None
    finally:
        engine.dispose()
    click.echo(f"back-fill {backfill_id} of {source.key}: {len(ranges)} month(s) from {first.date()} to "
               f"{last.date()} queued; follow it with `pantau status`")


def print_worker_status(console: Console, engine, broker: str | None) -> None:  # noqa: ANN001 - an Engine
    """The workers, the queues and the back-fills in progress, for `pantau status`."""
    from crawler.workers.inspect import queue_lengths, worker_runs
    from storage import backfills, worker_heartbeats

    try:
        workers = worker_runs(broker)
        lengths = queue_lengths(broker)
    except Exception as error:  # noqa: BLE001 - a broker outage is something to show, not a crash
        console.print(f"Workers: broker not reachable ({error})", highlight=False)
        workers, lengths = {}, {}
    else:
        console.print(f"Workers: {len(workers)} answering; queued runs: "
                      + ", ".join(f"{queue} {count}" for queue, count in lengths.items()), highlight=False)
        table = Table(title_justify="left")
        for column in ("worker", "runs in flight"):
            table.add_column(column)
        for node, runs in sorted(workers.items()):
            table.add_row(node, ", ".join(runs) or "-")
        if workers:
            console.print(table)
    beating = [beat for beat in worker_heartbeats.read_beats(engine) if beat.stopped_at is None]
    if beating:  # from the database: also the workers that no longer answer the broker
        now = dt.datetime.now(dt.timezone.utc)
        table = Table(title="Heartbeats (workers, the daemon, ad-hoc crawls)", title_justify="left")
        for column in ("process", "host", "pid", "last beat", "state"):
            table.add_column(column)
        for beat in beating:
            age = (now - beat.heartbeat_at).total_seconds()
            table.add_row(beat.name, beat.hostname, str(beat.pid), f"{age:.0f} s ago",
                          "lost (its runs are interrupted)" if beat.silent(now) else "beating")
        console.print(table)
    progress = backfills.backfill_progress(engine, unfinished_only=True)
    if progress:
        table = Table(title="Back-fills in progress", title_justify="left")
        for column in ("id", "source", "from", "to", "months", "done", "running", "failed"):
            table.add_column(column)
        for row in progress:
            table.add_row(str(row.id), row.source_key, str(row.first_day), str(row.last_day), str(row.parts),
                          str(row.done), str(row.running), str(row.failed))
        console.print(table)
