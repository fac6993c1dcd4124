"""Format of the third blind tone set, tests/data/tone/heldout3.jsonl (see tests/data/tone/README.md).

These tests check the file, not the tone scorer: every line is a well-formed labelled record, the label counts
and the share of hard cases are what the README promises, its agency exists in the bundled dictionary and the
matcher finds that agency in the paragraph (otherwise the record could only ever be scored "neutral" for want of a
mention), and no paragraph is shared with another tone set. The scorer is deliberately not called here.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from crawler.config import load_entities
from tests.fixtures.tone_sets import (
    TONES, assert_entity_ids_known, assert_matcher_finds_each_agency, assert_no_text_shared,
    assert_records_well_formed, assert_repeated_paragraphs_are_two_agency_pairs, read_records)

DATA = Path(__file__).resolve().parent / "data" / "tone"
HELDOUT3 = DATA / "heldout3.jsonl"
OTHER_SETS = ("dev.jsonl", "dev2.jsonl", "heldout.jsonl", "heldout2.jsonl")
# The `case` tags README.md counts as hard cases (the rest are the plain kinds: criticism, routine, award, …).
HARD_CASES = {
    "two-agencies", "implicit-criticism", "sarcasm", "criticism-quoted", "negation", "negation-scope",
    "negated-praise", "agency-as-actor", "agency-as-critic", "agency-as-addressee", "agency-present", "mixed",
    "mixed-tie", "denial", "problem-word-not-about-agency", "positive-despite-negative-words", "slang",
}


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return read_records(HELDOUT3)


@pytest.fixture(scope="module")
def entities():
    return load_entities()


def test_heldout3_every_line_has_the_labelled_fields(records):
    assert_records_well_formed(records)


def test_heldout3_has_the_promised_size_per_label(records):
    tones = Counter(record["tone"] for record in records)
    assert len(records) >= 240, len(records)
    assert tones["negative"] >= 95, tones
    assert tones["neutral"] >= 60, tones
    assert tones["positive"] >= 60, tones


def test_heldout3_at_least_two_fifths_are_hard_cases(records):
    hard = [record for record in records if record["case"] in HARD_CASES]
    assert len(hard) / len(records) >= 0.40, f"{len(hard)} hard of {len(records)}"
    # each label has its hard cases, so the share is not all one kind of paragraph
    assert {record["tone"] for record in hard} == TONES


def test_heldout3_ids_are_unique(records):
    ids = [record["id"] for record in records]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    assert all(re.fullmatch(r"t\d{3}", i) for i in ids), [i for i in ids if not re.fullmatch(r"t\d{3}", i)]


def test_heldout3_entity_ids_exist_in_the_bundled_dictionary(records, entities):
    assert_entity_ids_known(records, entities, HELDOUT3)


def test_heldout3_agency_is_found_by_the_matcher(records, entities):
    assert_matcher_finds_each_agency(records, entities)


def test_heldout3_a_repeated_paragraph_is_about_different_agencies(records):
    assert_repeated_paragraphs_are_two_agency_pairs(records)


def test_heldout3_shares_no_paragraph_with_the_other_tone_sets(records):
    # compared by machine only: the author of heldout3 did not read these files
    assert_no_text_shared(records, DATA, OTHER_SETS)
