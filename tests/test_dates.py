"""Indonesian dates: every format DOMAIN.md lists, zones, relative and year-less dates, never after the fetch."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from crawler.dates import date_from_url, find_dateline, parse_date, parse_iso, parse_relative, parse_stamp

WIB, WITA, WIT = ZoneInfo("Asia/Jakarta"), ZoneInfo("Asia/Makassar"), ZoneInfo("Asia/Jayapura")
FETCHED = dt.datetime(2025, 10, 23, 4, 0, tzinfo=dt.timezone.utc)  # Thursday 12:00 WITA


@pytest.mark.parametrize("text, expected", [
    ("Minggu, 22 September 2024 14:32", dt.datetime(2024, 9, 22, 14, 32, tzinfo=WITA)),
    ("Sabtu, 05 Juli 2025 | 19:28 WIB", dt.datetime(2025, 7, 5, 19, 28, tzinfo=WIB)),
    ("Rabu, 29 Jan 25 12:44 WITA", dt.datetime(2025, 1, 29, 12, 44, tzinfo=WITA)),
    ("Kamis 18-09-2025,14:38 WIB", dt.datetime(2025, 9, 18, 14, 38, tzinfo=WIB)),
    ("14 Februari 2023 • 4:28pm", dt.datetime(2023, 2, 14, 16, 28, tzinfo=WITA)),
    ("November 24, 2020 by", dt.datetime(2020, 11, 24, tzinfo=WITA)),
    ("Minggu (19/10/2025) sekitar pukul 14.00 Wita", dt.datetime(2025, 10, 19, 14, 0, tzinfo=WITA)),
    ("Diperbarui 12 Okt 2025, 08.15 WIB", dt.datetime(2025, 10, 12, 8, 15, tzinfo=WIB)),
    ("Dipublikasikan: Jum'at, 10 Oktober 2025 jam 19.33", dt.datetime(2025, 10, 10, 19, 33, tzinfo=WITA)),
    ("Jum\u2019at, 17 Oktober 2025 - 07:05 WIT", dt.datetime(2025, 10, 17, 7, 5, tzinfo=WIT)),
    ("pada 3 Pebruari 2021", dt.datetime(2021, 2, 3, tzinfo=WITA)),
    ("2 Nopember 2021 pukul 7 malam", dt.datetime(2021, 11, 2, 19, 0, tzinfo=WITA)),
    ("5 Agt 2024 10:00", dt.datetime(2024, 8, 5, 10, 0, tzinfo=WITA)),
    ("Ahad, 7 Sept 2025", dt.datetime(2025, 9, 7, tzinfo=WITA)),
])
def test_dates_formats(text, expected):
    value = parse_date(text, WITA, FETCHED)
    assert value == expected and value.utcoffset() == expected.utcoffset()


def test_dates_relative_against_fetch_time():
    assert parse_date("16 jam yang lalu | 93 views", WITA, FETCHED) == FETCHED - dt.timedelta(hours=16)
    assert parse_relative("sejam yang lalu", FETCHED, WITA).value == FETCHED - dt.timedelta(hours=1)
    assert parse_relative("3 hari lalu", FETCHED, WITA).value.date() == dt.date(2025, 10, 20)


@pytest.mark.parametrize("text, expected", [
    ("SAMARINDA - Banjir merendam kota, Rabu (22/10).", dt.date(2025, 10, 22)),
    ("Kamis (17/6/21) pagi", dt.date(2021, 6, 17)),
    ("BALIKPAPAN - Selasa, (21/10) malam, warga berkumpul", dt.date(2025, 10, 21)),
    ("Kamis (23/10) pagi", dt.date(2025, 10, 23)),
])
def test_dates_body_datelines(text, expected):
    assert find_dateline(text, WITA, FETCHED).value.date() == expected


def test_dates_year_less_dateline_uses_weekday_near_new_year():
    fetched = dt.datetime(2026, 1, 2, 3, 0, tzinfo=dt.timezone.utc)
    # Wednesday 31 December is 2025; a naive parser would put it in 2026, in the future.
    assert find_dateline("Rabu (31/12)", WIB, fetched).value.date() == dt.date(2025, 12, 31)


def test_dates_never_after_fetch():
    assert parse_date("Jumat, 24 Oktober 2025 10:00 WITA", WITA, FETCHED) is None
    assert parse_iso("2030-01-01T00:00:00+07:00", WIB, FETCHED) is None


def test_dates_iso_stamps_and_naive_times_in_source_zone():
    assert parse_iso("2024-09-22T14:32:00+08:00", WIB).value.utcoffset() == dt.timedelta(hours=8)
    assert parse_iso("2024-09-22 14:32:00", WITA).value == dt.datetime(2024, 9, 22, 14, 32, tzinfo=WITA)
    assert parse_iso("2024-09-22T14:32:00+0700", WITA).value.utcoffset() == dt.timedelta(hours=7)
    assert parse_iso("2024-09-22T14:32:00Z", WITA).value.utcoffset() == dt.timedelta(0)


def test_dates_editor_called_agu_and_view_counts_are_not_dates():
    assert parse_date("Editor: Agu | 1012 kali dilihat", WITA, FETCHED) is None


def test_dates_from_url():
    assert date_from_url("https://x.test/read/2025/07/05/192850/judul", WIB).value == \
        dt.datetime(2025, 7, 5, 19, 28, 50, tzinfo=WIB)
    assert date_from_url("https://x.test/2024/09/22/judul/", WIB).value.date() == dt.date(2024, 9, 22)
    assert date_from_url("https://x.test/berita/123/judul", WIB) is None


@pytest.mark.parametrize("text, expected", [
    ("Fri Apr 28 19:20:36 CEST 2023", dt.datetime(2023, 4, 28, 19, 20, 36, tzinfo=dt.timezone(dt.timedelta(hours=2)))),
    ("Fri, 28 Apr 2023 19:20:36 +0200", dt.datetime(2023, 4, 28, 19, 20, 36,
                                                    tzinfo=dt.timezone(dt.timedelta(hours=2)))),
    ("Wed Oct 22 14:32:00 WITA 2025", dt.datetime(2025, 10, 22, 14, 32, tzinfo=dt.timezone(dt.timedelta(hours=8)))),
    ("2025-10-22T14:32:00+08:00", dt.datetime(2025, 10, 22, 14, 32, tzinfo=dt.timezone(dt.timedelta(hours=8)))),
])
def test_parse_stamp_machine_formats_with_zone_names(text, expected):
    found = parse_stamp(text, WIB, FETCHED)
    assert found is not None and found.value == expected and found.zone_given


def test_parse_stamp_rejects_prose_and_future():
    assert parse_stamp("Rabu, 22 Oktober 2025", WIB, FETCHED) is None
    assert parse_stamp("Fri Apr 28 19:20:36 CEST 2030", WIB, FETCHED) is None
