"""Finding the agencies an article names: :class:`Matcher` turns an :class:`~crawler.article.Article` into
:class:`~crawler.article.Mention` records.

How it works, in the order a text goes through it:

1. **Variants.** Every dictionary entry is expanded by :func:`crawler.variants.derive_variants` into its
   surface forms; all of them (and a gazetteer of region names, and a few "blockers" — longer names of other
   bodies such as "Sekretariat DPRD …") go into one Aho-Corasick automaton (pyahocorasick), keyed on a
   case-folded, whitespace-collapsed form. Offsets in that normalised copy are mapped back to the original.
2. **Candidates.** A hit counts only at whole-word boundaries (a lowercase-to-uppercase change counts as a
   boundary, for glued tag lists such as "KotaPolresta Samarinda"; a trailing "-nya" is allowed), never inside
   a URL, e-mail address, domain, hashtag or letter number ("…/KOMINFO/2024"). Single-word forms are
   case-sensitive in the sense that they must start with a capital ("Kominfo", "KOMINFO", never "kominfo");
   region-less ("bare") multi-word forms must too; multi-word forms with a region match in any case.
3. **Longest match wins.** Overlapping hits are resolved longest first, so "Sekretariat DPRD Kaltim" is the
   secretariat and never also "DPRD Kaltim", while "Komisi I DPRD Kota Samarinda" still counts for the DPRD.
   A name and its own short form in brackets right after it are one mention ("Pemerintah Provinsi Kalimantan
   Timur (Pemprov Kaltim)").
4. **Resolution.** A form with a region (or a national body's name) names its body: ``resolution`` "name",
   or "title" for a head-of-office title (Kapolda Kaltim, Kadiskominfo Kaltim, Menkominfo). A bare form
   ("Diskominfo", "Pemprov", "Kapolda") and a form shared by several bodies ("Kominfo" is the ministry's acronym
   and every regional Diskominfo's short name) are resolved by context, ``resolution`` "context":
   a hyphenated pair takes its partner's region ("Pemprov-DPRD Kaltim"); a region written right after the bare
   form decides it (or marks another region's body, which is dropped and blocks the form later on, also when
   the region is one the gazetteer lacks: "Dinas Kesehatan Kabupaten Sleman"); "RI"/"pusat" after it is the
   national body ("Kominfo pusat"), never a regional one; then the body of those candidates that the article
   named most recently before it; then the only one it names in the title or lead. Failing those, only
   positive evidence of the story's place decides (issue 20): the dateline — a city's or regency's dateline
   is that city's body for kinds every region has (dinas, badan, DPRD, secretariat, agency), the province's
   body for Pemprov, Polda and other kinds; in the provincial capital both fit, so a dinas-like form there
   resolves only when the dictionary has one of the two; with no dateline, the only candidate whose own region the article names; then, on a
   regional source (``SourceConfig.region``), the home region's body when the places the article names all
   lie in the home province. A story that names no place, or places elsewhere, gets no mention from a bare
   form. Plural and generic uses ("Pemkab se-Kaltim", "para Kapolres", "anggota DPRD di seluruh Indonesia",
   "fungsi pengawasan DPRD", "Polsek terdekat"), former members and candidates ("mantan anggota DPRD Kaltim",
   "caleg DPRD Kaltim"), associations ("Asosiasi DPRD Kota …") and anything still ambiguous are dropped, not
   guessed. A form shared with a national body resolves to the national body only on a national outlet (or a
   story datelined outside a regional outlet's home province) whose article names no competing region.
   A DPRD form after a secretariat unit ("Kepala Bagian Humas DPRD Kaltim") is the DPRD's secretariat.
5. **Validity.** A name always means its own body, whatever the date: "Kominfo" in 2025 is still Kominfo
   (analysts follow ``successor`` to count a lineage). ``Article.published_at`` only breaks ties: when
   several candidates remain for one form, those valid on the publication day are preferred.
6. **Zones.** Each mention records where it stands. Fields: ``title``, ``text``, ``caption``, ``tags``,
   ``related``, ``byline``; for the list fields (captions, tags, related) ``start``/``end`` index the
   list joined with "\\n". Zones: title; in the text, lead (the first paragraph; paragraphs are separated by
   "\\n"), body, quote (inside a direct quote), and related/tag/caption/byline for "Baca juga:" lines, tag
   lines, photo credits and credit lines such as "(Humas DPRD Kaltim/adv/ab)" left in the text; the other
   fields map to caption, tag, related and byline.

The matcher is pure (no Scrapy, no database) and pickles by its entity list (the automaton is rebuilt on
unpickling, which takes a fraction of a second for the bundled dictionary).
"""

from __future__ import annotations

import bisect
import itertools
import datetime as dt
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from functools import lru_cache
from typing import Literal

import ahocorasick

from crawler.article import Article, Mention, MentionField, MentionZone
from crawler.config import EntityConfig, SourceConfig
from crawler.quotes import quote_spans
from crawler.regions import LEVEL_WORDS, Region, gazetteer_forms, is_capital, province_of, same_region
from crawler.variants import derive_variants

logger = logging.getLogger(__name__)

SNIPPET_CHARS = 80
# Zones analysts count by default.
COUNTED_ZONES: frozenset[str] = frozenset({"title", "lead", "body", "quote"})
_NAMED_ZONES = COUNTED_ZONES | {"caption"}  # where a named body counts as context for bare forms

_BLOCKER = -1
# Kinds of which every city and regency has its own (Dinas Sosial, BPBD, DPRD, Setwan, KPU): a bare form in a
# story datelined in a city is that city's body. Other kinds' region-less names already say the level
# (Pemprov, Polda) or are unique ("Bank Sejahtera Mahakam"): a dateline anywhere in the province fits.
MULTILEVEL_KINDS = frozenset({"dinas", "badan", "dprd", "sekretariat", "agency"})

# Characters mapped one-to-one before matching (length-preserving, so offsets survive).
_CHAR_MAP = str.maketrans({
    "\u00a0": " ", "\t": " ", "\r": " ", "\u2009": " ", "\u200a": " ", "\u2002": " ", "\u2003": " ",
    "\u202f": " ", "\u200b": " ", "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u2212": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
})
# The same as (char, replacement) pairs: str.translate looks every character up in the map (tens of µs for an
# article, hundreds when it has one non-ASCII character), str.replace of the few present ones costs next to nothing.
# No replacement is itself replaced, so replacing one after another is the same as translating.
_CHAR_PAIRS = tuple((chr(code), replacement) for code, replacement in _CHAR_MAP.items())
_MULTISPACE = re.compile(r" {2,}")

# Things that look like words but are identifiers: URLs, e-mail addresses, domains, hashtags, handles,
# and letter numbers (a slash-joined token with a digit, "555/123/KOMINFO/2024"). Checked per hit, on the
# whitespace-delimited token around it.
_URLISH = re.compile(r"https?://|www\.|@|\.(?:go|co|ac|or)\.id\b|\.(?:com|id|net|org|info|news)\b", re.IGNORECASE)
_DOMAIN_AFTER = re.compile(r"\.[a-z]{2,}", re.IGNORECASE)

# Text paragraphs that are not the story itself.
_RELATED_LINE = re.compile(r"^\W*(baca juga|baca pula|berita terkait|artikel terkait|lihat juga|simak juga|"
                           r"baca selengkapnya|artikel ini telah tayang)\b", re.IGNORECASE)
_TAG_LINE = re.compile(r"^\W*(tags?|tag berita|topik|kata kunci|label)\s*:", re.IGNORECASE)
_CAPTION_LINE = re.compile(r"^\W*(foto|ilustrasi|caption|keterangan foto|sumber foto|dok\.?|dokumentasi)"
                           r"\s*[:\-(]", re.IGNORECASE)
# A caption paragraph left in the text ends with its photo credit: "Kapolda … meninjau pos. (Foto: Humas Polda)".
_CAPTION_CREDIT = re.compile(r"\(\s*(?:foto|dok\.?|dokumentasi|ilustrasi|sumber foto|ist\.?|istimewa)\b[^()\n]{0,80}\)"
                             r"\s*\.?\s*$", re.IGNORECASE)
_CAPTION_MAX_CHARS = 400
# Every paragraph that _RELATED_LINE, _TAG_LINE, _CAPTION_LINE or _BYLINE_LINE matches starts like this (one
# cheap test per paragraph; the four patterns run only on the few that pass it).
_LINE_KIND_HINT = re.compile(r"\W*(?:baca|berita|artikel|lihat|simak|tag|topik|kata|label|foto|ilustrasi|caption|"
                             r"keterangan|sumber|dok|penulis|editor|reporter|pewarta|koresponden|redaktur|"
                             r"penyunting|adv|pariwara)|\s*\(", re.IGNORECASE)
_BYLINE_LINE = re.compile(r"^\W*(penulis|editor|reporter|pewarta|koresponden|redaktur|penyunting|sumber)\s*:"
                          r"|^\s*\([^()\n]{0,100}\)\s*$|^\s*(adv|advertorial|pariwara)\b", re.IGNORECASE)
# A credit in parentheses with a slash at the end of a paragraph: "(Humas DPRD Kaltim/adv/ab)".
_TRAILING_CREDIT = re.compile(r"\((?:[^()\n]{0,80}/[^()\n]{0,80}|adv|ADV|advertorial)\)\s*\.?\s*$")

# After a bare form: generic or plural uses that name no single body.
_GENERIC_AFTER = re.compile(r"\s*(?:se-|se\s|/|kabupaten\s*/\s*kota|kab\s*/\s*kota|kota\s*/\s*kabupaten|"
                            r"provinsi\s+lain|daerah\s+lain|lain\b|lainnya|di\s+seluruh|seluruh\b|"
                            r"kabupaten\s+dan\s+kota|di\s+daerah|di\s+(?:tiap|setiap|semua|masing-masing)\b|"
                            r"dari\s+\d+\s+(?:provinsi|kabupaten|kota|daerah)|setempat\b|terdekat\b|"
                            r"mana\s+pun\b|manapun\b)", re.IGNORECASE)
_GENERIC_WORDS = ("para", "seluruh", "semua", "setiap", "tiap", "antar", "berbagai", "sejumlah", "beberapa",
                  "masing-masing", "sesama", "kalangan", "banyak", "sebagian", "sebuah", "suatu")
# the institution as such: "fungsi pengawasan DPRD", "peran DPRD"
_INSTITUTION_WORDS = ("fungsi", "peran", "kewenangan", "wewenang", "tugas", "hak", "lembaga", "kelembagaan")
_INSTITUTION_ASPECTS = ("pengawasan", "legislasi", "anggaran", "budgeting", "pokok")
# Before a bare form, at the end of the 40 characters before it:
#     \b(?:GENERIC|INSTITUTION(?:\s+ASPECT)?)\s+$   (any case)
# written backwards and matched at the start of the reversed window: a regex searched for at the end of a
# window tries every alternative at every position of it, and this runs for every bare form.
_GENERIC_BEFORE_REVERSED = re.compile(r"\s+(?:%s|(?:(?:%s)\s+)?(?:%s))\b" % (
    "|".join(word[::-1] for word in _GENERIC_WORDS), "|".join(word[::-1] for word in _INSTITUTION_ASPECTS),
    "|".join(word[::-1] for word in _INSTITUTION_WORDS)), re.IGNORECASE)


def _generic_before(text: str, start: int) -> bool:
    """Whether a plural or generic word ends the 40 characters before ``start`` ("para Kapolres")."""
    return _GENERIC_BEFORE_REVERSED.match(text[max(0, start - 40):start][::-1]) is not None


# Before any form: not the body itself but a person who is no longer or not yet in it ("mantan anggota DPRD
# Kaltim", "caleg DPRD Kaltim"), or an association of such bodies ("Asosiasi DPRD Kota Seluruh Indonesia").
# The association words must be capitalised (a name): "dalam forum DPRD Kaltim" is the council's own forum.
_NOT_BODY_BEFORE = re.compile(r"\b(?i:mantan|eks|bekas|purnabakti|calon|caleg|bacaleg|bakal\s+calon)"
                              r"(?:\s+(?i:anggota|ketua|wakil\s+ketua|legislatif))?\s+$"
                              r"|\b(?:Asosiasi|Forum|Ikatan|Persatuan|Himpunan|Paguyuban|Perkumpulan|ASOSIASI|FORUM)\s+$")
# A unit of a DPRD's secretariat ("Kepala Bagian Humas DPRD Kaltim", "Kabag Persidangan DPRD Kaltim"): the
# bagian belong to the Sekretariat DPRD, so the form names the secretariat, not the council.
_SECRETARIAT_UNIT_BEFORE = re.compile(r"\b(?:Kepala\s+)?(?:Bagian|Kabag|Kasubbag|Kasubag|Subbagian|Kepala\s+Subbagian)"
                                      r"(?:\s+(?:[A-Z][\w-]*|dan|&))+\s+$")
_NOT_BODY_WORDS = frozenset({"mantan", "eks", "bekas", "purnabakti", "calon", "caleg", "bacaleg", "asosiasi",
                             "forum", "ikatan", "persatuan", "himpunan", "paguyuban", "perkumpulan"})


def _not_the_body(text: str, start: int) -> bool:
    """Whether the words before ``start`` make the form a former member, a candidate or an association."""
    window = text[max(0, start - 40):start]
    if not window.endswith(" ") or not _NOT_BODY_WORDS.intersection(window.lower().split()[-3:]):
        return False  # the cheap test first: this runs for every hit
    return _NOT_BODY_BEFORE.search(window) is not None


# Police ranks after a bare "Kapolsek": the name follows, not another sector.
_RANKS = frozenset({"akp", "kompol", "akbp", "iptu", "ipda", "aiptu", "aipda", "bripka", "brigadir", "briptu",
                    "bripda", "kombes", "irjen", "brigjen", "ajun", "inspektur"})
_CAPITAL_WORD = re.compile(r"\s+([A-Z][\w'-]*)")
# "BPBD kota", "BPBD Provinsi menyiapkan …": a level word with no region name after it (any case).
_LEVEL_WORD_AFTER = re.compile(r"\s+((?i:kota|kabupaten|kab\.?|provinsi|prov\.?))\b(?!\s*[A-Z/])")
# "Kominfo RI", "Kominfo pusat" (the central body, issue 19): not "pusat data", "pusat layanan" …
_NATIONAL_AFTER = re.compile(r"\s*(?:RI|Republik\s+Indonesia|(?i:pusat))\b(?!\s+(?i:data|layanan|informasi|kajian|"
                             r"studi|penelitian|kota|perbelanjaan|pemerintahan|kesehatan|krisis|komando)\b)")
_REGION_AFTER = re.compile(r"\)?(?:\s*\([^()\n]{1,20}\))?\s+((?:(?:Provinsi|Prov\.?|Kota|Kabupaten|Kab\.?)\s+)?)"
                           r"([A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*)")
_PAIR_JOIN = re.compile(r"\s*(?:-|/|&|dan)\s*", re.IGNORECASE)
_LEVEL_AFTER = re.compile(r"\s+(?:%s)\s+[A-Z]" % "|".join(
    re.escape(word) for words in LEVEL_WORDS.values() for word in words))
# Region words inside company and media names are not evidence of a region.
_NOT_REGION_BEFORE = frozenset({"tribun", "pupuk", "pt", "bank", "radar", "harian", "koran", "sapos", "post",
                                "tv", "rri", "tvri", "universitas", "unmul", "hotel"})
_NOT_REGION_AFTER = frozenset({"post", "pos", "today", "kece", "daily", "news", "tv", "fm", "online",
                               "terkini", "faktual", "media", "group"})

_new_mention = object.__new__
_set_attribute = object.__setattr__
if tuple(field.name for field in dataclass_fields(Mention)) != (
        "entity_id", "surface", "start", "end", "field", "zone", "resolution", "snippet"):
    raise RuntimeError("crawler.article.Mention's fields changed: update Matcher.find, which fills them")
_FIELD_ORDER: tuple[MentionField, ...] = ("title", "text", "caption", "tags", "related", "byline")
_FIELD_ZONE: dict[str, MentionZone] = {"title": "title", "caption": "caption", "tags": "tag",
                                       "related": "related", "byline": "byline"}


@dataclass(frozen=True)
class _Target:
    entity: int  # index into Matcher.entities, or _BLOCKER
    resolution: str  # name | title
    bare: bool
    sector: bool = False  # a bare sub-district form ("Polsek"): a capitalised name after it is another sector


@dataclass
class _Key:
    """Everything stored under one normalised surface in the automaton."""

    length: int
    targets: list[_Target] = field(default_factory=list)
    single_token: bool = False
    needs_capital: bool = False  # single-word or bare-only forms must start with a capital
    bare_only: bool = False  # a region-less form of several words: every content word capitalised
    regions: list[tuple[Region, str]] = field(default_factory=list)  # (region, form as written)
    sector: bool = False  # a bare sub-district form ("Polsek") of some entity


@dataclass(frozen=True, slots=True)
class _Slot:
    """What a hit of one automaton key needs, precomputed when the automaton is built (a hit is then a few
    tuple reads, not a walk over targets)."""

    length: int
    has_targets: bool
    needs_capital: bool
    bare_only: bool
    regions: tuple[tuple[Region, str], ...]
    sector: bool
    blocker_only: bool  # every target is a blocker: the hit only hides shorter ones
    candidates: tuple[int, ...]  # sorted entity numbers (blockers left out)
    titled: frozenset[int]
    named: tuple[int, ...] | None  # sorted, when this form names every candidate (no bare form among them)
    resolution_of: dict[int, str]  # first named target's resolution per entity


def _slot_of(key: _Key) -> _Slot:
    real = [target for target in key.targets if target.entity != _BLOCKER]
    named = [target for target in real if not target.bare]
    entities = sorted({target.entity for target in real})
    titled = frozenset({t.entity for t in real if t.resolution == "title"}
                       - {t.entity for t in real if t.resolution != "title"})
    named_entities = sorted({target.entity for target in named})
    resolution_of: dict[int, str] = {}
    for target in named:
        resolution_of.setdefault(target.entity, target.resolution)
    fully_named = bool(named) and len(entities) == len(named_entities)
    return _Slot(key.length, bool(key.targets), key.needs_capital, key.bare_only, tuple(key.regions), key.sector,
                 bool(key.targets) and not real, tuple(entities), titled,
                 tuple(named_entities) if fully_named else None, resolution_of)


# A hit: (start, end, slot), offsets in the field's original text.
_Hit = tuple[int, int, _Slot]


@dataclass(slots=True)
class _Found:
    """A mention in the making: resolved (entity set) or awaiting context (candidates set)."""

    field: MentionField
    start: int
    end: int
    zone: MentionZone
    candidates: Sequence[int]
    entity: int | None = None
    resolution: str = "name"
    titled: frozenset[int] = frozenset()  # candidates this form names only by a head-of-office title
    sector: bool = False


# --------------------------------------------------------------------------------------------- normalising


def normalise(text: str) -> tuple[str, list[int] | None]:
    """Case-folded, whitespace-collapsed copy of ``text`` and, if lengths differ, the map back to ``text``.

    The map lists, for each collapsed run of spaces, the normalised position right after it and how many
    characters had been removed up to there; :func:`_to_original` applies it.
    """
    mapped = text
    for char, replacement in _CHAR_PAIRS:
        if char in mapped:
            mapped = mapped.replace(char, replacement)
    lowered = mapped.lower()
    if len(lowered) != len(mapped):  # a few characters (İ) lowercase to two; keep those as they are
        lowered = "".join(char.lower() if len(char.lower()) == 1 else char for char in mapped)
    if "  " not in lowered:
        return lowered, None
    pieces: list[str] = []
    shifts: list[int] = []
    removed_at: list[int] = []
    position = removed = 0
    for match in _MULTISPACE.finditer(lowered):
        pieces.append(lowered[position:match.start() + 1])
        removed += len(match.group()) - 1
        position = match.end()
        shifts.append(match.start() + 1 - (removed - (len(match.group()) - 1)))
        removed_at.append(removed)
    pieces.append(lowered[position:])
    return "".join(pieces), shifts + [-1] + removed_at  # packed: positions, separator, totals


def _to_original(position: int, mapping: list[int] | None) -> int:
    if mapping is None:
        return position
    mapper = _offset_map(mapping)
    assert mapper is not None
    return mapper(position)


def _offset_map(mapping: list[int] | None) -> Callable[[int], int] | None:
    """A function from normalised to original offsets (None when they are the same), unpacked once per text."""
    if mapping is None:
        return None
    half = mapping.index(-1)
    positions, totals = mapping[:half], mapping[half + 1:]

    def to_original(position: int) -> int:
        index = bisect.bisect_right(positions, position) - 1
        return position + (totals[index] if index >= 0 else 0)

    return to_original


def _key(surface: str) -> str:
    return normalise(surface.strip())[0]


# --------------------------------------------------------------------------------------------- the matcher


class Matcher:
    """Finds mentions of ``entities`` in articles. Build once per worker; :meth:`find` is pure."""

    def __init__(self, entities: Sequence[EntityConfig]) -> None:
        self.entities: list[EntityConfig] = list(entities)
        self.index: dict[str, int] = {entity.id: number for number, entity in enumerate(self.entities)}
        self._keys: list[_Key] = []
        self._automaton = self._build()
        self._predecessors = {entity.successor: entity.id for entity in self.entities if entity.successor}
        self._secretariat_of = self._secretariats()
        # (candidates, day) -> the candidates kept by _prefer_valid: a pure function of the dictionary.
        self._valid_cache: dict[tuple[tuple[int, ...], dt.date], tuple[int, ...]] = {}
        self._narrowed_cache: dict[tuple[str, tuple[int, ...], str | None], tuple[int, ...]] = {}

    def _secretariats(self) -> dict[int, int]:
        """DPRD -> its secretariat (same region and level, a sekretariat whose name holds the DPRD's)."""
        from crawler.variants import canonical_base

        result: dict[int, int] = {}
        for number, entity in enumerate(self.entities):
            if entity.kind != "sekretariat" or "Dewan Perwakilan Rakyat Daerah" not in canonical_base(entity.name):
                continue
            for council, other in enumerate(self.entities):
                if other.kind == "dprd" and other.level == entity.level and _same_region(other.region, entity.region):
                    result.setdefault(council, number)
        return result

    def __reduce__(self):
        return (Matcher, (self.entities,))

    # ------------------------------------------------------------------ building
    def _build(self) -> ahocorasick.Automaton:
        by_key: dict[str, _Key] = {}

        def add(surface: str) -> _Key:
            key = _key(surface)
            if key not in by_key:
                by_key[key] = _Key(length=len(key), single_token=" " not in key)
            return by_key[key]

        for number, entity in enumerate(self.entities):
            for variant in derive_variants(entity):
                target = _Target(number, variant.resolution, variant.bare, variant.sector)
                slot = add(variant.surface)
                if target not in slot.targets:
                    slot.targets.append(target)
        for surface in self._blockers():
            slot = add(surface)
            if not slot.targets:
                slot.targets.append(_Target(_BLOCKER, "name", False))
        for form, region in gazetteer_forms():
            add(form).regions.append((region, form))
        # Forms of bodies (and blockers) in one automaton, scanned for every field; region words in another,
        # scanned only for an article whose bare forms need region evidence (most never do), so that their
        # hits cost nothing in the common case. A key that is both is in both.
        automaton = ahocorasick.Automaton()
        regions = ahocorasick.Automaton()
        for key, slot in by_key.items():
            slot.needs_capital = bool(slot.targets) and (
                slot.single_token or all(target.bare for target in slot.targets))
            slot.bare_only = slot.needs_capital and not slot.single_token
            slot.sector = any(target.sector for target in slot.targets)
            self._keys.append(slot)
            compiled = _slot_of(slot)
            marker = 3 if key in _NOT_BODY_WORDS else 0
            if slot.targets:
                # What the scan loop reads per hit, unpacked from one tuple: the length, which capital test the
                # form needs (0 none, 1 a capital first letter, 2 every content word capitalised; 3 more when
                # the key is also one of _NOT_BODY_WORDS), the slot.
                capital_test = 2 if slot.bare_only else 1 if slot.needs_capital else 0
                automaton.add_word(key, (slot.length, capital_test + marker, compiled))
            elif marker:
                automaton.add_word(key, (slot.length, marker, None))
            if slot.regions:
                regions.add_word(key, (slot.length, compiled.regions))
        # _not_the_body needs one of its words before a form, and most texts have none at all: the scan says
        # whether a text holds one anywhere (a hit of a key 3 or more), so that no form of it is checked else.
        for word in _NOT_BODY_WORDS:
            if word not in by_key:
                automaton.add_word(word, (len(word), 3, None))
        automaton.make_automaton()
        if len(regions):
            regions.make_automaton()
        self._region_automaton = regions
        return automaton

    def _blockers(self) -> Iterable[str]:
        """Longer names of other bodies that contain a dictionary form: they win the longest match, then vanish."""
        regions = {entity.region for entity in self.entities if entity.region}
        from crawler.regions import region_forms  # local: only needed while building

        for region in regions:
            for form in region_forms(region):
                for head in ("Sekretariat DPRD", "Sekretaris DPRD", "Setwan DPRD", "Sekretariat Dewan",
                             "Sekretaris Dewan", "Komisi Informasi", "Komisi Informasi Provinsi",
                             "Sekretariat DPRD Provinsi", "Sekretaris DPRD Provinsi", "Sekretariat DPRD Kota",
                             "Sekretariat DPRD Kabupaten", "Sekretaris DPRD Kota", "Sekretaris DPRD Kabupaten"):
                    yield f"{head} {form}"
        yield from ("Sekretariat DPRD", "Sekretaris DPRD", "Sekretariat Dewan", "Sekretaris Dewan",
                    "Komisi Informasi", "Sekretariat Daerah", "Sekretaris Daerah")

    # ------------------------------------------------------------------ public API
    def variants(self, entity_id: str) -> list[str]:
        """The surface forms that match ``entity_id`` (what ``pantau entities show`` lists)."""
        return [variant.surface for variant in derive_variants(self.entities[self.index[entity_id]])]

    def find(self, article: Article, source: SourceConfig | None = None) -> list[Mention]:
        """Every mention of a dictionary body in ``article``, in reading order (title, text, other fields)."""
        fields = self._fields(article)
        texts = dict(fields)
        found: list[_Found] = []
        # The title and text as scanned, for region evidence: read only if a bare form needs context (most
        # articles name every body in full and never look at them).
        scanned: list[tuple[MentionField, str, str, Callable[[int], int] | None, _ZoneMap | None]] = []
        suspect: set[str] = set()  # fields holding a word that _not_the_body looks for
        published_at = article.published_at
        for name, text in fields:
            if not text:
                continue
            normal, mapping = normalise(text)
            originals = _offset_map(mapping)
            hits, may_not_be_body = self._scan(text, normal, originals)
            zones = None
            if hits:
                zones = _ZoneMap(name, text)
                zone_of = zones.zone
                for start, end, slot in _longest_first(hits):
                    if slot.blocker_only:
                        continue
                    item = _Found(name, start, end, zone_of(start), slot.candidates, None, "name", slot.titled,
                                  slot.sector)
                    named = slot.named
                    if named is not None:
                        # Every candidate is named by this form (not a bare form of another body): ties go by
                        # validity.
                        choices = named if len(named) == 1 else self._prefer_valid(named, published_at)
                        if len(choices) == 1:
                            item.entity = choices[0]
                            item.resolution = slot.resolution_of[choices[0]]
                    found.append(item)
                if may_not_be_body:
                    suspect.add(name)
            if name == "title" or name == "text":
                scanned.append((name, text, normal, originals, zones))
        if not found:
            return []
        found = _join_bracketed(found, texts)
        if suspect:
            found = [item for item in found if item.field not in suspect
                     or not _not_the_body(texts[item.field], item.start)]
        entities = self.entities
        for item in found:
            if item.entity is not None and entities[item.entity].kind == "dprd" and _SECRETARIAT_UNIT_BEFORE.search(
                    texts[item.field], max(0, item.start - 60), item.start):
                item.entity = self._secretariat_of.get(item.entity, _BLOCKER)  # no secretariat known: dropped
        found = [item for item in found if item.entity != _BLOCKER]
        if any(item.entity is None for item in found):
            def region_evidence() -> list[Region]:
                # Only the set of region names counts as evidence (_from_regions), so a region already accepted
                # is not checked again at its next occurrence.
                evidence: list[Region] = []
                accepted: set[str] = set()
                for name, text, normal, originals, zones in scanned:
                    for start, end, regions in self._region_hits(normal, originals):
                        if all(region.name in accepted for region, _form in regions) or not _at_word_boundaries(
                                text, start, end) or _in_identifier(text, start, end):
                            continue
                        for region, form in regions:
                            if region.name not in accepted and _region_word_ok(text, start, end, text[start:end],
                                                                               form):
                                if zones is None:
                                    zones = _ZoneMap(name, text)
                                if zones.zone(start) in COUNTED_ZONES:
                                    accepted.add(region.name)
                                    evidence.append(region)
                return evidence

            self._resolve_context(found, fields, region_evidence, published_at, source)
        mentions = []
        plain: dict[str, bool] = {}
        for item in found:
            if item.entity is None:
                continue
            text = texts[item.field]
            if item.field not in plain:
                plain[item.field] = _plain_spaces(text)
            snippet_of = _plain_snippet if plain[item.field] else _snippet
            start, end = item.start, item.end
            mention = _new_mention(Mention)
            # A frozen dataclass's __init__ sets each field through object.__setattr__; giving the instance its
            # dict at once makes the same object (Mention has no __post_init__) in a third of the time.
            _set_attribute(mention, "__dict__", {
                "entity_id": entities[item.entity].id, "surface": text[start:end], "start": start, "end": end,
                "field": item.field, "zone": item.zone, "resolution": item.resolution,
                "snippet": snippet_of(text, start, end)})
            mentions.append(mention)
        return mentions

    # ------------------------------------------------------------------ scanning
    @staticmethod
    def _fields(article: Article) -> list[tuple[MentionField, str]]:
        return [("title", article.title or ""), ("text", article.text or ""),
                ("caption", "\n".join(article.captions)), ("tags", "\n".join(article.tags)),
                ("related", "\n".join(article.related)), ("byline", article.byline or "")]

    def _scan(self, text: str, normal: str, originals: Callable[[int], int] | None) -> tuple[list[_Hit], bool]:
        """Automaton hits of forms of bodies at word boundaries and outside identifiers, capitalised where the
        form must be; and whether ``text`` holds any of the words :func:`_not_the_body` looks for (else no form in
        it can fail that test). ``normal`` is :func:`normalise`'s copy of ``text``, ``originals`` its offset map."""
        hits: list[_Hit] = []
        append = hits.append
        size = len(text)
        may_not_be_body = False
        for end_index, (length, capital_test, slot) in self._automaton.iter(normal):
            if capital_test > 2:
                may_not_be_body = True
                if slot is None:
                    continue
                capital_test -= 3
            if originals is None:
                end = end_index + 1
                start = end - length
            else:
                start, end = originals(end_index - length + 1), originals(end_index) + 1
            # Whole words only (inlined _at_word_boundaries: this runs for every automaton hit). A form with
            # whitespace (or the edge) on both sides is its own token, so no identifier can hold it.
            if start:
                before = text[start - 1]
                if before.isalnum():
                    if not (before.islower() and text[start].isupper()):
                        continue
                    spaced = False
                else:
                    spaced = before.isspace()
            else:
                spaced = True
            if end < size:
                after = text[end]
                if after.isalnum():
                    if not (text[end - 1].islower() and after.isupper()) and not (
                            text[end:end + 3].lower() == "nya" and (end + 3 == size or not text[end + 3].isalnum())):
                        continue
                    spaced = False
                elif spaced and not after.isspace():
                    spaced = False
            if capital_test and not (text[start].isupper() and (capital_test == 1 or _capitalised(text[start:end]))):
                continue
            if not spaced and _in_identifier(text, start, end):
                continue
            append((start, end, slot))
        return hits, may_not_be_body

    def _region_hits(self, normal: str, originals: Callable[[int], int] | None
                     ) -> Iterator[tuple[int, int, tuple[tuple[Region, str], ...]]]:
        """Region words in the text of ``normal``, at any place (the caller checks word boundaries):
        ``(start, end, regions)``, offsets in the original text."""
        if not len(self._region_automaton):
            return
        for end_index, (length, regions) in self._region_automaton.iter(normal):
            if originals is None:
                yield end_index + 1 - length, end_index + 1, regions
            else:
                yield originals(end_index - length + 1), originals(end_index) + 1, regions

    # ------------------------------------------------------------------ resolving
    def _valid_on(self, number: int, day: dt.date | None) -> bool:
        entity = self.entities[number]
        if day is None:
            return True
        return (entity.valid_from is None or entity.valid_from <= day) and (
            entity.valid_to is None or day <= entity.valid_to)

    def _prefer_valid(self, candidates: Sequence[int], published_at: dt.datetime | None) -> Sequence[int]:
        """Drop a candidate that was not valid on the publication day when a body of its own lineage
        (predecessor or successor) among the candidates was; unrelated bodies are never dropped by date."""
        if published_at is None or len(candidates) < 2:
            return candidates
        day = published_at.date()
        key = (tuple(candidates), day)
        kept = self._valid_cache.get(key)
        if kept is None:
            if len(self._valid_cache) > 50_000:
                self._valid_cache.clear()
            kept = self._valid_cache[key] = tuple(self._prefer_valid_on(candidates, day))
        return kept

    def _prefer_valid_on(self, candidates: Sequence[int], day: dt.date) -> Sequence[int]:
        kept = []
        for number in candidates:
            if not self._valid_on(number, day) and any(
                    other != number and self._valid_on(other, day) and self._same_lineage(number, other)
                    for other in candidates):
                continue
            kept.append(number)
        return kept or candidates

    def _narrowed(self, candidates: Sequence[int], by: Literal["region", "province of", "level"],
                  value: str | None) -> tuple[int, ...]:
        """The candidates of ``value``'s region, of the province ``value`` lies in (provincial bodies), or of level
        ``value``: a pure function of the dictionary, memoised (context resolution narrows the same candidate
        lists, dozens of bodies for a bare "Diskominfo", over and over)."""
        key = (by, tuple(candidates), value)
        kept = self._narrowed_cache.get(key)
        if kept is None:
            if len(self._narrowed_cache) > 50_000:
                self._narrowed_cache.clear()
            entities = self.entities
            if by == "region":
                kept = tuple(number for number in key[1] if _same_region(entities[number].region, value))
            elif by == "province of":
                province = province_of(value)
                kept = tuple(number for number in key[1] if entities[number].level == "provinsi"
                             and _same_region(entities[number].region, province))
            else:
                kept = tuple(number for number in key[1] if entities[number].level == value)
            self._narrowed_cache[key] = kept
        return kept

    def _same_lineage(self, a: int, b: int) -> bool:
        return self.lineage_root(self.entities[a].id) == self.lineage_root(self.entities[b].id)

    def lineage_root(self, entity_id: str) -> str:
        """The first predecessor of ``entity_id`` (itself when it has none): one id per renamed body."""
        predecessors = self._predecessors
        seen = {entity_id}
        while entity_id in predecessors and predecessors[entity_id] not in seen:
            entity_id = predecessors[entity_id]
            seen.add(entity_id)
        return entity_id

    def _resolve_context(self, found: list[_Found], fields: list[tuple[MentionField, str]],
                         region_evidence: Callable[[], list[Region]], published_at: dt.datetime | None,
                         source: SourceConfig | None) -> None:
        texts = dict(fields)
        order = {name: number for number, name in enumerate(_FIELD_ORDER)}
        named = [item for item in found if item.entity is not None and item.field in ("title", "text")
                 and item.zone in _NAMED_ZONES]
        named_ids = [item.entity for item in named]
        evidence: list[list[str]] = []  # the regions the story names, read when _from_regions first needs them
        # Bare forms that named another region's body ("Diskominfo Makassar"): they contradict the home region.
        foreign: list[_Found] = []
        # The story's place, read only when a bare form gets as far as _from_regions.
        place: list[tuple[Region | None, str | None, str | None]] = []

        for index, item in enumerate(found):
            if item.entity is not None:
                continue
            text = texts[item.field]
            candidates = self._prefer_valid(item.candidates, published_at)
            end = item.end  # the patterns below match at the end of the form (none looks behind it)
            partner: int | None | bool = False  # not looked for yet
            if _generic_before(text, item.start) or _GENERIC_AFTER.match(text, end):
                # A pair such as "Pemprov-DPRD Kaltim" is not generic: the partner's region decides.
                partner = self._pair_partner(item, found, index, text)
                if partner is None:
                    continue
            if item.sector:
                # "Polsek Sungai Pinang", "Kapolsek Balikpapan Selatan": another sector's station.
                word = _CAPITAL_WORD.match(text, end)
                if word and word.group(1).lower() not in _RANKS:
                    foreign.append(item)
                    continue
            if partner is False:
                partner = self._pair_partner(item, found, index, text)
            if partner is not None:
                region = self.entities[partner].region
                same = self._narrowed(candidates, "region", region)
                if not same:  # "Pemprov dan Pemkot Balikpapan": the province the partner lies in
                    same = self._narrowed(candidates, "province of", region)
                if len(same) == 1:
                    item.entity, item.resolution = same[0], "name"
                    continue
            level = _LEVEL_WORD_AFTER.match(text, end)
            if level:  # "BPBD kota", "DPRD provinsi": the level narrows the candidates
                wanted = level.group(1).lower().rstrip(".")
                wanted = {"prov": "provinsi", "kab": "kabupaten"}.get(wanted, wanted)
                candidates = self._narrowed(candidates, "level", wanted)
            following = self._region_after(text, end)
            if following is not None:
                same = self._narrowed(candidates, "region", following)
                if len(same) == 1:
                    item.entity, item.resolution = same[0], "name"
                else:
                    foreign.append(item)  # another region's body, not in the dictionary
                continue
            if _LEVEL_AFTER.match(text, end):
                foreign.append(item)  # "Dinas Kesehatan Kabupaten Sleman": a region the gazetteer lacks
                continue
            nationals = self._narrowed(candidates, "level", "nasional")
            if _NATIONAL_AFTER.match(text, end):
                # "Kominfo RI", "Kominfo pusat": the central body, never a regional one.
                if nationals:
                    item.entity, item.resolution = nationals[0], "name"
                continue
            chosen = self._from_article(item, candidates, named, order)
            same_kind_foreign = [other for other in foreign if set(other.candidates) & set(candidates)]
            if chosen is not None and same_kind_foreign:
                # Whichever was named last before this bare form decides: "Dinkes Kaltim … Dinkes Samarinda …
                # Dinkes" is the city's dinas, which the dictionary does not know.
                position = (order[item.field], item.start)
                earlier_named = [(order[other.field], other.start) for other in named
                                 if other.entity == chosen and (order[other.field], other.start) < position]
                earlier_foreign = [(order[other.field], other.start) for other in same_kind_foreign
                                   if (order[other.field], other.start) < position]
                if earlier_foreign and (not earlier_named or max(earlier_foreign) > max(earlier_named)):
                    chosen = None
            if chosen is None and same_kind_foreign:
                continue
            if chosen is None and len({number for number in named_ids if number in candidates}) <= 1:
                if not place:
                    place.append(_story_place(source, texts.get("text", "")))
                dateline, scope, home_region = place[0]
                if not evidence:
                    evidence.append([region.name for region in region_evidence()] + [
                        self.entities[number].region for number in named_ids if self.entities[number].region])
                chosen = self._from_regions(candidates, nationals, evidence[0], dateline, scope, home_region)
            if chosen is not None:
                item.entity, item.resolution = chosen, "context"

    def _pair_partner(self, item: _Found, found: list[_Found], index: int, text: str) -> int | None:
        """The body of a named mention joined to ``item`` (``found[index]``) by "-", "/", "&" or "dan"
        ("Pemprov-DPRD Kaltim"). Only mentions after ``item`` can follow it: found is in field and text order."""
        for other in itertools.islice(found, index + 1, None):
            if other.field == item.field and other.entity is not None and other.start >= item.end:
                join = _PAIR_JOIN.fullmatch(text[item.end:other.start])
                if join and self.entities[other.entity].region and other.entity not in item.candidates:
                    return other.entity
                if other.start > item.end + 6:
                    break
        return None

    @staticmethod
    def _region_after(text: str, end: int) -> str | None:
        # "BPBD Berau", "BRIDA) Jawa Tengah" (inside "(BRIDA) Jawa Tengah"), "Daerah (BRIDA) Jawa Tengah".
        match = _REGION_AFTER.match(text, end)
        if not match:
            return None
        words = match.group(2).split()
        from crawler.regions import find_region

        for size in range(len(words), 0, -1):
            region = find_region(" ".join(words[:size]))
            if region is not None:
                return region.name
        return None

    def _from_article(self, item: _Found, candidates: list[int], named: list[_Found],
                      order: dict[str, int]) -> int | None:
        position = (order[item.field], item.start)
        wanted = set(candidates)
        of_candidates = [other for other in named if other.entity in wanted]
        if not of_candidates:
            return None
        preceding = [other for other in of_candidates if (order[other.field], other.start) < position]
        if preceding:
            return max(preceding, key=lambda other: (order[other.field], other.start)).entity
        # Named only later: the headline's or lead's bare form explained further on ("Pemprov Gelar …" then
        # "Pemprov Kaltim …"); a body named later only in the body is an example, not the subject.
        anywhere = {other.entity for other in of_candidates}
        if not any(other.zone in ("title", "lead") for other in of_candidates):
            return None
        if len(anywhere) == 1:
            return anywhere.pop()
        return None

    def _from_regions(self, candidates: list[int], nationals: list[int], evidence_regions: list[str],
                      dateline: Region | None, scope: str | None, home_region: str | None) -> int | None:
        """A bare form that the article does not name: only positive evidence of the story's place decides.

        The dateline first (its city's body, or the province's when the form is provincial by nature or the
        city is the provincial capital); with no dateline, the only candidate whose own region the article
        names; then, on a regional outlet, the home region's body when the story names places of the home
        province and none outside it. Never a body of a region the story is not about."""
        regional = [number for number in candidates if self.entities[number].level != "nasional"]
        named_regions = set(evidence_regions)
        # A region named in the article is evidence for the body of exactly that region (a city does not
        # stand for its province): compare canonical region names.
        named_keys = {_region_key(region) for region in named_regions}
        explicit = [number for number in regional if _region_key(self.entities[number].region) in named_keys]
        if nationals:
            national_source = scope is None or scope == "national"
            fits = [number for number in regional if dateline is not None and self._dateline_fits(number, dateline)]
            if national_source and not explicit and not fits and len(nationals) == 1:
                return nationals[0]
            return None
        if dateline is not None:
            fits = [number for number in regional if self._dateline_fits(number, dateline)]
            return fits[0] if len(fits) == 1 else None
        if len(explicit) == 1:
            return explicit[0]
        if explicit or scope != "regional" or not home_region:
            return None
        home_province = province_of(home_region) or home_region
        provinces = {province_of(region) or region for region in named_regions}
        if not provinces or provinces != {home_province}:
            return None  # the story names no place, or a place outside the home province
        home = [number for number in regional if _same_region(self.entities[number].region, home_region)]
        if not home:
            home = [number for number in regional if self.entities[number].level == "provinsi"
                    and _same_region(self.entities[number].region, home_province)]
        return home[0] if len(home) == 1 else None

    def _dateline_fits(self, number: int, dateline: Region) -> bool:
        """Whether a story datelined ``dateline`` is about body ``number``'s region."""
        entity = self.entities[number]
        if entity.level != "provinsi":
            return _same_region(entity.region, dateline.name)
        if dateline.level == "provinsi":
            return _same_region(entity.region, dateline.name)
        if not _same_region(entity.region, dateline.home_province):
            return False
        # "BALIKPAPAN – BPBD …" is the city's BPBD; "BALIKPAPAN – Polda …" and "SAMARINDA – BPBD …" (the
        # provincial capital, where provincial bodies sit) may be the province's.
        return entity.kind not in MULTILEVEL_KINDS or is_capital(dateline.name, entity.region)


# --------------------------------------------------------------------------------------------- helpers

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
        from crawler.regions import find_region

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
    from crawler.regions import find_region, strip_level

    found = find_region(region)
    return found.name if found is not None else strip_level(region)[1].casefold()


def _at_word_boundaries(text: str, start: int, end: int) -> bool:
    if start > 0:
        before = text[start - 1]
        if before.isalnum() and not (before.islower() and text[start].isupper()):
            return False
    if end < len(text):
        after = text[end]
        if after.isalnum():
            camel = text[end - 1].islower() and after.isupper()
            suffix = text[end:end + 3].lower() == "nya" and (end + 3 == len(text) or not text[end + 3].isalnum())
            if not (camel or suffix):
                return False
    return True


_FUNCTION_WORDS = frozenset({"dan", "dan/atau", "di", "ke", "dari", "untuk", "serta", "&", "atau", "pada"})


def _capitalised(surface: str) -> bool:
    """Whether every content word of ``surface`` starts with a capital (a name, not a common-noun phrase)."""
    return all(word[0].isupper() or not word[0].isalpha() for word in surface.split()
               if word.lower() not in _FUNCTION_WORDS)


def _in_identifier(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is part of a URL, address, domain, hashtag, handle or letter number."""
    if start > 0 and text[start - 1] in "#@._/\\" and (start == 1 or not text[start - 2].isspace()):
        if text[start - 1] != "/" or any(char.isdigit() for char in _token(text, start, end)):
            return True
    if end < len(text) and text[end] in "._@" and _DOMAIN_AFTER.match(text, end):
        return True
    token = _token(text, start, end)
    if len(token) == end - start:
        return False
    if _URLISH.search(token):
        return True
    return "/" in token and any(char.isdigit() for char in token)


def _token(text: str, start: int, end: int) -> str:
    left = start
    while left > 0 and not text[left - 1].isspace():
        left -= 1
    right = end
    while right < len(text) and not text[right].isspace():
        right += 1
    return text[left:right]


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


_OPEN_BRACKET = re.compile(r"\s*\(\s*")
_CLOSE_BRACKET = re.compile(r"\s*\)")


def _join_bracketed(found: list[_Found], texts: dict[str, str]) -> list[_Found]:
    """One mention for a name and its own short form in brackets right after it: "Pemerintah Provinsi
    Kalimantan Timur (Pemprov Kaltim)", "Kementerian Komunikasi dan Informatika (Kemenkominfo)" — like the
    derived "Full Name (ACRONYM)" forms. A bracketed form of another body stays a mention of its own."""
    joined: list[_Found] = []
    for item in found:
        previous = joined[-1] if joined else None
        if (previous is not None and previous.entity is not None and previous.field == item.field
                and previous.entity not in item.titled
                and (item.entity == previous.entity or (item.entity is None and previous.entity in item.candidates))):
            text = texts[item.field]
            opening = _OPEN_BRACKET.match(text, previous.end)
            closing = _CLOSE_BRACKET.match(text, item.end)
            if opening and opening.end() == item.start and closing and "(" in opening.group():
                previous.end = closing.end()
                continue
        joined.append(item)
    return joined


def _longest_first(hits: list[_Hit]) -> list[_Hit]:
    """Non-overlapping hits, longer ones first (ties: the earlier one); returned in text order.

    One sweep in text order cuts the hits into runs that overlap each other (most hits overlap nothing and
    are kept as they come); only inside a run do lengths decide. Hits of different runs never overlap, so
    this keeps exactly what taking all hits longest first would."""
    if len(hits) < 2:
        return hits
    hits.sort()  # (start, end) is unique per hit, so the sort never compares slots
    taken: list[_Hit] = []
    run = [hits[0]]
    reach = hits[0][1]
    for hit in hits[1:]:
        if hit[0] < reach:
            run.append(hit)
            if hit[1] > reach:
                reach = hit[1]
            continue
        _take_longest(run, taken)
        run = [hit]
        reach = hit[1]
    _take_longest(run, taken)
    return taken


def _take_longest(run: list[_Hit], taken: list[_Hit]) -> None:
    """Append to ``taken`` the hits of one run of overlapping hits that win longest first, in text order."""
    if len(run) == 1:
        taken.append(run[0])
        return
    if len(run) == 2:
        # The second starts inside the first: the longer wins, the earlier one on a tie.
        first, second = run
        taken.append(first if first[1] - first[0] >= second[1] - second[0] else second)
        return
    kept: list[_Hit] = []
    for _negative_length, start, end, slot in sorted([(hit[0] - hit[1], hit[0], hit[1], hit[2]) for hit in run]):
        for other in kept:
            if start < other[1] and other[0] < end:
                break
        else:
            kept.append((start, end, slot))
    kept.sort()
    taken.extend(kept)


def _snippet(text: str, start: int, end: int) -> str:
    left = max(0, start - SNIPPET_CHARS)
    right = min(len(text), end + SNIPPET_CHARS)
    snippet = " ".join(text[left:right].split())
    return ("…" if left else "") + snippet + ("…" if right < len(text) else "")


_OTHER_ASCII_SPACES = ("\t", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f")


def _plain_spaces(text: str) -> bool:
    """Whether the only whitespace in ``text`` is spaces and newlines (then :func:`_plain_snippet` applies)."""
    return text.isascii() and not any(space in text for space in _OTHER_ASCII_SPACES)


def _plain_snippet(text: str, start: int, end: int) -> str:
    """:func:`_snippet` of a text whose only whitespace is spaces and newlines: with the newlines made spaces, a
    window without two spaces in a row is its own words joined by one space, less the spaces at its ends."""
    left = max(0, start - SNIPPET_CHARS)
    right = min(len(text), end + SNIPPET_CHARS)
    window = text[left:right].replace("\n", " ")
    snippet = window.strip(" ") if "  " not in window else " ".join(window.split())
    return ("…" if left else "") + snippet + ("…" if right < len(text) else "")


def paragraph_zones(text: str) -> list[tuple[int, int, MentionZone]]:
    """``(start, end, zone)`` of the parts of an article's text, as the matcher zones them (lead, body, related,
    tag, caption, byline; quotes are not split out). Tone scoring reads only the story's own parts."""
    return _ZoneMap("text", text).spans


class _ZoneMap:
    """Which zone each offset of one field's text lies in."""

    def __init__(self, name: MentionField, text: str) -> None:
        self.fixed: MentionZone | None = _FIELD_ZONE.get(name)
        self.spans: list[tuple[int, int, MentionZone]] = []
        self.quotes: list[tuple[int, int]] = []
        self._starts: list[int] | None = None  # span starts, for bisecting (spans are in text order)
        self._quote_starts: list[int] | None = None
        if self.fixed is not None:
            return
        self.quotes = quote_spans(text)
        position = 0
        lead_seen = False
        for paragraph in text.split("\n"):
            start, end = position, position + len(paragraph)
            position = end + 1
            if not paragraph.strip():
                continue
            zone: MentionZone
            hinted = _LINE_KIND_HINT.match(paragraph) is not None
            bracketed = "(" in paragraph  # both credit patterns need one
            if hinted and _RELATED_LINE.match(paragraph):
                zone = "related"
            elif hinted and _TAG_LINE.match(paragraph):
                zone = "tag"
            elif (hinted and _CAPTION_LINE.match(paragraph)) or (
                    bracketed and len(paragraph) <= _CAPTION_MAX_CHARS and _CAPTION_CREDIT.search(paragraph)):
                zone = "caption"
            elif hinted and _BYLINE_LINE.match(paragraph):
                zone = "byline"
            elif not lead_seen:
                zone, lead_seen = "lead", True
            else:
                zone = "body"
            credit = _TRAILING_CREDIT.search(paragraph) if bracketed and zone in ("lead", "body") else None
            if credit:
                self.spans.append((start, start + credit.start(), zone))
                self.spans.append((start + credit.start(), end, "byline"))
            else:
                self.spans.append((start, end, zone))

    def zone(self, offset: int) -> MentionZone:
        if self.fixed is not None:
            return self.fixed
        if self._starts is None:
            self._starts = [start for start, _end, _zone in self.spans]
        index = bisect.bisect_right(self._starts, offset) - 1
        if index >= 0:
            start, end, zone = self.spans[index]
            if offset < end:
                if zone in ("lead", "body") and self.quotes:
                    # quote_spans are regex matches: in order and never overlapping.
                    if self._quote_starts is None:
                        self._quote_starts = [q_start for q_start, _q_end in self.quotes]
                    quote = bisect.bisect_right(self._quote_starts, offset) - 1
                    if quote >= 0 and offset < self.quotes[quote][1]:
                        return "quote"
                return zone
        return "body"
