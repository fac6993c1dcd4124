"""Crawl throughput: a full ``pantau crawl`` of the demo site against the ceiling, measured in the same run.

The ceiling is what DESIGN.md says to measure against: plain trafilatura (``bare_extraction`` with metadata)
over the very same article pages, already in memory, on all cores (a process pool of os.cpu_count()). Pantau's
figure is end to end: process start, discovery (robots, sitemaps, feeds, listings), downloads over loopback,
extraction, matching, quotes and batched SQLite writes. A second crawl of the same site shows the cost of an
incremental run (every article already stored, skipped before download).

    python bench/crawl.py                 # default: 4 stories a day per outlet, ~760 articles
    python bench/crawl.py --per-day 2 --repeat 2
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.demo import DemoSite  # noqa: E402
from tests.fixtures.news_site import write_demo_config  # noqa: E402


def _plain_trafilatura(job: tuple[str, str]) -> bool:
    import trafilatura

    html, url = job
    return trafilatura.bare_extraction(html, url=url, with_metadata=True) is not None


def ceiling(pages: list[tuple[str, str]], workers: int) -> float:
    """Pages per second of plain trafilatura on ``workers`` processes (pool start-up excluded)."""
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(_plain_trafilatura, pages[:workers * 2]))  # warm the workers' imports
        started = time.perf_counter()
        list(pool.map(_plain_trafilatura, pages, chunksize=8))
        return len(pages) / (time.perf_counter() - started)


def pantau_crawl(config: Path, database: Path) -> tuple[float, int]:
    """Seconds for one ``pantau crawl`` subprocess, and the articles stored after it."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "crawler", "--database-url", f"sqlite:///{database}",
                    "--config", str(config), "crawl", "--no-progress"], check=True, capture_output=True,
                   env={**os.environ, "PANTAU_FAST_LOCAL": "1"})
    seconds = time.perf_counter() - started
    with sqlite3.connect(database) as connection:
        articles = connection.execute("SELECT count(*) FROM article").fetchone()[0]
    return seconds, articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-day", type=float, default=4.0)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    workers = os.cpu_count() or 1
    with DemoSite(per_day=args.per_day) as site, tempfile.TemporaryDirectory() as folder:
        config = write_demo_config(site, Path(folder) / "config")
        urls = site.article_urls()
        pages = [(urllib.request.urlopen(url, timeout=30).read().decode("utf-8"), url) for url in urls]
        rows = []
        for attempt in range(args.repeat):
            plain = ceiling(pages, workers)
            database = Path(folder) / f"bench-{attempt}.db"
            first_seconds, stored = pantau_crawl(config, database)
            second_seconds, _ = pantau_crawl(config, database)
            rows.append((plain, stored / first_seconds, first_seconds, second_seconds, stored))
    print(f"{len(pages)} article pages from {len(site.outlets)} demo outlets; {workers} cores; "
          f"{args.repeat} interleaved run(s)")
    print(f"{'run':>3}  {'ceiling pages/s':>15}  {'pantau pages/s':>14}  {'ratio':>5}  "
          f"{'full crawl s':>12}  {'re-crawl s':>10}  {'stored':>6}")
    for index, (plain, rate, first, second, stored) in enumerate(rows, 1):
        print(f"{index:>3}  {plain:>15.1f}  {rate:>14.1f}  {rate / plain:>5.2f}  {first:>12.1f}  "
              f"{second:>10.1f}  {stored:>6}")


if __name__ == "__main__":
    main()
