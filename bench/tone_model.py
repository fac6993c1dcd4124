"""Leave-one-set-out for the text model beside the tone rules (crawler/tone/model.py): for each development set,
train the model on the other sets, score the left-out set with the rules alone and with the rules plus the model's
neutral-to-negative override at several thresholds; the objective is bench/tone.py --rotate's, the mean of
(macro-F1 + negative recall) / 2 over the left-out sets.

    python bench/tone_model.py                       # the five development sets, this checkout's rules
    python bench/tone_model.py --held-out heldout3   # one set only

The rules of this checkout were written by people who had read every development set, so the rules-alone column is
flattered on all of them; to see what the model adds on text neither part was fitted to, run this file (and
crawler/tone/model.py) in a checkout of the rules from before a set was read, e.g. heldout3 with the rules of 1e5ff55:
``git worktree add /tmp/base 1e5ff55 && cp crawler/tone/model.py /tmp/base/crawler/tone/ && cp bench/tone_model.py
/tmp/base/bench/ && cd /tmp/base && python bench/tone_model.py --held-out heldout3``. heldout4.jsonl (blind) is never read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.article import Article  # noqa: E402
from crawler.config import load_entities  # noqa: E402
from crawler.mentions import COUNTED_ZONES, Matcher  # noqa: E402
from crawler.tone import ToneScorer  # noqa: E402
from crawler.tone import model as text_model  # noqa: E402
from crawler.tone.evaluation import load_labelled  # noqa: E402
from crawler.tone.scoring import split_sentences  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "tone"
SETS = ("dev", "dev2", "heldout", "heldout2", "heldout3")
THRESHOLDS = (0.45, 0.5, 0.55, 0.6, 0.65)


def figures(pairs: list[tuple[str, str]]) -> tuple[float, float, float]:
    """(macro-F1, negative recall, negative precision) of (gold, predicted) pairs."""
    f1s, negative = [], (0.0, 0.0)
    for tone in text_model.LABELS:
        right = sum(1 for gold, got in pairs if gold == got == tone)
        chosen = sum(1 for _, got in pairs if got == tone)
        wanted = sum(1 for gold, _ in pairs if gold == tone)
        precision, recall = (right / chosen if chosen else 0.0), (right / wanted if wanted else 0.0)
        f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
        if tone == "negative":
            negative = (recall, precision)
    return sum(f1s) / len(f1s), negative[0], negative[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--held-out", action="append", choices=SETS, help="score only these sets (default: all)")
    args = parser.parse_args()
    entities = load_entities()
    matcher, scorer = Matcher(entities), ToneScorer(entities, text_model=None)
    ids = {entity.id for entity in entities}
    prepared = {}
    for name in SETS:
        rows = []
        for record in load_labelled(DATA / f"{name}.jsonl", ids):
            article = Article(url=record["id"], canonical_url=record["id"], text=record["text"])
            mentions = [m for m in matcher.find(article) if m.zone in COUNTED_ZONES]
            verdict = scorer.assess(article, mentions).of(record["entity_id"])
            slots = text_model.features(split_sentences(article), mentions, record["entity_id"], article)
            # the override applies only where the rules found no cue about the agency (crawler/tone/__init__.py)
            silent = (all(j.entity_id != record["entity_id"] for j in scorer._rules.judge(article, mentions))
                      and scorer._rules.silent_about(record["entity_id"], split_sentences(article), mentions))
            rule = verdict.tone if verdict else "neutral"
            rows.append((slots, record["tone"], "silent" if rule == "neutral" and silent else rule))
        prepared[name] = rows
    print(f"{'left out':<9} {'n':>4} | {'rules alone':>17} | " + " | ".join(f"{'override ≥ ' + str(t):>17}"
                                                                       for t in THRESHOLDS))
    print(f"{'':<9} {'':>4} | {'F1  negR  negP':>17} | " + " | ".join(f"{'F1  negR  negP':>17}" for _ in THRESHOLDS))
    objective = {threshold: [] for threshold in (None, *THRESHOLDS)}
    for held in args.held_out or SETS:
        model = text_model.train([(slots, gold) for name in SETS if name != held
                                  for slots, gold, _ in prepared[name]])
        probabilities = [model.probabilities(slots)[0] for slots, _, _ in prepared[held]]
        cells = []
        for threshold in (None, *THRESHOLDS):
            pairs = [(gold, "negative" if threshold is not None and rule == "silent" and p >= threshold
                      else "neutral" if rule == "silent" else rule)
                     for (_, gold, rule), p in zip(prepared[held], probabilities)]
            f1, recall, precision = figures(pairs)
            objective[threshold].append((f1 + recall) / 2)
            cells.append(f"{f1:.3f} {recall:.2f} {precision:.2f}")
        print(f"{held:<9} {len(prepared[held]):>4} | {cells[0]:>17} | " + " | ".join(f"{c:>17}" for c in cells[1:]))
    print("objective (mean of (macro-F1 + negative recall) / 2): " + ", ".join(
        f"{'rules alone' if t is None else t}: {sum(v) / len(v):.4f}" for t, v in objective.items()))


if __name__ == "__main__":
    main()
