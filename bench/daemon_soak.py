"""Soak test of the scheduled daemon: ``pantau demo serve`` plus ``python schedule.py --every 20`` for 10 minutes.

Checks what issue 5's acceptance asks: every run is recorded (no row left ``running``, every child the daemon
started has its row), never two runs of one source at once, and the daemon's own resident memory at the end is
within 10 % of what it was after the first run. Prints a report and exits non-zero when a check fails.

    python bench/daemon_soak.py                       # 10 minutes, 20-second interval
    python bench/daemon_soak.py --minutes 2 --every 10 --output reports/daemon-soak.json
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RSS_TOLERANCE = 0.10


def rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def read_runs(database: Path) -> list[dict]:
    if not database.exists():
        return []
    try:
        connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
        connection.row_factory = sqlite3.Row
        rows = connection.execute(
            "SELECT r.id, s.key AS source, r.trigger, r.status, r.started_at, r.finished_at, r.pid, r.pages, "
            "r.new_articles, r.mentions, r.errors, r.error_summary FROM crawl_run r JOIN source s "
            "ON s.id = r.source_id ORDER BY r.id").fetchall()
        connection.close()
    except sqlite3.Error:
        return []
    return [dict(row) for row in rows]


def parse_time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone.utc)


def overlaps(runs: list[dict]) -> list[tuple[int, int]]:
    """Pairs of runs of one source whose [started, finished] spans overlap."""
    found = []
    by_source: dict[str, list[dict]] = {}
    for run in runs:
        by_source.setdefault(run["source"], []).append(run)
    for source_runs in by_source.values():
        source_runs.sort(key=lambda run: run["started_at"])
        for earlier, later in zip(source_runs, source_runs[1:]):
            if earlier["finished_at"] is None or parse_time(later["started_at"]) < parse_time(earlier["finished_at"]):
                found.append((earlier["id"], later["id"]))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--every", type=float, default=20.0, help="seconds between crawls of a source")
    parser.add_argument("--max-concurrent", type=int, default=2)
    parser.add_argument("--workdir", type=Path, default=None, help="keep the database and logs here")
    parser.add_argument("--output", type=Path, default=None, help="write the report as JSON")
    args = parser.parse_args()

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="pantau-soak-"))
    workdir.mkdir(parents=True, exist_ok=True)
    config_dir = workdir / "config"
    sources_file = config_dir / "sources" / "demo.toml"
    (config_dir / "entities").parent.mkdir(parents=True, exist_ok=True)
    if not (config_dir / "entities").exists():
        (config_dir / "entities").symlink_to(ROOT / "config" / "entities", target_is_directory=True)
    database = workdir / "soak.db"
    for stale in (database, Path(f"{database}-wal"), Path(f"{database}-shm"), sources_file):
        stale.unlink(missing_ok=True)

    site = subprocess.Popen([sys.executable, "-m", "crawler", "demo", "serve", "--sources-file", str(sources_file)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=workdir)
    daemon = None
    samples: list[tuple[float, int]] = []
    try:
        deadline = time.monotonic() + 120
        while not sources_file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        if not sources_file.exists():
            print("the demo site did not start", file=sys.stderr)
            return 2
        time.sleep(0.5)
        daemon_log = workdir / "daemon.log"
        daemon_log.unlink(missing_ok=True)
        daemon = subprocess.Popen(
            [sys.executable, str(ROOT / "schedule.py"), "--database-url", f"sqlite:///{database}", "--config",
             str(config_dir), "--every", str(args.every), "--max-concurrent", str(args.max_concurrent),
             "--allow-private-addresses", "--log-file", str(daemon_log)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=workdir)
        started = time.monotonic()
        end = started + args.minutes * 60
        rss_after_first: int | None = None
        first_run_at: float | None = None
        while time.monotonic() < end:
            if daemon.poll() is not None:
                print(f"the daemon exited early with code {daemon.returncode}", file=sys.stderr)
                return 1
            rss = rss_kib(daemon.pid)
            if rss is not None:
                samples.append((time.monotonic() - started, rss))
            if rss_after_first is None and any(run["finished_at"] for run in read_runs(database)):
                rss_after_first, first_run_at = rss, time.monotonic() - started
            time.sleep(2)
        rss_end = rss_kib(daemon.pid)
        daemon.send_signal(signal.SIGTERM)
        try:
            exit_code = daemon.wait(timeout=120)
        except subprocess.TimeoutExpired:
            daemon.kill()
            exit_code = daemon.wait()
    finally:
        if daemon is not None and daemon.poll() is None:
            daemon.kill()
        site.send_signal(signal.SIGTERM)
        try:
            site.wait(timeout=20)
        except subprocess.TimeoutExpired:
            site.kill()

    runs = read_runs(database)
    log_lines = (workdir / "daemon.log").read_text(encoding="utf-8").splitlines()
    started_lines = [line for line in log_lines if " started (run " in line]
    skipped = [line for line in log_lines if "skipped this time" in line or "skip " in line]
    missed = [line for line in log_lines if "missed its start" in line]
    errors = [line for line in log_lines if " ERROR " in line]
    by_source: dict[str, dict[str, int]] = {}
    for run in runs:
        counts = by_source.setdefault(run["source"], {})
        counts[run["status"]] = counts.get(run["status"], 0) + 1
    duration = args.minutes * 60
    report = {
        "minutes": args.minutes, "every_seconds": args.every, "max_concurrent": args.max_concurrent,
        "runs": len(runs), "runs_by_source": by_source,
        "children_started": len(started_lines),
        "left_running": [run["id"] for run in runs if run["status"] == "running"],
        "overlapping_runs": overlaps(runs),
        "skipped_busy": len(skipped), "missed": len(missed), "error_lines": errors[:10],
        "daemon_exit_code": exit_code,
        "rss_kib_after_first_run": rss_after_first, "first_run_finished_after_s": first_run_at,
        "rss_kib_end": rss_end, "rss_kib_max": max((rss for _, rss in samples), default=None),
        "rss_change": (rss_end - rss_after_first) / rss_after_first if rss_end and rss_after_first else None,
        "workdir": str(workdir),
        "ideal_runs_per_source": int(duration // args.every),
    }
    checks = {
        "every child has its run row": len(started_lines) == len(runs),
        "no run left running": not report["left_running"],
        "never two runs of one source at once": not report["overlapping_runs"],
        "daemon exit code 0": exit_code == 0,
        "RSS at the end within 10 % of after the first run": report["rss_change"] is not None
        and abs(report["rss_change"]) <= RSS_TOLERANCE,
    }
    report["checks"] = checks
    print(json.dumps(report, indent=2))
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(report, indent=2), encoding="utf-8")
    for name, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
