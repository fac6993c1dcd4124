"""An archive back-fill split into date ranges: the months between two days, each a crawl run of its own.

Pure: no Celery, no SQL. A range is crawled with ``pantau crawl SOURCE --since FIRST --until LAST``: the spider
skips sitemap files last modified before the range and sitemap entries outside it, and the pipeline drops
articles published outside it, so the ranges of one back-fill split the archive without overlap (an article
without a date falls in whichever range found it first; storage is idempotent, so none is stored twice).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class DateRange:
    first: dt.date
    last: dt.date

    def crawl_args(self) -> tuple[str, ...]:
        return ("--since", self.first.isoformat(), "--until", self.last.isoformat())


def month_ranges(first: dt.date, last: dt.date) -> list[DateRange]:
    """The calendar months from ``first`` to ``last`` (inclusive), clipped to both ends, newest first.

    Newest first: an office starting with Pantau wants the recent past in its reports before the old archive.
    """
    if last < first:
        raise ValueError(f"the back-fill ends ({last}) before it starts ({first})")
    ranges = []
    start = first
    while start <= last:
        next_month = (start.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        ranges.append(DateRange(start, min(last, next_month - dt.timedelta(days=1))))
        start = next_month
    return ranges[::-1]
