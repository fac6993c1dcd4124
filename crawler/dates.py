"""Dates as Indonesian news pages write them, turned into aware datetimes.

Pages write dates in many ways (``Sabtu, 05 Juli 2025 | 19:28 WIB``, ``Rabu, 29 Jan 25 12:44 WITA``,
``Kamis 18-09-2025,14:38 WIB``, ``16 jam yang lalu``, ``November 24, 2020``, body datelines such as
``Rabu (22/10)`` or ``Minggu (19/10/2025) sekitar pukul 14.00 Wita``). This module owns reading them: fast
regular expressions for the formats that occur, a pre-normaliser for what dateparser misreads (labels,
``Jum'at``, part-of-day words, ``sejam``), and dateparser (languages id and en) only as the last resort.

Rules that hold for every function here: a time without a zone is in the source's zone (WIB/WITA/WIT and
numeric offsets on the page win); two-digit years are this century unless that lands after the fetch; a date
without a year takes the most recent year that is not after the fetch time and, when a weekday is written,
whose weekday matches; nothing after the fetch time is ever returned.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

JAKARTA = ZoneInfo("Asia/Jakarta")
ZONES = {"wib": JAKARTA, "wita": ZoneInfo("Asia/Makassar"), "wit": ZoneInfo("Asia/Jayapura")}

MONTHS = {
    "januari": 1, "january": 1, "jan": 1,
    "februari": 2, "pebruari": 2, "february": 2, "feb": 2, "peb": 2,
    "maret": 3, "march": 3, "mar": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "june": 6, "jun": 6,
    "juli": 7, "july": 7, "jul": 7,
    "agustus": 8, "august": 8, "agu": 8, "agt": 8, "ags": 8, "aug": 8, "agus": 8,
    "september": 9, "sept": 9, "sep": 9,
    "oktober": 10, "october": 10, "okt": 10, "oct": 10,
    "november": 11, "nopember": 11, "nov": 11, "nop": 11,
    "desember": 12, "december": 12, "des": 12, "dec": 12,
}
WEEKDAYS = {
    "senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "sabtu": 5, "minggu": 6, "ahad": 6,
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
    "mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
}

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
# What may stand between a date and its time: punctuation, "pukul", "jam", "sekitar", "at", part of day …
_GLUE = r"(?:\s|[,|•·@/\-–—]|pukul|pkl\.?|jam|sekitar|kurang\s+lebih|at|pagi|siang|sore|malam|hari)*"
_TIME = (
    r"(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2})(?:[:.](?P<second>\d{2}))?)?"
    r"\s*(?P<ampm>[ap]\.?m\.?\b)?"
    r"(?:\s*(?P<part>pagi|siang|sore|malam|dini\s+hari))?"
    r"(?:\s*(?P<zone>wita|wib|wit|gmt|utc)\b)?"
    r"(?:\s*(?P<offset>[+-]\s?\d{1,2}(?::?\d{2})?))?"
)
_TIME_TAIL = re.compile(_GLUE + _TIME, re.IGNORECASE)
_ISO = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"
    r"(?:[T\s]+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?(?:[.,]\d+)?"
    r"\s*(?P<offset>Z|[+-]\d{2}(?::?\d{2})?)?)?",
    re.IGNORECASE,
)
_DAY_MONTH_YEAR = re.compile(
    rf"(?:\b(?P<weekday>{_WEEKDAY})\b\.?\s*,?\s*\(?\s*)?"
    rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s*[-\s./]?\s*(?P<month>{_MONTH})\b\.?\s*[-\s,./]?\s*"
    r"(?P<year>\d{4}|\d{2}(?![\d:.]))?\b",
    re.IGNORECASE,
)
_MONTH_DAY_YEAR = re.compile(
    rf"(?:\b(?P<weekday>{_WEEKDAY})\b\.?\s*,?\s*)?"
    rf"\b(?P<month>{_MONTH})\b\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s+(?P<year>\d{{4}})\b",
    re.IGNORECASE,
)
_NUMERIC_DMY = re.compile(
    rf"(?:\b(?P<weekday>{_WEEKDAY})\b\.?\s*,?\s*\(?\s*)?"
    r"(?<![\d/.-])(?P<day>\d{1,2})\s*(?P<sep>[-/.])\s*(?P<month>\d{1,2})"
    r"(?:\s*(?P=sep)\s*(?P<year>\d{4}|\d{2}))?(?![\d/.-]\d)",
    re.IGNORECASE,
)
_NUMERIC_YMD = re.compile(r"(?<![\d/.-])(?P<year>\d{4})(?P<sep>[/.])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})\b")
_RELATIVE = re.compile(
    r"\b(?P<count>\d+|se|satu|an?|one)\s*(?P<unit>detik|menit|jam|hari|minggu|pekan|bulan|tahun|"
    r"seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+(?:yang\s+)?(?P<ago>lalu|silam|ago)\b",
    re.IGNORECASE,
)
_UNIT_SECONDS = {
    "detik": 1, "second": 1, "menit": 60, "minute": 60, "min": 60, "jam": 3600, "hour": 3600, "hr": 3600,
    "hari": 86400, "day": 86400, "minggu": 604800, "pekan": 604800, "week": 604800,
    "bulan": 2592000, "month": 2592000, "tahun": 31536000, "year": 31536000,
}
_YESTERDAY = re.compile(r"\b(?:kemarin|yesterday)\b", re.IGNORECASE)
_TODAY = re.compile(r"\b(?:hari\s+ini|today|baru\s+saja|just\s+now)\b", re.IGNORECASE)
# A body dateline: a weekday with a bracketed day/month(/year), e.g. "Rabu (22/10)", "Selasa, (28/10) malam".
_DATELINE = re.compile(
    rf"\b(?P<weekday>{_WEEKDAY})\b\s*,?\s*\(\s*(?P<day>\d{{1,2}})\s*/\s*(?P<month>\d{{1,2}})"
    r"(?:\s*/\s*(?P<year>\d{4}|\d{2}))?\s*\)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class FoundDate:
    """A date read from the page: the aware datetime and how much of it the page actually said."""

    value: dt.datetime
    has_time: bool
    zone_given: bool  # the page named the zone or offset (else the source's zone was assumed)


# ------------------------------------------------------------------------------------------ normalising


_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'", "\u00a0": " "})


def normalize_date_text(text: str) -> str:
    """Lower-case ``text`` and rewrite what dateparser misreads: ``Jum'at``, ``sejam``, labels, part of day.

    The rewritten text feeds Pantau's own patterns first and dateparser last. tests/test_dates_dateparser.py
    shows dateparser failing on each rule kept for its sake (``Jum'at``, ``sejam``/``semenit``, the labels,
    ``sekitar``/``pkl.``); the others ("pukul", "jam", "sehari" …) dateparser reads, and Pantau's patterns
    rely on them.
    """
    text = text.translate(_APOSTROPHES).lower()
    text = text.replace("jum'at", "jumat").replace("jum at", "jumat")
    text = re.sub(r"\bsejam\b", "1 jam", text)
    text = re.sub(r"\bse(menit|hari|minggu|bulan|tahun)\b", r"1 \1", text)
    text = re.sub(r"\b(?:diperbarui|diperbaharui|dipublikasikan|diterbitkan|dipublish|diunggah|ditulis|"
                  r"terbit|update[d]?|published|posted|last\s+modified|modified|tanggal|tgl\.?|pada|on)\b\s*:?",
                  " ", text)
    text = re.sub(r"\b(?:pukul|pkl\.?|jam|sekitar)\s+(?=\d)", " ", text)
    return re.sub(r"\s+", " ", text).strip()


# ------------------------------------------------------------------------------------------ helpers


def _zone_of(match: re.Match | None, default: dt.tzinfo) -> tuple[dt.tzinfo, bool]:
    if match is None:
        return default, False
    zone = (match.group("zone") or "").lower()
    offset = (match.group("offset") or "").replace(" ", "")
    if offset:
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        hours = int(digits[:-2] if len(digits) > 2 else digits)
        minutes = int(digits[-2:]) if len(digits) > 2 else 0
        if hours <= 14:
            return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes)), True
    if zone in ZONES:
        return ZONES[zone], True
    if zone in ("gmt", "utc"):
        return dt.timezone.utc, True
    return default, False


def _clock(match: re.Match) -> tuple[int, int, int] | None:
    hour = int(match.group("hour"))
    minute = int(match.group("minute") or 0)
    second = int(match.group("second") or 0)
    ampm = (match.group("ampm") or "").replace(".", "").lower()
    part = (match.group("part") or "").lower()
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    elif part in ("sore", "malam") and hour < 12:
        hour += 12
    elif part == "siang" and hour < 6:
        hour += 12
    if hour > 23 or minute > 59 or second > 59:
        return None
    return hour, minute, second


def _time_after(text: str, position: int) -> re.Match | None:
    """The time written right after a date (at most a few glue words away), or None."""
    match = _TIME_TAIL.match(text, position)
    if not match or match.group("hour") is None:
        return None
    # A bare number without minutes is only a time when "pukul/jam" announced it or a zone follows.
    if match.group("minute") is None:
        glue = text[position:match.start("hour")].lower()
        if (not re.search(r"pukul|pkl|jam", glue) and not match.group("zone") and not match.group("ampm")
                and not match.group("part")):
            return None
    if match.start("hour") - position > 24:
        return None
    return match


def _full_year(year: int, reference: dt.datetime) -> int:
    if year >= 100:
        return year
    century = 2000 + year
    return century if century <= reference.year + 1 else 1900 + year


def _resolve_year(day: int, month: int, weekday: int | None, reference: dt.datetime) -> int | None:
    """The year of a year-less date: the latest not after ``reference`` whose weekday matches (if given)."""
    latest = None
    for year in range(reference.year, reference.year - 8, -1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if candidate > reference.date():
            continue
        if weekday is None or candidate.weekday() == weekday:
            return year
        latest = latest or year
    return latest


def _build(year: int, month: int, day: int, clock: tuple[int, int, int] | None, zone: dt.tzinfo,
           zone_given: bool, reference: dt.datetime | None) -> FoundDate | None:
    try:
        value = dt.datetime(year, month, day, *(clock or (0, 0, 0)), tzinfo=zone)
    except ValueError:
        return None
    if year < 1995:
        return None
    if reference is not None and value > reference:
        return None
    return FoundDate(value, clock is not None, zone_given)


def _weekday_of(match: re.Match) -> int | None:
    name = (match.groupdict().get("weekday") or "").lower()
    return WEEKDAYS.get(name)


# ------------------------------------------------------------------------------------------ public API


def parse_iso(value: str, zone: dt.tzinfo = JAKARTA, fetched_at: dt.datetime | None = None) -> FoundDate | None:
    """An ISO 8601 stamp (also malformed ones: ``2024-9-2 14:32``, ``+0700``, a space before the offset)."""
    match = _ISO.search(value.strip())
    if not match:
        return None
    offset = match.group("offset")
    tz: dt.tzinfo = zone
    zone_given = False
    if offset:
        zone_given = True
        if offset.upper() == "Z":
            tz = dt.timezone.utc
        else:
            sign = -1 if offset[0] == "-" else 1
            digits = offset[1:].replace(":", "")
            hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
            if hours > 14:
                return None
            tz = dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))
    clock = None
    if match.group("hour") is not None:
        clock = (int(match.group("hour")), int(match.group("minute")), int(match.group("second") or 0))
        if clock[0] > 23 or clock[1] > 59 or clock[2] > 59:
            return None
    return _build(int(match.group("year")), int(match.group("month")), int(match.group("day")), clock, tz,
                  zone_given, fetched_at)


# Zone abbreviations that machine-written stamps use ("Fri Apr 28 19:20:36 CEST 2023", Java's Date.toString).
_ZONE_ABBREVIATIONS = {
    "UTC": 0, "GMT": 0, "UT": 0, "Z": 0, "WET": 0, "WEST": 1, "BST": 1, "CET": 1, "CEST": 2, "MET": 1, "MEST": 2,
    "EET": 2, "EEST": 3, "MSK": 3, "WIB": 7, "WITA": 8, "WIT": 9, "JST": 9, "KST": 9, "HKT": 8, "SGT": 8,
    "AEST": 10, "AEDT": 11, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
}
_MACHINE_STAMP = re.compile(
    r"^(?:[A-Za-z]{3},?\s+)?(?P<month>[A-Za-z]{3})\s+(?P<day>\d{1,2})\s+(?P<hour>\d{1,2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2}))?\s+(?P<zone>[A-Za-z]{1,5})\s+(?P<year>\d{4})$"
)
_ENGLISH_MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}


def parse_stamp(value: str, zone: dt.tzinfo = JAKARTA, fetched_at: dt.datetime | None = None) -> FoundDate | None:
    """A machine-written time stamp: ISO 8601 (see :func:`parse_iso`), RFC 2822 (``Fri, 28 Apr 2023 19:20:36
    +0200``) or the Unix/Java form with a zone name (``Fri Apr 28 19:20:36 CEST 2023``)."""
    found = parse_iso(value, zone, fetched_at)
    if found is not None:
        return found
    value = value.strip()
    match = _MACHINE_STAMP.match(value)
    if match and match.group("month").lower() in _ENGLISH_MONTHS:
        hours = _ZONE_ABBREVIATIONS.get(match.group("zone").upper())
        tz = dt.timezone(dt.timedelta(hours=hours)) if hours is not None else zone
        clock = (int(match.group("hour")), int(match.group("minute")), int(match.group("second") or 0))
        if clock[0] > 23 or clock[1] > 59 or clock[2] > 59:
            return None
        return _build(int(match.group("year")), _ENGLISH_MONTHS[match.group("month").lower()],
                      int(match.group("day")), clock, tz, hours is not None, fetched_at)
    if re.match(r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}", value):
        try:
            parsed = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        zone_given = parsed.tzinfo is not None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=zone)
        return _build(parsed.year, parsed.month, parsed.day, (parsed.hour, parsed.minute, parsed.second),
                      parsed.tzinfo, zone_given, fetched_at)
    return None


def parse_relative(text: str, fetched_at: dt.datetime, zone: dt.tzinfo = JAKARTA) -> FoundDate | None:
    """``2 jam yang lalu``, ``sejam lalu``, ``3 hari lalu``, ``5 minutes ago``, ``kemarin`` against ``fetched_at``."""
    text = normalize_date_text(text)
    match = _RELATIVE.search(text)
    local_fetch = fetched_at.astimezone(zone)
    if match:
        count_text = match.group("count").lower()
        count = int(count_text) if count_text.isdigit() else 1
        unit = match.group("unit").lower().rstrip("s") if match.group("unit").lower() not in ("jam",) else "jam"
        unit = {"min": "min", "hr": "hr"}.get(unit, unit)
        seconds = _UNIT_SECONDS.get(unit)
        if seconds is None:
            return None
        value = local_fetch - dt.timedelta(seconds=count * seconds)
        if seconds >= 86400:
            return FoundDate(value.replace(hour=0, minute=0, second=0, microsecond=0), False, False)
        return FoundDate(value.replace(second=0, microsecond=0), True, False)
    if _YESTERDAY.search(text):
        value = (local_fetch - dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        return FoundDate(value, False, False)
    return None


def find_date(text: str, zone: dt.tzinfo = JAKARTA, fetched_at: dt.datetime | None = None, *,
              relative: bool = True, year_less: bool = True) -> FoundDate | None:
    """The first date (with its time, if written next to it) in a short text such as a byline or meta value.

    ``fetched_at`` (aware) bounds the result and resolves relative and year-less dates; without it the current
    time is used.
    """
    if not text:
        return None
    reference = fetched_at or dt.datetime.now(dt.timezone.utc)
    local_reference = reference.astimezone(zone)
    norm = normalize_date_text(text)

    iso = _ISO.search(norm)
    if iso and (iso.group("hour") is not None or not _DAY_MONTH_YEAR.search(norm)):
        found = parse_iso(norm[iso.start():], zone, reference)
        if found:
            if not found.zone_given:
                tail = _time_after(norm, iso.end())
                if tail and tail.group("zone"):
                    tz, _ = _zone_of(tail, zone)
                    found = FoundDate(found.value.replace(tzinfo=tz), found.has_time, True)
            return found

    candidates: list[tuple[int, FoundDate]] = []
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR, _NUMERIC_DMY, _NUMERIC_YMD):
        for match in pattern.finditer(norm):
            found = _from_match(match, norm, zone, reference, local_reference, year_less)
            if found:
                candidates.append((match.start(), found))
                break
    if candidates:
        candidates.sort(key=lambda item: item[0])
        return candidates[0][1]
    if relative:
        found = parse_relative(norm, reference, zone)
        if found:
            return found
    return None


def _from_match(match: re.Match, norm: str, zone: dt.tzinfo, reference: dt.datetime,
                local_reference: dt.datetime, year_less: bool) -> FoundDate | None:
    month_text = match.group("month")
    month = int(month_text) if month_text.isdigit() else MONTHS[month_text.lower().rstrip(".")]
    day = int(match.group("day"))
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    weekday = _weekday_of(match)
    year_text = match.group("year")
    if year_text:
        year = _full_year(int(year_text), local_reference)
    else:
        if not year_less:
            return None
        # A bare "22.10" or "22/10" without a weekday is too ambiguous (times, scores, fractions).
        if month_text.isdigit() and weekday is None:
            return None
        year = _resolve_year(day, month, weekday, local_reference)
        if year is None:
            return None
    end = match.end()
    if norm[end - 1:end] != ")" and norm[end:end + 1] == ")":
        end += 1
    tail = _time_after(norm, end)
    clock = _clock(tail) if tail else None
    tz, zone_given = _zone_of(tail, zone) if clock else (zone, False)
    return _build(year, month, day, clock, tz, zone_given, reference)


def find_dateline(text: str, zone: dt.tzinfo = JAKARTA, fetched_at: dt.datetime | None = None) -> FoundDate | None:
    """A body dateline near the start of a story: ``Rabu (22/10)``, ``Kamis (17/6/21)``, ``Selasa, (28/10) malam``.

    The year, when missing, is the latest one not after the fetch whose weekday matches.
    """
    reference = fetched_at or dt.datetime.now(dt.timezone.utc)
    local_reference = reference.astimezone(zone)
    norm = normalize_date_text(text[:600])
    match = _DATELINE.search(norm)
    if not match:
        return None
    return _from_match(match, norm, zone, reference, local_reference, True)


_URL_DATE = re.compile(
    r"/(?P<year>20\d{2}|19\d{2})[/-]?(?P<month>0[1-9]|1[0-2])[/-]?(?P<day>0[1-9]|[12]\d|3[01])"
    r"(?:/(?P<hour>[01]\d|2[0-3])(?P<minute>[0-5]\d)(?P<second>[0-5]\d)?(?=/))?(?=[/_-]|\d{2,}|$)"
)


def date_from_url(url: str, zone: dt.tzinfo = JAKARTA, fetched_at: dt.datetime | None = None) -> FoundDate | None:
    """A date in the URL path: ``/2024/09/22/``, ``/read/2025/07/05/192850/slug``, ``/20240922…``."""
    match = _URL_DATE.search(url)
    if not match:
        return None
    clock = None
    if match.group("hour"):
        clock = (int(match.group("hour")), int(match.group("minute")), int(match.group("second") or 0))
    return _build(int(match.group("year")), int(match.group("month")), int(match.group("day")), clock, zone,
                  False, fetched_at)


@lru_cache(maxsize=1)
def _dateparser():
    import dateparser  # imported lazily: loading its language data takes a while

    return dateparser


def parse_date(text: str, zone: dt.tzinfo | str | None = None,
               fetched_at: dt.datetime | None = None) -> dt.datetime | None:
    """The aware datetime a short text names (byline, meta value, dateline), or None.

    Tries Pantau's own patterns first and dateparser (id, en; past preferred) on the normalised text last.
    """
    tz = ZoneInfo(zone) if isinstance(zone, str) else (zone or JAKARTA)
    found = find_date(text, tz, fetched_at) or find_dateline(text, tz, fetched_at)
    if found:
        return found.value
    norm = normalize_date_text(text)
    if not re.search(r"\d", norm) or len(norm) > 80:
        return None
    reference = fetched_at or dt.datetime.now(dt.timezone.utc)
    settings = {
        "PREFER_DATES_FROM": "past",
        "TIMEZONE": getattr(tz, "key", "Asia/Jakarta"),
        "RETURN_AS_TIMEZONE_AWARE": True,
        "RELATIVE_BASE": reference.astimezone(tz).replace(tzinfo=None),
    }
    try:
        value = _dateparser().parse(norm, languages=["id", "en"], settings=settings)
    except Exception:  # dateparser raises many kinds of errors on odd input
        logger.debug("dateparser failed on %r", text)
        return None
    if value is None or value > reference:
        return None
    return value
