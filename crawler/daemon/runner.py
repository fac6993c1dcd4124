"""Running one scheduled crawl: a child process with a time limit, under a global cap on concurrent crawls.

Each crawl is ``python -m crawler … crawl KEY --trigger scheduled --run-id N`` in its own process group (a
crash or a leak in Scrapy never reaches the daemon). The daemon claims the crawl_run row first (so a source
already being crawled, by the daemon or by an ad-hoc ``pantau crawl``, is skipped), and settles it after the
child ends: a time limit or a shutdown sends SIGTERM (Scrapy then finishes its in-flight items), and SIGKILL to
the whole group after the grace period; a child that wrote no result leaves its run ``failed``. Everything the
child writes to stderr (its log: warnings about broken pages, tracebacks) is relayed line by line into the
daemon's own log (logger ``crawler.daemon.child``, at the level the line states), and its last lines explain
a failure.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine

import storage
from crawler.daemon.plan import final_status, format_interval
from crawler.settings import FAST_LOCAL_ENV
from storage import daemon_state

logger = logging.getLogger(__name__)
child_logger = logging.getLogger("crawler.daemon.child")

OUTPUT_TAIL_BYTES = 4096
OUTPUT_TAIL_LINES = 40
_LOG_LEVEL = re.compile(r"\b(DEBUG|INFO|WARNING|ERROR|CRITICAL)\b")


@dataclass
class ActiveRun:
    source_key: str
    run_id: int
    pid: int
    started: float  # monotonic
    config_dir: Path
    terminated_at: float | None = None
    timed_out: bool = False
    stopped: bool = False


@dataclass
class RunnerSettings:
    database_url: str
    max_concurrent: int = 2
    time_limit: dt.timedelta = dt.timedelta(hours=1)
    grace_period: dt.timedelta = dt.timedelta(seconds=60)
    python: str = sys.executable
    poll_seconds: float = 0.5
    allow_private_addresses: bool = False  # the demo site and tests only
    extra_env: dict[str, str] = field(default_factory=dict)


class CrawlRunner:
    """Starts, watches and settles child crawls; thread-safe (APScheduler calls :meth:`run_source` from its pool)."""

    def __init__(self, engine: Engine, settings: RunnerSettings, *, config_dir: Callable[[], Path],
                 hostname: str | None = None, on_finished: Callable[[ActiveRun], None] | None = None,
                 worker: str | None = None) -> None:
        self.engine = engine
        self.worker = worker  # a `pantau worker`'s name: its runs live and die with its heartbeat
        self.settings = settings
        self.config_dir = config_dir
        self.hostname = hostname or daemon_state.this_host()
        self.on_finished = on_finished
        self.slots = threading.BoundedSemaphore(settings.max_concurrent)
        self.stopping = threading.Event()
        self.force = threading.Event()
        self._lock = threading.Lock()
        self.active: dict[int, ActiveRun] = {}
        self._this_thread = threading.local()

    # ------------------------------------------------------------------------------------------- one run

    def run_source(self, source_key: str, extra_args: tuple[str, ...] = ()) -> str:
        """One scheduled crawl of ``source_key``, start to finish; returns its final status or why it did not run.

        ``extra_args`` go to the child's ``pantau crawl`` (a back-fill's ``--since``/``--until``).
        """
        self._this_thread.run_id = None
        if self.stopping.is_set():
            return "not started: shutting down"
        while not self.slots.acquire(timeout=self.settings.poll_seconds):
            if self.stopping.is_set():
                return "not started: shutting down"
        try:
            return self._run_with_slot(source_key, extra_args)
        finally:
            self.slots.release()

    def _run_with_slot(self, source_key: str, extra_args: tuple[str, ...]) -> str:
        if self.stopping.is_set():
            return "not started: shutting down"
        claim = daemon_state.claim_run(self.engine, source_key, "scheduled", pid=os.getpid(),
                                       hostname=self.hostname, worker=self.worker)
        if claim.run_id is None:
            busy = claim.busy_with
            assert busy is not None
            logger.warning("skip %s: already being crawled (run %d, %s, pid %s on %s, since %s)", source_key,
                           busy.id, busy.trigger, busy.pid, busy.hostname,
                           busy.started_at.isoformat(timespec="seconds"))
            return "skipped: already being crawled"
        self._this_thread.run_id = claim.run_id
        config_dir = self.config_dir()
        try:
            child = subprocess.Popen([*self.command(source_key, claim.run_id, config_dir), *extra_args],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     start_new_session=True, env={**os.environ, **self.child_env()})
        except OSError as error:
            daemon_state.settle_run(self.engine, claim.run_id, "failed", f"cannot start the crawl process: {error}")
            logger.error("crawl %s (run %d) could not start: %s", source_key, claim.run_id, error)
            return "failed"
        run = ActiveRun(source_key=source_key, run_id=claim.run_id, pid=child.pid, started=time.monotonic(),
                        config_dir=config_dir)
        tail: deque[str] = deque(maxlen=OUTPUT_TAIL_LINES)
        relay = threading.Thread(target=_relay_output, args=(child.stderr, run, tail), daemon=True,
                                 name=f"pantau-child-{run.run_id}")
        relay.start()
        with self._lock:
            self.active[run.run_id] = run
        try:
            storage.set_run_pid(self.engine, run.run_id, child.pid)
            logger.info("crawl %s started (run %d, pid %d)", source_key, run.run_id, child.pid)
            returncode = self._watch(child, run)
        finally:
            with self._lock:
                self.active.pop(run.run_id, None)
            relay.join(timeout=10)  # the pipe ends when the process group is gone (_watch kills stragglers)
            if child.stderr is not None:
                child.stderr.close()
        status = self._settle(run, returncode, "\n".join(tail)[-OUTPUT_TAIL_BYTES:])
        if self.on_finished:
            self.on_finished(run)
        return status

    def last_run_id(self) -> int | None:
        """The run the calling thread's last :meth:`run_source` claimed (None when it claimed none)."""
        return getattr(self._this_thread, "run_id", None)

    def child_env(self) -> dict[str, str]:
        env = dict(self.settings.extra_env)
        if self.settings.allow_private_addresses:
            env[FAST_LOCAL_ENV] = "1"  # the crawl settings of `pantau crawl --demo`: for sites on this machine
        return env

    def command(self, source_key: str, run_id: int, config_dir: Path) -> list[str]:
        return [self.settings.python, "-m", "crawler", "--database-url", self.settings.database_url,
                "--config", str(config_dir), "crawl", source_key, "--trigger", "scheduled",
                "--run-id", str(run_id), "--no-progress"]

    def _watch(self, child: subprocess.Popen[bytes], run: ActiveRun) -> int:
        limit = self.settings.time_limit.total_seconds()
        grace = self.settings.grace_period.total_seconds()
        while True:
            try:
                returncode = child.wait(timeout=self.settings.poll_seconds)
                break
            except subprocess.TimeoutExpired:
                pass
            now = time.monotonic()
            if run.terminated_at is None:
                if now - run.started >= limit:
                    run.timed_out = True
                    logger.warning("crawl %s (run %d) reached its time limit of %s: stopping it", run.source_key,
                                   run.run_id, format_interval(self.settings.time_limit))
                    self._terminate(child, run, now)
                elif self.stopping.is_set():
                    run.stopped = True
                    self._terminate(child, run, now)
            elif now - run.terminated_at >= grace or self.force.is_set():
                logger.warning("crawl %s (run %d) did not stop within %.0f s: killing it", run.source_key,
                               run.run_id, grace)
                _kill_group(child.pid)
                returncode = child.wait()
                break
        _kill_group(child.pid)  # stray grandchildren (the extraction pool) must not outlive their crawl
        return returncode

    def _terminate(self, child: subprocess.Popen[bytes], run: ActiveRun, now: float) -> None:
        run.terminated_at = now
        try:
            child.send_signal(signal.SIGTERM)  # Scrapy's graceful stop: finish in-flight items, close the run
        except ProcessLookupError:
            pass

    def _settle(self, run: ActiveRun, returncode: int, output_tail: str) -> str:
        row = daemon_state.get_run(self.engine, run.run_id)
        status, reason, override = final_status(
            row_status=row.status if row else None, returncode=returncode, timed_out=run.timed_out,
            stopping=run.stopped, time_limit=self.settings.time_limit, output_tail=output_tail)
        if status is not None:
            daemon_state.settle_run(self.engine, run.run_id, status, reason, override=override)
        row = daemon_state.get_run(self.engine, run.run_id)
        seconds = time.monotonic() - run.started
        if row is None:
            return status or "unknown"
        log = logger.info if row.status == "succeeded" else logger.warning
        log("crawl %s finished: %s in %.1f s (run %d: %d pages, %d new, %d updated articles, %d mentions, "
            "%d errors)%s", run.source_key, row.status, seconds, run.run_id, row.pages, row.new_articles,
            row.updated_articles, row.mentions, row.errors, f": {row.error_summary}" if row.error_summary
            and row.status != "succeeded" else "")
        return row.status

    # ---------------------------------------------------------------------------------------------- stop

    def stop(self) -> None:
        """No new crawls; running ones get SIGTERM now and SIGKILL after the grace period (see :meth:`_watch`)."""
        self.stopping.set()

    def kill_now(self) -> None:
        """A second signal: do not wait for the grace period."""
        self.stopping.set()
        self.force.set()

    def running(self) -> list[ActiveRun]:
        with self._lock:
            return list(self.active.values())


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _relay_output(stream, run: ActiveRun, tail: deque[str]) -> None:  # noqa: ANN001 - a binary pipe
    """Log each stderr line of a child crawl in the daemon's log, at the level the line names (else WARNING)."""
    try:
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", errors="replace").rstrip()
            if not line:
                continue
            tail.append(line)
            found = _LOG_LEVEL.search(line[:80])
            level = logging.getLevelName(found.group(1)) if found else logging.WARNING
            child_logger.log(level, "crawl %s (run %d): %s", run.source_key, run.run_id, line)
    except (OSError, ValueError):  # the pipe closed under us at shutdown
        pass
