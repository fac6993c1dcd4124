"""Cross-set rotation for tone (bench/tone.py --rotate): how well the method's choices carry to a set they were
not made on.

There are four labelled sets (dev, dev2, heldout, heldout2). For each one in turn the other three are the
*tuning* sets: on them the rotation (1) keeps only the lexicon's named concept families (``family:`` in
lexicon.yaml) that help there — a family that helps none of the three, however much it helps the fourth, is
dropped — and (2) picks the scalar knobs (decision threshold, weights of concession, contrast and inherited
references) by coordinate search; then the fourth set is scored with what was chosen. A family or knob fitted to
one set's wording shows up as a drop on that set when it is the one left out.

The objective on the tuning sets is the mean over the three of (macro-F1 + negative recall) / 2: the issue's two
targets, negative recall being the costly error.

What it cannot measure: the unnamed core of the lexicon and the scope rules were written by people who had read
all four sets, so even the rotated figure on a set is not blind. heldout3 is the blind figure.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from crawler.config import EntityConfig
from crawler.mentions import COUNTED_ZONES
from crawler.tone import ToneScorer
from crawler.tone.evaluation import Prepared, ToneScore, score_prepared
from crawler.tone.lexicon import parse_lexicon

# knob name in lexicon.yaml -> values tried (the shipped value is tried too)
KNOBS: dict[str, tuple[float, ...]] = {
    "min_decision": (0.3, 0.5, 0.7),
    "inherited_weight": (0.6, 0.8, 1.0),
    "concessive_weight": (0.25, 0.4, 0.6),
    "contrast_weight": (1.0, 1.3, 1.6),
}


def objective(scores: Sequence[ToneScore]) -> float:
    return sum((score.macro_f1 + score.recall("negative")) / 2 for score in scores) / len(scores)


def families(data: Mapping[str, Any]) -> list[str]:
    named = [str(group.get("family") or "") for section in ("cues", "roots") for group in data.get(section) or ()]
    named += [f"rule:{rule}" for rule in data.get("rules") or ()]
    return list(dict.fromkeys(name for name in named if name))


@dataclass
class Rotation:
    held_out: str
    shipped: ToneScore  # the held-out set scored with the shipped lexicon (every family, shipped knobs)
    rotated: ToneScore  # the held-out set scored with what the three tuning sets chose
    knobs: dict[str, float]
    dropped: list[str]


class _Evaluator:
    def __init__(self, data: Mapping[str, Any], entities: Sequence[EntityConfig], sets: Mapping[str, Prepared]):
        self.data, self.entities, self.sets = data, list(entities), sets
        self._cache: dict[tuple, dict[str, ToneScore]] = {}

    def scores(self, knobs: Mapping[str, float], without: frozenset[str]) -> dict[str, ToneScore]:
        key = (tuple(sorted(knobs.items())), tuple(sorted(without)))
        if key not in self._cache:
            data = copy.deepcopy(dict(self.data))
            data.update(knobs)
            scorer = ToneScorer(self.entities, lexicon=parse_lexicon(data, without=without), text_model=None)
            self._cache[key] = {name: score_prepared(prepared, scorer) for name, prepared in self.sets.items()}
        return self._cache[key]


SHIPPED_DEFAULTS = (("min_decision", 0.5), ("inherited_weight", 0.8), ("concessive_weight", 0.4),
                    ("contrast_weight", 1.3))


def family_effects(data: Mapping[str, Any], entities: Sequence[EntityConfig],
                   sets: Mapping[str, Prepared]) -> dict[str, dict[str, tuple[int, int]]]:
    """For each named family: per set, (paragraphs it turns right, paragraphs it turns wrong) against the
    lexicon without it. A family that turns right paragraphs in one set only is a fit to that set's wording."""
    evaluator = _Evaluator(data, entities, sets)
    knobs = {name: float(data.get(name, default)) for name, default in SHIPPED_DEFAULTS}
    full = evaluator.scores(knobs, frozenset())
    effects = {}
    for family in families(data):
        without = evaluator.scores(knobs, frozenset({family}))
        effects[family] = {
            name: (sum(g == p != q for g, p, q in zip(full[name].gold, full[name].predicted, without[name].predicted)),
                   sum(g == q != p for g, p, q in zip(full[name].gold, full[name].predicted, without[name].predicted)))
            for name in sets}
    return effects


def family_firings(data: Mapping[str, Any], entities: Sequence[EntityConfig],
                   sets: Mapping[str, Prepared]) -> dict[str, dict[str, tuple[int, int]]]:
    """For each named family: per set, (paragraphs where it judges the labelled agency, of those how many with the
    polarity of the gold label). A family that fires with the right polarity in sets it was not written from is
    real usage there even when other cues had already got the verdict right.

    A judgement agrees when a negative cue meets a negative label or a positive cue a positive one."""
    scorer = ToneScorer(entities, lexicon=parse_lexicon(data), text_model=None)
    fired: dict[str, dict[str, list[int]]] = {family: {name: [0, 0] for name in sets} for family in families(data)}
    for name, prepared in sets.items():
        for record, article, mentions in prepared:
            counted = [m for m in mentions if m.zone in COUNTED_ZONES]
            seen: dict[str, bool] = {}
            for judgement in scorer._rules.judge(article, counted):
                if judgement.family and judgement.polarity and judgement.entity_id == record["entity_id"]:
                    agrees = (judgement.polarity < 0) == (record["tone"] == "negative") and record["tone"] != "neutral"
                    seen[judgement.family] = seen.get(judgement.family, False) or agrees
            for family, agrees in seen.items():
                fired[family][name][0] += 1
                fired[family][name][1] += agrees
    return {family: {name: (count[0], count[1]) for name, count in per_set.items()}
            for family, per_set in fired.items()}


def rotate(data: Mapping[str, Any], entities: Sequence[EntityConfig], sets: Mapping[str, Prepared],
           progress: Callable[[str], None] = lambda _: None, policy: str = "support") -> list[Rotation]:
    """``policy`` "support": a family is kept only if it helps the tuning sets; "no-harm": kept unless leaving it
    out helps them (a family the tuning sets never exercise is kept)."""
    evaluator = _Evaluator(data, entities, sets)
    shipped_knobs = {name: float(data.get(name, default)) for name, default in SHIPPED_DEFAULTS}
    every = families(data)
    shipped = evaluator.scores(shipped_knobs, frozenset())
    rotations = []
    for held_out in sets:
        tuning = [name for name in sets if name != held_out]

        def value(knobs: Mapping[str, float], without: frozenset[str]) -> float:
            scores = evaluator.scores(knobs, without)
            return objective([scores[name] for name in tuning])

        progress(f"rotation: {held_out} left out")
        dropped: set[str] = set()
        for family in every:  # keep a family only if leaving it out costs the tuning sets something
            leaving_out = value(shipped_knobs, frozenset(dropped | {family}))
            keeping = value(shipped_knobs, frozenset(dropped))
            if leaving_out > keeping or (policy == "support" and leaving_out == keeping):
                dropped.add(family)
        knobs = dict(shipped_knobs)
        for name, candidates in KNOBS.items():  # one pass of coordinate search, ties keep the current value
            best = value(knobs, frozenset(dropped))
            for candidate in candidates:
                trial = dict(knobs, **{name: candidate})
                if (trial_value := value(trial, frozenset(dropped))) > best:
                    best, knobs = trial_value, trial
        rotations.append(Rotation(held_out, shipped[held_out], evaluator.scores(knobs, frozenset(dropped))[held_out],
                                  knobs, sorted(dropped)))
    return rotations
