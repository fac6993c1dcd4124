"""Keeping stored articles fresh: when to fetch a known URL again, how to ask, and what counts as an edit.

Pure: no Scrapy, no SQL. The spider asks :func:`plan_fetch` about every discovered article URL (with the
``lastmod`` its sitemap, feed or REST entry gave) and about the rows whose ``next_due_at`` has come;
:func:`conditional_headers` turns stored validators into ``If-None-Match`` / ``If-Modified-Since``;
:func:`next_due` walks a source's decaying schedule (``refetch = ["1h", "6h", "24h", "72h"]``: hours after
publication); :func:`diff_summary` describes an edit in one short line. Whether a story changed is decided on
its extracted title and text (``Article.text_hash``), never on the page's bytes, so a rotating ad or the date
in a site's header is not an edit.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

DEFAULT_REFETCH = ("1h", "6h", "24h", "72h")
MAX_REFETCH_STEPS = 12
_DURATION = re.compile(r"^\s*(\d+)\s*(m|h|d|w)\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}

FetchReason = Literal["new", "modified", "due", "skip"]


def parse_duration(value: str) -> dt.timedelta:
    """``"90m"``, ``"6h"``, ``"3d"``, ``"1w"`` as a timedelta; raises ValueError naming the value."""
    match = _DURATION.match(value) if isinstance(value, str) else None
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"'{value}' is not a duration (write a positive number and m, h, d or w: \"6h\", \"3d\")")
    return dt.timedelta(seconds=int(match.group(1)) * _UNIT_SECONDS[match.group(2).lower()])


def parse_schedule(values: Sequence[str]) -> tuple[dt.timedelta, ...]:
    """A refetch schedule: increasing durations after publication, at most :data:`MAX_REFETCH_STEPS`."""
    if len(values) > MAX_REFETCH_STEPS:
        raise ValueError(f"at most {MAX_REFETCH_STEPS} refetch steps (got {len(values)})")
    steps = tuple(parse_duration(value) for value in values)
    for before, after, text in zip(steps, steps[1:], values[1:]):
        if after <= before:
            raise ValueError(f"refetch steps must increase: '{text}' is not after the step before it")
    return steps


@dataclass(frozen=True)
class KnownUrl:
    """The stored facts about one URL that planning needs (a row of ``fetch_state`` joined with its article)."""

    canonical_url: str
    url: str
    etag: str | None = None
    last_modified: str | None = None
    lastmod_seen: dt.datetime | None = None
    last_fetched_at: dt.datetime | None = None
    next_due_at: dt.datetime | None = None
    published_at: dt.datetime | None = None
    first_seen_at: dt.datetime | None = None
    removed_at: dt.datetime | None = None


@dataclass(frozen=True)
class FetchInfo:
    """What one fetch of an article page told us besides the page: its validators and its discovery lastmod."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    lastmod: dt.datetime | None = None


def plan_fetch(known: KnownUrl | None, lastmod: dt.datetime | None, now: dt.datetime) -> FetchReason:
    """Why a discovered URL should be fetched now, or ``"skip"``.

    A URL never stored is new. A stored one is fetched again when its discovery entry says it changed since we
    last saw it (``lastmod`` newer than the lastmod seen then, or than the fetch when none was seen), or when
    the refetch schedule says it is due. A removed story comes back only through a newer ``lastmod``.
    """
    if known is None:
        return "new"
    if lastmod is not None:
        seen = known.lastmod_seen or known.last_fetched_at
        if seen is None or lastmod > seen:
            return "modified"
    if known.removed_at is None and known.next_due_at is not None and known.next_due_at <= now:
        return "due"
    return "skip"


def next_due(published_at: dt.datetime | None, first_seen_at: dt.datetime | None, fetched_at: dt.datetime,
             schedule: Sequence[dt.timedelta]) -> dt.datetime | None:
    """The first point of ``schedule`` (counted from publication, or from first sight without a publication
    time) that lies after ``fetched_at``; None when the story is older than the last step."""
    base = published_at or first_seen_at or fetched_at
    for step in schedule:
        due = base + step
        if due > fetched_at:
            return due
    return None


def conditional_headers(known: KnownUrl | None) -> dict[str, str]:
    """Validators to send back: the server's own ETag and Last-Modified, exactly as it gave them."""
    headers: dict[str, str] = {}
    if known is not None and known.etag:
        headers["If-None-Match"] = known.etag
    if known is not None and known.last_modified:
        headers["If-Modified-Since"] = known.last_modified
    return headers


def parse_lastmod(value: str | None) -> dt.datetime | None:
    """A sitemap ``lastmod``, Atom ``updated`` or REST ``modified_gmt`` as an aware UTC datetime (date-only
    values mean midnight UTC, values without a zone are UTC); None when absent or unreadable."""
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        try:
            moment = dt.datetime.combine(dt.date.fromisoformat(text[:10]), dt.time())
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc)


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def diff_summary(old_title: str | None, old_text: str, new_title: str | None, new_text: str) -> str:
    """One short line: ``title changed; 1 paragraph changed, 1 added`` (paragraphs are the text's lines)."""
    parts: list[str] = []
    if (old_title or "") != (new_title or ""):
        parts.append("title changed")
    changed = added = removed = 0
    matcher = difflib.SequenceMatcher(a=_paragraphs(old_text), b=_paragraphs(new_text), autojunk=False)
    for tag, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if tag == "replace":
            common = min(a_end - a_start, b_end - b_start)
            changed += common
            removed += (a_end - a_start) - common
            added += (b_end - b_start) - common
        elif tag == "delete":
            removed += a_end - a_start
        elif tag == "insert":
            added += b_end - b_start
    counted = [(count, what) for count, what in ((changed, "changed"), (added, "added"), (removed, "removed"))
               if count]
    if counted:
        (first, what), rest = counted[0], counted[1:]
        parts.append(", ".join([f"{first} paragraph{'s' if first != 1 else ''} {what}",
                                *(f"{count} {what}" for count, what in rest)]))
    return "; ".join(parts) or "text changed (whitespace only)"
