"""Evaluation gate: Pantau's extraction scored on the real reference pages must not fall below pinned minimums.

The pages live outside the repository, in ``<repo>/../shared/data/extraction-dev`` (CI checks ``shared/`` out
beside the clone); without them the gate is skipped with the reason. The scoring is bench/extraction.py's
(crawler/evaluation.py), and the minimums sit just under what docs/extraction.md reports: raise them when
extraction improves, never lower them to let a change through. Speed is the benchmark's business, not a test's.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.evaluation import load_reference_pages, run_pantau, score_by_set

REFERENCE_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "extraction-dev"

# (set, metric) -> minimum. Measured at the time of pinning: see docs/extraction.md.
MINIMUMS = {
    ("overall", "F1"): 0.963,
    ("id", "F1"): 0.965,
    ("fundus", "F1"): 0.961,
    ("overall", "date"): 0.993,
    ("overall", "time"): 0.985,
    ("id", "time"): 0.96,
    ("overall", "title"): 0.90,
    ("id", "title"): 0.96,
    ("overall", "authors"): 0.885,
}


@pytest.fixture(scope="module")
def scores() -> dict[str, dict]:
    if not (REFERENCE_DIR / "truth.jsonl").is_file():
        pytest.skip(f"reference pages not found at {REFERENCE_DIR} (check out shared/ beside the repository)")
    pages = load_reference_pages(REFERENCE_DIR)
    outputs = [run_pantau(page.html, page.row) for page in pages]
    return score_by_set(pages, outputs)


@pytest.mark.parametrize("set_name, metric", sorted(MINIMUMS))
def test_extraction_gate_score_not_below_minimum(scores, set_name, metric):
    value = scores[set_name][metric]
    minimum = MINIMUMS[(set_name, metric)]
    assert value is not None and value >= minimum, (
        f"{set_name} {metric} {value:.3f} fell below the pinned minimum {minimum:.3f} "
        f"(python bench/extraction.py --show body|date|title|authors lists the pages that miss)")
