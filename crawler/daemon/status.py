"""What ``pantau status`` reports: the daemon (running or not, since when, pid), and every source's runs.

:func:`gather_status` reads the database (the daemon's state row, the lock, the crawl_run table) and the
config; :func:`summarise` is the pure part that turns those rows into :class:`SourceStatus` lines, so that the
tests can feed it any history with any ``now``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from crawler.config import SourceConfig
from crawler.daemon.lock import daemon_lock_held
from crawler.daemon.plan import describe_timing, failing_streak
from storage import daemon_state
from storage.daemon_state import DaemonState, RunRecord

# A daemon whose heartbeat is older than this is reported as not responding (it writes one every 15 s).
HEARTBEAT_STALE = dt.timedelta(minutes=2)
FAILING_AFTER = 3


@dataclass(frozen=True)
class DaemonSummary:
    running: bool
    pid: int | None = None
    hostname: str | None = None
    since: dt.datetime | None = None
    heartbeat_at: dt.datetime | None = None
    stopped_at: dt.datetime | None = None
    responding: bool = True

    def describe(self, now: dt.datetime) -> str:
        if self.running:
            text = f"running since {_when(self.since)} (pid {self.pid} on {self.hostname})"
            if self.heartbeat_at and not self.responding:
                text += f"; no heartbeat for {_ago(now - self.heartbeat_at)}: hung or cut off from the database"
            return text
        if self.stopped_at:
            return f"not running (last daemon, pid {self.pid} on {self.hostname}, stopped {_when(self.stopped_at)})"
        if self.heartbeat_at:
            return f"not running (last daemon, pid {self.pid} on {self.hostname}, last seen {_when(self.heartbeat_at)})"
        return "not running (no daemon has run on this database)"


@dataclass(frozen=True)
class SourceStatus:
    key: str
    every: str
    enabled: bool
    last_run: RunRecord | None
    last_finished: RunRecord | None
    next_run: dt.datetime | None
    running_run: int | None
    failures_in_a_row: int
    recent: list[RunRecord] = field(default_factory=list)
    in_config: bool = True  # False: only its past runs know it (removed from the config, or crawl --demo)

    @property
    def failing(self) -> bool:
        return self.failures_in_a_row >= FAILING_AFTER


@dataclass(frozen=True)
class Status:
    daemon: DaemonSummary
    sources: list[SourceStatus]
    now: dt.datetime

    @property
    def failing(self) -> list[SourceStatus]:
        return [source for source in self.sources if source.failing]


def summarise_daemon(state: DaemonState | None, lock_held: bool | None, now: dt.datetime) -> DaemonSummary:
    """Running when the lock is held (or, if that cannot be told, when the heartbeat is recent)."""
    if state is None:
        return DaemonSummary(running=bool(lock_held))
    recent = now - state.heartbeat_at <= HEARTBEAT_STALE
    running = lock_held if lock_held is not None else (state.stopped_at is None and recent)
    return DaemonSummary(running=bool(running), pid=state.pid, hostname=state.hostname, since=state.started_at,
                         heartbeat_at=state.heartbeat_at, stopped_at=state.stopped_at,
                         responding=recent or not running)


def summarise(sources: Sequence[tuple[str, str, bool]], runs: Mapping[str, list[RunRecord]],
              schedule: Mapping[str, Mapping[str, object]], daemon_running: bool) -> list[SourceStatus]:
    """One line per source: ``sources`` are (key, every, enabled); ``runs`` newest first."""
    result = []
    for key, every, enabled in sources:
        history = runs.get(key, [])
        planned = schedule.get(key, {}) if daemon_running else {}
        next_run = planned.get("next_run")
        result.append(SourceStatus(
            key=key, every=str(planned.get("every") or every), enabled=enabled,
            last_run=history[0] if history else None,
            last_finished=next((run for run in history if run.status != "running"), None),
            next_run=dt.datetime.fromisoformat(next_run) if isinstance(next_run, str) else None,
            running_run=next((run.id for run in history if run.status == "running"), None),
            failures_in_a_row=failing_streak(history), recent=history))
    return result


def gather_status(engine: Engine, database_url: str, sources: list[SourceConfig] | None,
                  now: dt.datetime | None = None) -> Status:
    """The whole status; ``sources`` from the config, or None to use the sources the database knows."""
    now = now or daemon_state.utcnow()
    state = daemon_state.read_daemon_state(engine)
    daemon = summarise_daemon(state, daemon_lock_held(database_url, engine), now)
    if sources is not None:
        rows = [(source.key, describe_timing(dt.timedelta(minutes=source.interval_minutes), source.cron),
                 source.enabled) for source in sources]
    else:
        rows = [(key, describe_timing(dt.timedelta(minutes=minutes), cron), enabled)
                for key, _name, minutes, cron, enabled in daemon_state.configured_sources(engine)]
    runs = daemon_state.runs_by_source(engine, per_source=10)
    known = {key for key, _every, _enabled in rows}
    rows += [(key, "-", False) for key in sorted(runs) if key not in known]  # removed from the config since
    summaries = [dataclasses.replace(summary, in_config=summary.key in known)
                 for summary in summarise(rows, runs, state.schedule if state else {}, daemon.running)]
    return Status(daemon=daemon, sources=summaries, now=now)


def _when(moment: dt.datetime | None) -> str:
    if moment is None:
        return "-"
    return moment.astimezone().isoformat(sep=" ", timespec="seconds")


def _ago(delta: dt.timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h"
