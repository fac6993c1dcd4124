"""Indonesian region names as journalists write them: long and short forms, level words and common typos.

The matcher needs three things from here: every way of writing an entity's region ("Kalimantan Timur",
"Kaltim", "Kalimanatan Timur"), the level words that may stand before it ("Provinsi", "Prov.", "Kota",
"Kabupaten", "Kab."), and a gazetteer of other regions so that a bare form followed by a region that the
dictionary does not know ("Kominfo Banten", "DPRD Kota Tangerang") is recognised as another body instead of
being counted for the home region. Only provinces and the cities and regencies of East and North Kalimantan
have short forms here; other big cities are listed so that they count as "another region".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

# Level words: written before the region name, often dropped. The dotted forms are common in datelines.
LEVEL_WORDS: dict[str, tuple[str, ...]] = {
    "provinsi": ("Provinsi", "Prov.", "Prov", "Propinsi"),
    "kota": ("Kota",),
    "kabupaten": ("Kabupaten", "Kab.", "Kab"),
}


@dataclass(frozen=True)
class Region:
    """One province, city or regency: its official long name, its short forms and its province."""

    name: str
    level: str  # provinsi | kota | kabupaten
    short: tuple[str, ...] = ()
    province: str | None = None  # the province of a kota/kabupaten
    typos: tuple[str, ...] = field(default=(), compare=False)

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.name, *self.short, *self.typos)

    @property
    def home_province(self) -> str:
        return self.province or self.name


_P = "provinsi"
PROVINCES: tuple[Region, ...] = (
    Region("Aceh", _P, ("Nanggroe Aceh Darussalam", "NAD")),
    Region("Sumatera Utara", _P, ("Sumut", "Sumatra Utara")),
    Region("Sumatera Barat", _P, ("Sumbar", "Sumatra Barat")),
    Region("Riau", _P),
    Region("Kepulauan Riau", _P, ("Kepri",)),
    Region("Jambi", _P),
    Region("Sumatera Selatan", _P, ("Sumsel", "Sumatra Selatan")),
    Region("Kepulauan Bangka Belitung", _P, ("Bangka Belitung", "Babel")),
    Region("Bengkulu", _P),
    Region("Lampung", _P),
    Region("DKI Jakarta", _P, ("Jakarta", "DKI", "Daerah Khusus Ibukota Jakarta", "Daerah Khusus Jakarta")),
    Region("Jawa Barat", _P, ("Jabar",)),
    Region("Banten", _P),
    Region("Jawa Tengah", _P, ("Jateng",)),
    Region("Daerah Istimewa Yogyakarta", _P, ("DIY", "Yogyakarta", "DI Yogyakarta")),
    Region("Jawa Timur", _P, ("Jatim",)),
    Region("Bali", _P),
    Region("Nusa Tenggara Barat", _P, ("NTB",)),
    Region("Nusa Tenggara Timur", _P, ("NTT",)),
    Region("Kalimantan Barat", _P, ("Kalbar",), typos=("Kalimanatan Barat",)),
    Region("Kalimantan Tengah", _P, ("Kalteng",), typos=("Kalimanatan Tengah",)),
    Region("Kalimantan Selatan", _P, ("Kalsel",), typos=("Kalimanatan Selatan",)),
    Region("Kalimantan Timur", _P, ("Kaltim",), typos=("Kalimanatan Timur", "Kalimantn Timur", "Kalimatan Timur")),
    Region("Kalimantan Utara", _P, ("Kaltara",), typos=("Kalimanatan Utara",)),
    Region("Sulawesi Utara", _P, ("Sulut",)),
    Region("Gorontalo", _P),
    Region("Sulawesi Tengah", _P, ("Sulteng",)),
    Region("Sulawesi Barat", _P, ("Sulbar",)),
    Region("Sulawesi Selatan", _P, ("Sulsel",)),
    Region("Sulawesi Tenggara", _P, ("Sultra",)),
    Region("Maluku", _P),
    Region("Maluku Utara", _P, ("Malut",)),
    Region("Papua", _P),
    Region("Papua Barat", _P, ("Pabar",)),
    Region("Papua Barat Daya", _P, ("PBD",)),
    Region("Papua Tengah", _P),
    Region("Papua Pegunungan", _P),
    Region("Papua Selatan", _P),
)

_KT, _KU = "Kalimantan Timur", "Kalimantan Utara"
CITIES_AND_REGENCIES: tuple[Region, ...] = (
    Region("Samarinda", "kota", (), _KT),
    Region("Balikpapan", "kota", (), _KT),
    Region("Bontang", "kota", (), _KT),
    Region("Kutai Kartanegara", "kabupaten", ("Kukar",), _KT),
    Region("Kutai Timur", "kabupaten", ("Kutim",), _KT),
    Region("Kutai Barat", "kabupaten", ("Kubar",), _KT),
    Region("Berau", "kabupaten", (), _KT),
    Region("Paser", "kabupaten", (), _KT),
    Region("Penajam Paser Utara", "kabupaten", ("PPU",), _KT),
    Region("Mahakam Ulu", "kabupaten", ("Mahulu",), _KT),
    Region("Tarakan", "kota", (), _KU),
    Region("Bulungan", "kabupaten", (), _KU),
    Region("Malinau", "kabupaten", (), _KU),
    Region("Nunukan", "kabupaten", (), _KU),
    Region("Tana Tidung", "kabupaten", ("KTT",), _KU),
)

# Other cities and regencies journalists name often; listed only so that "Diskominfo Makassar" is recognised
# as another region's body. Provinces come from the province's name, so a level is enough here.
_OTHER_CITIES = {
    "Banda Aceh": "Aceh", "Medan": "Sumatera Utara", "Padang": "Sumatera Barat", "Pekanbaru": "Riau",
    "Batam": "Kepulauan Riau", "Tanjungpinang": "Kepulauan Riau", "Palembang": "Sumatera Selatan",
    "Pangkalpinang": "Kepulauan Bangka Belitung", "Bandar Lampung": "Lampung", "Bandung": "Jawa Barat",
    "Bogor": "Jawa Barat", "Bekasi": "Jawa Barat", "Depok": "Jawa Barat", "Cirebon": "Jawa Barat",
    "Tangerang": "Banten", "Tangerang Selatan": "Banten", "Serang": "Banten", "Semarang": "Jawa Tengah",
    "Solo": "Jawa Tengah", "Surakarta": "Jawa Tengah", "Surabaya": "Jawa Timur", "Malang": "Jawa Timur",
    "Denpasar": "Bali", "Mataram": "Nusa Tenggara Barat", "Kupang": "Nusa Tenggara Timur",
    "Pontianak": "Kalimantan Barat", "Palangka Raya": "Kalimantan Tengah", "Palangkaraya": "Kalimantan Tengah",
    "Banjarmasin": "Kalimantan Selatan", "Banjarbaru": "Kalimantan Selatan", "Manado": "Sulawesi Utara",
    "Palu": "Sulawesi Tengah", "Mamuju": "Sulawesi Barat", "Makassar": "Sulawesi Selatan",
    "Kendari": "Sulawesi Tenggara", "Ambon": "Maluku", "Ternate": "Maluku Utara", "Sofifi": "Maluku Utara",
    "Jayapura": "Papua", "Manokwari": "Papua Barat", "Sorong": "Papua Barat Daya", "Nabire": "Papua Tengah",
    "Wamena": "Papua Pegunungan", "Merauke": "Papua Selatan",
}
OTHER_CITIES: tuple[Region, ...] = tuple(Region(name, "kota", (), prov) for name, prov in _OTHER_CITIES.items())

ALL_REGIONS: tuple[Region, ...] = PROVINCES + CITIES_AND_REGENCIES + OTHER_CITIES

# Seats of the regencies of East and North Kalimantan, as they appear in datelines ("TANJUNG REDEB –" is a
# Berau story) and texts. They name the regency but are not forms of it (no "BPBD Tenggarong" is derived).
TOWNS: dict[str, str] = {
    "Tenggarong": "Kutai Kartanegara", "Sangatta": "Kutai Timur", "Sendawar": "Kutai Barat",
    "Tanjung Redeb": "Berau", "Tanah Grogot": "Paser", "Tana Paser": "Paser", "Penajam": "Penajam Paser Utara",
    "Ujoh Bilang": "Mahakam Ulu", "Tanjung Selor": "Bulungan", "Tideng Pale": "Tana Tidung",
}
# Provincial capitals, where the provincial bodies sit: a dateline there does not tell a provincial body
# from the city's own.
CAPITALS: dict[str, str] = {
    "Kalimantan Timur": "Samarinda", "Kalimantan Utara": "Bulungan", "Kalimantan Selatan": "Banjarbaru",
    "Kalimantan Barat": "Pontianak", "Kalimantan Tengah": "Palangka Raya", "Sulawesi Selatan": "Makassar",
    "Jawa Barat": "Bandung", "Jawa Tengah": "Semarang", "Jawa Timur": "Surabaya", "Bali": "Denpasar",
    "Sumatera Utara": "Medan", "Sumatera Selatan": "Palembang", "Sumatera Barat": "Padang", "Riau": "Pekanbaru",
    "Banten": "Serang", "Sulawesi Utara": "Manado", "Papua": "Jayapura",
}


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


@lru_cache(maxsize=1)
def _index() -> dict[str, Region]:
    index: dict[str, Region] = {}
    for region in ALL_REGIONS:
        for form in region.forms:
            index.setdefault(_key(form), region)
    for town, regency in TOWNS.items():
        index.setdefault(_key(town), index[_key(regency)])
    return index


@lru_cache(maxsize=4096)
def find_region(name: str | None) -> Region | None:
    """The region called ``name`` (any long, short or typo form, with or without a level word), or None."""
    if not name:
        return None
    return _index().get(_key(strip_level(name)[1]))


def strip_level(name: str) -> tuple[str | None, str]:
    """Split a leading level word off a region: "Kota Samarinda" -> ("kota", "Samarinda")."""
    text = name.strip()
    for level, words in LEVEL_WORDS.items():
        for word in words:
            if text.casefold().startswith(word.casefold() + " ") or (
                    word.endswith(".") and text.casefold().startswith(word.casefold())):
                return level, text[len(word):].strip()
    return None, text


def region_forms(name: str) -> tuple[str, ...]:
    """Every way of writing region ``name``: the official name first, then short forms and typos.

    A region the gazetteer does not know is returned as written, so a dictionary can name any region.
    """
    region = find_region(name)
    if region is None:
        return (strip_level(name)[1],)
    return region.forms


@lru_cache(maxsize=16384)
def same_region(a: str | None, b: str | None) -> bool:
    """Whether two region strings ("Kaltim", "Provinsi Kalimantan Timur") name the same region."""
    if not a or not b:
        return False
    ra, rb = find_region(a), find_region(b)
    if ra is not None and rb is not None:
        return ra.name == rb.name
    return _key(strip_level(a)[1]) == _key(strip_level(b)[1])


@lru_cache(maxsize=4096)
def province_of(name: str | None) -> str | None:
    """The official name of the province that region ``name`` is (or lies in)."""
    region = find_region(name)
    if region is None:
        return None
    return region.home_province


def is_capital(city: str | None, province: str | None) -> bool:
    """Whether ``city`` is the capital of ``province`` (any forms)."""
    capital = CAPITALS.get(province_of(province) or "")
    return capital is not None and same_region(city, capital)


def gazetteer_forms() -> list[tuple[str, Region]]:
    """(form, region) for every known region form and regency seat, for scanning a text for the regions it names."""
    index = _index()
    return [(form, region) for region in ALL_REGIONS for form in region.forms] + [
        (town, index[_key(town)]) for town in TOWNS]
