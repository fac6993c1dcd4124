"""Format of the second blind tone set, tests/data/tone/heldout2.jsonl (see tests/data/tone/README.md).

These tests check the file, not the tone scorer: every line is a well-formed labelled record, its agency exists in
the bundled dictionary and the matcher finds that agency in the paragraph (otherwise the record could only ever
be scored "neutral" for want of a mention). The scorer is deliberately not called here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from crawler.config import load_entities
from tests.fixtures.tone_sets import (
    assert_entity_ids_known, assert_matcher_finds_each_agency, assert_repeated_paragraphs_are_two_agency_pairs)

DATA = Path(__file__).resolve().parent / "data" / "tone"
HELDOUT2 = DATA / "heldout2.jsonl"
TONES = {"negative", "neutral", "positive"}
KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@pytest.fixture(scope="module")
def records() -> list[dict]:
    lines = [line for line in HELDOUT2.read_text(encoding="utf-8").splitlines() if line.strip()]
    parsed = []
    for number, line in enumerate(lines, 1):
        try:
            parsed.append(json.loads(line))
        except json.JSONDecodeError as error:
            pytest.fail(f"{HELDOUT2}:{number}: not JSON ({error.msg})")
    return parsed


@pytest.fixture(scope="module")
def entities():
    return load_entities()


def test_heldout2_every_line_has_the_labelled_fields(records):
    assert len(records) >= 150
    for record in records:
        assert set(record) == {"id", "text", "entity_id", "tone", "case"}, record.get("id")
        assert all(isinstance(record[name], str) and record[name].strip() for name in record), record["id"]
        assert record["tone"] in TONES, record["id"]
        assert KEBAB.match(record["case"]), f"{record['id']}: case {record['case']!r} is not kebab-case"
    assert {record["tone"] for record in records} == TONES


def test_heldout2_ids_are_unique(records):
    ids = [record["id"] for record in records]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    assert all(re.fullmatch(r"g\d{3}", i) for i in ids)


def test_heldout2_entity_ids_exist_in_the_bundled_dictionary(records, entities):
    assert_entity_ids_known(records, entities, HELDOUT2)


def test_heldout2_agency_is_found_by_the_matcher(records, entities):
    assert_matcher_finds_each_agency(records, entities)


def test_heldout2_a_repeated_paragraph_is_about_different_agencies(records):
    assert_repeated_paragraphs_are_two_agency_pairs(records)


def test_heldout2_shares_no_paragraph_with_the_other_tone_sets(records):
    others = set()
    for name in ("dev.jsonl", "heldout.jsonl"):
        path = DATA / name
        if path.exists():
            others |= {json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}
    assert not {record["text"] for record in records} & others
