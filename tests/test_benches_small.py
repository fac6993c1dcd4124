"""Small runs of the matching and rematch benches, so that they cannot rot: what they print must be right
(never how fast it was)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from bench.archive_db import fill_archive
from crawler.config import load_entities

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str, timeout: int = 900) -> str:
    result = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_matching_bench_prints_the_matcher_figures_of_its_corpus() -> None:
    from bench.matching import corpus
    from crawler.mentions import Matcher

    out = _run("bench/matching.py", "--docs", "40")
    entities = load_entities()
    assert re.search(rf"\| entities / derived variants \| {len(entities)} / \d+ \|", out)
    documents = corpus(40)
    matcher = Matcher(entities)
    per_doc = sum(len(matcher.find(article, source)) for article, source in documents) / len(documents)
    assert f"find(), 40 docs of" in out and f"({per_doc:.1f} mentions/doc;" in out
    assert "| baseline: pyahocorasick alone" in out
    for set_name in ("labelled.jsonl", "heldout.jsonl", "batch3.jsonl", "batch4.jsonl"):
        assert out.count(f"| {set_name} |") == 3


def test_rematch_bench_rematches_a_small_archive_to_the_same_rows() -> None:
    out = _run("bench/rematch.py", "--articles", "120", "--repeat", "1", "--workers", "1", "2")
    before = re.search(r"stored rows digest before: (\w+)", out).group(1)
    filled = int(re.search(r"filled (\d+) articles \((\d+) mentions", out).group(1))
    mentions = int(re.search(r"filled \d+ articles \((\d+) mentions", out).group(1))
    lines = [line for line in out.splitlines() if line.startswith("| 1 |")]
    assert len(lines) == 2
    for line in lines:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        assert int(cells[3].replace(",", "")) == filled == 120
        assert cells[7] == f"{mentions:,} ({mentions:,})"  # the same dictionary stores the same mentions
        assert cells[8] == before  # ... and the very same mention, quote and tone rows


def test_fill_archive_stores_articles_as_a_crawl_would(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    summary = fill_archive(url, 60, sources=["diksi", "kompas"], seed=3, workers=1)
    again = fill_archive(f"sqlite:///{tmp_path / 'again.db'}", 60, sources=["diksi", "kompas"], seed=3, workers=1)
    assert summary.articles == 60 and summary.mentions == again.mentions > 60
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        counts = dict(connection.execute(sa.text(
            "SELECT s.key, count(*) FROM article a JOIN source s ON s.id = a.source_id GROUP BY s.key")).all())
        assert counts == {"diksi": 30, "kompas": 30}
        assert connection.execute(sa.text("SELECT count(*) FROM mention")).scalar() == summary.mentions
        assert connection.execute(sa.text("SELECT count(*) FROM fetch_state")).scalar() == 60
        years = connection.execute(sa.text("SELECT count(DISTINCT substr(published_at, 1, 4)) FROM article")).scalar()
        assert years >= 5
        lengths = [len(text) for (text,) in connection.execute(sa.text("SELECT text FROM article"))]
        assert 900 <= min(lengths) and max(lengths) <= 4000
    engine.dispose()
