"""Crash suite: kill -9 a crawl at random moments, crawl again normally, and check that nothing was lost.

Each round starts from an empty database, starts ``pantau crawl`` of the demo site, and after a random delay
(a fraction of a measured full crawl) sends SIGKILL to one process of the crawl's tree, chosen at random: the
crawl process itself (its Scrapy reactor and its writer thread go with it), one of its extraction workers, or
the pool's forkserver. Then it checks for orphans (processes of the killed tree still alive 5 s later), runs a
normal crawl to completion and compares the database with the site's record:

- lost: demo articles not stored; extra: stored URLs the site never published; duplicated: rows sharing a
  canonical URL, or mentions stored twice for the same article and offset;
- integrity: SQLite's ``PRAGMA integrity_check`` (PostgreSQL: a query over every table);
- running: crawl runs still marked ``running`` after the normal crawl.

    python bench/crash_suite.py                       # 20 kills on SQLite, 20 on PostgreSQL when
                                                      # PANTAU_TEST_POSTGRES_URL is set
    python bench/crash_suite.py --kills 2 --check     # the CI variant (tests/test_reliability_suites.py)

Prints one row per kill and a summary; with ``--check`` it exits 1 when any check fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import signal
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

from crawler.config import default_config_dir  # noqa: E402
from crawler.demo import DemoSite  # noqa: E402
from crawler.urls import canonical_url  # noqa: E402

ORPHAN_GRACE_SECONDS = 5
CRAWL_TIMEOUT = 300


def _config(site: DemoSite, folder: Path) -> Path:
    (folder / "sources").mkdir(parents=True, exist_ok=True)
    (folder / "sources" / "demo.toml").write_text(site.sources_toml(), encoding="utf-8")
    if not (folder / "entities").exists():
        (folder / "entities").symlink_to(default_config_dir() / "entities", target_is_directory=True)
    return folder


def _crawl(database_url: str, config: Path, log: Path) -> subprocess.Popen:
    env = {**os.environ, "PANTAU_FAST_LOCAL": "1"}
    return subprocess.Popen([sys.executable, "-m", "crawler", "--database-url", database_url, "--config",
                             str(config), "crawl", "--no-progress"], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=log.open("w"), start_new_session=True)


class Databases:
    """A fresh database per round: a new SQLite file, or a new PostgreSQL database on the test server."""

    def __init__(self, dialect: str, folder: Path) -> None:
        self.dialect, self.folder = dialect, folder
        self.admin = None
        if dialect == "postgresql":
            url = sa.engine.make_url(os.environ["PANTAU_TEST_POSTGRES_URL"])
            if url.drivername in ("postgresql", "postgres"):
                url = url.set(drivername="postgresql+psycopg")
            self.admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        self.made: list[str] = []

    def new(self) -> str:
        if self.admin is None:
            return f"sqlite:///{self.folder / f'crash-{uuid.uuid4().hex[:8]}.db'}"
        name = f"pantau_crash_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
        self.made.append(name)
        return self.admin.url.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        if self.admin is None:
            return
        with self.admin.connect() as connection:
            for name in self.made:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin.dispose()


def _tree(pid: int) -> list[psutil.Process]:
    try:
        parent = psutil.Process(pid)
        return [parent, *parent.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _pick_victim(process: subprocess.Popen, rng: random.Random) -> tuple[str, psutil.Process]:
    family = _tree(process.pid)
    kinds: dict[str, list[psutil.Process]] = {"crawl": family[:1], "worker": [], "forkserver": []}
    for member in family[1:]:
        try:
            command = " ".join(member.cmdline())
        except psutil.Error:
            continue
        kinds["forkserver" if "forkserver" in command else "worker"].append(member)
    available = [kind for kind, members in kinds.items() if members]
    kind = rng.choice(available)
    return kind, rng.choice(kinds[kind])


def _check(database_url: str, truth: set[str]) -> dict[str, object]:
    engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            urls = connection.execute(sa.text("SELECT canonical_url FROM article")).scalars().all()
            duplicated = len(urls) - len(set(urls))
            duplicated += connection.execute(sa.text(
                "SELECT count(*) - count(DISTINCT article_id || ':' || entity_id || ':' || field || ':' || start_offset) "
                "FROM mention")).scalar_one()
            running = connection.execute(sa.text("SELECT count(*) FROM crawl_run WHERE status = 'running'")
                                         ).scalar_one()
            if engine.dialect.name == "sqlite":
                integrity = connection.execute(sa.text("PRAGMA integrity_check")).scalar_one()
            else:
                for table in ("source", "crawl_run", "article", "mention", "quote", "entity", "entity_alias"):
                    connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
                integrity = "ok"
    finally:
        engine.dispose()
    stored = {canonical_url(url) for url in urls}
    lost = sorted(truth - stored)
    if lost:  # which ones, for the operator who must find out why
        print(f"lost in {database_url}: {len(lost)}, e.g. {lost[:3]}", file=sys.stderr)
    return {"lost": len(truth - stored), "extra": len(stored - truth), "duplicated": duplicated,
            "running": running, "integrity": integrity}


def run_suite(dialect: str, kills: int, seed: int, days: int) -> list[dict[str, object]]:
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="pantau-crash-") as scratch, \
            DemoSite(days=days, today=dt.date(2026, 11, 26)) as site:
        folder = Path(scratch)
        config = _config(site, folder / "config")
        truth = {canonical_url(article["canonical_url"]) for outlet in site.truth()["outlets"]
                 for article in outlet["articles"]}
        databases = Databases(dialect, folder)
        try:
            started = time.monotonic()  # calibration: how long a whole crawl takes here, now
            calibration = _crawl(databases.new(), config, folder / "calibration.log")
            calibration.wait(timeout=CRAWL_TIMEOUT)
            full = time.monotonic() - started
            print(f"calibration {dialect}: a whole crawl took {full:.1f} s", file=sys.stderr, flush=True)
            for number in range(1, kills + 1):
                database_url = databases.new()
                crawl = _crawl(database_url, config, folder / f"kill-{number}.log")
                delay = rng.uniform(0.1, 0.9) * full
                time.sleep(delay)
                if crawl.poll() is not None:
                    kind, victim_pids = "none (finished first)", []
                else:
                    kind, victim = _pick_victim(crawl, rng)
                    victim_pids = [member.pid for member in _tree(crawl.pid)]
                    victim.send_signal(signal.SIGKILL)
                try:
                    crawl.wait(timeout=CRAWL_TIMEOUT)
                    hung = False
                except subprocess.TimeoutExpired:
                    hung = True
                    for member in _tree(crawl.pid):
                        member.kill()
                    crawl.wait()
                time.sleep(ORPHAN_GRACE_SECONDS)
                orphans = sum(1 for pid in victim_pids if psutil.pid_exists(pid)
                              and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE)
                recovery = _crawl(database_url, config, folder / f"recovery-{number}.log")
                recovery_code = recovery.wait(timeout=CRAWL_TIMEOUT)
                rows.append({"kill": number, "database": dialect, "victim": kind, "at_s": round(delay, 1),
                             "killed_crawl_exit": "hung" if hung else crawl.returncode, "orphans": orphans,
                             "recovery_exit": recovery_code, **_check(database_url, truth)})
                print(f"round {time.strftime('%H:%M:%S')} {rows[-1]}", file=sys.stderr, flush=True)
        finally:
            databases.drop_all()
    return rows


def _failed(row: dict[str, object]) -> bool:
    return bool(row["lost"] or row["extra"] or row["duplicated"] or row["running"] or row["orphans"]
                or row["integrity"] != "ok" or row["recovery_exit"] != 0 or row["killed_crawl_exit"] == "hung")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--days", type=int, default=10, help="days of demo stories (3 outlets)")
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--check", action="store_true", help="exit 1 when any check fails")
    args = parser.parse_args()
    dialects = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    if "postgresql" in dialects and not os.environ.get("PANTAU_TEST_POSTGRES_URL"):
        if args.database == "postgresql":
            parser.error("PANTAU_TEST_POSTGRES_URL is not set (bash .ci/start-postgres prints one)")
        dialects.remove("postgresql")
    rows = [row for dialect in dialects for row in run_suite(dialect, args.kills, args.seed, args.days)]
    columns = ["kill", "database", "victim", "at_s", "killed_crawl_exit", "orphans", "recovery_exit", "lost",
               "extra", "duplicated", "running", "integrity"]
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join(str(row[column]) for column in columns) + " |")
    failed = [row for row in rows if _failed(row)]
    for dialect in dialects:
        mine = [row for row in rows if row["database"] == dialect]
        print(f"{dialect}: {len(mine)} kills, {sum(r['lost'] for r in mine)} lost, "
              f"{sum(r['duplicated'] for r in mine)} duplicated, {sum(r['orphans'] for r in mine)} orphans, "
              f"{sum(r['running'] for r in mine)} runs left running, "
              f"{sum(r['integrity'] != 'ok' for r in mine)} integrity failures, "
              f"{sum(r in failed for r in mine)} failed rounds")
    return 1 if args.check and failed else 0


if __name__ == "__main__":
    sys.exit(main())
