"""The daemon's decisions, as pure functions: which jobs to schedule, when each first runs, how a run ended.

Nothing here starts a thread, a process or a timer, and nothing reads the clock: the caller passes ``now``. The
scheduler (:mod:`crawler.daemon.service`) applies these decisions to APScheduler; the tests call them with a
frozen clock instead of waiting for schedules.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import signal
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from crawler.config import SourceConfig

JOB_PREFIX = "crawl:"
# A crawl that could not start on time may still start this late (then coalesced into one run).
MAX_MISFIRE_GRACE = dt.timedelta(minutes=15)
# Jitter: a tenth of the interval, at most this much, so that sources do not all start together.
MAX_JITTER = dt.timedelta(minutes=2)
CRON_JITTER = dt.timedelta(seconds=30)

RunStatus = Literal["succeeded", "failed", "timed-out", "interrupted"]


@dataclass(frozen=True)
class JobPlan:
    """What the scheduler should run for one source: the job id and its timing."""

    source_key: str
    every: dt.timedelta | None  # an interval, or
    cron: str | None            # a crontab expression in the source's time zone
    timezone: str
    jitter: dt.timedelta

    @property
    def job_id(self) -> str:
        return job_id(self.source_key)

    @property
    def misfire_grace(self) -> dt.timedelta:
        if self.every is None:
            return MAX_MISFIRE_GRACE
        return min(MAX_MISFIRE_GRACE, max(dt.timedelta(seconds=1), self.every / 2))

    def describe(self) -> str:
        """For log lines: "every 30 min" or "cron '0 6 * * *' (Asia/Makassar)"."""
        if self.cron:
            return f"cron '{self.cron}' ({self.timezone})"
        return f"every {format_interval(self.every)}"

    def timing(self) -> str:
        """For tables: "30 min" or "cron 0 6 * * *"."""
        return describe_timing(self.every, self.cron)

    def trigger(self) -> BaseTrigger:
        """The APScheduler trigger for this plan."""
        jitter = int(self.jitter.total_seconds()) or None
        if self.cron:
            trigger = CronTrigger.from_crontab(self.cron, timezone=self.timezone)
            trigger.jitter = jitter
            return trigger
        assert self.every is not None
        return IntervalTrigger(seconds=self.every.total_seconds(), jitter=jitter, timezone="UTC")


def job_id(source_key: str) -> str:
    return f"{JOB_PREFIX}{source_key}"


def format_interval(every: dt.timedelta | None) -> str:
    if every is None:
        return "-"
    seconds = int(every.total_seconds())
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"


def describe_timing(every: dt.timedelta | None, cron: str | None) -> str:
    return f"cron {cron}" if cron else format_interval(every)


def default_jitter(every: dt.timedelta | None) -> dt.timedelta:
    if every is None:
        return CRON_JITTER
    return min(MAX_JITTER, every / 10)


def plan_jobs(sources: Iterable[SourceConfig], *, every_override: dt.timedelta | None = None,
              max_jitter: dt.timedelta | None = None) -> dict[str, JobPlan]:
    """One plan per enabled source, keyed by job id; ``every_override`` replaces every source's timing."""
    plans: dict[str, JobPlan] = {}
    for source in sources:
        if not source.enabled:
            continue
        if every_override is not None:
            every, cron = every_override, None
        elif source.cron:
            every, cron = None, source.cron
        else:
            every, cron = dt.timedelta(minutes=source.interval_minutes), None
        jitter = default_jitter(every)
        if max_jitter is not None:
            jitter = min(jitter, max_jitter)
        plan = JobPlan(source_key=source.key, every=every, cron=cron, timezone=source.timezone, jitter=jitter)
        plans[plan.job_id] = plan
    return plans


def validate_plans(plans: Mapping[str, JobPlan]) -> None:
    """Build every trigger once, so that a bad cron expression fails the reload, not the scheduler."""
    for plan in plans.values():
        try:
            plan.trigger()
        except ValueError as error:
            raise ValueError(f"source '{plan.source_key}': bad cron expression '{plan.cron}' ({error})") from None


@dataclass(frozen=True)
class PlanChanges:
    added: tuple[JobPlan, ...]
    removed: tuple[str, ...]      # job ids
    retimed: tuple[JobPlan, ...]  # same source, new timing

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.retimed)


def diff_plans(old: Mapping[str, JobPlan], new: Mapping[str, JobPlan]) -> PlanChanges:
    """What changes between two schedules (sources added, removed or disabled, re-timed)."""
    return PlanChanges(
        added=tuple(new[key] for key in new if key not in old),
        removed=tuple(key for key in old if key not in new),
        retimed=tuple(new[key] for key in new if key in old and old[key] != new[key]),
    )


def stable_offset(source_key: str, spread: dt.timedelta) -> dt.timedelta:
    """A fixed per-source delay in [0, spread): spreads first runs without randomness (repeatable in tests)."""
    if spread <= dt.timedelta(0):
        return dt.timedelta(0)
    digest = int.from_bytes(hashlib.sha256(source_key.encode()).digest()[:8], "big")
    return dt.timedelta(microseconds=digest % int(spread / dt.timedelta(microseconds=1)))


def first_run_time(plan: JobPlan, *, last_started_at: dt.datetime | None, now: dt.datetime) -> dt.datetime | None:
    """When a newly scheduled interval job should first run; None means "let the trigger decide" (cron).

    A source that was never crawled, or whose last crawl is older than its interval, is due now (spread by a
    small per-source offset); otherwise it runs one interval after its last start, so that restarting the
    daemon neither skips nor repeats a crawl.
    """
    if plan.every is None:
        return None
    offset = stable_offset(plan.source_key, plan.jitter)
    if last_started_at is None:
        return now + offset
    return max(now + offset, last_started_at + plan.every)


def final_status(*, row_status: str | None, returncode: int | None, timed_out: bool, stopping: bool,
                 time_limit: dt.timedelta, output_tail: str = "") -> tuple[RunStatus | None, str | None, bool]:
    """How a run ended, from what the daemon saw: (status, error summary, override what the child wrote).

    ``(None, None, False)`` means the child recorded its own result and nothing needs changing.
    """
    if timed_out:
        return "timed-out", f"stopped after the time limit of {format_interval(time_limit)}", True
    if stopping:
        return "interrupted", "stopped because the daemon shut down", True
    if row_status not in (None, "running"):
        return None, None, False
    if returncode is not None and returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        reason = f"the crawl process was killed by {name}"
    elif returncode == 0:
        reason = "the crawl process exited without recording a result"
    else:
        reason = f"the crawl process exited with code {returncode}"
    tail = output_tail.strip().splitlines()[-1:] if output_tail.strip() else []
    if tail:
        reason += f": {tail[0][:300]}"
    return "failed", reason, False


def failing_streak(runs_newest_first: Sequence[object]) -> int:
    """How many of the latest finished runs failed or timed out in a row (running rows are skipped)."""
    streak = 0
    for run in runs_newest_first:
        status = getattr(run, "status")
        if status == "running":
            continue
        if status in ("failed", "timed-out"):
            streak += 1
        else:
            break
    return streak
