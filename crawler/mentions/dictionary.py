"""The matcher's dictionary: every surface form of every body (:func:`crawler.variants.derive_variants`), the
blockers (longer names of other bodies, such as "Sekretariat DPRD …", that win the longest match and vanish) and
the gazetteer's region words, keyed on :func:`~crawler.mentions.normalising.normalise`'s form in two
Aho-Corasick automata (pyahocorasick). Each key's value is what a hit of it needs, precomputed here
(:class:`_Slot`), so that the scan reads a tuple per hit and never walks the targets."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import ahocorasick

from crawler.config import EntityConfig
from crawler.mentions.normalising import surface_key
from crawler.regions import Region, gazetteer_forms, same_region
from crawler.variants import derive_variants

_BLOCKER = -1
# The words before a form that make it a former member, a candidate or an association
# (crawler.mentions.context._not_the_body): the automaton marks texts that hold one.
_NOT_BODY_WORDS = frozenset({"mantan", "eks", "bekas", "purnabakti", "calon", "caleg", "bacaleg", "asosiasi",
                             "forum", "ikatan", "persatuan", "himpunan", "paguyuban", "perkumpulan"})


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
    # When the form names exactly one body: that body and its resolution (else None, "name").
    only: int | None = None
    only_resolution: str = "name"
    # The key holds no "/", "." or "@" and does not end in "www": with only a bracket before it and a bracket or
    # punctuation mark after it ("(Diskominfo)", "DPRD Kaltim."), no identifier can hold the form
    # (crawler.mentions.scanning._beside_punctuation).
    plain: bool = False


def _plain_key(key: str) -> bool:
    return "/" not in key and "." not in key and "@" not in key and not key.endswith("www")


def _slot_of(key: _Key, surface_key: str) -> _Slot:
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
    only = named_entities[0] if fully_named and len(named_entities) == 1 else None
    return _Slot(key.length, bool(key.targets), key.needs_capital, key.bare_only, tuple(key.regions), key.sector,
                 bool(key.targets) and not real, tuple(entities), titled,
                 tuple(named_entities) if fully_named else None, resolution_of,
                 only, resolution_of[only] if only is not None else "name", _plain_key(surface_key))


# A hit: (start, end, slot), offsets in the field's original text.
_Hit = tuple[int, int, _Slot]


def build_automata(entities: Sequence[EntityConfig]) -> tuple[ahocorasick.Automaton, ahocorasick.Automaton,
                                                             list[_Key]]:
    """The automaton of forms of bodies (and blockers), the automaton of region words, and every key's record."""
    by_key: dict[str, _Key] = {}
    keys: list[_Key] = []

    def add(surface: str) -> _Key:
        key = surface_key(surface)
        if key not in by_key:
            by_key[key] = _Key(length=len(key), single_token=" " not in key)
        return by_key[key]

    for number, entity in enumerate(entities):
        for variant in derive_variants(entity):
            target = _Target(number, variant.resolution, variant.bare, variant.sector)
            slot = add(variant.surface)
            if target not in slot.targets:
                slot.targets.append(target)
    for surface in _blockers(entities):
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
        keys.append(slot)
        compiled = _slot_of(slot, key)
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
            # The names too, so that a region word whose regions are all accepted as evidence already is skipped
            # by one subset test.
            regions.add_word(key, (slot.length, compiled.regions,
                                   frozenset(region.name for region, _form in compiled.regions)))
    # _not_the_body needs one of its words before a form, and most texts have none at all: the scan says
    # whether a text holds one anywhere (a hit of a key 3 or more), so that no form of it is checked else.
    for word in _NOT_BODY_WORDS:
        if word not in by_key:
            automaton.add_word(word, (len(word), 3, None))
    automaton.make_automaton()
    if len(regions):
        regions.make_automaton()
    return automaton, regions, keys


def _blockers(entities: Sequence[EntityConfig]) -> Iterable[str]:
    """Longer names of other bodies that contain a dictionary form: they win the longest match, then vanish."""
    regions = {entity.region for entity in entities if entity.region}
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


def secretariats(entities: Sequence[EntityConfig]) -> dict[int, int]:
    """DPRD -> its secretariat (same region and level, a sekretariat whose name holds the DPRD's)."""
    from crawler.variants import canonical_base

    result: dict[int, int] = {}
    for number, entity in enumerate(entities):
        if entity.kind != "sekretariat" or "Dewan Perwakilan Rakyat Daerah" not in canonical_base(entity.name):
            continue
        for council, other in enumerate(entities):
            if other.kind == "dprd" and other.level == entity.level and same_region(other.region, entity.region):
                result.setdefault(council, number)
    return result
