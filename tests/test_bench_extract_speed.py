"""The extraction speed bench's small variant, so that it cannot rot: its table is complete and two runs of the
same code agree on the output digest (never how fast it was)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_extract_speed_bench_prints_both_codes_with_one_digest(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "bench/extract_speed.py", "--pages", "12", "--passes", "1", "--rounds", "2",
         "--site-dir", str(tmp_path / "site"), "--compare-with", str(ROOT)],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    rows = [line for line in result.stdout.splitlines() if re.match(r"\| (this tree|/)", line)]
    assert len(rows) == 2
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert len(cells[1].split(", ")) == 2 and all(float(value) > 0 for value in cells[1].split(", "))
        assert re.fullmatch(r"[0-9a-f]{16}", cells[4])
    assert "output of both codes: identical" in result.stdout
