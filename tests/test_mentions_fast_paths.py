"""The matcher's shortcuts agree with what they shortcut: each fast path (issue 15) against its plain definition,
over the labelled texts and generated strings full of the characters that the rules look at."""

from __future__ import annotations

import random
import re
import string

import pytest

from crawler.mentions import context, scanning, snippets, zones
from crawler.quotes import _QUOTE, quote_spans
from tests.test_mentions_eval import DATA, load_labelled


def labelled_texts() -> list[str]:
    texts = []
    for path in sorted(DATA.glob("*.jsonl")):
        for record in load_labelled(path):
            texts += [record.get("title") or "", record.get("text") or ""]
    return [text for text in texts if text]


def generated(alphabet: list[str], count: int = 4000, longest: int = 16, seed: int = 15) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randrange(longest))) for _ in range(count)]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return labelled_texts()


def test_quote_spans_are_the_quote_pattern_matches_over_three_characters(texts) -> None:
    alphabet = ['"', "“", "”", "\n", "a", "b", " "]
    for text in texts + generated(alphabet):
        expected = [(m.start(), m.end()) for m in _QUOTE.finditer(text) if m.end() - m.start() > 3]
        assert quote_spans(text) == expected, text


def test_zones_at_agrees_with_zone_at_every_offset(texts) -> None:
    extra = ["Foto: Humas\nSAMARINDA – \"Kata dia\" DPRD.\nBaca juga: x\n(Humas DPRD/adv)",
             "\n\n“Kutipan” pertama.\nBadan (Foto: ist)\nTags: a, b\nPenulis: X"]
    for text in texts + extra:
        zone_map = zones._ZoneMap("text", text)
        offsets = list(range(len(text) + 1))
        assert zone_map.zones_at(offsets) == [zone_map.zone(offset) for offset in offsets], text


def test_line_kind_prefilter_never_hides_a_hint(texts) -> None:
    starts = [a + b for a in string.printable for b in string.printable]
    words = [word + tail for word in zones._LINE_KIND_WORDS for word in (word, word.upper(), word.title())
             for tail in ("", ":", " juga")]
    for paragraph in starts + words + [line for text in texts for line in text.split("\n")]:
        if zones._LINE_KIND_HINT.match(paragraph):
            assert zones._may_be_line_kind(paragraph), paragraph


def test_generic_patterns_match_as_written_without_their_shortcuts(texts) -> None:
    # _generic_before reads the field reversed once; _GENERIC_AFTER looks ahead at its alternatives' first letters.
    plain_after = re.compile(context._GENERIC_AFTER.pattern.replace("(?=se|/|ka|ko|pr|da|la|di|te|ma)", ""),
                             re.IGNORECASE)
    samples = texts + ["para Kapolres", "fungsi pengawasan DPRD", "Pemkab se-Kaltim", "DPRD di seluruh Indonesia",
                       "Polsek terdekat", "Dinas kabupaten/kota", "BPBD dari 10 kabupaten", "Kominfo manapun"]
    for text in samples:
        backwards = text[::-1]
        for position in range(len(text) + 1):
            window = text[max(0, position - 40):position][::-1]
            assert context._generic_before(backwards, position) == (
                context._GENERIC_BEFORE_REVERSED.match(window) is not None), (text, position)
            assert bool(context._GENERIC_AFTER.match(text, position)) == bool(plain_after.match(text, position))


def test_token_and_identifier_shortcuts_agree_with_a_character_walk() -> None:
    def token(text: str, start: int, end: int) -> str:
        left, right = start, end
        while left > 0 and not text[left - 1].isspace():
            left -= 1
        while right < len(text) and not text[right].isspace():
            right += 1
        return text[left:right]

    alphabet = ["a", "B", " ", "\n", "\u00a0", "\u2003", "/", ".", "@", "1", ",", "#"]
    for text in generated(alphabet, longest=12):
        for start in range(len(text)):
            for end in range(start + 1, len(text) + 1):
                assert scanning._token(text, start, end) == token(text, start, end)
                assert scanning._in_identifier(text, start, end) == _in_identifier_as_written(text, start, end)


def _in_identifier_as_written(text: str, start: int, end: int) -> bool:
    """crawler/mentions.py's _in_identifier before issue 15."""
    if start > 0 and text[start - 1] in "#@._/\\" and (start == 1 or not text[start - 2].isspace()):
        if text[start - 1] != "/" or any(char.isdigit() for char in scanning._token(text, start, end)):
            return True
    if end < len(text) and text[end] in "._@" and scanning._DOMAIN_AFTER.match(text, end):
        return True
    token = scanning._token(text, start, end)
    if len(token) == end - start:
        return False
    if scanning._URLISH.search(token):
        return True
    return "/" in token and any(char.isdigit() for char in token)


def test_snippet_maker_makes_the_snippets_of_the_plain_definition(texts) -> None:
    alphabet = ["a", " ", "\n", "\t", "é", "  "]
    for text in texts[:200] + generated(alphabet, count=500, longest=200):
        snippet = snippets.snippet_maker(text)
        for start in range(0, len(text), 7):
            for end in (start + 1, start + 9):
                if end <= len(text):
                    assert snippet(start, end) == snippets._snippet(text, start, end), (text, start, end)


def test_capitalised_is_every_content_word_capitalised() -> None:
    def as_written(surface: str) -> bool:
        return all(word[0].isupper() or not word[0].isalpha() for word in surface.split()
                   if word.lower() not in scanning._FUNCTION_WORDS)

    alphabet = ["Dinas", "dinas", "dan", "DAN", "Di", "ke", "1", "(", "é", "É", " ", "  ", "\n", "&", "dan/atau"]
    for surface in generated(alphabet, count=3000, longest=6) + ["Dinas Sosial dan Kesehatan", "badan Pusat"]:
        assert scanning._capitalised(surface) == as_written(surface), surface
        assert scanning._capitalised_as_written(surface) == as_written(surface), surface  # the memo, filled
        assert scanning._capitalised_as_written(surface) == as_written(surface), surface  # and read


def test_whole_word_test_is_boundaries_and_no_identifier() -> None:
    alphabet = ["a", "B", " ", "\n", "/", ".", "@", "1", ",", "#", "nya", "-"]
    for text in generated(alphabet, count=1500, longest=10):
        for start in range(len(text)):
            for end in range(start + 1, len(text) + 1):
                expected = scanning._at_word_boundaries(text, start, end) and not _in_identifier_as_written(
                    text, start, end)
                assert scanning._whole_word_outside_identifiers(text, start, end) == expected, (text, start, end)


def test_nothing_after_a_form_matches_where_the_prescreen_fails(texts) -> None:
    # resolve runs the patterns that read the text after a bare form only where _ANYTHING_AFTER matches.
    after_patterns = [context._GENERIC_AFTER, context._PAIR_JOIN, context._LEVEL_WORD_AFTER, context._REGION_AFTER,
                      context._LEVEL_AFTER, context._NATIONAL_AFTER, context._CAPITAL_WORD]
    alphabet = [" ", "\n", "\u00a0", "(", ")", "-", "/", "&", ".", ",", "a", "K", "\u212a", "\u017f", "Kota", "kab.",
                "Prov", "provinsi", "RI", "pusat", "Pusat", "se", "SE", "dan", "DAN", "di", "lain", "Berau", "x"]
    samples = texts + generated(alphabet, count=3000, longest=8)
    for text in samples:
        for position in range(len(text) + 1):
            if context._ANYTHING_AFTER.match(text, position) is None:
                for pattern in after_patterns:
                    assert pattern.match(text, position) is None, (pattern.pattern, text, position)


def test_line_kind_prefilter_reads_only_the_first_two_characters() -> None:
    # _ZoneMap memoises _may_be_line_kind by a paragraph's first two characters.
    openings = [a + b for a in string.printable + "é\u212a" for b in string.printable + "é"] + list(string.printable)
    for paragraph in openings + [opening + tail for opening in openings[::37] for tail in ("x", " juga:", "é")]:
        assert zones._may_be_line_kind(paragraph) == zones._may_be_line_kind(paragraph[:2]), paragraph


def test_candidate_memos_are_the_plain_filters() -> None:
    from crawler.config import load_entities
    from crawler.mentions.places import dateline_fits
    from crawler.regions import find_region

    entities = load_entities()
    resolver = context.ContextResolver(entities)
    everyone = tuple(range(len(entities)))
    candidate_lists = [everyone, everyone[::3], everyone[5:40], ()]
    for place in ("Samarinda", "Kalimantan Timur", "Balikpapan", "Jakarta", "Tanjung Selor", "Makassar"):
        dateline = find_region(place)
        assert dateline is not None, place
        for candidates in candidate_lists:
            expected = tuple(number for number in candidates if number not in resolver._national
                             and dateline_fits(entities[number], dateline))
            assert resolver._fitting(candidates, dateline) == expected
            assert resolver._fitting(list(candidates), dateline) == expected  # the memo's second look-up
    for candidates in candidate_lists:
        for _ in range(2):  # filling the memo, then reading it
            wanted, nationals = resolver._wanted_and_nationals(candidates)
            assert wanted == set(candidates)
            assert nationals == tuple(number for number in candidates if entities[number].level == "nasional")


def test_from_article_is_the_last_named_before_else_the_only_one_named_later_up_front() -> None:
    def as_written(position, wanted, named_at):
        preceding, later, up_front = None, set(), False
        for at, entity, zone in named_at:
            if entity in wanted:
                if at < position:
                    preceding = entity
                else:
                    later.add(entity)
                    up_front = up_front or zone in ("title", "lead")
        if preceding is not None:
            return preceding
        return later.pop() if up_front and len(later) == 1 else None

    rng = random.Random(15)
    for _ in range(3000):
        positions = sorted({(rng.randrange(2), rng.randrange(60)) for _ in range(rng.randrange(8))})
        named_at = [(at, rng.randrange(5), rng.choice(["title", "lead", "body", "quote"])) for at in positions]
        wanted = set(rng.sample(range(5), rng.randrange(1, 4)))
        position = (rng.randrange(2), rng.randrange(60))
        assert context.ContextResolver._from_article(position, wanted, named_at, positions) == as_written(
            position, wanted, named_at), (position, wanted, named_at)


def test_a_plain_form_beside_punctuation_is_never_in_an_identifier() -> None:
    from crawler.mentions.dictionary import _plain_key

    alphabet = ["a", "B", "Kaltim", "www", "WWW", " ", "\n", "(", ")", "/", ".", "@", "1", ",", "#", ";", "!", "-",
                "_", "\\", "com", "go.id", "é"]
    for text in generated(alphabet, count=2500, longest=9):
        for start in range(len(text)):
            for end in range(start + 1, len(text) + 1):
                if _plain_key(text[start:end].lower()) and scanning._beside_punctuation(text, start, end):
                    assert not scanning._in_identifier(text, start, end), (text, start, end)
