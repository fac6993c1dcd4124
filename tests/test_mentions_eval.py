"""The evaluation gate: score the matcher on hand-labelled texts (tests/data/mentions/labelled.jsonl).

The dictionary used is tests/data/mentions/entities.yaml: official name, acronym, kind, level, region, parent
and validity only, no aliases, as in issue 4's targets. Labels are ``[field, entity_id, surface, how]`` in
reading order per field (``how`` is name, title or context); their offsets are found in the text, so the
files stay readable. A fifth element, when present, is the label's start offset (heldout.jsonl, built from
heldout.txt by build_heldout.py). Only mentions in the counted zones (title, lead, body, quote) are scored; trap texts
must yield no mention in any zone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from crawler.article import Article
from crawler.config import EntityConfig, SourceConfig, load_entities
from crawler.mentions import COUNTED_ZONES, Matcher

DATA = Path(__file__).parent / "data" / "mentions"
SOURCES = {
    "kaltim-regional": SourceConfig(key="kaltim-regional", name="Regional", home_url="https://regional.example",
                                    region="Kalimantan Timur", scope="regional", timezone="Asia/Makassar"),
    "balikpapan-regional": SourceConfig(key="balikpapan-regional", name="Balikpapan", home_url="https://bpp.example",
                                        region="Balikpapan", scope="regional", timezone="Asia/Makassar"),
    "national": SourceConfig(key="national", name="National", home_url="https://national.example",
                             scope="national"),
}


@dataclass
class Score:
    documents: int
    gold: int
    predicted: int
    true_positives: int
    named_gold: int
    named_found: int
    context_gold: int
    context_found: int
    trap_texts: int
    trap_texts_with_mentions: int
    errors: list[str]

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def named_recall(self) -> float:
        return self.named_found / self.named_gold if self.named_gold else 1.0

    @property
    def context_recall(self) -> float:
        return self.context_found / self.context_gold if self.context_gold else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.gold if self.gold else 1.0


def load_labelled(path: Path = DATA / "labelled.jsonl") -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def gold_spans(record: dict) -> list[tuple[str, int, int, str, str]]:
    """(field, start, end, entity_id, how) for each label, located in reading order."""
    cursor: dict[str, int] = {}
    spans = []
    for field, entity_id, surface, how, *offset in record["labels"]:
        text = record[field] or ""
        if offset:  # an explicit offset (heldout.jsonl) must hold the surface exactly
            start = offset[0]
            if text[start:start + len(surface)] != surface:
                raise AssertionError(f"{record['id']}: label {surface!r} is not at {field}[{start}]")
            spans.append((field, start, start + len(surface), entity_id, how))
            continue
        start = text.find(surface, cursor.get(field, 0))
        if start < 0:
            raise AssertionError(f"{record['id']}: label {surface!r} not found in {field} after {cursor.get(field)}")
        cursor[field] = start + len(surface)
        spans.append((field, start, start + len(surface), entity_id, how))
    return spans


def article_of(record: dict) -> Article:
    import datetime as dt

    return Article(url=record["id"], canonical_url=record["id"], title=record.get("title"), text=record["text"],
                   published_at=dt.datetime.fromisoformat(record["published_at"]))


def score_labelled(entities: list[EntityConfig], records: list[dict] | None = None,
                   only: set[str] | None = None) -> Score:
    """Score ``entities`` on the labelled set; ``only`` ignores predictions of bodies outside the labels' scope
    (the bundled dictionary knows bodies, such as Pemprov Kalsel, that the evaluation dictionary leaves out)."""
    matcher = Matcher(entities)
    records = records if records is not None else load_labelled()
    score = Score(len(records), 0, 0, 0, 0, 0, 0, 0, 0, 0, [])
    for record in records:
        mentions = matcher.find(article_of(record), SOURCES.get(record.get("source") or ""))
        if only is not None:
            mentions = [m for m in mentions if m.entity_id in only]
        if record.get("trap"):
            score.trap_texts += 1
            if mentions:
                score.trap_texts_with_mentions += 1
                score.errors += [f"{record['id']}: trap fired {m.entity_id} {m.surface!r}" for m in mentions]
        predicted = {(m.field, m.start, m.end, m.entity_id) for m in mentions if m.zone in COUNTED_ZONES}
        gold = {(field, start, end, entity_id): how for field, start, end, entity_id, how in gold_spans(record)}
        score.gold += len(gold)
        score.predicted += len(predicted)
        score.true_positives += len(predicted & set(gold))
        for key, how in gold.items():
            found = key in predicted
            if how == "context":
                score.context_gold += 1
                score.context_found += found
            else:
                score.named_gold += 1
                score.named_found += found
            if not found:
                score.errors.append(f"{record['id']}: missed {key} ({how})")
        score.errors += [f"{record['id']}: spurious {key}" for key in sorted(predicted - set(gold))]
    return score


def stripped(entities: list[EntityConfig]) -> list[EntityConfig]:
    """The same dictionary without explicit aliases: only derived variants remain."""
    return [entity.model_copy(update={"aliases": []}) for entity in entities]


@pytest.fixture(scope="module")
def evaluation_entities() -> list[EntityConfig]:
    return load_entities(path=DATA / "entities.yaml")


def test_labelled_set_labels_are_found_in_their_texts() -> None:
    for record in load_labelled():
        assert len(gold_spans(record)) == len(record["labels"])


def test_matching_meets_issue_targets_with_derived_variants_only(evaluation_entities) -> None:
    score = score_labelled(evaluation_entities)
    report = "\n".join(score.errors)
    assert score.precision >= 0.97, report
    assert score.named_recall >= 0.95, report
    assert score.context_recall >= 0.70, report
    assert score.trap_texts_with_mentions == 0, report


def test_matching_meets_issue_targets_with_the_bundled_dictionary(evaluation_entities) -> None:
    score = score_labelled(load_entities(), only={entity.id for entity in evaluation_entities})
    report = "\n".join(score.errors)
    assert score.precision >= 0.97, report
    assert score.named_recall >= 0.95, report
    assert score.context_recall >= 0.70, report
    assert score.trap_texts_with_mentions == 0, report


def test_matching_bundled_dictionary_without_aliases_meets_targets(evaluation_entities) -> None:
    score = score_labelled(stripped(load_entities()), only={entity.id for entity in evaluation_entities})
    report = "\n".join(score.errors)
    assert score.precision >= 0.97, report
    assert score.named_recall >= 0.95, report
    assert score.trap_texts_with_mentions == 0, report


# The held-out set (heldout.txt -> heldout.jsonl): 63 texts, 16 of them traps, 258 labels, written without
# looking at the matcher (first 47) or without checking its output (last 16). Minimums pinned just under what
# the matcher measures (1.000 on all four, docs/entities.md), so that a regression of one or two mentions fails.
HELDOUT_MINIMUMS = {"precision": 0.99, "named_recall": 0.99, "context_recall": 0.97}


def test_heldout_set_labels_are_at_their_offsets() -> None:
    for record in load_labelled(DATA / "heldout.jsonl"):
        assert len(gold_spans(record)) == len(record["labels"])


@pytest.mark.parametrize("dictionary", ["evaluation", "bundled", "bundled without aliases"])
def test_matching_meets_pinned_minimums_on_the_heldout_set(evaluation_entities, dictionary) -> None:
    only = {entity.id for entity in evaluation_entities}
    entities = {"evaluation": evaluation_entities, "bundled": load_entities(),
                "bundled without aliases": stripped(load_entities())}[dictionary]
    score = score_labelled(entities, load_labelled(DATA / "heldout.jsonl"),
                           only=None if dictionary == "evaluation" else only)
    report = "\n".join(score.errors)
    assert score.trap_texts == 16 and score.trap_texts_with_mentions == 0, report
    for measure, minimum in HELDOUT_MINIMUMS.items():
        assert getattr(score, measure) >= minimum, f"{measure} {getattr(score, measure):.3f}\n{report}"


# Batches 3 and 4 (issue 20; batchN.txt -> batchN.jsonl). Batch 3: 25 texts, 8 traps, 75 labels written before
# the issue-20 rules and scored first with the old matcher (precision 0.697, named recall 0.719, context recall
# 0.667, 3 of 8 trap texts with a mention). Batch 4: 15 texts, 3 traps, 50 labels written after the fixes and
# scored once before any change (precision 0.980, named recall 1.000, context recall 0.917; one label slip
# corrected since). The gate is issue 20's: precision >= 0.97, named recall >= 0.95 on every set, no trap hit.
BATCH_MINIMUMS = {"precision": 0.97, "named_recall": 0.95, "context_recall": 0.70}
BATCH_SIZES = {"batch3": (25, 8), "batch4": (15, 3)}


@pytest.mark.parametrize("batch", sorted(BATCH_SIZES))
def test_batch_labels_are_at_their_offsets(batch) -> None:
    records = load_labelled(DATA / f"{batch}.jsonl")
    assert (len(records), sum(record["trap"] for record in records)) == BATCH_SIZES[batch]
    for record in records:
        assert len(gold_spans(record)) == len(record["labels"])


@pytest.mark.parametrize("batch", sorted(BATCH_SIZES))
@pytest.mark.parametrize("dictionary", ["evaluation", "bundled", "bundled without aliases"])
def test_matching_meets_issue_20_gate_on_the_batches(evaluation_entities, dictionary, batch) -> None:
    only = {entity.id for entity in evaluation_entities}
    entities = {"evaluation": evaluation_entities, "bundled": load_entities(),
                "bundled without aliases": stripped(load_entities())}[dictionary]
    score = score_labelled(entities, load_labelled(DATA / f"{batch}.jsonl"),
                           only=None if dictionary == "evaluation" else only)
    report = "\n".join(score.errors)
    assert score.trap_texts_with_mentions == 0, report
    for measure, minimum in BATCH_MINIMUMS.items():
        assert getattr(score, measure) >= minimum, f"{measure} {getattr(score, measure):.3f}\n{report}"
