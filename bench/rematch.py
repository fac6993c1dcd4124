"""Re-matching throughput (``pantau rematch``) with the bundled dictionary, in articles per second.

Fills a temporary SQLite database with a crawl of the demo site, then re-matches it in one process and in a
pool of one worker per core, in the same run, and prints a table. The figures include reading the articles,
matching (Aho-Corasick over every derived variant), quotes, and replacing the mentions in batched transactions.

    python bench/rematch.py --per-day 4
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.config import load_entities, load_sources  # noqa: E402
from crawler.demo import DemoSite  # noqa: E402
from crawler.rematch import rematch  # noqa: E402
from tests.fixtures.news_site import write_demo_config  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-day", type=float, default=4.0)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.db"
        with DemoSite(per_day=args.per_day) as site:
            config = write_demo_config(site, Path(folder) / "config")
            subprocess.run([sys.executable, "-m", "crawler", "--database-url", f"sqlite:///{database}",
                            "--config", str(config), "crawl", "--no-progress"], check=True, capture_output=True,
                           env={**os.environ, "PANTAU_FAST_LOCAL": "1"})
        with sqlite3.connect(database) as connection:
            articles = connection.execute("SELECT count(*) FROM article").fetchone()[0]
        sources, entities = load_sources(config), load_entities(config)
        cores = os.cpu_count() or 1
        print(f"{articles} stored articles, {len(entities)} agencies in the dictionary, {cores} cores")
        print(f"{'run':>3}  {'workers':>7}  {'seconds':>8}  {'articles/s':>10}  {'vs 1 worker':>11}")
        for attempt in range(1, args.repeat + 1):
            baseline = None
            for workers in (1, cores):  # explicit counts: the automatic choice would use one process here
                started = time.perf_counter()
                result = rematch(f"sqlite:///{database}", sources, entities, workers=workers)
                seconds = time.perf_counter() - started
                rate = result.articles / seconds
                baseline = baseline or rate
                print(f"{attempt:>3}  {workers:>7}  {seconds:>8.2f}  {rate:>10.1f}  {rate / baseline:>11.2f}")


if __name__ == "__main__":
    main()
