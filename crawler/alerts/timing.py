"""When an alert may go out: quiet hours (held until they end), digest periods (one message per rule per
period, sent when the period is over) and the retry backoff after a failed send. Pure functions of the time.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass
from typing import Literal

DigestPeriod = Literal["hourly", "daily"]

# A failed send is retried on the next check, then after 5, 10, 20 … minutes, at most 6 hours apart, and given up
# after MAX_ATTEMPTS attempts (a week of retries at the longest delay is long enough for an operator to notice).
FIRST_RETRY = dt.timedelta(0)
RETRY_BASE = dt.timedelta(minutes=5)
RETRY_MAX = dt.timedelta(hours=6)
MAX_ATTEMPTS = 12

_CLOCK = re.compile(r"^\s*([01]?\d|2[0-3])[:.]([0-5]\d)\s*-\s*([01]?\d|2[0-3])[:.]([0-5]\d)\s*$")


@dataclass(frozen=True)
class QuietHours:
    """A daily span of local time with no messages, e.g. 22:00-06:00 (may cross midnight)."""

    start: dt.time
    end: dt.time

    @classmethod
    def parse(cls, value: str) -> QuietHours:
        match = _CLOCK.match(value)
        if not match:
            raise ValueError(f"'{value}' is not a span of local time such as 22:00-06:00")
        start = dt.time(int(match.group(1)), int(match.group(2)))
        end = dt.time(int(match.group(3)), int(match.group(4)))
        if start == end:
            raise ValueError(f"'{value}' starts and ends at the same time")
        return cls(start, end)

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    def end_if_quiet(self, moment: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime | None:
        """When the quiet span containing ``moment`` ends (UTC), or None when ``moment`` is not quiet."""
        local = moment.astimezone(zone)
        clock = local.time().replace(tzinfo=None)
        if self.start < self.end:
            quiet = self.start <= clock < self.end
            end_day = local.date()
        else:  # crosses midnight
            quiet = clock >= self.start or clock < self.end
            end_day = local.date() + dt.timedelta(days=1) if clock >= self.start else local.date()
        if not quiet:
            return None
        return dt.datetime.combine(end_day, self.end, zone).astimezone(dt.timezone.utc)


def digest_period(moment: dt.datetime, period: DigestPeriod, zone: zoneinfo.ZoneInfo) -> tuple[str, dt.datetime]:
    """The label of the digest period containing ``moment`` ('2026-11-18' or '2026-11-18 14:00') and its end (UTC)."""
    local = moment.astimezone(zone)
    if period == "hourly":
        start = local.replace(minute=0, second=0, microsecond=0)
        return f"{start:%Y-%m-%d %H}:00", start.astimezone(dt.timezone.utc) + dt.timedelta(hours=1)
    end = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), zone)
    return local.date().isoformat(), end.astimezone(dt.timezone.utc)


def first_send_time(created: dt.datetime, *, quiet: QuietHours | None, digest: DigestPeriod | None,
                    zone: zoneinfo.ZoneInfo) -> tuple[dt.datetime, str | None]:
    """(not before, digest period label) for an alert found at ``created``."""
    due, label = created, None
    if digest:
        label, due = digest_period(created, digest, zone)
    if quiet:
        due = quiet.end_if_quiet(due, zone) or due
    return due, label


def retry_time(now: dt.datetime, attempts: int) -> dt.datetime | None:
    """When to try again after ``attempts`` failed attempts; None once they are exhausted."""
    if attempts >= MAX_ATTEMPTS:
        return None
    if attempts <= 1:
        return now + FIRST_RETRY
    return now + min(RETRY_MAX, RETRY_BASE * 2 ** (attempts - 2))
