"""Format of the fifth blind tone set, tests/data/tone/heldout5.jsonl (see tests/data/tone/README.md).

These tests check the file, not the tone scorer: every line is a well-formed labelled record, the label counts,
the share of hard cases and the number of agencies are exactly what the README states, each agency exists in the
bundled dictionary and the matcher finds it in the paragraph (otherwise the record could only ever be scored
"neutral" for want of a mention), and no paragraph is shared with another tone set. The scorer is deliberately
not called here.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from crawler.config import load_entities
from tests.fixtures.tone_sets import (
    assert_entity_ids_known, assert_matcher_finds_each_agency, assert_repeated_paragraphs_are_two_agency_pairs)

DATA = Path(__file__).resolve().parent / "data" / "tone"
HELDOUT5 = DATA / "heldout5.jsonl"
OTHER_SETS = ("dev.jsonl", "dev2.jsonl", "heldout.jsonl", "heldout2.jsonl", "heldout3.jsonl", "heldout4.jsonl")
TONES = {"negative", "neutral", "positive"}
KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# The `case` tags README.md counts as hard cases (the rest are the plain kinds: routine, criticism, award, …).
HARD_CASES = {
    "two-agencies", "implicit-criticism", "sarcasm", "criticism-quoted", "negation", "negation-scope",
    "negated-praise", "agency-as-actor", "agency-as-critic", "agency-present", "mixed", "mixed-tie", "denial",
    "problem-word-not-about-agency", "positive-despite-negative-words", "slang",
}
# The figures README.md gives for this set.
EXPECTED_TONES = {"negative": 114, "neutral": 124, "positive": 94}
EXPECTED_HARD = 138
MIN_AGENCIES = 80


@pytest.fixture(scope="module")
def records() -> list[dict]:
    lines = [line for line in HELDOUT5.read_text(encoding="utf-8").splitlines() if line.strip()]
    parsed = []
    for number, line in enumerate(lines, 1):
        try:
            parsed.append(json.loads(line))
        except json.JSONDecodeError as error:
            pytest.fail(f"{HELDOUT5}:{number}: not JSON ({error.msg})")
    return parsed


@pytest.fixture(scope="module")
def entities():
    return load_entities()


def test_heldout5_every_line_has_the_labelled_fields(records):
    for record in records:
        assert set(record) == {"id", "text", "entity_id", "tone", "case"}, record.get("id")
        assert all(isinstance(record[name], str) and record[name].strip() for name in record), record["id"]
        assert record["tone"] in TONES, record["id"]
        assert KEBAB.match(record["case"]), f"{record['id']}: case {record['case']!r} is not kebab-case"


def test_heldout5_paragraphs_are_news_paragraph_sized(records):
    too_short_or_long = [record["id"] for record in records if not 150 <= len(record["text"]) <= 700]
    assert not too_short_or_long, too_short_or_long
    # story leads: some long, multi-sentence paragraphs, not only one-liners
    assert sum(len(record["text"]) >= 400 for record in records) >= 10


def test_heldout5_has_the_stated_size_per_label(records):
    tones = Counter(record["tone"] for record in records)
    assert len(records) == sum(EXPECTED_TONES.values()) == 332, len(records)
    assert dict(tones) == EXPECTED_TONES, tones


def test_heldout5_has_the_stated_share_of_hard_cases(records):
    hard = [record for record in records if record["case"] in HARD_CASES]
    assert len(hard) == EXPECTED_HARD, f"{len(hard)} hard of {len(records)}"
    assert len(hard) / len(records) >= 0.40
    # each label has its hard cases, so the share is not all one kind of paragraph
    assert {record["tone"] for record in hard} == TONES


def test_heldout5_covers_many_agencies(records):
    assert len({record["entity_id"] for record in records}) >= MIN_AGENCIES


def test_heldout5_ids_are_unique_and_in_writing_order(records):
    ids = [record["id"] for record in records]
    assert all(re.fullmatch(r"v\d{3}", i) for i in ids), [i for i in ids if not re.fullmatch(r"v\d{3}", i)]
    assert ids == [f"v{number:03d}" for number in range(1, len(ids) + 1)]


def test_heldout5_entity_ids_exist_in_the_bundled_dictionary(records, entities):
    assert_entity_ids_known(records, entities, HELDOUT5)


def test_heldout5_agency_is_found_by_the_matcher(records, entities):
    assert_matcher_finds_each_agency(records, entities)


def test_heldout5_a_repeated_paragraph_is_about_different_agencies(records):
    assert_repeated_paragraphs_are_two_agency_pairs(records)


def test_heldout5_shares_no_paragraph_with_the_other_tone_sets(records):
    # compared by machine only: the author of heldout5 did not read these files
    others = set()
    for name in OTHER_SETS:
        path = DATA / name
        if path.exists():
            others |= {json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}
    shared = sorted(record["id"] for record in records if record["text"] in others)
    assert not shared, f"paragraphs also in another tone set: {shared}"
