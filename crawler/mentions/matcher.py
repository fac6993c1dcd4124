"""The matcher: :class:`Matcher` builds the dictionary's automata once and :meth:`Matcher.find` runs one
article through the steps of :mod:`crawler.mentions`, field by field, into :class:`~crawler.article.Mention`
records."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import fields as dataclass_fields
from itertools import repeat

from crawler.article import Article, Mention, MentionField
from crawler.config import EntityConfig, SourceConfig
from crawler.mentions.context import ContextResolver, _not_the_body, _secretariat_unit_before
from crawler.mentions.dictionary import _BLOCKER, build_automata, secretariats
from crawler.mentions.normalising import _offset_map, normalise
from crawler.mentions.places import Scanned, region_evidence
from crawler.mentions.scanning import _Found, _join_bracketed, _longest_first, scan
from crawler.mentions.snippets import snippet_maker
from crawler.mentions.zones import _FIELD_ZONE, _ZoneMap
from crawler.variants import derive_variants

_new_mention = object.__new__
_set_attribute = object.__setattr__
if tuple(field.name for field in dataclass_fields(Mention)) != (
        "entity_id", "surface", "start", "end", "field", "zone", "resolution", "snippet"):
    raise RuntimeError("crawler.article.Mention's fields changed: update Matcher.find, which fills them")


class Matcher:
    """Finds mentions of ``entities`` in articles. Build once per worker; :meth:`find` is pure."""

    def __init__(self, entities: Sequence[EntityConfig]) -> None:
        self.entities: list[EntityConfig] = list(entities)
        self.index: dict[str, int] = {entity.id: number for number, entity in enumerate(self.entities)}
        self._automaton, self._region_automaton, self._keys = build_automata(self.entities)
        self._secretariat_of = secretariats(self.entities)
        self._ids = [entity.id for entity in self.entities]
        self._councils = frozenset(number for number, entity in enumerate(self.entities) if entity.kind == "dprd")
        self._context = ContextResolver(self.entities)

    def __reduce__(self):
        return (Matcher, (self.entities,))

    def lineage_root(self, entity_id: str) -> str:
        """The first predecessor of ``entity_id`` (itself when it has none): one id per renamed body."""
        return self._context.lineage_root(entity_id)

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
        scanned: list[Scanned] = []
        # Per field, the ends of the words that _not_the_body looks for: only a form with one of them in the 40
        # characters before it is checked (most texts have none at all).
        not_body_ends: dict[str, list[int]] = {}
        published_at = article.published_at
        for name, text in fields:
            if not text:
                continue
            normal, mapping = normalise(text)
            originals = _offset_map(mapping)
            hits, word_ends = scan(self._automaton, text, normal, originals)
            zones = None
            if hits:
                kept = _longest_first(hits)
                fixed = _FIELD_ZONE.get(name)  # one zone for the whole field (all but the text)
                if fixed is None:
                    zones = _ZoneMap(name, text)
                    zones_of_hits: Iterable[str] = zones.zones_at([hit[0] for hit in kept])
                else:
                    zones_of_hits = repeat(fixed)
                for (start, end, slot), zone in zip(kept, zones_of_hits):
                    if slot.blocker_only:
                        continue
                    item = _Found(name, start, end, zone, slot, slot.only, slot.only_resolution)
                    named = slot.named
                    if named is not None and slot.only is None:
                        # Every candidate is named by this form (not a bare form of another body): ties go by
                        # validity.
                        choices = self._context.prefer_valid(named, published_at)
                        if len(choices) == 1:
                            item.entity = choices[0]
                            item.resolution = slot.resolution_of[choices[0]]
                    found.append(item)
                if word_ends:
                    not_body_ends[name] = word_ends
            if name == "title" or name == "text":
                scanned.append((name, text, normal, originals, zones))
        if not found:
            return []
        found = _join_bracketed(found, texts)
        if not_body_ends:
            kept = []
            field_of_ends, ends, next_end = None, [], 0
            for item in found:
                if item.field != field_of_ends:
                    field_of_ends, ends, next_end = item.field, not_body_ends.get(item.field, []), 0
                if ends:
                    # Items of a field come in text order: walk its word ends along with them.
                    start = item.start
                    while next_end < len(ends) and ends[next_end] <= start:
                        next_end += 1
                    if next_end and ends[next_end - 1] > start - 40 and _not_the_body(texts[item.field], start):
                        continue
                kept.append(item)
            found = kept
        councils = self._councils
        dropped = False
        for item in found:
            if item.entity in councils and _secretariat_unit_before(texts[item.field], item.start):
                item.entity = self._secretariat_of.get(item.entity, _BLOCKER)  # no secretariat known: dropped
                dropped = dropped or item.entity == _BLOCKER
        if dropped:
            found = [item for item in found if item.entity != _BLOCKER]
        if any(item.entity is None for item in found):
            self._context.resolve(found, texts, lambda: region_evidence(self._region_automaton, scanned),
                                  published_at, source)
        ids = self._ids
        mentions = []
        field: str | None = None
        for item in found:
            if item.entity is None:
                continue
            if item.field != field:  # found is in field order: one text and snippet maker per field
                field = item.field
                text = texts[field]
                snippet_of = snippet_maker(text)
            start, end = item.start, item.end
            mention = _new_mention(Mention)
            # A frozen dataclass's __init__ sets each field through object.__setattr__; giving the instance its
            # dict at once makes the same object (Mention has no __post_init__) in a third of the time.
            _set_attribute(mention, "__dict__", {
                "entity_id": ids[item.entity], "surface": text[start:end], "start": start, "end": end,
                "field": item.field, "zone": item.zone, "resolution": item.resolution,
                "snippet": snippet_of(start, end)})
            mentions.append(mention)
        return mentions

    @staticmethod
    def _fields(article: Article) -> list[tuple[MentionField, str]]:
        return [("title", article.title or ""), ("text", article.text or ""),
                ("caption", "\n".join(article.captions)), ("tags", "\n".join(article.tags)),
                ("related", "\n".join(article.related)), ("byline", article.byline or "")]
