"""Where a mention stands: the zone of each offset of a field (title; lead, body, quote, and related, tag,
caption and byline lines left in the text; the list fields' own zones). :func:`paragraph_zones` gives the
text's parts to tone scoring, which reads only the story's own ones."""

from __future__ import annotations

import bisect
import re

from crawler.article import MentionField, MentionZone
from crawler.quotes import quote_spans

# Zones analysts count by default.
COUNTED_ZONES: frozenset[str] = frozenset({"title", "lead", "body", "quote"})
_NAMED_ZONES = COUNTED_ZONES | {"caption"}  # where a named body counts as context for bare forms
_FIELD_ZONE: dict[str, MentionZone] = {"title": "title", "caption": "caption", "tags": "tag",
                                       "related": "related", "byline": "byline"}

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
_LINE_KIND_WORDS = ("baca", "berita", "artikel", "lihat", "simak", "tag", "topik", "kata", "label", "foto", "ilustrasi",
                    "caption", "keterangan", "sumber", "dok", "penulis", "editor", "reporter", "pewarta", "koresponden",
                    "redaktur", "penyunting", "adv", "pariwara")
_LINE_KIND_HINT = re.compile(r"\W*(?:%s)|\s*\(" % "|".join(_LINE_KIND_WORDS), re.IGNORECASE)
# A paragraph opening with an ASCII word character can match _LINE_KIND_HINT only by opening with one of its words,
# so only if its first two letters, lowercased, begin one (most paragraphs are told apart without the pattern).
_LINE_KIND_PREFIXES = frozenset(word[:2] for word in _LINE_KIND_WORDS)


def _may_be_line_kind(paragraph: str) -> bool:
    """False only where _LINE_KIND_HINT cannot match ``paragraph``."""
    first = paragraph[:2]
    if not first.isascii() or not (first[:1].isalnum() or first[:1] == "_"):
        return True
    return first.lower() in _LINE_KIND_PREFIXES


# _may_be_line_kind by a paragraph's first two characters, all it reads: one dictionary look-up per paragraph
# (a text has a dozen, opening with a few dozen different pairs between them).
_LINE_KIND_BY_OPENING: dict[str, bool] = {}
_BYLINE_LINE = re.compile(r"^\W*(penulis|editor|reporter|pewarta|koresponden|redaktur|penyunting|sumber)\s*:"
                          r"|^\s*\([^()\n]{0,100}\)\s*$|^\s*(adv|advertorial|pariwara)\b", re.IGNORECASE)
# A credit in parentheses with a slash at the end of a paragraph: "(Humas DPRD Kaltim/adv/ab)".
_TRAILING_CREDIT = re.compile(r"\((?:[^()\n]{0,80}/[^()\n]{0,80}|adv|ADV|advertorial)\)\s*\.?\s*$")


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
        spans = self.spans
        position = 0
        lead_seen = False
        by_opening = _LINE_KIND_BY_OPENING
        for paragraph in text.split("\n"):
            start = position
            end = position = start + len(paragraph)
            position += 1
            if not paragraph or paragraph.isspace():
                continue
            zone: MentionZone
            opening = paragraph[:2]
            possible = by_opening.get(opening)
            if possible is None:
                if len(by_opening) > 4096:
                    by_opening.clear()
                possible = by_opening[opening] = _may_be_line_kind(opening)
            hinted = possible and _LINE_KIND_HINT.match(paragraph) is not None
            bracketed = "(" in paragraph  # both credit patterns need one
            if not hinted and not bracketed:  # most paragraphs: none of the patterns below can match
                if lead_seen:
                    spans.append((start, end, "body"))
                else:
                    spans.append((start, end, "lead"))
                    lead_seen = True
                continue
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
                spans.append((start, start + credit.start(), zone))
                spans.append((start + credit.start(), end, "byline"))
            else:
                spans.append((start, end, zone))

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

    def zones_at(self, offsets: list[int]) -> list[MentionZone]:
        """:meth:`zone` of each of ``offsets``, which ascend (a field's hits in text order): one walk over the
        spans and quotes instead of two bisections per offset."""
        if self.fixed is not None:
            return [self.fixed] * len(offsets)
        zones: list[MentionZone] = []
        spans, quotes = self.spans, self.quotes
        span_count, quote_count = len(spans), len(quotes)
        span = quote = 0
        for offset in offsets:
            # The first span (and quote) ending after the offset holds it if it starts at or before it; spans and
            # quotes are in text order and never overlap.
            while span < span_count and spans[span][1] <= offset:
                span += 1
            zone: MentionZone = "body"
            if span < span_count and spans[span][0] <= offset:
                zone = spans[span][2]
            if zone == "lead" or zone == "body":
                while quote < quote_count and quotes[quote][1] <= offset:
                    quote += 1
                if quote < quote_count and quotes[quote][0] <= offset:
                    zone = "quote"
            zones.append(zone)
        return zones
