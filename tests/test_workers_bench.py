"""The small variant of bench/workers.py, so that it cannot rot: a back-fill of a generated archive served by nginx,
by 1 and then 2 real workers over a real Redis and real PostgreSQL — correctness only (every article once, every
back-fill part succeeded, both workers used); its timings are printed, never checked."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def _free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def test_a_backfill_by_one_and_by_two_workers_stores_every_article_once(tmp_path, postgres_admin_engine):
    if shutil.which("redis-server") is None:
        message = "redis-server is not installed (tests/run-all.sh installs Debian's redis-server)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    host = "127.0.0.63"
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "workers.py"), "--pages", "80", "--outlets", "2", "--workers", "1,2",
         "--site", str(tmp_path / "site"), "--host", host, "--port", str(_free_port(host)),
         "--postgres-url", postgres_admin_engine.url.render_as_string(hide_password=False), "--check"],
        cwd=ROOT, capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "every article once in every configuration" in result.stdout
    rows = re.findall(r"^\| (\d) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|", result.stdout, flags=re.M)
    assert [(workers, articles, lost, extra, duplicated) for workers, _, articles, lost, extra, duplicated, _ in rows] \
        == [("1", "80", "0", "0", "0"), ("2", "80", "0", "0", "0")]
    runs = {workers: int(count) for workers, count, *_ in rows}
    used = {workers: int(row[-1]) for workers, *row in rows}
    # 2 outlets x 2 months: the back-fill runs to the day after the archive ends, 1 December
    assert runs == {"1": 4, "2": 4}
    assert used == {"1": 1, "2": 2}, "the runs were spread over both workers"
