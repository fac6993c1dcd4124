"""Memory of a crawl that stores new articles over a large archive: peak RSS and PSS of the whole process tree.

One source (the bench site's ``kaltimkini`` outlet, bench/site.py) with ``--articles`` stories already stored
(:func:`bench.archive_db.fill_archive`: articles, mentions, quotes, tone, as a crawl stores them), each with its
``story_cluster`` row and paragraph signature (crawler.clusters, computed from the stored text as the analysis
worker computes it; every stored article is its own cluster, which changes nothing in what the crawl loads).
The stored articles are published within the 60 days before the new ones (``CANDIDATE_WINDOW``,
storage/clusters.py), so the crawl's cluster index loads every one of them: the worst case of a source with that
many stored articles. The site's sitemaps list every stored URL (not served: a request for one would be a bug)
and ``--new`` article pages that are not stored, which the crawl fetches, extracts in its worker processes and
stores (the writer thread, the cluster step).

``pantau crawl kaltimkini`` runs in a subprocess on a fresh copy of the archive database; every process of its
tree is sampled with psutil every 0.1 s. The table gives, per kind of process (the crawl parent, the forkserver,
the analysis workers, others such as multiprocessing's resource tracker), the peak of the kind's summed RSS and
of its summed PSS (``memory_full_info().pss``: a page shared by several processes is counted once, split between
them, which is what the tree really uses), and the peak of the whole tree's sums (taken at one sample, so it is
at most the sum of the kinds' peaks).

    python bench/crawl_memory.py                   # 100,000 stored articles, 300 new pages (archive cached)
    python bench/crawl_memory.py --small           # 3,000 stored, 50 new (CI)
    python bench/crawl_memory.py --compare-with /tmp/old-checkout --repeat 2   # old code in turn (PYTHONPATH)
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.archive_crawl import serve  # noqa: E402
from bench.site import generate_site  # noqa: E402

HOST = "127.0.0.65"
PORT = 8465
SMALL_HOST = "127.0.0.66"  # the small run (CI) on its own address, so it never meets a full run
SMALL_PORT = 8466
SOURCE_KEY = "kaltimkini"
URLS_PER_SITEMAP = 25_000
SAMPLE_SECONDS = 0.1
KINDS = ("crawl parent", "forkserver", "workers", "other")
SEED = 15


def stored_url(source, number: int, article) -> str:
    """Canonical URL of stored archive article ``number`` (fill_archive's ``url_for``; the sitemaps list it with
    the trailing slash of the outlet's article pattern, which canonical_url drops). Never served."""
    return f"{source.home_url}2026/01/01/arsip-{number}"


@dataclass
class Archive:
    folder: Path
    database: Path  # the pristine archive; every crawl runs on a copy
    config: Path
    www: Path
    articles: int
    new_pages: int


def _count(database: Path, table: str) -> int:
    if not database.exists():
        return -1
    try:
        with contextlib.closing(sqlite3.connect(database)) as connection:
            return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 - fixed names
    except sqlite3.Error:
        return -1


def prepare(folder: Path, articles: int, new_pages: int, host: str = HOST, port: int = PORT) -> Archive:
    """The bench site with ``new_pages`` article pages of one outlet, and the archive database with ``articles``
    stored stories of that outlet and their signatures (both reused when ``folder`` holds them already)."""
    folder.mkdir(parents=True, exist_ok=True)
    site = generate_site(folder / "site", pages=new_pages, outlets=1, host=host, port=port)
    database = folder / f"archive-{articles}.db"
    archive = Archive(folder=folder, database=database, config=site.config_dir, www=site.www, articles=articles,
                      new_pages=new_pages)
    earliest_new = _earliest_new(site)
    if _count(database, "article") != articles or _count(database, "story_cluster") != articles:
        _fill(database, articles, site, earliest_new)
    _write_archive_sitemaps(archive, site.base_url)
    return archive


def _earliest_new(site) -> dt.datetime:
    """The earliest publication day among the site's article paths (/<key>/yyyy/mm/dd/slug/), 00:00 WITA."""
    days = sorted(path.split("/")[2:5] for path in site.outlets[0]["articles"])
    year, month, day = (int(part) for part in days[0])
    return dt.datetime(year, month, day, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _fill(database: Path, articles: int, site, earliest_new: dt.datetime) -> None:
    from bench.archive_db import fill_archive
    from crawler.config import load_sources

    started = time.perf_counter()
    database.unlink(missing_ok=True)
    partial = database.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    source = next(source for source in load_sources(site.config_dir) if source.key == SOURCE_KEY)
    fill_archive(f"sqlite:///{partial}", articles, sources=[source], url_for=stored_url, seed=SEED)
    _spread_in_window(partial, earliest_new)
    _store_signatures(partial)
    partial.rename(database)
    print(f"archive of {articles:,} stored articles written in {time.perf_counter() - started:.0f} s: {database}",
          file=sys.stderr)


def _spread_in_window(database: Path, earliest_new: dt.datetime) -> None:
    """Publication times spread evenly over the 59 days before the first new page (inside the 60-day window of
    the crawl's cluster index), oldest id first."""
    window = dt.timedelta(days=59).total_seconds()
    start = earliest_new - dt.timedelta(days=59)
    with contextlib.closing(sqlite3.connect(database)) as connection:
        ids = [row[0] for row in connection.execute("SELECT id FROM article ORDER BY id")]
        step = window / max(1, len(ids))
        # storage keeps UTC instants (naive in SQLite) beside the local offset in minutes
        rows = [((start + dt.timedelta(seconds=number * step)).astimezone(dt.timezone.utc).replace(tzinfo=None)
                 .isoformat(sep=" ", timespec="microseconds"), article_id) for number, article_id in enumerate(ids)]
        connection.executemany("UPDATE article SET published_at = ?, published_utc_offset = 480 WHERE id = ?", rows)
        connection.commit()


def _signature_rows(chunk: list[tuple[int, str]]) -> list[tuple[int, int, bytes]]:
    from crawler.clusters import Profile, fingerprint

    return [(article_id, article_id, fingerprint(Profile(text or "")).to_bytes()) for article_id, text in chunk]


def _store_signatures(database: Path) -> None:
    """One story_cluster row per stored article with its paragraph signature, as the crawl's cluster step stores
    it (the signature of the stored text); each article its own cluster."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    assigned = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    with contextlib.closing(sqlite3.connect(database)) as connection:
        texts = connection.execute("SELECT id, text FROM article ORDER BY id").fetchall()
        chunks = [texts[start:start + 2000] for start in range(0, len(texts), 2000)]
        with ProcessPoolExecutor(os.cpu_count() or 1, mp_context=multiprocessing.get_context("forkserver")) as pool:
            for rows in pool.map(_signature_rows, chunks):
                connection.executemany("INSERT INTO story_cluster (article_id, cluster_id, signature, assigned_at) "
                                       "VALUES (?, ?, ?, ?)", [(*row, assigned) for row in rows])
        connection.commit()


def _write_archive_sitemaps(archive: Archive, base_url: str) -> None:
    """Sitemaps of every stored URL, added to the outlet's sitemap index (so discovery finds the whole archive)."""
    with contextlib.closing(sqlite3.connect(archive.database)) as connection:
        urls = [row[0] for row in connection.execute("SELECT canonical_url FROM article ORDER BY id")]
    outlet = archive.www / SOURCE_KEY
    index_file = outlet / "sitemap_index.xml"
    original = outlet / "sitemap_index.site.xml"  # the site's own index, kept to rewrite from
    if not original.exists():
        shutil.copyfile(index_file, original)
    entries = []
    for start in range(0, len(urls), URLS_PER_SITEMAP):
        name = f"arsip-sitemap-{start // URLS_PER_SITEMAP + 1}.xml"
        body = "".join(f"<url><loc>{url}/</loc></url>" for url in urls[start:start + URLS_PER_SITEMAP])
        (outlet / name).write_text('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
                                   f'schemas/sitemap/0.9">{body}</urlset>\n', encoding="utf-8")
        entries.append(f"<sitemap><loc>{base_url}/{SOURCE_KEY}/{name}</loc></sitemap>")
    text = original.read_text(encoding="utf-8").replace("</sitemapindex>", "".join(entries) + "</sitemapindex>")
    index_file.write_text(text, encoding="utf-8")


# ------------------------------------------------------------------------------------------------ sampling


def _kind(process: psutil.Process, root_pid: int, forkservers: set[int]) -> str:
    if process.pid == root_pid:
        return "crawl parent"
    try:
        command = " ".join(process.cmdline())
        parent = process.ppid()
    except psutil.Error:
        return "other"
    if "multiprocessing.forkserver" in command and parent == root_pid:
        forkservers.add(process.pid)
        return "forkserver"
    if parent in forkservers:
        return "workers"
    return "other"


@dataclass
class MemoryPeaks:
    """Peaks over the samples of one crawl, in bytes."""

    total_rss: int = 0
    total_pss: int = 0
    rss: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    pss: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    processes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    samples: int = 0

    def add_sample(self, root: psutil.Process, kinds: dict[int, str], forkservers: set[int]) -> None:
        try:
            processes = [root, *root.children(recursive=True)]
        except psutil.Error:
            return
        rss = dict.fromkeys(KINDS, 0)
        pss = dict.fromkeys(KINDS, 0)
        count = dict.fromkeys(KINDS, 0)
        for process in processes:
            if process.pid not in kinds:
                kinds[process.pid] = _kind(process, root.pid, forkservers)
            kind = kinds[process.pid]
            try:
                info = process.memory_full_info()
            except psutil.Error:
                continue
            rss[kind] += info.rss
            pss[kind] += info.pss
            count[kind] += 1
        for kind in KINDS:
            self.rss[kind] = max(self.rss[kind], rss[kind])
            self.pss[kind] = max(self.pss[kind], pss[kind])
            self.processes[kind] = max(self.processes[kind], count[kind])
        self.total_rss = max(self.total_rss, sum(rss.values()))
        self.total_pss = max(self.total_pss, sum(pss.values()))
        self.samples += 1


@dataclass
class CrawlRun:
    label: str
    seconds: float
    peaks: MemoryPeaks
    stored_before: int
    stored_after: int
    clustered_after: int
    status: str
    article_requests: int  # requests for article pages (new or stored)
    stored_requests: int  # of which for stored URLs: must be 0


def crawl(archive: Archive, requested: list[str], label: str, pythonpath: str | None = None) -> CrawlRun:
    """``pantau crawl kaltimkini`` on a fresh copy of the archive, its process tree sampled every 0.1 s."""
    work = archive.folder / f"crawl-{os.getpid()}.db"
    shutil.copyfile(archive.database, work)
    env = {**os.environ, "PANTAU_FAST_LOCAL": "1", "PYTHONPATH": pythonpath or str(ROOT)}
    first_request = len(requested)
    errors = tempfile.TemporaryFile()
    started = time.perf_counter()
    # a working directory outside every checkout: ``python -m`` puts it first on sys.path, ahead of PYTHONPATH
    process = subprocess.Popen([sys.executable, "-m", "crawler", "--database-url", f"sqlite:///{work}",
                                "--config", str(archive.config), "crawl", SOURCE_KEY, "--no-progress"],
                               env=env, stdout=subprocess.DEVNULL, stderr=errors, cwd=archive.folder)
    root = psutil.Process(process.pid)
    peaks, kinds, forkservers = MemoryPeaks(), {}, set()
    while process.poll() is None:
        peaks.add_sample(root, kinds, forkservers)
        time.sleep(SAMPLE_SECONDS)
    seconds = time.perf_counter() - started
    errors.seek(0)
    output = errors.read().decode("utf-8", "replace")
    errors.close()
    if process.returncode != 0:
        raise RuntimeError(f"pantau crawl exited {process.returncode}:\n{output[-3000:]}")
    with contextlib.closing(sqlite3.connect(work)) as connection:
        status = connection.execute("SELECT status FROM crawl_run ORDER BY id DESC LIMIT 1").fetchone()[0]
        stored = connection.execute("SELECT count(*) FROM article").fetchone()[0]
        clustered = connection.execute("SELECT count(*) FROM story_cluster").fetchone()[0]
    work.unlink()
    paths = requested[first_request:]
    articles = [path for path in paths if path.startswith(f"/{SOURCE_KEY}/20")]
    return CrawlRun(label=label, seconds=seconds, peaks=peaks, stored_before=archive.articles,
                    stored_after=stored, clustered_after=clustered, status=status,
                    article_requests=len(articles),
                    stored_requests=sum("/arsip-" in path for path in articles))


def mb(value: int) -> str:
    return f"{value / 2**20:,.1f}"


def print_table(archive: Archive, runs: list[CrawlRun]) -> None:
    print(f"pantau crawl of one source with {archive.articles:,} stored articles (all in the cluster index's "
          f"window) and {archive.new_pages:,} new article pages; {os.cpu_count()} cores; load average "
          f"{os.getloadavg()[0]:.1f}; tree sampled every {SAMPLE_SECONDS:g} s")
    print(f"{'run':<3} {'code':<24} {'process kind':<14} {'procs':>5} {'peak RSS MB':>11} {'peak PSS MB':>11}")
    for number, run in enumerate(runs, 1):
        for kind in KINDS:
            print(f"{number:<3} {run.label[-24:]:<24} {kind:<14} {run.peaks.processes[kind]:>5} "
                  f"{mb(run.peaks.rss[kind]):>11} {mb(run.peaks.pss[kind]):>11}")
        print(f"{number:<3} {run.label[-24:]:<24} {'whole tree':<14} {sum(run.peaks.processes.values()):>5} "
              f"{mb(run.peaks.total_rss):>11} {mb(run.peaks.total_pss):>11}")
    print()
    print(f"{'run':<3} {'code':<24} {'seconds':>7} {'samples':>7} {'new stored':>10} {'clustered':>9} "
          f"{'article req.':>12} {'of stored':>9} {'status':<10}")
    for number, run in enumerate(runs, 1):
        print(f"{number:<3} {run.label[-24:]:<24} {run.seconds:>7.1f} {run.peaks.samples:>7} "
              f"{run.stored_after - run.stored_before:>10} {run.clustered_after - run.stored_before:>9} "
              f"{run.article_requests:>12} {run.stored_requests:>9} {run.status:<10}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000, help="stored articles of the source")
    parser.add_argument("--new", type=int, default=300, help="new article pages on the site")
    parser.add_argument("--small", action="store_true", help="3,000 stored, 50 new, its own address (CI)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "pantau-crawl-memory")
    parser.add_argument("--compare-with", metavar="CHECKOUT", default=None,
                        help="another Pantau checkout, run in turn with this one (PYTHONPATH)")
    parser.add_argument("--host", default=None, help=f"address to serve the site on ({HOST}; --small {SMALL_HOST})")
    parser.add_argument("--port", type=int, default=None, help=f"its port ({PORT}; --small {SMALL_PORT})")
    args = parser.parse_args(argv)
    host, port = HOST, PORT
    if args.small:
        args.articles, args.new, host, port = 3000, 50, SMALL_HOST, SMALL_PORT
        args.cache = args.cache / "small"
    host, port = args.host or host, args.port or port
    archive = prepare(args.cache, args.articles, args.new, host, port)
    variants = [("this code", None)] + ([(args.compare_with, args.compare_with)] if args.compare_with else [])
    runs = []
    with serve(archive.www, host, port) as requested:
        for _ in range(args.repeat):
            for label, pythonpath in variants:
                runs.append(crawl(archive, requested, label, pythonpath))
    print_table(archive, runs)


if __name__ == "__main__":
    main()
