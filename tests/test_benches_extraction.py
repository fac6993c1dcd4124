"""Small runs of the extraction benches (bench/extract_speed.py, bench/extraction.py, bench/extract_hostile.py), so
that they cannot rot: their tables are complete and say what must hold (never how fast it was)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_benches_rest import _reference_dir

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str, timeout: int = 900) -> str:
    result = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                            check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_extract_speed_bench_prints_both_codes_with_one_digest(tmp_path: Path) -> None:
    out = _run("bench/extract_speed.py", "--pages", "12", "--passes", "1", "--rounds", "2",
               "--site-dir", str(tmp_path / "site"), "--compare-with", str(ROOT))
    rows = [line for line in out.splitlines() if re.match(r"\| (this tree|/)", line)]
    assert len(rows) == 2
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert len(cells[1].split(", ")) == 2 and all(float(value) > 0 for value in cells[1].split(", "))
        assert re.fullmatch(r"[0-9a-f]{16}", cells[4])
    assert "output of both codes: identical" in out


def test_extraction_bench_scores_both_extractors_on_every_set() -> None:
    data = _reference_dir()
    pages = sum(1 for _ in (data / "pages").glob("*.html.gz"))
    out = _run("bench/extraction.py", "--data", str(data))
    rows = {tuple(line.split()[:2]): line.split() for line in out.splitlines()
            if re.match(r"(id|fundus|overall)\s+(pantau|trafilatura)\s+\d+", line)}
    assert set(rows) == {(s, e) for s in ("id", "fundus", "overall") for e in ("pantau", "trafilatura")}
    assert int(rows[("overall", "pantau")][2]) == int(rows[("overall", "trafilatura")][2]) == pages
    assert int(rows[("id", "pantau")][2]) + int(rows[("fundus", "pantau")][2]) == pages
    for cells in rows.values():
        assert all(0.0 <= float(value) <= 1.0 for value in cells[3:6])  # precision, recall, F1
    assert re.search(r"speed ratio pantau/trafilatura: \d+\.\d\d", out)


def test_hostile_page_bench_keeps_the_article_of_a_capped_case() -> None:
    out = _run("bench/extract_hostile.py", "--limit", "60", "--only", "100k attributes on one element")
    assert re.search(r"^healthy page\s+\d+\s+[\d.]+\s+1\s+ok$", out, re.MULTILINE)
    assert re.search(r"^100k attributes on one element\s+\d+\s+[\d.]+\s+\d+\s+ok$", out, re.MULTILINE)
    if "stopped" in out or "died" in out:
        pytest.fail(out)
