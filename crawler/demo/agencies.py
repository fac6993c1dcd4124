"""Which agency names the demo site may write, taken from the agency dictionary (``crawler.config``).

The test news site must only plant surfaces that a correct matcher is bound to find: an entity's full ``name``
or one of its explicit ``aliases``, written verbatim, inside the entity's validity period. :class:`AgencyBook`
works those out once, drops surfaces that two entities share or that are a bare single word occurring inside
another entity's surface (a matcher may rightly refuse those), and gives the generator a bare "context" form
(the acronym alone, e.g. "Diskominfo") for the entities that have one. It also audits generated text: every
dictionary surface found in it must be one the generator planted on purpose.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from crawler.config import ConfigError, EntityConfig, default_config_dir, load_entities

# Kaltim regions the regional outlets cover; national bodies are always eligible.
HOME_REGIONS = ("Kalimantan Timur", "Kaltim", "Samarinda", "Balikpapan", "Bontang", "Kutai Kartanegara",
                "Kukar", "Kutai Timur", "Kutim", "Penajam Paser Utara", "PPU", "Kutai Barat", "Berau", "Paser")


@dataclass(frozen=True)
class Agency:
    """One entity as the generator sees it: the surfaces it may write and its bare context form."""

    id: str
    kind: str
    level: str
    region: str | None
    name: str
    surfaces: tuple[str, ...]  # name first, then usable aliases
    bare: str | None  # acronym alone, used only after a named mention in the same story
    valid_from: dt.date | None
    valid_to: dt.date | None

    def valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or day >= self.valid_from) and (self.valid_to is None or day <= self.valid_to)

    @property
    def short_surfaces(self) -> tuple[str, ...]:
        """Aliases (shorter forms) if any, else the name."""
        return self.surfaces[1:] or self.surfaces


_TOKEN = re.compile(r"\w+")


def _words(surface: str) -> list[str]:
    return surface.split()


def surface_pattern(surface: str) -> re.Pattern[str]:
    """A case-insensitive, word-bounded pattern that tolerates any run of spaces between words."""
    body = r"\s+".join(re.escape(word) for word in _words(surface))
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


class AgencyBook:
    """The agency dictionary, reduced to what the generator may plant."""

    def __init__(self, entities: Iterable[EntityConfig]) -> None:
        self.entities = list(entities)
        owners: dict[str, set[str]] = {}
        for entity in self.entities:
            for surface in self._all_surfaces(entity):
                owners.setdefault(surface.casefold(), set()).add(entity.id)
        # Every string a matcher might look for, for the audit (names, aliases, acronyms).
        self.dictionary_surfaces = sorted(owners, key=len, reverse=True)
        # The audit looks surfaces up by their first word, then compares the following words.
        self._by_first_word: dict[str, list[tuple[str, ...]]] = {}
        for surface in self.dictionary_surfaces:
            tokens = tuple(_TOKEN.findall(surface.casefold()))
            if tokens:
                self._by_first_word.setdefault(tokens[0], []).append(tokens)
        self.agencies: dict[str, Agency] = {}
        for entity in self.entities:
            usable = []
            for surface in [entity.name, *entity.aliases]:
                if surface in usable or len(owners[surface.casefold()]) > 1:
                    continue
                if entity.not_ and surface in entity.not_:
                    continue
                if len(_words(surface)) == 1 and self._inside_other(surface, entity.id):
                    continue
                usable.append(surface)
            if not usable:
                continue
            bare = entity.acronym if entity.acronym and len(_words(entity.acronym)) == 1 else None
            if bare and not any(surface.startswith(bare + " ") for surface in usable):
                bare = None
            self.agencies[entity.id] = Agency(entity.id, entity.kind, entity.level, entity.region, entity.name,
                                              tuple(usable), bare, entity.valid_from, entity.valid_to)

    @staticmethod
    def _all_surfaces(entity: EntityConfig) -> list[str]:
        return [entity.name, *entity.aliases, *([entity.acronym] if entity.acronym else [])]

    def _inside_other(self, word: str, entity_id: str) -> bool:
        pattern = surface_pattern(word)
        return any(pattern.search(surface) for other in self.entities if other.id != entity_id
                   for surface in self._all_surfaces(other))

    @classmethod
    def load(cls, config_dir: Path | None = None) -> AgencyBook:
        """The bundled (or ``config_dir``) dictionary; the built-in fallback while none is installed."""
        directory = (config_dir or default_config_dir()) / "entities"
        files = sorted(directory.glob("*.y*ml")) if directory.is_dir() else []
        # Parsing the YAML dominates a small site's start-up; reuse the book while the files are unchanged.
        stamp = tuple((str(path), path.stat().st_mtime_ns) for path in files)
        return _cached_book(config_dir, stamp)

    def get(self, entity_id: str) -> Agency | None:
        return self.agencies.get(entity_id)

    def regional(self, kinds: Iterable[str]) -> list[Agency]:
        """Kaltim agencies of the given kinds, in dictionary order."""
        wanted = set(kinds)
        return [agency for agency in self.agencies.values() if agency.kind in wanted and agency.level != "nasional"
                and any(region in (agency.region or "") or region in agency.name for region in HOME_REGIONS)]

    def ministries(self, on: dt.date) -> list[Agency]:
        return [agency for agency in self.agencies.values() if agency.level == "nasional" and agency.valid_on(on)]

    def find_surfaces(self, text: str) -> list[tuple[int, int]]:
        """Spans of every dictionary surface in ``text`` (case-insensitive, word-bounded)."""
        tokens = [(match.group().casefold(), match.start(), match.end()) for match in _TOKEN.finditer(text)]
        spans = []
        for position, (word, start, _) in enumerate(tokens):
            for surface in self._by_first_word.get(word, ()):
                window = tokens[position:position + len(surface)]
                if len(window) == len(surface) and all(token[0] == part for token, part in zip(window, surface)):
                    spans.append((start, window[-1][2]))
        return spans


@functools.lru_cache(maxsize=8)
def _cached_book(config_dir: Path | None, stamp: tuple[tuple[str, int], ...]) -> AgencyBook:
    try:
        entities = load_entities(config_dir)
    except ConfigError:
        entities = []
    return AgencyBook(entities or FALLBACK_ENTITIES)


def _entity(**fields: object) -> EntityConfig:
    return EntityConfig.model_validate(fields)


# Used only while no dictionary is installed (the suite always has the bundled one).
FALLBACK_ENTITIES = [
    _entity(id="kominfo", name="Kementerian Komunikasi dan Informatika", acronym="Kominfo",
            aliases=["Kemkominfo", "Kemenkominfo", "Kementerian Kominfo"], kind="ministry", level="nasional",
            valid_to="2024-10-20", successor="komdigi"),
    _entity(id="komdigi", name="Kementerian Komunikasi dan Digital", acronym="Komdigi",
            aliases=["Kemkomdigi", "Kementerian Komdigi"], kind="ministry", level="nasional",
            valid_from="2024-10-21"),
    _entity(id="pemprov-kaltim", name="Pemerintah Provinsi Kalimantan Timur", acronym="Pemprov",
            aliases=["Pemprov Kaltim"], kind="pemda", level="provinsi", region="Kalimantan Timur"),
    _entity(id="dprd-kaltim", name="Dewan Perwakilan Rakyat Daerah Provinsi Kalimantan Timur", acronym="DPRD",
            aliases=["DPRD Kaltim", "DPRD Provinsi Kalimantan Timur"], kind="dprd", level="provinsi",
            region="Kalimantan Timur"),
    _entity(id="setwan-dprd-kaltim", name="Sekretariat DPRD Provinsi Kalimantan Timur", acronym="Setwan",
            aliases=["Sekretariat DPRD Kaltim", "Setwan DPRD Kaltim"], kind="sekretariat", level="provinsi",
            region="Kalimantan Timur", parent="dprd-kaltim"),
    _entity(id="diskominfo-kaltim", name="Dinas Komunikasi dan Informatika Provinsi Kalimantan Timur",
            acronym="Diskominfo", aliases=["Diskominfo Kaltim", "Dinas Kominfo Kaltim"], kind="dinas",
            level="provinsi", region="Kalimantan Timur", parent="pemprov-kaltim"),
    _entity(id="polda-kaltim", name="Kepolisian Daerah Kalimantan Timur", acronym="Polda",
            aliases=["Polda Kaltim"], kind="police", level="provinsi", region="Kalimantan Timur"),
    _entity(id="pemkot-samarinda", name="Pemerintah Kota Samarinda", acronym="Pemkot",
            aliases=["Pemkot Samarinda"], kind="pemda", level="kota", region="Samarinda"),
    _entity(id="dprd-samarinda", name="Dewan Perwakilan Rakyat Daerah Kota Samarinda", acronym="DPRD",
            aliases=["DPRD Samarinda", "DPRD Kota Samarinda"], kind="dprd", level="kota", region="Samarinda"),
    _entity(id="diskominfo-samarinda", name="Dinas Komunikasi dan Informatika Kota Samarinda",
            acronym="Diskominfo", aliases=["Diskominfo Samarinda", "Diskominfo Kota Samarinda"], kind="dinas",
            level="kota", region="Samarinda", parent="pemkot-samarinda"),
]
