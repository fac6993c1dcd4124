"""Small runs of the reliability benches, so that neither rots and their guarantees hold on every commit:
two random kill -9s of a crawl (bench/crash_suite.py) and half a minute of the daemon, ad-hoc crawls,
re-matching and four readers on one database (bench/concurrency_suite.py), each on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def _bench(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "bench" / script), *args, "--check"], cwd=ROOT,
                          capture_output=True, text=True, timeout=900)


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_crash_suite_loses_nothing_duplicates_nothing_and_leaves_no_orphans(database, request):
    if database == "postgresql":
        request.getfixturevalue("postgres_admin_engine")  # the server (skip, or fail under CI, without one)
    result = _bench("crash_suite.py", "--kills", "2", "--days", "4", "--database", database)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert f"{database}: 2 kills, 0 lost, 0 duplicated, 0 orphans, 0 runs left running, 0 integrity failures" \
        in result.stdout


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_concurrency_suite_has_no_lock_errors_or_failed_commands(database, request):
    if database == "postgresql":
        request.getfixturevalue("postgres_admin_engine")
    result = _bench("concurrency_suite.py", "--seconds", "20", "--days", "3", "--database", database)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "0 failed commands and lock errors in all" in result.stdout


def test_fuzz_bench_finds_no_crash_and_no_slow_input():
    data = ROOT.parent / "shared" / "data" / "extraction-dev"
    if not data.is_dir():
        pytest.skip(f"no reference pages at {data}")
    result = _bench("fuzz.py", "--scale", "0.01", "--data", str(data))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "0 crashes, 0 targets with an input over 5 s" in result.stdout
