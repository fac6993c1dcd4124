"""The daemon itself: the lock, the APScheduler jobs, config reloads, signals, heartbeat and shutdown.

:class:`Daemon` ties the parts together: :mod:`~crawler.daemon.lock` (one daemon per database),
:mod:`~crawler.daemon.plan` (what to schedule, decided without a clock), :mod:`~crawler.daemon.runner` (child
crawls under a concurrency cap) and :mod:`~crawler.daemon.config_watch` (reloads that keep the last good
config). The main thread only waits for signals and polls the config folder; APScheduler's threads wait for
the children.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    EVENT_JOB_SUBMITTED,
    JobEvent,
    JobExecutionEvent,
)
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

import storage
from crawler.config import ConfigError
from crawler.daemon.alerts import AlertChecker
from crawler.daemon.config_watch import ConfigEvents, ConfigWatcher
from crawler.daemon.lock import DaemonLock
from crawler.daemon.plan import JOB_PREFIX, JobPlan, diff_plans, first_run_time, format_interval, plan_jobs, \
    validate_plans
from crawler.daemon.runner import ActiveRun, CrawlRunner, RunnerSettings
from crawler.heartbeat import start_heartbeat
from storage import daemon_state, worker_heartbeats

logger = logging.getLogger(__name__)

EXIT_OK = 0
# How often the config folder is still checked while watchfiles reports its edits (the safety net for file systems
# that send no events); without a working watch the daemon checks every ``poll_seconds``.
WATCHED_POLL_SECONDS = 60.0
EXIT_LOCK_LOST = 1


@dataclass
class DaemonOptions:
    database_url: str
    config_dir: Path
    max_concurrent: int = 2
    time_limit: dt.timedelta = dt.timedelta(hours=1)
    grace_period: dt.timedelta = dt.timedelta(seconds=60)
    every: dt.timedelta | None = None          # overrides every source's interval (demo site, tests)
    max_jitter: dt.timedelta | None = None
    poll_seconds: float = 5.0                  # config folder check when it cannot be watched
    heartbeat_seconds: float = 15.0
    python: str | None = None
    allow_private_addresses: bool = False      # children may crawl loopback (the demo site, tests)
    child_env: dict[str, str] = field(default_factory=dict)
    # "local": each due run is a child process of this daemon; "celery": it is enqueued for `pantau worker`s.
    executor: str = "local"
    broker_url: str | None = None


class Daemon:
    """``Daemon(options).run()`` blocks until SIGTERM/SIGINT and returns the exit code."""

    def __init__(self, options: DaemonOptions, *, clock: Callable[[], dt.datetime] = daemon_state.utcnow) -> None:
        self.options = options
        self.clock = clock
        self.pid = os.getpid()
        self.hostname = daemon_state.this_host()
        self.started_at = clock()
        self.plans: dict[str, JobPlan] = {}
        self.wake = threading.Event()
        self._stop_signals = 0
        self._reload_requested = False
        self._config_edited = False  # set by the watchfiles thread (ConfigEvents)
        self._schedule_dirty = True
        self._snapshot_users: dict[Path, int] = {}
        self._snapshot_lock = threading.Lock()

    # --------------------------------------------------------------------------------------------- start

    def run(self) -> int:
        """Start, serve until SIGTERM/SIGINT (SIGHUP reloads), stop the crawls, clean up; the exit code."""
        with _signal_handlers(self._on_stop_signal, self._on_reload_signal):
            self.start()
            try:
                code = self._main_loop()
                self._shutdown()
                return code
            finally:
                self.close()

    def start(self, *, paused: bool = False) -> None:
        """Take the lock, load the config, recover orphaned runs and start the scheduler (``paused``: tests).

        Raises :class:`~crawler.daemon.lock.DaemonAlreadyRunning` or :class:`~crawler.config.ConfigError`.
        """
        options = self.options
        self.lock = DaemonLock(options.database_url, pid=self.pid, hostname=self.hostname,
                               started_at=self.started_at)
        self.lock.acquire()  # raises DaemonAlreadyRunning with the one-line refusal
        self.watcher = ConfigWatcher(options.config_dir)
        self.config_events: ConfigEvents | None = None
        self.engine = None
        self.heartbeat = None
        try:
            loaded = self.watcher.load()  # a broken config at start is for the operator to fix now (exit 2)
            plans = plan_jobs(loaded.sources, every_override=options.every, max_jitter=options.max_jitter)
            try:
                validate_plans(plans)
            except ValueError as error:
                raise ConfigError(options.config_dir / "sources", str(error)) from None
            self.engine = engine = storage.connect(options.database_url)
            orphans = storage.mark_orphaned_runs_interrupted(engine)
            orphans += worker_heartbeats.interrupt_runs_of_silent_workers(engine, now=daemon_state.utcnow())
            if orphans:
                logger.warning("marked %d crawl run(s) interrupted that a dead process had left running: %s",
                               len(orphans), ", ".join(map(str, orphans)))
            storage.sync_config(engine, loaded.sources, loaded.entities)
            # On PostgreSQL the runs this daemon claims live and die with its heartbeat, as a worker's do: a
            # daemon machine that is lost frees its sources within minutes for whoever claims them next.
            self.heartbeat = start_heartbeat(engine, "daemon")
            daemon_state.record_daemon_start(engine, pid=self.pid, hostname=self.hostname,
                                             started_at=self.started_at, config_dir=str(options.config_dir))
            self.runner = CrawlRunner(
                engine,
                RunnerSettings(database_url=options.database_url, max_concurrent=options.max_concurrent,
                               time_limit=options.time_limit, grace_period=options.grace_period,
                               extra_env=options.child_env,
                               allow_private_addresses=options.allow_private_addresses,
                               **({"python": options.python} if options.python else {})),
                config_dir=self._borrow_snapshot, hostname=self.hostname, on_finished=self._after_run,
                worker=self.heartbeat.name if self.heartbeat else None)
            self.alerts = AlertChecker(engine, options.database_url, lambda: options.config_dir).start()
            self.scheduler = self._make_scheduler(len(plans))
            self._apply(plans)
            self.scheduler.start(paused=paused)
            self.config_events = ConfigEvents(options.config_dir, self._on_config_event).start()
        except BaseException:
            self.close()
            raise
        logger.info("daemon started: pid %d, database %s, config %s, %d sources scheduled, at most %d crawls "
                    "at once, time limit %s, %s", self.pid, storage.safe_url(options.database_url),
                    options.config_dir, len(plans), options.max_concurrent, format_interval(options.time_limit),
                    self.lock.description)

    def close(self) -> None:
        """Record the stop and give back the database, the snapshots and the lock (after :meth:`_shutdown`)."""
        scheduler = getattr(self, "scheduler", None)
        if scheduler is not None and scheduler.running:
            scheduler.shutdown(wait=False)
        if getattr(self, "alerts", None) is not None:
            self.alerts.stop()
        if getattr(self, "config_events", None) is not None:
            self.config_events.stop()
        if getattr(self, "heartbeat", None) is not None:
            self.heartbeat.stop()
            self.heartbeat = None
        if self.engine is not None:
            try:
                daemon_state.record_daemon_stop(self.engine, pid=self.pid, now=self.clock())
            except Exception:  # noqa: BLE001 - the database may be the reason we stop
                logger.exception("could not record the daemon's stop")
            self.engine.dispose()
            self.engine = None
        self.watcher.close()
        self.lock.release()

    def _make_scheduler(self, source_count: int) -> BackgroundScheduler:
        # Job threads mostly wait (for a crawl slot or a child); the cap on crawls is the runner's semaphore.
        workers = max(self.options.max_concurrent + 2, min(64, source_count + 2))
        scheduler = BackgroundScheduler(executors={"default": ThreadPoolExecutor(workers)}, timezone=dt.timezone.utc,
                                        job_defaults={"coalesce": True, "max_instances": 1})
        scheduler.add_listener(self._on_job_event, EVENT_JOB_ERROR | EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES
                               | EVENT_JOB_EXECUTED | EVENT_JOB_SUBMITTED)
        return scheduler

    # ------------------------------------------------------------------------------------------ schedule

    def _due_run(self, source_key: str) -> str:
        """A source is due: crawl it here, or hand it to the workers (the run claim still keeps it single)."""
        if self.options.executor != "celery":
            return self.runner.run_source(source_key)
        from crawler.workers.enqueue import enqueue_live_run

        try:
            task_id = enqueue_live_run(source_key, broker=self.options.broker_url)
        except Exception as error:  # noqa: BLE001 - a broker outage must not kill the schedule
            logger.error("could not enqueue a crawl of %s: %s", source_key, error)
            return "failed: broker unreachable"
        logger.info("enqueued a crawl of %s for the workers (task %s)", source_key, task_id)
        # Workers do not report back: each enqueue checks what the workers stored since the last check.
        self.alerts.request()
        return "enqueued"

    def _apply(self, plans: dict[str, JobPlan]) -> None:
        changes = diff_plans(self.plans, plans)
        for job_id in changes.removed:
            try:
                self.scheduler.remove_job(job_id)
            except Exception:  # noqa: BLE001 - already gone
                pass
            logger.info("unscheduled %s (removed or disabled in the config)", job_id.removeprefix(JOB_PREFIX))
        last_started = self._last_started()
        now = self.clock()
        for plan, verb in [(plan, "scheduled") for plan in changes.added] + \
                          [(plan, "re-timed") for plan in changes.retimed]:
            first = first_run_time(plan, last_started_at=last_started.get(plan.source_key), now=now)
            extra: dict[str, Any] = {"next_run_time": first} if first is not None else {}
            job = self.scheduler.add_job(
                self._due_run, trigger=plan.trigger(), args=[plan.source_key], id=plan.job_id,
                name=plan.job_id, replace_existing=True, max_instances=1, coalesce=True,
                misfire_grace_time=int(plan.misfire_grace.total_seconds()), **extra)
            next_run = getattr(job, "next_run_time", None) or first or plan.trigger().get_next_fire_time(None, now)
            logger.info("%s %s %s, next run %s", verb, plan.source_key, plan.describe(),
                        next_run.isoformat(timespec="seconds") if next_run else "when the scheduler starts")
        self.plans = dict(plans)
        self._schedule_dirty = True

    def _last_started(self) -> dict[str, dt.datetime]:
        # A back-fill's runs crawl months long past: they do not make a source's live crawl less due.
        from storage.backfills import backfill_run_ids

        archive_runs = backfill_run_ids(self.engine)
        runs = daemon_state.runs_by_source(self.engine, per_source=5)
        last = {key: next((run.started_at for run in rows if run.id not in archive_runs), None)
                for key, rows in runs.items()}
        return {key: started for key, started in last.items() if started is not None}

    def reload(self, *, forced: bool = False) -> bool:
        """Reload the config when it changed (or always, ``forced``); False when the new config was refused."""
        if not forced and not self.watcher.changed():
            return True
        previous = self.watcher.current
        try:
            loaded = self.watcher.load()
            plans = plan_jobs(loaded.sources, every_override=self.options.every, max_jitter=self.options.max_jitter)
            validate_plans(plans)
        except (ConfigError, ValueError) as error:
            if self.watcher.current is not previous:  # pragma: no cover - load() only sets it on success
                self.watcher.current = previous
            logger.error("config not reloaded, keeping the last good schedule: %s", error)
            return False
        try:
            storage.sync_config(self.engine, loaded.sources, loaded.entities)
        except Exception as error:  # noqa: BLE001 - a database hiccup must not kill the daemon
            logger.error("config reloaded but not saved to the database (%s); will retry on the next change", error)
        changes = diff_plans(self.plans, plans)
        self._apply(plans)
        if previous is not None:
            self._maybe_forget(previous.snapshot_dir)
        if changes.empty:
            logger.info("config reloaded: schedule unchanged (%d sources)", len(plans))
        else:
            logger.info("config reloaded: %d added, %d removed, %d re-timed", len(changes.added), len(changes.removed),
                        len(changes.retimed))
        return True

    def schedule_snapshot(self) -> dict[str, dict[str, Any]]:
        """source key -> {next_run, every, running}: what the heartbeat stores for ``pantau status``."""
        running = {run.source_key: run.run_id for run in self.runner.running()}
        snapshot: dict[str, dict[str, Any]] = {}
        for job in self.scheduler.get_jobs():
            plan = self.plans.get(job.id)
            if plan is None:
                continue
            next_run = job.next_run_time
            snapshot[plan.source_key] = {
                "next_run": next_run.astimezone(dt.timezone.utc).isoformat(timespec="seconds") if next_run else None,
                "every": plan.timing(),
                "running": running.get(plan.source_key),
            }
        return snapshot

    # --------------------------------------------------------------------------------------- main loop

    def _main_loop(self) -> int:
        options = self.options
        last_poll = last_heartbeat = 0.0
        clock = time.monotonic
        while True:
            self.wake.wait(timeout=min(1.0, options.poll_seconds))
            self.wake.clear()
            if self._stop_signals:
                return EXIT_OK
            now = clock()
            forced = self._reload_requested
            edited, self._config_edited = self._config_edited, False
            # With watchfiles' events the poll is only the safety net for file systems that send none.
            poll_every = options.poll_seconds if self.config_events is None or not self.config_events.active \
                else max(options.poll_seconds, WATCHED_POLL_SECONDS)
            if forced or edited or now - last_poll >= poll_every:
                self._reload_requested = False
                if forced:
                    logger.info("SIGHUP: reloading the config")
                try:
                    self.reload(forced=forced)
                except Exception:  # noqa: BLE001 - e.g. the database is briefly unreachable: retry next poll
                    logger.exception("config reload failed; keeping the current schedule")
                    self.watcher.invalidate()
                last_poll = now
            if self._schedule_dirty or now - last_heartbeat >= options.heartbeat_seconds:
                if not self.lock.check():
                    logger.error("lost the daemon lock (the database connection dropped): stopping so that a "
                                 "restart takes it again")
                    return EXIT_LOCK_LOST
                self._schedule_dirty = False
                try:
                    daemon_state.record_heartbeat(self.engine, now=self.clock(), schedule=self.schedule_snapshot(),
                                                  pid=self.pid)
                except Exception as error:  # noqa: BLE001 - keep crawling; the next heartbeat retries
                    logger.error("could not record the heartbeat: %s", error)
                try:  # runs of `pantau worker`s on machines that went silent (see storage/worker_heartbeats.py)
                    worker_heartbeats.interrupt_runs_of_silent_workers(self.engine, now=daemon_state.utcnow())
                except Exception as error:  # noqa: BLE001 - as for the heartbeat: the next one retries
                    logger.error("could not check the workers' heartbeats: %s", error)
                last_heartbeat = now

    def _shutdown(self) -> None:
        running = self.runner.running()
        logger.info("stopping: no new crawls; %d running crawl(s) get up to %s to finish", len(running),
                    format_interval(self.options.grace_period))
        self.scheduler.pause()
        self.runner.stop()
        # Job threads end within the grace period (their children are stopped, then killed).
        self.scheduler.shutdown(wait=True)
        self.alerts.stop()
        logger.info("daemon stopped")

    # ------------------------------------------------------------------------------------ callbacks

    def _on_stop_signal(self, signum: int) -> None:
        self._stop_signals += 1
        if self._stop_signals == 1:
            logger.info("%s received: shutting down", signal.Signals(signum).name)
        else:
            logger.warning("%s received again: killing running crawls now", signal.Signals(signum).name)
            self.runner.kill_now()
        self.wake.set()

    def _on_reload_signal(self, _signum: int) -> None:
        self._reload_requested = True
        self.wake.set()

    def _on_config_event(self) -> None:
        self._config_edited = True
        self.wake.set()

    def _on_job_event(self, event: JobEvent) -> None:
        source = event.job_id.removeprefix(JOB_PREFIX)
        if event.code == EVENT_JOB_ERROR:
            assert isinstance(event, JobExecutionEvent)
            logger.error("crawl job of %s failed in the daemon: %r", source, event.exception,
                         exc_info=(type(event.exception), event.exception, event.exception.__traceback__)
                         if event.exception else None)
        elif event.code == EVENT_JOB_MISSED:
            assert isinstance(event, JobExecutionEvent)
            logger.warning("crawl of %s missed its start at %s (the daemon was busy or asleep); it runs at its "
                           "next time", source, event.scheduled_run_time.isoformat(timespec="seconds"))
        elif event.code == EVENT_JOB_MAX_INSTANCES:
            logger.warning("crawl of %s is due but its previous run is still going or waiting: skipped this time",
                           source)
        self._schedule_dirty = True

    def _borrow_snapshot(self) -> Path:
        current = self.watcher.current
        assert current is not None
        with self._snapshot_lock:
            self._snapshot_users[current.snapshot_dir] = self._snapshot_users.get(current.snapshot_dir, 0) + 1
        return current.snapshot_dir

    def _after_run(self, run: ActiveRun) -> None:
        self._return_snapshot(run)
        self.alerts.request()  # evaluated in the checker's own thread: crawls never wait for a mail server

    def _return_snapshot(self, run: ActiveRun) -> None:
        with self._snapshot_lock:
            self._snapshot_users[run.config_dir] -= 1
        self._maybe_forget(run.config_dir)

    def _maybe_forget(self, snapshot: Path) -> None:
        with self._snapshot_lock:
            if self._snapshot_users.get(snapshot, 0) > 0:
                return
            self._snapshot_users.pop(snapshot, None)
        self.watcher.forget_snapshot(snapshot)


class _signal_handlers:  # noqa: N801 - used as a context manager, reads like a function
    """Install SIGTERM/SIGINT (stop) and SIGHUP (reload) handlers; restore the previous ones afterwards."""

    def __init__(self, on_stop: Callable[[int], None], on_reload: Callable[[int], None]) -> None:
        self.on_stop, self.on_reload = on_stop, on_reload
        self.previous: dict[int, Any] = {}

    def __enter__(self) -> None:
        def stop(signum: int, _frame: FrameType | None) -> None:
            self.on_stop(signum)

        def reload(signum: int, _frame: FrameType | None) -> None:
            self.on_reload(signum)

        for signum, handler in ((signal.SIGTERM, stop), (signal.SIGINT, stop), (signal.SIGHUP, reload)):
            self.previous[signum] = signal.signal(signum, handler)

    def __exit__(self, *_exc: object) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)
