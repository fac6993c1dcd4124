"""What went wrong with one URL of a crawl: the record the spider keeps and storage writes to ``fetch_error``.

Pure: no Scrapy, no SQL. The spider makes a :class:`FetchFailure` for every page, sitemap, feed or listing it
could not fetch or read (HTTP errors after retries, time-outs, redirect loops, off-site or private-address
redirects, bodies that are not HTML, damaged sitemaps, pages the extractor gave up on);
:mod:`storage.fetch_errors` keeps one row per source and URL, so that an analyst can query them and the next
run asks for the failed pages again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

FetchKind = Literal["article", "continuation", "sitemap", "feed", "listing", "robots"]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass
class FetchFailure:
    url: str
    kind: FetchKind
    reason: str  # one line: what happened, e.g. "HTTP 503 after 3 attempts", "redirect loop (5 redirects)"
    http_status: int | None = None
    attempts: int = 1  # download attempts this run (Scrapy's retries included)
    tried_at: dt.datetime = field(default_factory=utc_now)
