"""Re-crawl cost and edit detection: the demo site crawled four times into one fresh SQLite file, in one run.

1. first crawl (the baseline), at the site's clock;
2. re-crawl of the unchanged site at the same clock;
3. the site's clock moved to epoch 1 (edits, removals, new stories: crawler.demo.changes), re-crawl at its time;
4. re-crawl of that unchanged site one day later: the stories still young are asked again, conditionally.

Then the planning lookups themselves, on a synthetic archive of ``--archive`` stored articles: what the spider
did before (load every stored canonical URL of the source into a set, once per crawl) against what it does now
(one indexed query per batch of 500 discovered URLs), time and Python memory (tracemalloc peak).

For each: requests the server answered, article-page requests (story URLs, 410s included) as a share of the
articles stored before the crawl, 304s apart, body bytes sent, seconds of the `pantau crawl` subprocess; then
whether every planted edit, removal and new story was found and nothing else changed.

    python bench/recrawl.py                 # 3 stories a day per outlet, ~570 articles
    python bench/recrawl.py --per-day 1
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.demo import DemoSite  # noqa: E402
from crawler.urls import canonical_url  # noqa: E402
from tests.fixtures.news_site import DEMO_TODAY, write_demo_config  # noqa: E402


def crawl(database: Path, config: Path, now: dt.datetime) -> float:
    command = [sys.executable, "-m", "crawler", "--database-url", f"sqlite:///{database}", "--config", str(config),
               "crawl", "--no-progress", "--now", now.isoformat(timespec="seconds")]
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PANTAU_FAST_LOCAL": "1"},
                            timeout=900)
    seconds = time.monotonic() - started
    if result.returncode != 0:
        raise SystemExit(f"crawl failed:\n{result.stderr[-3000:]}")
    return seconds


def counts(database: Path) -> dict[str, object]:
    with sqlite3.connect(database) as connection:
        return {
            "articles": connection.execute("SELECT count(*) FROM article").fetchone()[0],
            "hashes": dict(connection.execute("SELECT canonical_url, text_hash FROM article")),
            "edited": {row[0] for row in connection.execute(
                "SELECT canonical_url FROM v_article_changes WHERE change = 'edited'")},
            "removed": {row[0] for row in connection.execute(
                "SELECT canonical_url FROM v_article_changes WHERE change = 'removed'")},
        }


def planning_lookups(archive: int) -> list[tuple[str, float, float]]:
    """(approach, seconds, peak MiB) over an archive of ``archive`` stored articles of one source."""
    import tracemalloc

    import storage
    from crawler.article import Article
    from crawler.config import SourceConfig
    from storage import fetch_state

    with tempfile.TemporaryDirectory() as folder:
        engine = storage.connect(f"sqlite:///{folder}/archive.db")
        source = SourceConfig(key="arsip", name="Arsip", home_url="https://arsip.test/")
        storage.sync_config(engine, [source], [])
        with storage.ArticleWriter(engine, "arsip", batch_size=2000) as writer:
            for number in range(archive):
                writer.add(Article(url=f"https://arsip.test/berita/{number}/judul-berita-{number}",
                                   canonical_url=f"https://arsip.test/berita/{number}/judul-berita-{number}",
                                   title=f"Berita {number}", text="Isi berita."))
        # A crawl discovers the newest ~1,000 URLs (sitemaps, feeds, listings), 500 to a batch.
        discovered = [f"https://arsip.test/berita/{number}/judul-berita-{number}"
                      for number in range(archive - 1000, archive + 50)]
        results = []
        for label, work in (
                ("before: every stored URL in a set", lambda: storage.known_canonical_urls(engine, "arsip")),
                ("now: one query per batch of 500 discovered URLs",
                 lambda: [fetch_state.lookup(engine, discovered[start:start + 500])
                          for start in range(0, len(discovered), 500)])):
            tracemalloc.start()
            started = time.perf_counter()
            kept = work()
            seconds = time.perf_counter() - started
            peak = tracemalloc.get_traced_memory()[1] / 2 ** 20
            tracemalloc.stop()
            del kept
            results.append((label, seconds, peak))
        engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-day", type=float, default=3.0)
    parser.add_argument("--archive", type=int, default=50_000, help="stored articles for the lookup comparison")
    options = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder, DemoSite(per_day=options.per_day, today=DEMO_TODAY) as site:
        database = Path(folder) / "pantau.db"
        config = write_demo_config(site, Path(folder) / "config")
        plan = [("1. first crawl", 0, dt.timedelta(0)), ("2. re-crawl, unchanged, same time", 0, dt.timedelta(0)),
                ("3. re-crawl after the site's edits (epoch 1, two days later)", 1, dt.timedelta(0)),
                ("4. re-crawl, unchanged since, one more day later", 1, dt.timedelta(days=1))]
        before = counts(database) if database.exists() else {"articles": 0, "hashes": {}}
        found: dict[str, object] = {}
        for label, epoch, later in plan:
            site.set_epoch(epoch)
            for outlet in site.outlets:
                outlet.hits.clear()
                outlet.status_counts.clear()
                outlet.bytes_sent = 0
            stored_before = before["articles"]
            seconds = crawl(database, config, site.now() + later)
            article_requests = sum(count for outlet in site.outlets for target, count in outlet.hits.items()
                                   if urlsplit(target).path in outlet.by_path
                                   or urlsplit(target).path in outlet.gone_paths)
            requests = sum(sum(outlet.hits.values()) for outlet in site.outlets)
            not_modified = sum(outlet.status_counts[304] for outlet in site.outlets)
            sent = sum(outlet.bytes_sent for outlet in site.outlets)
            after = counts(database)
            share = f"{100 * article_requests / stored_before:.2f} %" if stored_before else "-"
            rows.append((label, stored_before, requests, article_requests, share, not_modified, sent, seconds))
            if epoch == 1 and not found:
                record = site.changes()
                found = {
                    "edited": ({canonical_url(c["url"]) for c in record if c["change"] == "edited"}, after["edited"]),
                    "removed": ({canonical_url(c["url"]) for c in record if c["change"] == "removed"},
                                after["removed"]),
                    "added": ({canonical_url(c["url"]) for c in record if c["change"] == "added"},
                              set(after["hashes"]) - set(before["hashes"])),
                    "changed text": ({canonical_url(c["url"]) for c in record if c["change"] == "edited"},
                                     {url for url, digest in after["hashes"].items()
                                      if url in before["hashes"] and before["hashes"][url] != digest}),
                }
            before = after
        site.set_epoch(0)
    first_bytes, first_seconds = rows[0][6], rows[0][7]
    print("| crawl | stored before | requests | article-page requests | of stored | 304s | bytes | bytes / first "
          "| seconds | seconds / first |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for label, stored, requests, articles, share, not_modified, sent, seconds in rows:
        print(f"| {label} | {stored} | {requests} | {articles} | {share} | {not_modified} | {sent:,} | "
              f"{sent / first_bytes:.3f} | {seconds:.1f} | {seconds / first_seconds:.2f} |")
    print()
    print("| planted at epoch 1 | recorded by the site | found | missed | invented |")
    print("|---|---|---|---|---|")
    for kind, (planted, seen) in found.items():
        print(f"| {kind} | {len(planted)} | {len(planted & seen)} | {len(planted - seen)} | {len(seen - planted)} |")
    print()
    print(f"| planning a crawl over {options.archive:,} stored articles (1,050 URLs discovered) | seconds "
          "| Python memory peak, MiB |")
    print("|---|---|---|")
    for label, seconds, peak in planning_lookups(options.archive):
        print(f"| {label} | {seconds:.3f} | {peak:.1f} |")


if __name__ == "__main__":
    main()
