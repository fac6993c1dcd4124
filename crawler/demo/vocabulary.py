"""Indonesian words and date formats the demo news site writes with: people, places, venues, month and day
names, and the date styles real portals print. Everything here is invented filler; none of it may contain an
agency's name (the generator audits every story against the agency dictionary to make sure).
"""

from __future__ import annotations

import datetime as dt

DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember"]

# Reporters, editors and officials. Invented names in common Indonesian/Banjar/Bugis/Kutai patterns.
REPORTERS = ["Alamin", "Rina Kartika", "Dedi Saputra", "Nurul Hidayah", "Fajar Ramadhan", "Siti Aisyah",
             "Bayu Prasetyo", "Andi Muhlis", "Yuliana Sari", "Rizky Maulana"]
EDITORS = ["Hendra Wijaya", "Lestari Putri", "Agus Salim", "Maya Anggraini"]
OFFICIALS = ["Muhammad Faisal", "Hasyim Gautama", "Sri Wahyuni", "Ahmad Rifai", "Rahmat Hidayat",
             "Dewi Kusumawati", "Syahrul Ramadhan", "Bambang Irawan", "Nur Aini", "Andi Harun Rasyid",
             "Yusuf Kurniawan", "Fitri Handayani"]
RESIDENTS = ["Saiful", "Mariana", "Joko", "Hamidah", "Rudi", "Wati", "Iwan", "Sumarni"]

# Places: city and district names are regions here, never agencies, and the generator never pairs them with
# Pemkot/Pemkab/DPRD outside a planted mention.
CITIES = ["Samarinda", "Balikpapan", "Bontang", "Tenggarong", "Sangatta", "Tanjung Redeb", "Penajam"]
DISTRICTS = ["Sungai Kunjang", "Samarinda Ulu", "Loa Janan", "Palaran", "Sambutan", "Tenggarong Seberang",
             "Muara Badak", "Sangasanga", "Balikpapan Utara", "Bontang Selatan"]
# Where a regional body's story happens: its region's main town and districts (a Samarinda DPRD member holds
# recess in Samarinda, not in Bontang).
REGION_PLACES = {
    "Samarinda": ("Samarinda", ["Sungai Kunjang", "Samarinda Ulu", "Palaran", "Sambutan", "Loa Janan Ilir"]),
    "Balikpapan": ("Balikpapan", ["Balikpapan Utara", "Balikpapan Timur", "Balikpapan Barat"]),
    "Bontang": ("Bontang", ["Bontang Selatan", "Bontang Utara", "Bontang Barat"]),
    "Kutai Kartanegara": ("Tenggarong", ["Tenggarong Seberang", "Loa Janan", "Muara Badak", "Sangasanga"]),
    "Kutai Timur": ("Sangatta", ["Sangatta Utara", "Bengalon", "Muara Wahau"]),
    "Kutai Barat": ("Sendawar", ["Barong Tongkok", "Melak", "Linggang Bigung"]),
    "Berau": ("Tanjung Redeb", ["Gunung Tabur", "Sambaliung", "Talisayan"]),
    "Paser": ("Tanah Grogot", ["Long Ikis", "Kuaro", "Batu Sopang"]),
    "Penajam Paser Utara": ("Penajam", ["Sepaku", "Waru", "Babulu"]),
    "Mahakam Ulu": ("Ujoh Bilang", ["Long Bagun", "Long Apari", "Long Pahangai"]),
}
VENUES = ["Hotel Mesra", "Gedung Olah Bebaya", "Pendopo Odah Etam", "Balai Kota", "Ruang Rapat Ruhui Rahayu",
          "Hotel Aston", "Lapangan Kinibalu", "Aula Kantor Camat", "Stadion Segiri", "Taman Samarendah"]
NATIONAL_VENUES = ["Hotel Borobudur Jakarta", "Gedung Sapta Pesona", "Hotel Pullman Legian Bali",
                   "Jakarta Convention Center", "Hotel Grand Sahid Jaya"]
VILLAGES = ["Kelurahan Lok Bahu", "Kelurahan Sempaja", "Desa Bukit Raya", "Desa Sungai Meriam",
            "Kelurahan Loa Bakung", "Desa Jembayan"]


def weekday_name(day: dt.date) -> str:
    return DAYS[day.weekday()]


def long_date(day: dt.date) -> str:
    """``Jumat, 22 November 2024`` — the header style of regional portals."""
    return f"{weekday_name(day)}, {day.day} {MONTHS[day.month - 1]} {day.year}"


def long_datetime(moment: dt.datetime) -> str:
    """``Minggu, 22 September 2024 14:32`` — a custom-CMS byline: local time, no zone written."""
    return f"{long_date(moment.date())} {moment:%H:%M}"


def national_datetime(moment: dt.datetime, zone_label: str = "WIB") -> str:
    """``Sabtu, 05 Juli 2025 | 19:28 WIB`` — national portals, day zero-padded."""
    return f"{weekday_name(moment.date())}, {moment.day:02d} {MONTHS[moment.month - 1]} {moment.year} | " \
           f"{moment:%H:%M} {zone_label}"


def wordpress_datetime(moment: dt.datetime) -> str:
    """``20 November 2026, 14:05 WITA`` — a WordPress theme's entry-meta line."""
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}, {moment:%H:%M} WITA"


def body_dateline(day: dt.date, with_year: bool = False) -> str:
    """``Rabu (22/10)`` or ``Rabu (22/10/2026)`` — a date reference inside the story text."""
    suffix = f"/{day.year}" if with_year else ""
    return f"{weekday_name(day)} ({day.day}/{day.month}{suffix})"


def slugify(title: str) -> str:
    cleaned = "".join(char.lower() if char.isalnum() else " " for char in title)
    return "-".join(cleaned.split())[:90].rstrip("-")
