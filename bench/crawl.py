"""Crawl throughput against a real web server: download only, Pantau end to end, the extraction ceiling and
news-please, all over the same generated news site served by nginx, measured in one run.

The site is bench/site.py's: ``--pages`` article pages of 30-120 KB (four outlet shapes, robots.txt, sitemap
index + monthly sitemaps, RSS/Atom, listings) written once to a cache folder and served as static files by a
private Debian nginx (sendfile, keep-alive, 1 worker) on 127.0.0.61:80. Python's http.server, the demo site's
server, itself capped the old benchmark at ~58 pages/s; nginx does not cap it.

Rows, in the order they run (each a subprocess whose whole process tree is sampled for peak RSS by psutil):

- ceiling: plain trafilatura (``bare_extraction`` with metadata) over the same article pages, read from the
  site's files into memory first, on a process pool of os.cpu_count() workers (start-up excluded).
- download only: the same Pantau spider and settings with no item pipelines (Scrapy + discovery + downloads).
- pantau: ``pantau crawl`` into a fresh SQLite file: start, discovery, downloads, extraction, dates, mentions,
  quotes, tone, clusters, batched writes.
- re-crawl: ``pantau crawl`` again over the same database with nothing new: its seconds are the fixed cost.
- news-please: PyPI's news-please (its own venv, see bench/newsplease_run.py) with its SitemapCrawler over the
  same site, stopped after ``--newsplease-seconds`` if still running (its rate is then pages stored / seconds).

    nice -n 10 python bench/crawl.py                   # 20,000 pages (the site is cached in ~/.cache/pantau-bench)
    python bench/crawl.py --small                      # 300 pages on its own address, no news-please (CI)
    python bench/crawl.py --pages 2000 --json out.json # also writes the figures as JSON
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import newsplease_run  # noqa: E402
from bench.site import CACHE_DIR, generate_site, nginx_site, port_free  # noqa: E402

SMALL_PAGES = 300
SMALL_HOST = "127.0.0.63"  # the CI variant's own address, so that it never meets a full run on 127.0.0.61


@dataclass
class Row:
    name: str
    seconds: float | None = None
    pages: int | None = None  # article pages processed / stored
    peak_rss_mb: float | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def rate(self) -> float | None:
        return self.pages / self.seconds if self.pages is not None and self.seconds else None


class TreeSampler:
    """Peak resident memory of a process and all its descendants, sampled every ``interval`` seconds."""

    def __init__(self, pid: int, interval: float = 0.1, skip_root: bool = False) -> None:
        self.pid, self.interval, self.skip_root = pid, interval, skip_root
        self.peak = 0
        self.cpu: dict[int, float] = {}  # pid -> user + system CPU seconds when last seen
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self._stop.is_set():
            total = 0
            try:
                processes = root.children(recursive=True) + ([] if self.skip_root else [root])
            except psutil.NoSuchProcess:
                return
            for process in processes:
                try:
                    total += process.memory_info().rss
                    times = process.cpu_times()
                    self.cpu[process.pid] = times.user + times.system
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(self.interval)


# CPU seconds of the last command run_measured ran: (the command's own process, its whole process tree), as last
# sampled (every 0.1 s) before each process ended.
LAST_CPU: dict[str, float] = {"process": 0.0, "tree": 0.0}


def run_measured(command: list[str], *, env: dict | None = None, timeout: float | None = None,
                 skip_root: bool = False, log: Path | None = None,
                 cwd: Path | None = None) -> tuple[float, float, int, bool]:
    """Runs ``command``; returns (wall seconds, peak RSS MB of its tree, exit code, stopped at ``timeout``)."""
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    try:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                   cwd=cwd)
        stopped = False
        with TreeSampler(process.pid, skip_root=skip_root) as sampler:
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                stopped = True
                os.killpg(process.pid, signal.SIGINT)  # Scrapy's graceful stop: finish what is in flight
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
        seconds = time.perf_counter() - started
    finally:
        if log:
            out.close()
    LAST_CPU["process"] = sampler.cpu.get(process.pid, 0.0)
    LAST_CPU["tree"] = sum(sampler.cpu.values())
    return seconds, sampler.peak / 2**20, process.returncode, stopped


def _fail(row: Row, log: Path, code: int) -> Row:
    lines = log.read_text(errors="replace").strip().splitlines() if log.exists() else []
    row.note = f"failed (exit {code}): {lines[-1] if lines else 'no output'} (log: {log})"
    return row


# ------------------------------------------------------------------------------------------------ ceiling

def _plain_trafilatura(job: tuple[str, str]) -> bool:
    import trafilatura

    html, url = job
    return trafilatura.bare_extraction(html, url=url, with_metadata=True) is not None


def _ceiling_child(site_root: str, result_file: str) -> None:
    """In its own process: read every article page into memory, then time trafilatura on all cores."""
    from bench.site import load_site

    site = load_site(site_root)
    pages = [(site.article_file(url).read_text(encoding="utf-8"), url) for url in site.article_urls()]
    workers = os.cpu_count() or 1
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(_plain_trafilatura, pages[:workers * 2]))  # warm the workers' imports
        started = time.perf_counter()
        extracted = sum(pool.map(_plain_trafilatura, pages, chunksize=16))
        seconds = time.perf_counter() - started
    Path(result_file).write_text(json.dumps({"seconds": seconds, "pages": len(pages), "extracted": extracted,
                                             "workers": workers}))


def ceiling(site_root: Path, work: Path) -> Row:
    row = Row("ceiling: plain trafilatura")
    result, log = work / "ceiling.json", work / "ceiling.log"
    _, peak, code, _ = run_measured([sys.executable, __file__, "--ceiling-child", str(site_root), str(result)],
                                    skip_root=True, log=log)
    if code != 0:
        return _fail(row, log, code)
    figures = json.loads(result.read_text())
    row.seconds, row.pages, row.peak_rss_mb = figures["seconds"], figures["pages"], peak
    row.note = (f"{figures['workers']} processes, pages in memory; {figures['extracted']} extracted; RSS of the "
                "workers only (their parent holds the pages)")
    return row


# ------------------------------------------------------------------------------------------------ pantau

class ArticleResponseCounter:
    """A Scrapy extension for the download-only crawl: counts the responses to article requests (the pages that
    Pantau's pipelines would have analysed) and all responses, and adds them to ``COUNTS`` at the spider's close."""

    COUNTS = {"articles": 0, "responses": 0}

    def __init__(self, crawler) -> None:  # noqa: ANN001 - Scrapy's Crawler
        from scrapy import signals

        crawler.signals.connect(self.on_response, signal=signals.response_received)

    @classmethod
    def from_crawler(cls, crawler) -> ArticleResponseCounter:  # noqa: ANN001
        return cls(crawler)

    def on_response(self, response, request, spider) -> None:  # noqa: ANN001
        self.COUNTS["responses"] += 1
        if getattr(request.callback, "__name__", "") == "parse_article":
            self.COUNTS["articles"] += 1


def _download_only_child(sources_file: str, database: str, count_file: str) -> None:
    from crawler.config import load_entities, parse_sources_toml
    from crawler.crawl import run_crawl

    sources = parse_sources_toml(Path(sources_file).read_text(encoding="utf-8"))
    run_crawl(f"sqlite:///{database}", sources, load_entities(), fast_local=True,
              settings_overrides={"ITEM_PIPELINES": {}, "EXTENSIONS": {"bench.crawl.ArticleResponseCounter": 500}})
    from bench.crawl import ArticleResponseCounter as loaded  # the class Scrapy loaded (this file runs as __main__)

    Path(count_file).write_text(json.dumps(loaded.COUNTS))


def download_only(sources_file: Path, work: Path) -> Row:
    row = Row("download only (no pipelines)")
    counts, log = work / "download-only.json", work / "download-only.log"
    seconds, peak, code, _ = run_measured(
        [sys.executable, __file__, "--download-only-child", str(sources_file), str(work / "download-only.db"),
         str(counts)], log=log)
    if code != 0:
        return _fail(row, log, code)
    figures = json.loads(counts.read_text())
    row.seconds, row.pages, row.peak_rss_mb = seconds, figures["articles"], peak
    row.note = f"{figures['responses']} responses in all (discovery included)"
    return row


def pantau_crawl(name: str, config_dir: Path, database: Path, log: Path, checkout: Path | None = None) -> Row:
    """``pantau crawl`` of the bench site; ``checkout``: run that Pantau checkout's code (default: this one's),
    from a working directory outside every checkout (``python -m`` puts the working directory first on
    sys.path)."""
    row = Row(name)
    before = _stored(database) if database.exists() else 0
    code_dir = checkout or Path(__file__).resolve().parent.parent
    seconds, peak, code, _ = run_measured(
        [sys.executable, "-m", "crawler", "--database-url", f"sqlite:///{database}", "--config", str(config_dir),
         "crawl", "--no-progress"], env={**os.environ, "PANTAU_FAST_LOCAL": "1", "PYTHONPATH": str(code_dir)},
        log=log, cwd=database.parent)
    if code != 0:
        return _fail(row, log, code)
    row.seconds, row.peak_rss_mb = seconds, peak
    row.extra["cpu_crawl_process"] = round(LAST_CPU["process"], 1)
    row.extra["cpu_tree"] = round(LAST_CPU["tree"], 1)
    row.note = (f"CPU s: crawl process {LAST_CPU['process']:.1f}, whole tree {LAST_CPU['tree']:.1f}"
                + (f"; code of {checkout}" if checkout else ""))
    row.pages = _stored(database) - before
    row.extra["stored_total"] = _stored(database)
    return row


def _stored(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT count(*) FROM article").fetchone()[0]


# ------------------------------------------------------------------------------------------------ news-please

def newsplease(base_url: str, work: Path, limit: float) -> Row:
    row = Row("news-please (SitemapCrawler)")
    try:
        version = newsplease_run.ensure_newsplease()
    except newsplease_run.NewsPleaseUnavailable as error:
        row.note = f"not run: {error}"
        return row
    except subprocess.TimeoutExpired as error:
        row.note = f"not run: installing news-please from PyPI took longer than {error.timeout:.0f} s"
        return row
    cfg, sitelist, data = newsplease_run.write_config(work / "newsplease", base_url)
    log = work / "newsplease.log"
    seconds, peak, code, stopped = run_measured(newsplease_run.crawl_command(cfg, sitelist), timeout=limit, log=log)
    row.seconds, row.peak_rss_mb = seconds, peak
    row.pages = newsplease_run.stored_articles(data)
    row.note = f"news-please {version}" + (f"; stopped after {limit:.0f} s, rate over the pages it stored"
                                           if stopped else "")
    if code not in (0, None) and not stopped:
        row.note += f"; exit {code} (log: {log})"
    return row


# ------------------------------------------------------------------------------------------------ the table

def ratio(top: Row, bottom: Row) -> str:
    if top.rate is None or bottom.rate is None:
        return "-"
    return f"{top.rate / bottom.rate:.2f}"


def print_table(rows: list[Row], pages: int, site_note: str) -> None:
    print(site_note)
    print(f"{'measure':<34} {'pages':>7} {'seconds':>8} {'pages/s':>8} {'peak RSS MB':>11}  note")
    for row in rows:
        rate = f"{row.rate:.1f}" if row.rate is not None else "-"
        seconds = f"{row.seconds:.1f}" if row.seconds is not None else "-"
        peak = f"{row.peak_rss_mb:.0f}" if row.peak_rss_mb is not None else "-"
        count = str(row.pages) if row.pages is not None else "-"
        print(f"{row.name:<34} {count:>7} {seconds:>8} {rate:>8} {peak:>11}  {row.note}")
    by_name = {row.name.split(" ")[0].rstrip(":"): row for row in rows}
    pantau = by_name.get("pantau")
    if pantau is not None:
        print(f"pantau / ceiling       {ratio(pantau, by_name['ceiling'])}")
        print(f"pantau / download only {ratio(pantau, by_name['download'])}")
        print(f"pantau / news-please   {ratio(pantau, by_name['news-please']) if 'news-please' in by_name else '-'}")
        stored = pantau.extra.get("stored_total")
        print(f"stored by pantau       {stored} of {pages}")
    recrawl = by_name.get("re-crawl")
    if recrawl is not None and recrawl.seconds is not None:
        print(f"re-crawl fixed cost    {recrawl.seconds:.1f} s ({recrawl.pages} new articles)")
    compared = {row.name: row for row in rows if row.name.startswith("compared: ")}
    for name, ours in (("compared: pantau (end to end)", pantau), ("compared: re-crawl (nothing new)", recrawl)):
        theirs = compared.get(name)
        if ours is None or theirs is None or not theirs.seconds or not ours.seconds:
            continue
        cpu = ("cpu_crawl_process", "cpu_tree")
        ratios = ", ".join(f"{key} {ours.extra[key] / theirs.extra[key]:.2f}x" for key in cpu
                           if ours.extra.get(key) and theirs.extra.get(key))
        print(f"{name.removeprefix('compared: ')} vs compared code: wall {ours.seconds / theirs.seconds:.2f}x, {ratios}")
        if theirs.rate and "ceiling" in by_name:
            print(f"  compared code's pantau / ceiling {ratio(theirs, by_name['ceiling'])}")


class _ProgressRows(list):
    """The rows, each also printed to stderr as soon as it is measured (a long run shows what it has)."""

    def append(self, row: Row) -> None:
        super().append(row)
        rate = f"{row.rate:.1f} pages/s" if row.rate is not None else "-"
        print(f"[{time.strftime('%H:%M:%S')}] {row.name}: {row.pages} pages, {row.seconds} s, {rate}, peak RSS "
              f"{row.peak_rss_mb} MB {row.note}", file=sys.stderr, flush=True)


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--download-only-child":
        _download_only_child(sys.argv[2], sys.argv[3], sys.argv[4])
        return
    if len(sys.argv) == 4 and sys.argv[1] == "--ceiling-child":
        _ceiling_child(sys.argv[2], sys.argv[3])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20_000)
    parser.add_argument("--outlets", type=int, default=4)
    parser.add_argument("--small", action="store_true", help=f"{SMALL_PAGES} pages, no news-please (the CI variant)")
    parser.add_argument("--newsplease", choices=("auto", "on", "off"), default="auto",
                        help="auto: on, except with --small")
    parser.add_argument("--newsplease-seconds", type=float, default=900.0)
    parser.add_argument("--site-dir", type=Path, help="where the site is written (default: a cache folder)")
    parser.add_argument("--host", default=None)
    parser.add_argument("--json", type=Path, help="also write the rows here")
    parser.add_argument("--compare-with", metavar="CHECKOUT", type=Path, default=None,
                        help="another Pantau checkout: its pantau and re-crawl rows too, in the same run")
    args = parser.parse_args()
    pages = SMALL_PAGES if args.small else args.pages
    host = args.host or (SMALL_HOST if args.small else "127.0.0.61")
    run_newsplease = args.newsplease == "on" or (args.newsplease == "auto" and not args.small)
    port = 80 if port_free(host, 80) else None
    with tempfile.TemporaryDirectory(prefix="pantau-crawl-bench-") as folder:
        work = Path(folder)
        if port is None:  # not root, or 80 taken: any port (news-please then drops every request as offsite)
            from bench.site import free_port
            port = free_port(host)
        site_dir = args.site_dir or (work / "site" if args.small else CACHE_DIR / f"site-{pages}-{args.outlets}-{host}")
        site = generate_site(site_dir, pages=pages, outlets=args.outlets, host=host, port=port)
        rows = _ProgressRows()
        with nginx_site(site_dir) as base_url:
            rows.append(ceiling(site_dir, work))
            rows.append(download_only(site.sources_file, work))
            database = work / "pantau.db"
            rows.append(pantau_crawl("pantau (end to end)", site.config_dir, database, work / "pantau.log"))
            rows.append(pantau_crawl("re-crawl (nothing new)", site.config_dir, database, work / "recrawl.log"))
            if args.compare_with:
                compared = work / "compared" / "pantau.db"
                compared.parent.mkdir()
                rows.append(pantau_crawl("compared: pantau (end to end)", site.config_dir, compared,
                                         work / "compared-pantau.log", args.compare_with))
                rows.append(pantau_crawl("compared: re-crawl (nothing new)", site.config_dir, compared,
                                         work / "compared-recrawl.log", args.compare_with))
            if run_newsplease and port == 80:
                rows.append(newsplease(base_url, work, args.newsplease_seconds))
            elif run_newsplease:
                rows.append(Row("news-please (SitemapCrawler)", note=(
                    f"not run: port 80 of {host} cannot be listened on, and news-please's SitemapCrawler puts "
                    "host:port in Scrapy's allowed_domains, which Scrapy ignores, so every request is offsite")))
            else:
                rows.append(Row("news-please (SitemapCrawler)", note="skipped (--small: installing it takes minutes)"))
        note = (f"{site.pages} article pages (mean {site.mean_page_bytes / 1000:.1f} KB) from {len(site.outlets)} "
                f"outlets on {base_url}, nginx 1 worker; {os.cpu_count()} cores; load average at the end "
                f"{os.getloadavg()[0]:.1f}; pages/s = article pages / wall seconds of the whole command")
        print_table(rows, site.pages, note)
        if args.json:
            args.json.write_text(json.dumps({"site": note, "rows": [asdict(row) | {"rate": row.rate}
                                                                    for row in rows]}, indent=1))


if __name__ == "__main__":
    main()
