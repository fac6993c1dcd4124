"""Scoring tone against labelled paragraphs (tests/data/tone/*.jsonl), for bench/tone.py and the CI gate.

A labelled set is JSON lines ``{"id", "text", "entity_id", "tone", "case"}``: the tone of the paragraph toward
that agency. Each paragraph goes through the real matcher (bundled dictionary) and :class:`ToneScorer`, as an
article whose text is the paragraph; when the matcher does not find the agency the prediction is "neutral" (and
counted in ``unmatched``). Metrics: per-class precision and recall, macro-F1 over the three classes, and
accuracy per ``case`` tag.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.article import Article, Mention
from crawler.config import EntityConfig
from crawler.mentions import Matcher
from crawler.tone import TONES, ToneScorer


class LabelledSetError(ValueError):
    """A labelled tone file has a bad line (the message names the file and line)."""


def load_labelled(path: Path, entity_ids: set[str] | None = None) -> list[dict[str, Any]]:
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise LabelledSetError(f"{path}:{number}: not JSON ({error.msg})") from None
        for name in ("id", "text", "entity_id", "tone"):
            if not isinstance(record.get(name), str) or not record[name]:
                raise LabelledSetError(f"{path}:{number}: field '{name}' missing or not a string")
        if record["tone"] not in TONES:
            raise LabelledSetError(f"{path}:{number}: tone must be one of {', '.join(TONES)}")
        if entity_ids is not None and record["entity_id"] not in entity_ids:
            raise LabelledSetError(f"{path}:{number}: unknown entity_id '{record['entity_id']}'")
        records.append(record)
    return records


@dataclass
class ToneScore:
    gold: list[str] = field(default_factory=list)
    predicted: list[str] = field(default_factory=list)
    cases: list[str] = field(default_factory=list)
    unmatched: int = 0
    errors: list[str] = field(default_factory=list)

    def precision(self, tone: str) -> float:
        chosen = sum(1 for p in self.predicted if p == tone)
        right = sum(1 for g, p in zip(self.gold, self.predicted) if g == p == tone)
        return right / chosen if chosen else 0.0

    def recall(self, tone: str) -> float:
        wanted = sum(1 for g in self.gold if g == tone)
        right = sum(1 for g, p in zip(self.gold, self.predicted) if g == p == tone)
        return right / wanted if wanted else 0.0

    def f1(self, tone: str) -> float:
        p, r = self.precision(tone), self.recall(tone)
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def macro_f1(self) -> float:
        return sum(self.f1(tone) for tone in TONES) / len(TONES)

    @property
    def accuracy(self) -> float:
        return sum(1 for g, p in zip(self.gold, self.predicted) if g == p) / len(self.gold) if self.gold else 0.0

    def by_case(self) -> dict[str, tuple[int, int]]:
        total: Counter[str] = Counter()
        right: Counter[str] = Counter()
        for g, p, case in zip(self.gold, self.predicted, self.cases):
            total[case] += 1
            right[case] += g == p
        return {case: (right[case], total[case]) for case in sorted(total)}


Prepared = list[tuple[dict[str, Any], Article, list[Mention]]]


def prepare(records: Sequence[dict[str, Any]], matcher: Matcher) -> Prepared:
    """Each record with its article and the matcher's mentions, matched once (tone is then scored many times)."""
    prepared = []
    for record in records:
        article = Article(url=record["id"], canonical_url=record["id"], title=record.get("title"), text=record["text"])
        prepared.append((record, article, list(matcher.find(article))))
    return prepared


def score_records(records: Sequence[dict[str, Any]], entities: Sequence[EntityConfig],
                  matcher: Matcher | None = None, scorer: ToneScorer | None = None) -> ToneScore:
    return score_prepared(prepare(records, matcher or Matcher(entities)), scorer or ToneScorer(entities))


def score_prepared(prepared: Prepared, scorer: ToneScorer) -> ToneScore:
    score = ToneScore()
    for record, article, mentions in prepared:
        verdict = scorer.assess(article, mentions).of(record["entity_id"])
        predicted = verdict.tone if verdict else "neutral"
        if verdict is None:
            score.unmatched += 1
        score.gold.append(record["tone"])
        score.predicted.append(predicted)
        score.cases.append(str(record.get("case") or "plain"))
        if predicted != record["tone"]:
            score.errors.append(f"{record['id']} [{record.get('case')}] {record['entity_id']}: gold {record['tone']}, "
                                f"got {predicted}: {record['text'][:160]}")
    return score
