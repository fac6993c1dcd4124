"""Format of the second blind tone set, tests/data/tone/heldout2.jsonl (see tests/data/tone/README.md).

These tests check the file, not the tone scorer: every line is a well-formed labelled record, its agency exists in
the bundled dictionary and the matcher finds that agency in the paragraph (otherwise the record could only ever
be scored "neutral" for want of a mention). The scorer is deliberately not called here.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from crawler.article import Article
from crawler.config import load_entities
from crawler.mentions import COUNTED_ZONES, Matcher
from crawler.tone.evaluation import load_labelled

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
    known = {entity.id for entity in entities}
    unknown = sorted({record["entity_id"] for record in records} - known)
    assert not unknown, f"unknown entity_id: {unknown}"
    # the project's own loader accepts the file too (same checks bench/tone.py applies)
    assert len(load_labelled(HELDOUT2, known)) == len(records)


def test_heldout2_agency_is_found_by_the_matcher(records, entities):
    matcher = Matcher(entities)
    missing = []
    for record in records:
        article = Article(url=record["id"], canonical_url=record["id"], text=record["text"])
        found = {mention.entity_id for mention in matcher.find(article) if mention.zone in COUNTED_ZONES}
        if record["entity_id"] not in found:
            missing.append(f"{record['id']} {record['entity_id']}: matcher found {sorted(found)}")
    assert not missing, "\n".join(missing)


def test_heldout2_a_repeated_paragraph_is_about_different_agencies(records):
    agencies_by_text: dict[str, list[str]] = defaultdict(list)
    for record in records:
        agencies_by_text[record["text"]].append(record["entity_id"])
    for text, agencies in agencies_by_text.items():
        assert len(agencies) == len(set(agencies)), f"same text and agency twice: {text[:80]}"
        if len(agencies) > 1:
            assert all(r["case"] == "two-agencies" for r in records if r["text"] == text), text[:80]


def test_heldout2_shares_no_paragraph_with_the_other_tone_sets(records):
    others = set()
    for name in ("dev.jsonl", "heldout.jsonl"):
        path = DATA / name
        if path.exists():
            others |= {json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}
    assert not {record["text"] for record in records} & others
