"""Workers benchmark: a back-fill of the nginx-served bench site (bench/site.py) by 1, 2 and 4 ``pantau worker``s.

For each worker count it creates a fresh PostgreSQL database on the test server (PANTAU_TEST_POSTGRES_URL), starts
a private redis-server (once) and that many ``pantau worker --concurrency 1`` processes, queues a back-fill of
every outlet of the generated archive (one ``backfill`` per outlet, one part per month, exactly as ``pantau
backfill`` does), and waits until every part has finished. It then compares the database with the site's record
(every article once: lost, extra, duplicated) and prints, per worker count: runs, articles, seconds, runs/s,
articles/s, the ratio against 1 worker measured in the same invocation, throughput per worker, and the broker and
database overhead per run: a task's time in its worker (Celery's own "succeeded in" figure) minus its crawl run's
time in crawl_run, i.e. the claim, the child process's start and end, the back-fill bookkeeping and Celery.

    python bench/workers.py                                  # 2,400 pages, 8 outlets, 1/2/4 workers
    python bench/workers.py --pages 160 --outlets 4 --workers 1,2 --check   # the CI variant
                                                             # (tests/test_workers_bench.py; no timing checked)

On 2 shared cores the CPU, not the broker, caps the figure: each worker's crawl extracts in processes of its own.
The projection for N machines printed at the end is arithmetic on the measured figures, said as such.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psutil
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.site import DEFAULT_END, STORIES_PER_DAY, generate_site, nginx_site  # noqa: E402
from crawler.config import load_entities, load_sources  # noqa: E402
from crawler.urls import canonical_url  # noqa: E402

DEFAULT_HOST = "127.0.0.62"  # bench/crawl.py serves its site on 127.0.0.61: both may run at once
DEFAULT_PORT = 8482
FINAL_PART_STATUSES = ("succeeded", "failed", "timed-out")
TASK_SECONDS = re.compile(r"pantau\.crawl\[([0-9a-f-]+)\] succeeded in ([0-9.]+)s")
READY_SECONDS = 120


class Redis:
    """A throwaway redis-server on a free loopback port (Debian's redis-server)."""

    def __init__(self, folder: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise SystemExit("redis-server is not installed: apt-get install redis-server")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = subprocess.Popen([binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                         "--appendonly", "no", "--dir", str(folder)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"redis://127.0.0.1:{self.port}/0"
        import redis

        self.client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while True:
            try:
                self.client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"redis-server did not answer on port {self.port}") from None
                time.sleep(0.1)

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


class Databases:
    """A new PostgreSQL database per configuration on the test server, all dropped at the end."""

    def __init__(self, url: str) -> None:
        admin = sa.engine.make_url(url)
        if admin.drivername in ("postgresql", "postgres"):
            admin = admin.set(drivername="postgresql+psycopg")
        self.admin = sa.create_engine(admin, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        self.made: list[str] = []

    def new(self) -> str:
        name = f"pantau_workers_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
        self.made.append(name)
        return self.admin.url.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.admin.connect() as connection:
            for name in self.made:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin.dispose()


def _kill_tree(pid: int, signum: int) -> None:
    try:
        parent = psutil.Process(pid)
        family = [parent, *parent.children(recursive=True)]
    except psutil.NoSuchProcess:
        return
    for process in family:
        try:
            process.send_signal(signum)
        except psutil.NoSuchProcess:
            pass


def _archive_days(pages: int, outlets: int) -> tuple[dt.date, dt.date]:
    """The days the generated archive spans (bench/site.py: STORIES_PER_DAY per outlet and day, back from its end),
    with a day's margin on each side."""
    days = -(-pages // (outlets * STORIES_PER_DAY))
    return DEFAULT_END - dt.timedelta(days=days + 1), DEFAULT_END + dt.timedelta(days=1)


def run_configuration(workers: int, *, site, database_url: str, redis: Redis, scratch: Path,  # noqa: ANN001
                      first: dt.date, last: dt.date, timeout: float) -> dict[str, object]:
    import storage
    from crawler.workers.backfill import month_ranges
    from crawler.workers.enqueue import enqueue_backfill_part
    from storage import backfills

    redis.client.flushdb()
    engine = storage.connect(database_url)  # the schema and the sources, before the workers race to make them
    storage.sync_config(engine, load_sources(site.config_dir), load_entities(site.config_dir))
    env = {**os.environ, "PANTAU_BROKER_URL": redis.url, "PANTAU_FAST_LOCAL": "1"}
    logs, processes = [], []
    try:
        for number in range(1, workers + 1):
            log = scratch / f"workers-{workers}-w{number}.log"
            logs.append(log)
            processes.append(subprocess.Popen(
                [sys.executable, "-m", "crawler", "--database-url", database_url, "--config", str(site.config_dir),
                 "worker", "--concurrency", "1", "--name", f"bench-w{number}", "--allow-private-addresses",
                 "--grace-period", "5"], cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log.open("w"),
                stderr=subprocess.STDOUT))
        deadline = time.monotonic() + READY_SECONDS
        while not all(" ready" in log.read_text(errors="replace") for log in logs):
            if time.monotonic() > deadline or any(process.poll() is not None for process in processes):
                raise SystemExit(f"the workers did not start; see {scratch}")
            time.sleep(0.2)

        started = time.monotonic()
        ranges = month_ranges(first, last)
        for outlet in site.outlets:  # what `pantau backfill KEY --from FIRST --to LAST` does, for each outlet
            _, part_ids = backfills.create_backfill(engine, outlet["key"], first, last,
                                                    [(r.first, r.last) for r in ranges])
            for part_id, date_range in zip(part_ids, ranges):
                enqueue_backfill_part(outlet["key"], date_range.first, date_range.last, part_id, broker=redis.url)
        parts = len(site.outlets) * len(ranges)
        while True:
            with engine.connect() as connection:
                done = connection.execute(sa.text("SELECT count(*) FROM backfill_part WHERE status IN "
                                                  "('succeeded', 'failed', 'timed-out')")).scalar_one()
            if done == parts:
                break
            if time.monotonic() - started > timeout:
                raise SystemExit(f"{workers} worker(s): {done} of {parts} back-fill parts done after {timeout:.0f} s")
            time.sleep(0.25)
        seconds = time.monotonic() - started
    finally:
        for process in processes:
            _kill_tree(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                _kill_tree(process.pid, signal.SIGKILL)
                process.wait()

    with engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT canonical_url FROM article")).scalars().all()
        statuses = dict(connection.execute(sa.text(
            "SELECT status, count(*) FROM backfill_part GROUP BY status")).all())
        runs = connection.execute(sa.text(
            "SELECT r.worker, r.started_at, r.finished_at FROM crawl_run r "
            "WHERE r.id IN (SELECT run_id FROM backfill_part WHERE run_id IS NOT NULL)")).all()
    engine.dispose()
    truth = {canonical_url(url) for url in site.article_urls()}
    stored_set = {canonical_url(url) for url in stored}
    run_seconds = [(finished - begun).total_seconds() for _, begun, finished in runs if finished]
    task_seconds = [float(match.group(2)) for log in logs
                    for match in TASK_SECONDS.finditer(log.read_text(errors="replace"))]
    overhead_ms = ((statistics.mean(task_seconds) - statistics.mean(run_seconds)) * 1000
                   if task_seconds and run_seconds else None)
    return {"workers": workers, "runs": len(runs), "parts": parts, "part_statuses": statuses,
            "articles": len(stored), "seconds": seconds, "lost": len(truth - stored_set),
            "extra": len(stored_set - truth), "duplicated": len(stored) - len(set(stored)),
            "workers_used": len({worker for worker, _, _ in runs}), "mean_run_s": statistics.mean(run_seconds),
            "overhead_ms": overhead_ms}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2400, help="article pages of the generated archive")
    parser.add_argument("--outlets", type=int, default=8, help="outlets (each one back-fill; runs of one "
                                                                "outlet never overlap)")
    parser.add_argument("--workers", default="1,2,4", help="worker counts to measure, comma-separated")
    parser.add_argument("--site", type=Path, default=None,
                        help="folder for the generated site (default: a cache folder in the temp dir)")
    parser.add_argument("--host", default=DEFAULT_HOST)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--postgres-url", default=os.environ.get("PANTAU_TEST_POSTGRES_URL"),
                        help="a PostgreSQL server where databases may be created (default: $PANTAU_TEST_POSTGRES_URL)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds one configuration may take")
    parser.add_argument("--check", action="store_true", help="exit 1 unless every article is stored once")
    args = parser.parse_args()
    if not args.postgres_url:
        parser.error("needs PostgreSQL: set PANTAU_TEST_POSTGRES_URL or pass --postgres-url")
    counts = [int(part) for part in args.workers.split(",") if part.strip()]
    site_root = args.site or Path(tempfile.gettempdir()) / f"pantau-bench-workers-{args.pages}-{args.outlets}"
    site = generate_site(site_root, args.pages, args.outlets, host=args.host, port=args.port)
    first, last = _archive_days(args.pages, args.outlets)
    print(f"site: {site.pages} article pages in {len(site.outlets)} outlets, mean {site.mean_page_bytes / 1000:.0f} KB "
          f"a page; back-fill {first}..{last}; load average at start {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores", flush=True)
    rows = []
    databases = Databases(args.postgres_url)
    with tempfile.TemporaryDirectory(prefix="pantau-bench-workers-") as scratch_name:
        scratch = Path(scratch_name)
        redis = Redis(scratch)
        try:
            with nginx_site(site.root):
                for workers in counts:
                    rows.append(run_configuration(workers, site=site, database_url=databases.new(), redis=redis,
                                                  scratch=scratch, first=first, last=last, timeout=args.timeout))
                    row = rows[-1]
                    print(f"{workers} worker(s): {row['runs']} runs, {row['articles']} articles in "
                          f"{row['seconds']:.1f} s, lost {row['lost']}, extra {row['extra']}, duplicated "
                          f"{row['duplicated']}, load {os.getloadavg()[0]:.1f}", file=sys.stderr, flush=True)
        finally:
            redis.close()
            databases.drop_all()
    base = next((row for row in rows if row["workers"] == 1), rows[0])
    base_rate = base["articles"] / base["seconds"]
    print("| workers | runs | articles | lost | extra | duplicated | workers used | seconds | runs/s | articles/s | "
          "ratio vs 1 worker | articles/s per worker | mean run s | overhead per run ms |")
    print("|" + "---|" * 14)
    for row in rows:
        rate = row["articles"] / row["seconds"]
        overhead = "n/a" if row["overhead_ms"] is None else f"{row['overhead_ms']:.0f}"
        print(f"| {row['workers']} | {row['runs']} | {row['articles']} | {row['lost']} | {row['extra']} | "
              f"{row['duplicated']} | {row['workers_used']} | {row['seconds']:.1f} | "
              f"{row['runs'] / row['seconds']:.3f} | "
              f"{rate:.1f} | {rate / base_rate:.2f} | {rate / row['workers']:.1f} | {row['mean_run_s']:.1f} | "
              f"{overhead} |")
    if base["overhead_ms"] is not None:
        # From the 1-worker row only: with more workers than cores the runs slow each other down, which says
        # nothing about machines that do not share cores.
        per_run_s = base["mean_run_s"] + base["overhead_ms"] / 1000
        print(f"projection (arithmetic, not measured): one run takes {per_run_s:.1f} s with one worker here "
              f"({base['mean_run_s']:.1f} s crawling + {base['overhead_ms']:.0f} ms of broker, claim and child "
              f"start, {base['overhead_ms'] / 10 / per_run_s:.0f} %); N machines like this one with one worker "
              f"each would do about N x {1 / per_run_s:.3f} runs/s (N x {base_rate:.1f} articles/s) while "
              f"PostgreSQL and Redis keep up.")
    ok = all(row["lost"] == 0 and row["extra"] == 0 and row["duplicated"] == 0
             and row["part_statuses"].get("succeeded", 0) == row["parts"] for row in rows)
    print("every article once in every configuration" if ok else "NOT every article once: see the table")
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
