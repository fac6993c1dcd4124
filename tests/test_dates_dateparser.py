"""Why crawler/dates.py rewrites date text before reading it: each rule of ``normalize_date_text`` that exists
for dateparser's sake, shown failing in dateparser 1.x alone (languages id and en, past preferred) and read
right by Pantau. (Its other rules — "pukul", "jam", "sehari" … — serve Pantau's own patterns, which run first.)"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import dateparser
import pytest

from crawler.dates import parse_date

WITA = ZoneInfo("Asia/Makassar")
FETCHED = dt.datetime(2025, 7, 5, 20, 0, tzinfo=WITA)
SETTINGS = {"PREFER_DATES_FROM": "past", "TIMEZONE": "Asia/Makassar", "RETURN_AS_TIMEZONE_AWARE": True,
            "RELATIVE_BASE": FETCHED.replace(tzinfo=None)}

CASES = [
    # (rule, text, what Pantau must read)
    ("Jum'at with a straight apostrophe", "Jum'at, 4 Juli 2025 19.33", dt.datetime(2025, 7, 4, 19, 33, tzinfo=WITA)),
    ("Jum’at with a curly apostrophe", "Jum’at 4 Juli 2025", dt.datetime(2025, 7, 4, tzinfo=WITA)),
    ("sejam = 1 jam", "sejam yang lalu", dt.datetime(2025, 7, 5, 19, 0, tzinfo=WITA)),
    ("semenit = 1 menit", "semenit yang lalu", dt.datetime(2025, 7, 5, 19, 59, tzinfo=WITA)),
    ("label Diperbarui:", "Diperbarui: 4 Juli 2025 10:00", dt.datetime(2025, 7, 4, 10, 0, tzinfo=WITA)),
    ("label Dipublikasikan:", "Dipublikasikan: 4 Juli 2025", dt.datetime(2025, 7, 4, tzinfo=WITA)),
    ("label pada", "pada 4 Juli 2025", dt.datetime(2025, 7, 4, tzinfo=WITA)),
    ("label Tgl.", "Tgl. 4 Juli 2025", dt.datetime(2025, 7, 4, tzinfo=WITA)),
    ("labels Published on", "Published on July 4, 2025", dt.datetime(2025, 7, 4, tzinfo=WITA)),
    ("label Diunggah", "Diunggah 4 Juli 2025", dt.datetime(2025, 7, 4, tzinfo=WITA)),
    ("sekitar before a time", "4 Juli 2025 sekitar 19.33", dt.datetime(2025, 7, 4, 19, 33, tzinfo=WITA)),
    ("pkl. before a time", "4 Juli 2025 pkl. 19.33", dt.datetime(2025, 7, 4, 19, 33, tzinfo=WITA)),
]


@pytest.mark.parametrize(("rule", "text", "expected"), CASES, ids=[case[0] for case in CASES])
def test_dateparser_alone_misreads_it_and_pantau_reads_it(rule, text, expected):
    assert dateparser.parse(text, languages=["id", "en"], settings=SETTINGS) is None, (
        f"dateparser now reads {text!r}: the '{rule}' rule may go")
    assert parse_date(text, WITA, FETCHED) == expected
