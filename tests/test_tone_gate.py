"""Evaluation gate: tone scoring (crawler.tone) on the labelled paragraphs in tests/data/tone must not fall below
pinned minimums.

dev.jsonl and dev2.jsonl were written with the method; heldout.jsonl was written by a second engineer before the
method was tuned (its first-sight score is in docs/tone.md; its misses have since been studied, so it is no longer
blind); heldout2.jsonl, a second blind set, is development data too since its first-sight score; heldout3.jsonl, the third
blind set, is development data since 4 December 2026 (its first-sight score, 0.820 / negative recall 0.74, is in
docs/tone.md; its misses were read to write the families of that day); heldout4.jsonl, the fourth blind set, is
pinned at its second look (with the text model); heldout5.jsonl, the fifth, at its first-sight score with the text
model. The scoring is
bench/tone.py's (crawler/tone/evaluation.py), and the minimums sit just under what docs/tone.md reports: raise them
when tone improves, never lower them to let a change through. Negative recall is pinned on its own: a missed
negative story is the costly error.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.config import load_entities
from crawler.mentions import Matcher
from crawler.tone import ToneScorer
from crawler.tone.evaluation import ToneScore, load_labelled, score_records

DATA = Path(__file__).resolve().parent / "data" / "tone"

# (set, metric) -> minimum. Measured at the time of pinning: see docs/tone.md.
MINIMUMS = {
    ("dev", "macro_f1"): 0.98,
    ("dev", "negative_recall"): 0.99,
    ("dev", "negative_precision"): 0.98,
    ("dev2", "macro_f1"): 0.95,
    ("dev2", "negative_recall"): 0.96,
    ("dev2", "negative_precision"): 0.99,
    ("heldout", "macro_f1"): 0.96,
    ("heldout", "negative_recall"): 0.98,
    ("heldout", "negative_precision"): 0.99,
    # heldout2 is development data since its first-sight score (0.760 / negative recall 0.76): its misses were read
    ("heldout2", "macro_f1"): 0.93,
    ("heldout2", "negative_recall"): 0.95,
    ("heldout2", "negative_precision"): 0.90,
    # heldout3 is development data since its misses were read (first sight 0.820 / negative recall 0.74 / precision
    # 0.87, tests/data/tone/README.md); measured after the families of 4 December 2026: 0.893 / 0.89 / 0.88
    ("heldout3", "macro_f1"): 0.88,
    ("heldout3", "negative_recall"): 0.88,
    ("heldout3", "negative_precision"): 0.87,
    # heldout4, the fourth blind set: first sight 0.772 / negative recall 0.78 / precision 0.83 with the rules alone;
    # with the text model's override (crawler/tone/model.py, made without heldout4) 0.784 / 0.849 / 0.803 — recall
    # bought with a little precision, as the issue asks (tests/data/tone/README.md). Blind no more once a change is made
    # for its misses — then raise these.
    ("heldout4", "macro_f1"): 0.78,
    ("heldout4", "negative_recall"): 0.84,
    ("heldout4", "negative_precision"): 0.80,
    # heldout5, the fifth blind set, pinned at its first-sight score with the rules and the text model (0.834 /
    # negative recall 0.895 / precision 0.761, tests/data/tone/README.md): raise these when tone improves.
    ("heldout5", "macro_f1"): 0.82,
    ("heldout5", "negative_recall"): 0.88,
    ("heldout5", "negative_precision"): 0.75,
}


@pytest.fixture(scope="module")
def scores() -> dict[str, ToneScore]:
    entities = load_entities()
    matcher, scorer = Matcher(entities), ToneScorer(entities)
    ids = {entity.id for entity in entities}
    return {name: score_records(load_labelled(DATA / f"{name}.jsonl", ids), entities, matcher, scorer)
            for name in ("dev", "dev2", "heldout", "heldout2", "heldout3", "heldout4", "heldout5")}


def test_tone_sets_are_big_enough_and_cover_every_tone():
    entities = {entity.id for entity in load_entities()}
    dev, heldout = (load_labelled(DATA / f"{name}.jsonl", entities) for name in ("dev", "heldout"))
    assert len(dev) >= 220 and len(heldout) >= 120 and len(dev) + len(heldout) >= 300
    for records in (dev, heldout):
        assert {record["tone"] for record in records} == {"negative", "neutral", "positive"}
    assert not {record["text"] for record in dev} & {record["text"] for record in heldout}
    dev2 = load_labelled(DATA / "dev2.jsonl", entities)
    assert len(dev2) >= 50 and {record["tone"] for record in dev2} == {"negative", "neutral", "positive"}
    assert not {record["text"] for record in dev2} & {record["text"] for record in heldout + dev}


@pytest.mark.parametrize(("name", "metric"), sorted(MINIMUMS))
def test_tone_gate(scores, name, metric):
    score = scores[name]
    value = {"macro_f1": score.macro_f1, "negative_recall": score.recall("negative"),
             "negative_precision": score.precision("negative")}[metric]
    assert value >= MINIMUMS[(name, metric)], (
        f"{name} {metric} {value:.3f} < {MINIMUMS[(name, metric)]}; misjudged:\n" + "\n".join(score.errors[:40]))
