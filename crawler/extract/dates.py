"""The publication and modification times with their zone: the byline's visible dates, the JSON-LD and meta
stamps (sanity-checked against the URL and the fetch, "Z" stamps that really are local time corrected), the URL,
body datelines and, last, htmldate. A date no datetime can hold (a count of hours that overflows, year 99999) is
skipped, never the article.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from lxml.html import HtmlElement

from crawler.dates import FoundDate, date_from_url, find_date, find_dateline, parse_iso, parse_stamp
from crawler.extract.bylines import _HeadlineTexts
from crawler.extract.facts import _META_MODIFIED, _META_PUBLISHED, _jsonld_value, _meta_value, _PageFacts

logger = logging.getLogger(__name__)


# A byline can carry two dates: the one after "Diperbarui" / "Updated" is the modification, not the publication.
_DATE_LABEL = re.compile(
    r"(?=\b(?:terakhir\s+)?(?:diperbarui|diperbaharui|diupdate|di-update|updated?|last\s+(?:updated|modified)|"
    r"modified|aktualisiert|pembaruan|dipublikasikan|diterbitkan|dipublish|diunggah|terbit|published|posted|"
    r"diposting)\b)", re.IGNORECASE)
_MODIFIED_LABEL = re.compile(
    r"^(?:terakhir\s+)?(?:diperbarui|diperbaharui|diupdate|di-update|updated?|last\s+(?:updated|modified)|modified|"
    r"aktualisiert|pembaruan)\b", re.IGNORECASE)


def _read(reader: Callable[..., FoundDate | None], *args: Any, **kwargs: Any) -> FoundDate | None:
    """``reader``'s date, or None for a time no datetime can hold ("99999999999 jam yang lalu", a stamp beyond
    year 9999): one bad date is skipped, never the article."""
    try:
        return reader(*args, **kwargs)
    except (OverflowError, ValueError):
        logger.debug("unreadable date skipped: %.80r", args[0] if args else None)
        return None


def _visible_byline_dates(texts: _HeadlineTexts, zone: dt.tzinfo, fetched_at: dt.datetime
                          ) -> tuple[FoundDate | None, FoundDate | None]:
    """The publication date and the modification date ("Diperbarui …") shown around the headline, the first
    of each in ``near``, then ``before``, then ``far``, trying neighbouring texts joined (dates split across
    elements); relative times ("2 jam yang lalu") only next to the headline, not in ``far``."""
    published: FoundDate | None = None
    modified: FoundDate | None = None
    for group, relative in ((texts.near, True), (texts.before, True), (texts.far, False)):
        for index, text in enumerate(group):
            if len(text) > 160:
                continue
            joined = " ".join(group[index:index + 3])[:200]
            start = 0
            for part in _DATE_LABEL.split(joined):
                position, start = start, start + len(part)
                if not part.strip() or published is None and position >= len(text):
                    continue  # a publication date must start in this text: the next ones get their own turn
                found = _read(find_date, part, zone, fetched_at, relative=relative, year_less=False)
                if not found or published is None and not _starts_in_first(part, text[position:]):
                    continue
                if _MODIFIED_LABEL.match(part.strip()):
                    modified = modified or found
                elif published is None:
                    published = found
            if published is not None:
                return published, modified  # and a "Diperbarui" date written beside it
    return None, modified


def _starts_in_first(joined: str, first: str) -> bool:
    return bool(re.search(r"\d", first)) or bool(re.search(
        r"senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|lalu|ago|[a-z]+day|januari|februari|maret|april|mei|"
        r"juni|juli|agustus|september|oktober|november|desember|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec",
        first.lower()))


def _meta_date(facts: _PageFacts, keys: tuple[str, ...], jsonld_key: str, zone: dt.tzinfo,
               fetched_at: dt.datetime) -> tuple[FoundDate | None, str | None]:
    value = _jsonld_value(facts, jsonld_key)
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, str):
        found = _read(parse_stamp, value, zone, fetched_at) or _read(find_date, value, zone, fetched_at,
                                                                      relative=False)
        if found:
            return found, "jsonld"
    for key in keys:
        value = _meta_value(facts, key)
        if value:
            found = _read(parse_stamp, value, zone, fetched_at) or _read(find_date, value, zone, fetched_at,
                                                                      relative=False)
            if found:
                return found, "meta"
    return None, None


def _page_zone(facts: _PageFacts) -> dt.tzinfo | None:
    """The zone for naive times when no source says it: the non-zero offset of the page's own ISO stamps (a UTC
    stamp says nothing about the site's clock); None when no stamp has one."""
    values = [_jsonld_value(facts, "datePublished"), _jsonld_value(facts, "dateModified")]
    values += [_meta_value(facts, key) for key in _META_PUBLISHED + _META_MODIFIED]
    for value in values:
        if isinstance(value, str):
            found = _read(parse_iso, value)
            if found is not None and found.zone_given and found.value.utcoffset():
                return found.value.tzinfo
    return None


def _same_wall_clock(meta: FoundDate, visible: FoundDate) -> bool:
    """True when a UTC ("Z") stamp shows the same clock time as the visible local byline: really local time.
    Bylines show minutes, stamps often seconds too: 10:08:58Z and "10:08 WIB" agree."""
    stamp, shown = meta.value.replace(tzinfo=None), visible.value.replace(tzinfo=None)
    if shown.second == 0 and shown.microsecond == 0:
        stamp = stamp.replace(second=0, microsecond=0)
    return stamp == shown and meta.value != visible.value


def _page_writes_local_time_as_utc(facts: _PageFacts, visible: FoundDate, zone: dt.tzinfo,
                                   fetched_at: dt.datetime) -> bool:
    """True when one of the page's "Z" stamps (published, created, modified) shows the visible byline's clock:
    the CMS writes local time with a "Z", so its other "Z" stamps are local time too."""
    values = [_jsonld_value(facts, key) for key in ("datePublished", "dateCreated", "dateModified")]
    values += [_meta_value(facts, key) for key in _META_PUBLISHED + ("datecreated",) + _META_MODIFIED]
    for value in values:
        if isinstance(value, list) and value:
            value = value[0]
        if isinstance(value, str):
            stamp = _read(parse_stamp, value, zone, fetched_at + dt.timedelta(hours=14))
            if stamp is not None and stamp.value.utcoffset() == dt.timedelta(0) and _same_wall_clock(stamp, visible):
                return True
    return False


def _in_bylines_offset(meta: FoundDate, visible: FoundDate | None, zone_known: bool) -> FoundDate:
    """A UTC ``meta`` stamp told in the byline's offset when the byline, in a zone that is known, shows the same
    instant to the minute: a genuine UTC stamp "2025-10-21T23:30Z" under a byline "22 Oktober 2025 07:30 WITA" is
    the story's instant, and the byline says which local day it is (the 22nd, not the 21st)."""
    if visible is None or not visible.has_time or not meta.has_time or not (visible.zone_given or zone_known):
        return meta
    # Only a UTC stamp: a stamp with another offset already tells the site's local time.
    if meta.value.utcoffset() != dt.timedelta(0) or visible.value.utcoffset() == dt.timedelta(0) or \
            meta.value.replace(second=0, microsecond=0) != visible.value.replace(second=0, microsecond=0):
        return meta
    return replace(meta, value=meta.value.astimezone(visible.value.tzinfo))


def _choose_published(facts: _PageFacts, tree: HtmlElement, visible: FoundDate | None, url: str, text: str,
                      zone: dt.tzinfo, fetched_at: dt.datetime, zone_known: bool = True
                      ) -> tuple[FoundDate | None, str | None]:
    """The publication time (with whether the page gave its time of day) and which evidence gave it
    (``visible``: the byline's publication date)."""
    # Meta stamps may be slightly ahead of the fetch when a CMS stamps local time as UTC: allow the zone's offset
    # there, then correct it below.
    lenient = fetched_at + dt.timedelta(hours=14)
    meta, meta_source = _meta_date(facts, _META_PUBLISHED, "datePublished", zone, lenient)
    from_url = _read(date_from_url, url, zone, fetched_at)

    if meta is not None:
        utc_stamp = meta.value.utcoffset() == dt.timedelta(0)
        # A "Z" stamp showing the byline's clock is local time — when the byline's zone is known: a naive byline
        # in a guessed zone may just show UTC.
        if utc_stamp and visible is not None and visible.has_time and (visible.zone_given or zone_known):
            local = replace(meta, value=meta.value.replace(tzinfo=visible.value.tzinfo), zone_given=True)
            if _same_wall_clock(meta, visible):
                return local, "byline"  # the stamp's seconds, the byline's zone
            if _page_writes_local_time_as_utc(facts, visible, zone, fetched_at) and local.value <= fetched_at:
                return local, meta_source
        if utc_stamp and meta.value > fetched_at:
            local = meta.value.replace(tzinfo=zone)
            if local <= fetched_at:
                return replace(meta, value=local), meta_source
        if meta.value <= fetched_at:
            # Sanity check against the URL's date: a meta stamp days away from it is a re-publication stamp.
            if from_url is None or abs((meta.value.astimezone(zone).date() - from_url.value.date()).days) <= 1:
                if not meta.has_time and visible is not None and visible.has_time and \
                        visible.value.date() == meta.value.date():
                    return visible, "byline"
                return _in_bylines_offset(meta, visible, zone_known), meta_source
    if visible is not None:
        if from_url is None or abs((visible.value.date() - from_url.value.date()).days) <= 1:
            return visible, "byline"
    if from_url is not None:
        if visible is not None and visible.has_time and visible.value.date() == from_url.value.date():
            return visible, "byline"
        return from_url, "url"
    dateline = _read(find_dateline, text[:400], zone, fetched_at)
    if dateline is not None and dateline.value.year and re.search(r"\(\s*\d{1,2}\s*/\s*\d{1,2}\s*/", text[:400]):
        return dateline, "dateline"
    # htmldate's extensive search is slow (≈ 20 ms a page): only when nothing better was found.
    trafilatura_date = _htmldate(tree, url, fetched_at)
    if trafilatura_date:
        found = _read(parse_iso, trafilatura_date, zone, fetched_at)
        if found:
            return found, "htmldate"
    if dateline is not None:
        return dateline, "dateline"
    return None, None


def _htmldate(tree: HtmlElement, url: str, fetched_at: dt.datetime) -> str | None:
    from htmldate import find_date as htmldate_find_date

    try:
        return htmldate_find_date(tree, extensive_search=True, original_date=True, url=url,
                                  max_date=fetched_at.date().isoformat())
    except Exception:  # htmldate raises on odd pages; a missing date is not an extraction failure
        logger.debug("htmldate failed on %s", url)
        return None
