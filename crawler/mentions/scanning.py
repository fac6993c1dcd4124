"""Scanning one field: automaton hits of forms of bodies, kept only at whole-word boundaries (a
lowercase-to-uppercase change counts, a trailing "-nya" is allowed), outside identifiers (URLs, addresses,
domains, hashtags, letter numbers) and capitalised where the form must be (:func:`scan`); overlapping hits
resolved longest first (:func:`_longest_first`); a name and its own short form in brackets joined
(:func:`_join_bracketed`)."""

from __future__ import annotations

import operator
import re
from itertools import islice
from collections.abc import Callable
from dataclasses import dataclass

import ahocorasick

from crawler.article import MentionField, MentionZone
from crawler.mentions.dictionary import _Hit, _Slot

# Things that look like words but are identifiers: URLs, e-mail addresses, domains, hashtags, handles,
# and letter numbers (a slash-joined token with a digit, "555/123/KOMINFO/2024"). Checked per hit, on the
# whitespace-delimited token around it.
_URLISH = re.compile(r"https?://|www\.|@|\.(?:go|co|ac|or)\.id\b|\.(?:com|id|net|org|info|news)\b", re.IGNORECASE)
_DOMAIN_AFTER = re.compile(r"\.[a-z]{2,}", re.IGNORECASE)


@dataclass(slots=True)
class _Found:
    """A mention in the making: resolved (entity set) or awaiting context (its form's candidates,
    ``slot.candidates``). The form's slot is kept whole, not copied field by field: a hit becomes a _Found in
    every article, and only bare forms read more of it."""

    field: MentionField
    start: int
    end: int
    zone: MentionZone
    slot: _Slot  # the automaton slot of the form: candidates, titled (named only by a title), sector
    entity: int | None = None
    resolution: str = "name"


def scan(automaton: ahocorasick.Automaton, text: str, normal: str, originals: Callable[[int], int] | None
         ) -> tuple[list[_Hit], list[int]]:
    """Automaton hits of forms of bodies at word boundaries and outside identifiers, capitalised where the
    form must be; and the end offsets, in text order, of the words :func:`crawler.mentions.context._not_the_body`
    looks for (a form with none of them in the 40 characters before it cannot fail that test). ``normal`` is
    :func:`~crawler.mentions.normalising.normalise`'s copy of ``text``, ``originals`` its offset map."""
    hits: list[_Hit] = []
    append = hits.append
    size = len(text)
    not_body_ends: list[int] = []
    for end_index, (length, capital_test, slot) in automaton.iter(normal):
        if capital_test > 2:
            not_body_ends.append(end_index + 1 if originals is None else originals(end_index) + 1)
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
            if before == " ":  # the common case first: a plain space is neither alphanumeric nor anything but space
                spaced = True
            elif before.isalnum():
                if not (before.islower() and text[start].isupper()):
                    continue
                spaced = False
            else:
                spaced = before.isspace()
        else:
            spaced = True
        if end < size:
            after = text[end]
            if after == " ":
                pass
            elif after.isalnum():
                if not (text[end - 1].islower() and after.isupper()) and not (
                        text[end:end + 3].lower() == "nya" and (end + 3 == size or not text[end + 3].isalnum())):
                    continue
                spaced = False
            elif spaced and not after.isspace():
                spaced = False
        if capital_test and not (text[start].isupper() and (capital_test == 1 or _capitalised_as_written(
                text[start:end]))):
            continue
        if not spaced and not (slot.plain and _beside_punctuation(text, start, end)) and _in_identifier(
                text, start, end):
            continue
        append((start, end, slot))
    return hits, not_body_ends


_CLOSING_MARKS = frozenset(",.;:!?)")


def _beside_punctuation(text: str, start: int, end: int) -> bool:
    """Whether the whitespace-delimited token around ``text[start:end]`` is the form with at most an opening
    bracket before it and a closing bracket or punctuation mark after it ("(Diskominfo)", "DPRD Kaltim.",
    "Pemprov,"): then :func:`_in_identifier` is False for a form of a :attr:`~crawler.mentions.dictionary._Slot.plain`
    key (no test of it can match: none of "#@._/\\" before it, no letter after a dot, no "/", "@" or "www." in the
    token), and it is the commonest case of a form not standing between spaces."""
    if start:
        before = text[start - 1]
        if not before.isspace() and not (before == "(" and (start == 1 or text[start - 2].isspace())):
            return False
    if end < len(text) and not text[end].isspace():
        return text[end] in _CLOSING_MARKS and (end + 1 == len(text) or text[end + 1].isspace())
    return True


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


def _whole_word_outside_identifiers(text: str, start: int, end: int) -> bool:
    """:func:`_at_word_boundaries` and not :func:`_in_identifier`; the latter only when a side of the form is not
    whitespace or the text's edge (else the form is its own token, which no identifier can hold)."""
    if not _at_word_boundaries(text, start, end):
        return False
    if (start == 0 or text[start - 1].isspace()) and (end == len(text) or text[end].isspace()):
        return True
    return not _in_identifier(text, start, end)


_FUNCTION_WORDS = frozenset({"dan", "dan/atau", "di", "ke", "dari", "untuk", "serta", "&", "atau", "pada"})


def _capitalised(surface: str) -> bool:
    """Whether every content word of ``surface`` starts with a capital (a name, not a common-noun phrase)."""
    for word in surface.split():
        first = word[0]
        if not first.isupper() and first.isalpha() and word.lower() not in _FUNCTION_WORDS:
            return False
    return True


# _capitalised by surface as written: a bare form of several words ("Dinas Kominfo", "Pemerintah Provinsi") is
# written the same few ways over and over.
_CAPITALISED: dict[str, bool] = {}


def _capitalised_as_written(surface: str) -> bool:
    """:func:`_capitalised`, memoised."""
    known = _CAPITALISED.get(surface)
    if known is None:
        if len(_CAPITALISED) > 20_000:
            _CAPITALISED.clear()
        known = _CAPITALISED[surface] = _capitalised(surface)
    return known


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
    if "/" not in token and "." not in token and "@" not in token:
        return False  # each of _URLISH's alternatives holds one of them, and a letter number a slash
    if _URLISH.search(token):
        return True
    return "/" in token and any(char.isdigit() for char in token)


def _token(text: str, start: int, end: int) -> str:
    """The whitespace-delimited token around ``text[start:end]``."""
    left = start
    while left > 0 and not text[left - 1].isspace():
        left -= 1
    return text[left:_NOT_SPACES.match(text, end).end()]


_NOT_SPACES = re.compile(r"\S*")  # \S is exactly "not str.isspace()"


_CLOSE_BRACKET = re.compile(r"\s*\)")


def _join_bracketed(found: list[_Found], texts: dict[str, str]) -> list[_Found]:
    """One mention for a name and its own short form in brackets right after it: "Pemerintah Provinsi
    Kalimantan Timur (Pemprov Kaltim)", "Kementerian Komunikasi dan Informatika (Kemenkominfo)" — like the
    derived "Full Name (ACRONYM)" forms. A bracketed form of another body stays a mention of its own."""
    joined: list[_Found] = []
    previous: _Found | None = None
    for item in found:
        if previous is not None and previous.field == item.field and previous.entity is not None:
            text = texts[item.field]
            # Only an opening bracket between them, whitespace around it (the cheap tests first: whether the gap
            # holds a bracket at all, found without copying the gap, which is most of a paragraph between two
            # mentions; the two below read the candidates, dozens for a bare form).
            if text.find("(", previous.end, item.start) >= 0 and text[previous.end:item.start].strip() == "(" and (
                    previous.entity not in item.slot.titled) and (item.entity == previous.entity or (
                    item.entity is None and previous.entity in item.slot.candidates)):
                closing = _CLOSE_BRACKET.match(text, item.end)
                if closing:
                    previous.end = closing.end()
                    continue
        joined.append(item)
        previous = item
    return joined


_start_of = operator.itemgetter(0)


def _longest_first(hits: list[_Hit]) -> list[_Hit]:
    """Non-overlapping hits, longer ones first (ties: the earlier one); returned in text order. ``hits`` come as
    :func:`scan` gives them, in end order.

    One sweep in text order cuts the hits into runs that overlap each other (most hits overlap nothing and
    are kept as they come); only inside a run do lengths decide. Hits of different runs never overlap, so
    this keeps exactly what taking all hits longest first would."""
    if len(hits) < 2:
        return hits
    # In (start, end) order: the scan gives them in end order, so a stable sort on the start alone (int keys,
    # which sort fastest) keeps hits of one start in end order.
    hits.sort(key=_start_of)
    taken: list[_Hit] = []
    append = taken.append
    first = 0  # where the current run starts
    reach = hits[0][1]
    for index, (start, end, _slot) in enumerate(islice(hits, 1, None), 1):
        if start < reach:
            if end > reach:
                reach = end
            continue
        # The two commonest runs here, without a call: a hit that overlaps nothing, and two that overlap (mostly a
        # form and a longer one from the same start, "DPRD" and "DPRD Kaltim"): the longer wins, the earlier on a tie.
        size = index - first
        if size == 1:
            append(hits[first])
        elif size == 2:
            one, two = hits[first], hits[first + 1]
            append(one if one[1] - one[0] >= two[1] - two[0] else two)
        else:
            _take_longest(hits[first:index], taken)
        first, reach = index, end
    _take_run(hits, first, len(hits), taken)
    return taken


def _take_run(hits: list[_Hit], first: int, stop: int, taken: list[_Hit]) -> None:
    """:func:`_take_longest` of ``hits[first:stop]``, the two commonest runs without copying them."""
    if stop - first == 1:
        taken.append(hits[first])  # a hit that overlaps nothing
    elif stop - first == 2:
        # The second starts inside the first: the longer wins, the earlier one on a tie.
        one, two = hits[first], hits[first + 1]
        taken.append(one if one[1] - one[0] >= two[1] - two[0] else two)
    else:
        _take_longest(hits[first:stop], taken)


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

