"""bench/crawl_memory.py --small: a crawl that stores new pages over a stored archive (with its cluster
signatures) prints a complete memory table: a row per process kind (crawl parent, forkserver, two workers, the
resource tracker) and the whole tree, with RSS and PSS figures, every new page stored and clustered, no stored
URL requested. Real `pantau crawl` subprocess, real HTTP over loopback, a real SQLite archive. The figures
themselves are for docs/performance.md, never asserted."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.receivers import free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.67"  # not the bench's own addresses, so that a bench running beside the tests does not collide


def test_bench_crawl_memory_small_prints_a_complete_table(tmp_path):
    output = subprocess.run([sys.executable, str(ROOT / "bench" / "crawl_memory.py"), "--small", "--cache",
                             str(tmp_path), "--host", HOST, "--port", str(free_port())],
                            check=True, capture_output=True, text=True, timeout=900).stdout
    lines = output.splitlines()
    assert "3,000 stored articles" in lines[0] and "50 new article pages" in lines[0]
    kinds = {}
    for line in lines:
        match = re.match(r"1\s+this code\s+(crawl parent|forkserver|workers|other|whole tree)\s+(\d+)\s+"
                         r"([\d,.]+)\s+([\d,.]+)$", line)
        if match:
            kinds[match[1]] = (int(match[2]), float(match[3].replace(",", "")), float(match[4].replace(",", "")))
    assert set(kinds) == {"crawl parent", "forkserver", "workers", "other", "whole tree"}, output
    assert kinds["crawl parent"][0] == 1 and kinds["forkserver"][0] == 1 and kinds["workers"][0] == 2, output
    for kind in ("crawl parent", "forkserver", "workers", "whole tree"):
        processes, rss, pss = kinds[kind]
        assert rss > 0 and 0 < pss <= rss, (kind, output)
    # the tree's peaks are of one sample: never above the kinds' peaks added up
    assert kinds["whole tree"][1] <= sum(kinds[kind][1] for kind in ("crawl parent", "forkserver", "workers",
                                                                      "other")) + 0.1
    run = next(line for line in lines if re.match(r"1\s+this code\s+[\d.]+\s+\d+\s", line)).split()
    seconds, samples, new, clustered, article_requests, stored_requests, status = run[3:10]
    assert (new, clustered, stored_requests, status) == ("50", "50", "0", "succeeded"), output
    assert int(samples) > 0 and int(article_requests) >= 50
