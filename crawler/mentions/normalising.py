"""The matcher's normalised copy of a text: case-folded, whitespace-collapsed, a few typographic characters made
plain (:func:`normalise`), and the map from its offsets back to the original text's (:func:`_offset_map`).
Dictionary keys and scanned texts go through the same function, so a key matches wherever its surface does."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

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
_ASCII_CHAR_PAIRS = tuple(pair for pair in _CHAR_PAIRS if pair[0].isascii())  # all an ASCII text can hold
_MULTISPACE = re.compile(r" {2,}")


def normalise(text: str) -> tuple[str, list[int] | None]:
    """Case-folded, whitespace-collapsed copy of ``text`` and, if lengths differ, the map back to ``text``.

    The map lists, for each collapsed run of spaces, the normalised position right after it and how many
    characters had been removed up to there; :func:`_to_original` applies it.
    """
    mapped = text
    for char, replacement in _ASCII_CHAR_PAIRS if text.isascii() else _CHAR_PAIRS:
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


def surface_key(surface: str) -> str:
    """The automaton key of a dictionary surface form."""
    return normalise(surface.strip())[0]

