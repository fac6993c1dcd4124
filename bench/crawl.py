"""Crawl throughput: a full ``pantau crawl`` of the demo site against the ceiling, measured in the same run.

The ceiling is what DESIGN.md says to measure against: plain trafilatura (``bare_extraction`` with metadata)
over the very same article pages, already in memory, on all cores (a process pool of os.cpu_count()). Pantau's
figure is end to end: process start, discovery (robots, sitemaps, feeds, listings), downloads over loopback,
extraction, matching, quotes and batched SQLite writes. "download only" is the same crawl with no item
pipelines: what Scrapy and the demo server (in this process, on the same cores) manage without extraction. A
second crawl of the same site shows the cost of an incremental run (every article already stored, skipped
before download).

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


def download_only(sources_file: Path, database: Path) -> float:
    """Seconds for the same crawl with no item pipelines (a child process: Scrapy's reactor runs once)."""
    started = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--download-only-child", str(sources_file), str(database)],
                   check=True, capture_output=True)
    return time.perf_counter() - started


def _download_only_child(sources_file: str, database: str) -> None:
    from crawler.config import load_entities, parse_sources_toml
    from crawler.crawl import run_crawl

    sources = parse_sources_toml(Path(sources_file).read_text(encoding="utf-8"))
    run_crawl(f"sqlite:///{database}", sources, load_entities(), fast_local=True,
              settings_overrides={"ITEM_PIPELINES": {}})


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--download-only-child":
        _download_only_child(sys.argv[2], sys.argv[3])
        return
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
            download_seconds = download_only(config / "sources" / "demo.toml", Path(folder) / f"dl-{attempt}.db")
            database = Path(folder) / f"bench-{attempt}.db"
            first_seconds, stored = pantau_crawl(config, database)
            second_seconds, _ = pantau_crawl(config, database)
            rows.append((plain, len(pages) / download_seconds, stored / first_seconds, first_seconds,
                         second_seconds, stored))
    print(f"{len(pages)} article pages from {len(site.outlets)} demo outlets; {workers} cores; "
          f"{args.repeat} interleaved run(s); pages/s = article pages / wall seconds of the whole command")
    print(f"{'run':>3}  {'ceiling':>8}  {'download only':>13}  {'pantau':>7}  {'/ceiling':>8}  {'/download':>9}  "
          f"{'crawl s':>7}  {'re-crawl s':>10}  {'stored':>6}")
    for index, (plain, download, rate, first, second, stored) in enumerate(rows, 1):
        print(f"{index:>3}  {plain:>8.1f}  {download:>13.1f}  {rate:>7.1f}  {rate / plain:>8.2f}  "
              f"{rate / download:>9.2f}  {first:>7.1f}  {second:>10.1f}  {stored:>6}")


if __name__ == "__main__":
    main()
