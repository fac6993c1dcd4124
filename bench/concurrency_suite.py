"""Concurrency suite: the daemon, ad-hoc crawls, re-matching and four analysts' queries on one database at once.

For ``--seconds`` (default 180) it keeps running, against one SQLite file (and then one PostgreSQL database
when PANTAU_TEST_POSTGRES_URL is set), all serving the demo site:

- ``pantau daemon --every 4``: a scheduled crawl of every outlet every few seconds;
- ``pantau crawl kabarmahakam`` in a loop (an office's ad-hoc crawl; skipped while the daemon crawls it);
- ``pantau rematch`` in a loop (re-matching every stored article, replacing its mentions);
- four ``pantau query`` readers in loops (counts over the analysts' views).

It counts every command that exits with an error and every "database is locked" (SQLite) or serialization /
deadlock error (PostgreSQL) in any output; the daemon's log is read too. Figures per component: runs, failed
runs, lock errors.

    python bench/concurrency_suite.py                  # 3 minutes on each database
    python bench/concurrency_suite.py --seconds 30 --check   # the CI variant (tests/test_reliability_suites.py)
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.config import default_config_dir  # noqa: E402
from crawler.demo import DemoSite  # noqa: E402

LOCK_ERRORS = re.compile(r"database is locked|database table is locked|could not serialize|deadlock detected",
                         re.IGNORECASE)
READER_QUERIES = [
    "SELECT count(*) FROM v_mention",
    "SELECT entity_id, count(*) FROM v_article_entity GROUP BY entity_id ORDER BY 2 DESC LIMIT 5",
    "SELECT source_key, count(*) FROM v_article GROUP BY source_key",
    "SELECT count(*) FROM v_crawl_health",
]


@dataclass
class Tally:
    runs: int = 0
    failed: int = 0
    lock_errors: int = 0
    last_error: str = ""


def _pantau(database_url: str, config: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "PANTAU_FAST_LOCAL": "1"}
    return subprocess.run([sys.executable, "-m", "crawler", "--database-url", database_url, "--config", str(config),
                           *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def _loop(name: str, tally: Tally, stop: threading.Event, command) -> None:  # noqa: ANN001
    while not stop.is_set():
        result = command()
        tally.runs += 1
        output = result.stdout + result.stderr
        locks = len(LOCK_ERRORS.findall(output))
        tally.lock_errors += locks
        if result.returncode != 0:
            tally.failed += 1
            tally.last_error = (output.strip().splitlines() or ["?"])[-1][:200]


def _new_database(dialect: str, folder: Path) -> tuple[str, object]:
    if dialect == "sqlite":
        return f"sqlite:///{folder / 'concurrency.db'}", None
    url = sa.engine.make_url(os.environ["PANTAU_TEST_POSTGRES_URL"])
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    name = f"pantau_concurrency_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
    return admin.url.set(database=name).render_as_string(hide_password=False), (admin, name)


def run_suite(dialect: str, seconds: float, days: int) -> dict[str, Tally]:
    tallies: dict[str, Tally] = {}
    with tempfile.TemporaryDirectory(prefix="pantau-concurrency-") as scratch, \
            DemoSite(days=days, today=dt.date(2026, 11, 26)) as site:
        folder = Path(scratch)
        config = folder / "config"
        (config / "sources").mkdir(parents=True)
        (config / "sources" / "demo.toml").write_text(site.sources_toml(), encoding="utf-8")
        (config / "entities").symlink_to(default_config_dir() / "entities", target_is_directory=True)
        database_url, cleanup = _new_database(dialect, folder)
        try:
            first = _pantau(database_url, config, "crawl", "--no-progress")  # something to re-match and read
            if first.returncode != 0:
                raise SystemExit(f"the first crawl failed: {first.stderr[-500:]}")
            daemon_log = folder / "daemon.log"
            daemon = subprocess.Popen(
                [sys.executable, "-m", "crawler", "--database-url", database_url, "--config", str(config), "daemon",
                 "--every", "4", "--allow-private-addresses", "--poll", "1", "--grace-period", "10"],
                cwd=ROOT, env={**os.environ, "PANTAU_FAST_LOCAL": "1"}, stdout=subprocess.DEVNULL,
                stderr=daemon_log.open("w"))
            stop = threading.Event()
            jobs = {
                "ad-hoc crawl": lambda: _pantau(database_url, config, "crawl", "kabarmahakam", "--no-progress"),
                "rematch": lambda: _pantau(database_url, config, "rematch"),
                **{f"reader {n + 1}": (lambda q=query: _pantau(database_url, config, "query", q, "--csv"))
                   for n, query in enumerate(READER_QUERIES)},
            }
            threads = []
            for name, command in jobs.items():
                tallies[name] = Tally()
                thread = threading.Thread(target=_loop, args=(name, tallies[name], stop, command), daemon=True)
                thread.start()
                threads.append(thread)
            time.sleep(seconds)
            stop.set()
            for thread in threads:
                thread.join(timeout=300)
            daemon.send_signal(signal.SIGTERM)
            daemon_code = daemon.wait(timeout=120)
            log = daemon_log.read_text(encoding="utf-8", errors="replace")
            engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
            with engine.connect() as connection:
                runs = connection.execute(sa.text(
                    "SELECT count(*), sum(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) FROM crawl_run "
                    "WHERE trigger = 'scheduled'")).one()
            engine.dispose()
            tallies["daemon"] = Tally(runs=int(runs[0] or 0), failed=int(runs[1] or 0) + (daemon_code != 0),
                                      lock_errors=len(LOCK_ERRORS.findall(log)),
                                      last_error="" if daemon_code == 0 else f"exit {daemon_code}")
        finally:
            if cleanup is not None:
                admin, name = cleanup
                with admin.connect() as connection:
                    connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                admin.dispose()
    return tallies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--days", type=int, default=6, help="days of demo stories (3 outlets)")
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--check", action="store_true", help="exit 1 on any failed command or lock error")
    args = parser.parse_args()
    dialects = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    if "postgresql" in dialects and not os.environ.get("PANTAU_TEST_POSTGRES_URL"):
        if args.database == "postgresql":
            parser.error("PANTAU_TEST_POSTGRES_URL is not set (bash .ci/start-postgres prints one)")
        dialects.remove("postgresql")
    bad = 0
    print("| database | component | runs | failed | lock errors | last error |")
    print("|---|---|---|---|---|---|")
    for dialect in dialects:
        for name, tally in run_suite(dialect, args.seconds, args.days).items():
            print(f"| {dialect} | {name} | {tally.runs} | {tally.failed} | {tally.lock_errors} | {tally.last_error} |")
            bad += tally.failed + tally.lock_errors
    print(f"{bad} failed commands and lock errors in all")
    return 1 if args.check and bad else 0


if __name__ == "__main__":
    sys.exit(main())
