"""Resolving bare and shared forms by context (step 4 of :mod:`crawler.mentions`): a hyphenated pair's partner,
a region, level or "RI"/"pusat" written after the form, the body of those candidates the article named most
recently before it (or only, in the title or lead), and failing those only positive evidence of the story's place
(:mod:`crawler.mentions.places`). Plural, generic, former-member and association uses are recognised here
(:func:`_generic_before`, :func:`_not_the_body`) and dropped, not guessed. :class:`ContextResolver` holds the
dictionary's lineages and the memos of its pure look-ups."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
from collections.abc import Callable, Sequence, Set as AbstractSet
from dataclasses import dataclass
from typing import Literal

from crawler.article import MentionField
from crawler.config import EntityConfig, SourceConfig
from crawler.mentions.dictionary import _NOT_BODY_WORDS
from crawler.mentions.places import _region_key, _same_region, _story_place, dateline_fits
from crawler.mentions.scanning import _Found
from crawler.mentions.zones import _NAMED_ZONES
from crawler.regions import LEVEL_WORDS, Region, find_region, province_of

_FIELD_ORDER: tuple[MentionField, ...] = ("title", "text", "caption", "tags", "related", "byline")
_FIELD_NUMBER = {name: number for number, name in enumerate(_FIELD_ORDER)}

# After a bare form: generic or plural uses that name no single body.
# (The lookahead holds every alternative's first two characters: "menggelar", the common case, fails at once.)
_GENERIC_AFTER = re.compile(r"\s*(?=se|/|ka|ko|pr|da|la|di|te|ma)"
                            r"(?:se-|se\s|/|kabupaten\s*/\s*kota|kab\s*/\s*kota|kota\s*/\s*kabupaten|"
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


def _generic_before(backwards: str, start: int) -> bool:
    """Whether a plural or generic word ends the 40 characters before ``start`` ("para Kapolres") in the text that
    ``backwards`` reverses (reversed once per field: its window at ``start`` is the reversed window)."""
    size = len(backwards)
    return _GENERIC_BEFORE_REVERSED.match(backwards, size - start, size - max(0, start - 40)) is not None


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


def _secretariat_unit_before(text: str, start: int) -> bool:
    """Whether a unit of a DPRD's secretariat ends the 60 characters before ``start``."""
    window = text[max(0, start - 60):start]
    if "bag" not in window and "Bag" not in window:
        return False  # every unit's name holds one, and the pattern is case-sensitive
    return _SECRETARIAT_UNIT_BEFORE.search(text, max(0, start - 60), start) is not None


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
# What every pattern that reads the text after a bare form needs there: a closing bracket first
# (_REGION_AFTER), or after any whitespace an opening bracket, a capital (_REGION_AFTER, _LEVEL_AFTER,
# _NATIONAL_AFTER's "RI", _CAPITAL_WORD), "-", "/" or "&" (_PAIR_JOIN, _GENERIC_AFTER), or the first two letters of
# a lowercase alternative (_GENERIC_AFTER's lookahead, _PAIR_JOIN's "dan", _LEVEL_WORD_AFTER's "kota", "kab",
# "prov", _NATIONAL_AFTER's "pusat"), in any case as those patterns match them. Most bare forms are followed by a
# verb or a comma ("Pemprov berharap", "Diskominfo, …"): one match tells that none of the seven can match there.
_ANYTHING_AFTER = re.compile(r"\)|\s*(?:[-/&(A-Z]|(?i:se|ka|ko|pr|da|la|di|te|ma|pu))")


class ContextResolver:
    """Context resolution over one dictionary (``entities``, as :class:`~crawler.mentions.Matcher` numbers them)."""

    def __init__(self, entities: Sequence[EntityConfig]) -> None:
        self.entities = entities
        self._predecessors = {entity.successor: entity.id for entity in entities if entity.successor}
        # (candidates, day) -> the candidates kept by prefer_valid: a pure function of the dictionary.
        self._valid_cache: dict[tuple[tuple[int, ...], dt.date], tuple[int, ...]] = {}
        self._narrowed_cache: dict[tuple[str, tuple[int, ...], str | None], tuple[int, ...]] = {}
        self._regional_cache: dict[tuple[int, ...], tuple[int, ...]] = {}
        self._wanted_cache: dict[tuple[int, ...], tuple[frozenset[int], tuple[int, ...]]] = {}
        self._fits_cache: dict[tuple[tuple[int, ...], Region], tuple[int, ...]] = {}
        # Bodies that share their lineage with another (a renamed body and its successor): only candidates among
        # which two of them are can ever be narrowed by date.
        self._national = frozenset(number for number, entity in enumerate(entities) if entity.level == "nasional")
        self._region_keys = [_region_key(entity.region) for entity in entities]
        roots = [self.lineage_root(entity.id) for entity in entities]
        self._lineaged = frozenset(number for number, root in enumerate(roots) if roots.count(root) > 1)

    def _valid_on(self, number: int, day: dt.date | None) -> bool:
        entity = self.entities[number]
        if day is None:
            return True
        return (entity.valid_from is None or entity.valid_from <= day) and (
            entity.valid_to is None or day <= entity.valid_to)

    def prefer_valid(self, candidates: Sequence[int], published_at: dt.datetime | None) -> Sequence[int]:
        """Drop a candidate that was not valid on the publication day when a body of its own lineage
        (predecessor or successor) among the candidates was; unrelated bodies are never dropped by date."""
        if published_at is None or len(candidates) < 2 or self._lineaged.isdisjoint(candidates):
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

    def narrowed(self, candidates: Sequence[int], by: Literal["region", "province of", "level"],
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

    def _wanted_and_nationals(self, candidates: Sequence[int]) -> tuple[frozenset[int], tuple[int, ...]]:
        """``candidates`` as a set, and those of them that are national bodies (:meth:`narrowed` by level
        "nasional"): what every bare form that reaches the article's named bodies needs, memoised per candidate
        list (the same bare forms come back in every article)."""
        key = tuple(candidates)
        known = self._wanted_cache.get(key)
        if known is None:
            if len(self._wanted_cache) > 50_000:
                self._wanted_cache.clear()
            known = self._wanted_cache[key] = (frozenset(key), self.narrowed(key, "level", "nasional"))
        return known

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

    def resolve(self, found: list[_Found], texts: dict[MentionField, str],
                region_evidence: Callable[[], list[Region]], published_at: dt.datetime | None,
                source: SourceConfig | None) -> None:
        """Set ``entity`` and ``resolution`` of the forms in ``found`` that await context, where it decides.
        ``texts`` are the article's fields by name."""
        order = _FIELD_NUMBER
        named = [item for item in found if item.entity is not None and item.field in ("title", "text")
                 and item.zone in _NAMED_ZONES]
        named_ids = [item.entity for item in named]
        named_at = [((order[item.field], item.start), item.entity, item.zone) for item in named]
        named_positions = [at for at, _entity, _zone in named_at]  # ascending: found is in field and text order
        # The regions the story names, read when _from_regions first needs them (a story with a dateline
        # seldom does: the dateline decides first).
        evidence: list[_Evidence] = []

        def story_evidence() -> _Evidence:
            if not evidence:
                evidence.append(_Evidence.of([region.name for region in region_evidence()] + [
                    self.entities[number].region for number in named_ids if self.entities[number].region]))
            return evidence[0]

        # Bare forms that named another region's body ("Diskominfo Makassar"): they contradict the home region.
        foreign: list[_Found] = []
        # The story's place, read only when a bare form gets as far as _from_regions.
        place: list[tuple[Region | None, str | None, str | None]] = []
        reversed_texts: dict[str, str] = {}

        for index, item in enumerate(found):
            if item.entity is not None:
                continue
            text = texts[item.field]
            candidates = self.prefer_valid(item.slot.candidates, published_at)
            end = item.end  # the patterns below match at the end of the form (none looks behind it)
            partner: int | None | bool = False  # not looked for yet
            backwards = reversed_texts.get(item.field)
            if backwards is None:
                backwards = reversed_texts[item.field] = text[::-1]
            # Whether any pattern after the form can match (else the form's own context decides: the article's
            # named bodies, then the story's place).
            anything_after = _ANYTHING_AFTER.match(text, end) is not None
            if _generic_before(backwards, item.start) or (anything_after and _GENERIC_AFTER.match(text, end)):
                # A pair such as "Pemprov-DPRD Kaltim" is not generic: the partner's region decides.
                partner = self._pair_partner(item, found, index, text) if anything_after else None
                if partner is None:
                    continue
            if anything_after:
                if item.slot.sector:
                    # "Polsek Sungai Pinang", "Kapolsek Balikpapan Selatan": another sector's station.
                    word = _CAPITAL_WORD.match(text, end)
                    if word and word.group(1).lower() not in _RANKS:
                        foreign.append(item)
                        continue
                if partner is False:
                    partner = self._pair_partner(item, found, index, text)
                if partner is not None:
                    region = self.entities[partner].region
                    same = self.narrowed(candidates, "region", region)
                    if not same:  # "Pemprov dan Pemkot Balikpapan": the province the partner lies in
                        same = self.narrowed(candidates, "province of", region)
                    if len(same) == 1:
                        item.entity, item.resolution = same[0], "name"
                        continue
                level = _LEVEL_WORD_AFTER.match(text, end)
                if level:  # "BPBD kota", "DPRD provinsi": the level narrows the candidates
                    level_name = level.group(1).lower().rstrip(".")
                    level_name = {"prov": "provinsi", "kab": "kabupaten"}.get(level_name, level_name)
                    candidates = self.narrowed(candidates, "level", level_name)
                following = self._region_after(text, end)
                if following is not None:
                    same = self.narrowed(candidates, "region", following)
                    if len(same) == 1:
                        item.entity, item.resolution = same[0], "name"
                    else:
                        foreign.append(item)  # another region's body, not in the dictionary
                    continue
                if _LEVEL_AFTER.match(text, end):
                    foreign.append(item)  # "Dinas Kesehatan Kabupaten Sleman": a region the gazetteer lacks
                    continue
            wanted, nationals = self._wanted_and_nationals(candidates)
            if anything_after and _NATIONAL_AFTER.match(text, end):
                # "Kominfo RI", "Kominfo pusat": the central body, never a regional one.
                if nationals:
                    item.entity, item.resolution = nationals[0], "name"
                continue
            chosen = self._from_article((order[item.field], item.start), wanted, named_at, named_positions)
            same_kind_foreign = [other for other in foreign if not wanted.isdisjoint(other.slot.candidates)]
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
            if chosen is None and len({number for number in named_ids if number in wanted}) <= 1:
                if not place:
                    place.append(_story_place(source, texts.get("text", "")))
                dateline, scope, home_region = place[0]
                chosen = self._from_regions(candidates, nationals, story_evidence, dateline, scope, home_region)
            if chosen is not None:
                item.entity, item.resolution = chosen, "context"

    def _pair_partner(self, item: _Found, found: list[_Found], index: int, text: str) -> int | None:
        """The body of a named mention joined to ``item`` (``found[index]``) by "-", "/", "&" or "dan"
        ("Pemprov-DPRD Kaltim"). Only mentions after ``item`` can follow it: found is in field and text order."""
        if _PAIR_JOIN.match(text, item.end) is None:
            return None  # no join starts after it, so none spans the gap to a partner
        for other in itertools.islice(found, index + 1, None):
            if other.field == item.field and other.entity is not None and other.start >= item.end:
                join = _PAIR_JOIN.fullmatch(text[item.end:other.start])
                if join and self.entities[other.entity].region and other.entity not in item.slot.candidates:
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
        for size in range(len(words), 0, -1):
            region = find_region(" ".join(words[:size]))
            if region is not None:
                return region.name
        return None

    @staticmethod
    def _from_article(position: tuple[int, int], wanted: AbstractSet[int],
                      named_at: list[tuple[tuple[int, int], int, str]], named_positions: list[tuple[int, int]]
                      ) -> int | None:
        """The body of the candidates ``wanted`` that the article named last before ``position``, or else the only
        one it names after it when one of those names is in the title or lead. ``named_at`` is
        ``((field order, start), entity, zone)`` of the named mentions, in that order; ``named_positions`` their
        positions."""
        cut = bisect.bisect_left(named_positions, position)  # named_at[:cut] stand before position
        for index in range(cut - 1, -1, -1):  # the last one before it first
            entity = named_at[index][1]
            if entity in wanted:
                return entity
        later: set[int] = set()
        later_in_title_or_lead = False
        for _at, entity, zone in itertools.islice(named_at, cut, None):
            if entity in wanted:
                later.add(entity)
                later_in_title_or_lead = later_in_title_or_lead or zone in ("title", "lead")
        # Named only later: the headline's or lead's bare form explained further on ("Pemprov Gelar …" then
        # "Pemprov Kaltim …"); a body named later only in the body is an example, not the subject.
        if not later_in_title_or_lead or len(later) != 1:
            return None
        return later.pop()

    def _from_regions(self, candidates: Sequence[int], nationals: Sequence[int], evidence: Callable[[], _Evidence],
                      dateline: Region | None, scope: str | None, home_region: str | None) -> int | None:
        """A bare form that the article does not name: only positive evidence of the story's place decides.

        The dateline first (its city's body, or the province's when the form is provincial by nature or the
        city is the provincial capital); with no dateline, the only candidate whose own region the article
        names; then, on a regional outlet, the home region's body when the story names places of the home
        province and none outside it. Never a body of a region the story is not about. ``evidence`` gives the
        regions the story names; it is called only where they decide (a story's region words are scanned for
        on the first call)."""
        regional = self._regional(candidates)
        if nationals:
            national_source = scope is None or scope == "national"
            fits = self._fitting(candidates, dateline) if dateline is not None else ()
            if national_source and not fits and len(nationals) == 1 and not self._explicit(regional, evidence()):
                return nationals[0]
            return None
        if dateline is not None:
            fits = self._fitting(candidates, dateline)
            return fits[0] if len(fits) == 1 else None
        story = evidence()
        explicit = self._explicit(regional, story)
        if len(explicit) == 1:
            return explicit[0]
        if explicit or scope != "regional" or not home_region:
            return None
        home_province = province_of(home_region) or home_region
        provinces = story.provinces
        if not provinces or provinces != {home_province}:
            return None  # the story names no place, or a place outside the home province
        home = [number for number in regional if _same_region(self.entities[number].region, home_region)]
        if not home:
            home = [number for number in regional if self.entities[number].level == "provinsi"
                    and _same_region(self.entities[number].region, home_province)]
        return home[0] if len(home) == 1 else None

    def _explicit(self, regional: Sequence[int], story: _Evidence) -> list[int]:
        """The candidates whose own region the story names. A region named in the article is evidence for the body
        of exactly that region (a city does not stand for its province): canonical region names are compared."""
        region_keys, named_keys = self._region_keys, story.keys
        return [number for number in regional if region_keys[number] in named_keys]

    def _regional(self, candidates: Sequence[int]) -> tuple[int, ...]:
        """The candidates that are not national bodies, in order: memoised per candidate list, as narrowed."""
        key = tuple(candidates)
        kept = self._regional_cache.get(key)
        if kept is None:
            if len(self._regional_cache) > 50_000:
                self._regional_cache.clear()
            national = self._national
            kept = self._regional_cache[key] = tuple(number for number in key if number not in national)
        return kept

    def _fitting(self, candidates: Sequence[int], dateline: Region) -> tuple[int, ...]:
        """The regional candidates that a story datelined ``dateline`` fits (:func:`dateline_fits`), in order:
        a pure function of the dictionary, memoised (the same bare forms meet the same datelines)."""
        key = (tuple(candidates), dateline)
        kept = self._fits_cache.get(key)
        if kept is None:
            if len(self._fits_cache) > 50_000:
                self._fits_cache.clear()
            entities = self.entities
            kept = self._fits_cache[key] = tuple(number for number in self._regional(key[0])
                                                 if dateline_fits(entities[number], dateline))
        return kept


@dataclass(frozen=True, slots=True)
class _Evidence:
    """The regions a story names (region evidence and the regions of the bodies it names), as
    :meth:`ContextResolver._from_regions` compares them: read once per article, not once per bare form."""

    keys: frozenset[str | None]  # canonical region keys (_region_key)
    provinces: frozenset[str]  # the province of each (itself for a province or a region the gazetteer lacks)

    @classmethod
    def of(cls, regions: Sequence[str]) -> _Evidence:
        names = set(regions)
        return cls(frozenset(_region_key(region) for region in names),
                   frozenset(province_of(region) or region for region in names))
