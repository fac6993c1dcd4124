"""Format of the fourth and fifth blind tone sets, tests/data/tone/heldout4.jsonl and heldout5.jsonl (see
tests/data/tone/README.md, where each set's figures are stated).

These tests check the files, not the tone scorer: every line is a well-formed labelled record, the label counts,
the share of hard cases and the number of agencies are exactly what the README states, each agency exists in the
bundled dictionary and the matcher finds it in the paragraph (otherwise the record could only ever be scored
"neutral" for want of a mention), and no paragraph is shared with another tone set. The scorer is deliberately
not called here.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from crawler.config import load_entities
from tests.fixtures.tone_sets import (
    TONES, assert_entity_ids_known, assert_matcher_finds_each_agency, assert_no_text_shared,
    assert_records_well_formed, assert_repeated_paragraphs_are_two_agency_pairs, read_records)

DATA = Path(__file__).resolve().parent / "data" / "tone"
# The `case` tags the README counts as hard cases (the rest are the plain kinds: routine, criticism, award, …).
HARD_CASES = {
    "two-agencies", "implicit-criticism", "sarcasm", "criticism-quoted", "negation", "negation-scope",
    "negated-praise", "agency-as-actor", "agency-as-critic", "agency-present", "mixed", "mixed-tie", "denial",
    "problem-word-not-about-agency", "positive-despite-negative-words", "slang",
}
MIN_AGENCIES = 80


@dataclass(frozen=True)
class BlindSet:
    """What the README states for one set."""

    name: str
    id_prefix: str
    tones: dict[str, int]
    hard: int
    longest: int  # characters
    long_leads: int  # paragraphs of 400 characters or more, at least
    others: tuple[str, ...]  # the sets written before it, which it must not repeat


EARLIER = ("dev.jsonl", "dev2.jsonl", "heldout.jsonl", "heldout2.jsonl", "heldout3.jsonl")
SETS = [
    BlindSet("heldout4", "u", {"negative": 139, "neutral": 101, "positive": 105}, hard=198, longest=600, long_leads=0,
             others=EARLIER),
    BlindSet("heldout5", "v", {"negative": 114, "neutral": 124, "positive": 94}, hard=138, longest=700, long_leads=10,
             others=EARLIER + ("heldout4.jsonl",)),
]


@pytest.fixture(scope="module", params=SETS, ids=lambda blind: blind.name)
def blind(request) -> tuple[BlindSet, list[dict]]:
    return request.param, read_records(DATA / f"{request.param.name}.jsonl")


@pytest.fixture(scope="module")
def entities():
    return load_entities()


def test_every_line_has_the_labelled_fields(blind):
    assert_records_well_formed(blind[1])


def test_paragraphs_are_news_paragraph_sized(blind):
    facts, records = blind
    out_of_range = [record["id"] for record in records if not 150 <= len(record["text"]) <= facts.longest]
    assert not out_of_range, out_of_range
    # story leads: some long, multi-sentence paragraphs where the README says so
    assert sum(len(record["text"]) >= 400 for record in records) >= facts.long_leads


def test_the_stated_size_per_label(blind):
    facts, records = blind
    assert len(records) == sum(facts.tones.values()), len(records)
    assert dict(Counter(record["tone"] for record in records)) == facts.tones


def test_the_stated_share_of_hard_cases(blind):
    facts, records = blind
    hard = [record for record in records if record["case"] in HARD_CASES]
    assert len(hard) == facts.hard, f"{len(hard)} hard of {len(records)}"
    assert len(hard) / len(records) >= 0.40
    # each label has its hard cases, so the share is not all one kind of paragraph
    assert {record["tone"] for record in hard} == TONES


def test_many_agencies(blind):
    assert len({record["entity_id"] for record in blind[1]}) >= MIN_AGENCIES


def test_ids_are_unique_and_in_writing_order(blind):
    facts, records = blind
    ids = [record["id"] for record in records]
    pattern = re.compile(facts.id_prefix + r"\d{3}")
    assert all(pattern.fullmatch(i) for i in ids), [i for i in ids if not pattern.fullmatch(i)]
    assert ids == [f"{facts.id_prefix}{number:03d}" for number in range(1, len(ids) + 1)]


def test_entity_ids_exist_in_the_bundled_dictionary(blind, entities):
    assert_entity_ids_known(blind[1], entities, DATA / f"{blind[0].name}.jsonl")


def test_agency_is_found_by_the_matcher(blind, entities):
    assert_matcher_finds_each_agency(blind[1], entities)


def test_a_repeated_paragraph_is_about_different_agencies(blind):
    assert_repeated_paragraphs_are_two_agency_pairs(blind[1])


def test_shares_no_paragraph_with_the_earlier_tone_sets(blind):
    assert_no_text_shared(blind[1], DATA, blind[0].others)
