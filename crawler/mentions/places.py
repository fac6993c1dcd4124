"""Evidence of a story's place, for bare forms that context resolution cannot tie to a named body: the
dateline and what it says about the source's scope (:func:`_story_place`), the region words the story names in
counted zones (:func:`region_evidence`), and whether a dateline fits a body's region (:func:`dateline_fits`).
Region names are compared through memoised :mod:`crawler.regions` look-ups."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

import ahocorasick

from crawler.article import MentionField
from crawler.config import EntityConfig, SourceConfig
from crawler.mentions.scanning import _whole_word_outside_identifiers
from crawler.mentions.zones import COUNTED_ZONES, _ZoneMap
from crawler.regions import Region, find_region, is_capital, province_of, same_region, strip_level

# Kinds of which every city and regency has its own (Dinas Sosial, BPBD, DPRD, Setwan, KPU): a bare form in a
# story datelined in a city is that city's body. Other kinds' region-less names already say the level
# (Pemprov, Polda) or are unique ("Bank Sejahtera Mahakam"): a dateline anywhere in the province fits.
MULTILEVEL_KINDS = frozenset({"dinas", "badan", "dprd", "sekretariat", "agency"})

# Region words inside company and media names are not evidence of a region.
_NOT_REGION_BEFORE = frozenset({"tribun", "pupuk", "pt", "bank", "radar", "harian", "koran", "sapos", "post",
                                "tv", "rri", "tvri", "universitas", "unmul", "hotel"})
_NOT_REGION_AFTER = frozenset({"post", "pos", "today", "kece", "daily", "news", "tv", "fm", "online",
                               "terkini", "faktual", "media", "group"})

# A field as the matcher scanned it: (name, text, normalised text, offset map, zone map if made).
Scanned = tuple[MentionField, str, str, Callable[[int], int] | None, _ZoneMap | None]


def region_evidence(region_automaton: ahocorasick.Automaton, scanned: Sequence[Scanned]) -> list[Region]:
    """The regions that ``scanned`` (the title and text) names in counted zones, each once, in order."""
    # Only the set of region names counts as evidence (_from_regions), so a region already accepted is not
    # checked again at its next occurrence.
    evidence: list[Region] = []
    accepted: set[str] = set()
    if not len(region_automaton):
        return evidence
    for name, text, normal, originals, zones in scanned:
        for end_index, (length, regions, names) in region_automaton.iter(normal):
            if names <= accepted:
                continue
            if originals is None:
                start, end = end_index + 1 - length, end_index + 1
            else:
                start, end = originals(end_index - length + 1), originals(end_index) + 1
            surface = text[start:end]
            # _region_word_ok's capital test, which needs no region, before the word tests ("serang" in
            # "menyerang", "pbd" in "BPBD" are common hits of region words).
            if not surface[0].isupper() or not _whole_word_outside_identifiers(text, start, end):
                continue
            for region, form in regions:
                if region.name not in accepted and _region_word_ok(text, start, end, surface, form):
                    if zones is None:
                        zones = _ZoneMap(name, text)
                    if zones.zone(start) in COUNTED_ZONES:
                        accepted.add(region.name)
                        evidence.append(region)
    return evidence


def dateline_fits(entity: EntityConfig, dateline: Region) -> bool:
    """Whether a story datelined ``dateline`` is about ``entity``'s region."""
    if entity.level != "provinsi":
        return _same_region(entity.region, dateline.name)
    if dateline.level == "provinsi":
        return _same_region(entity.region, dateline.name)
    if not _same_region(entity.region, dateline.home_province):
        return False
    # "BALIKPAPAN – BPBD …" is the city's BPBD; "BALIKPAPAN – Polda …" and "SAMARINDA – BPBD …" (the
    # provincial capital, where provincial bodies sit) may be the province's.
    return entity.kind not in MULTILEVEL_KINDS or is_capital(dateline.name, entity.region)


# A dateline opening the text: "JAKARTA –", "Kaltimtoday.co, Samarinda –", "BANJARMASIN, KOMPAS.com -".
_DATELINE = re.compile(r"^\W*(?:[^\n,–—-]{0,40},\s*)?([A-Z][A-Za-z .']{2,30}?)\s*(?:,|\s[–—-]\s|\s*\()")


def _story_place(source: SourceConfig | None, text: str) -> tuple[Region | None, str | None, str | None]:
    """``(dateline, scope, region)`` of the story opening ``text``: the region of its dateline ("SAMARINDA –",
    "TANJUNG REDEB –"), if it names one, and the source's scope and home region as seen from this story (None,
    None without a source). A regional outlet's story datelined outside its home province ("JAKARTA – Kominfo
    memblokir …" on a Kaltim site) is national news, so bare forms shared with a national body may fall back to
    that body and not to the home region's."""
    match = _DATELINE.match(text)
    dateline = None
    if match:
        dateline = find_region(match.group(1).strip())
    if source is None:
        return dateline, None, None
    if source.scope != "regional" or not source.region or dateline is None:
        return dateline, source.scope, source.region
    home = province_of(source.region) or source.region
    if _same_region(dateline.home_province, home):
        return dateline, source.scope, source.region
    return dateline, "national", None


@lru_cache(maxsize=65536)
def _same_region(a: str | None, b: str | None) -> bool:
    """:func:`crawler.regions.same_region`, memoised: context resolution compares every candidate's region."""
    return same_region(a, b)


@lru_cache(maxsize=4096)
def _region_key(region: str | None) -> str | None:
    """One key per region whatever form names it ("Kaltim", "Provinsi Kalimantan Timur")."""
    if not region:
        return None
    found = find_region(region)
    return found.name if found is not None else strip_level(region)[1].casefold()


def _region_word_ok(text: str, start: int, end: int, surface: str, form: str) -> bool:
    if form.isupper() and surface != form:
        return False
    if not surface[0].isupper():
        return False
    before = text[max(0, start - 20):start].split()
    after = text[end:end + 20].split()
    if before and before[-1].lower().strip("(\"'") in _NOT_REGION_BEFORE:
        return False
    if after and after[0].lower().strip(").,\"'") in _NOT_REGION_AFTER:
        return False
    return True

