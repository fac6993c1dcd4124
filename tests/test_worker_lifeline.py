"""A kill -9 of a crawl leaves no process behind (#17): the forkserver, the extraction workers and the pool's
resource tracker end with it, whether the workers are busy on a slow page or the forkserver is still starting
(checked with psutil, on SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest

from tests.fixtures.hostile_site import HostileSite

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow

# Long enough for the kernel and the lifeline thread, far shorter than the helpers would otherwise live (the
# stand-in stack below sleeps 300 s; a crawl's workers and forkserver lived on for good before the lifeline).
GRACE_SECONDS = 15


def _survivors(helpers: list[psutil.Process]) -> list[str]:
    _, alive = psutil.wait_procs(helpers, timeout=GRACE_SECONDS)
    survivors = [p for p in alive if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    described = []
    for process in survivors:  # do not leave them to the rest of the suite
        try:
            described.append(" ".join(process.cmdline())[-100:])
            process.kill()
        except psutil.Error:
            pass
    return described


def _command(process: psutil.Process) -> str:
    try:
        return " ".join(process.cmdline())
    except psutil.Error:
        return ""


def _wait_for_helpers(parent: subprocess.Popen, *, at_least: int, timeout: float = 120) -> list[psutil.Process]:
    """The parent's descendants once ``at_least`` of them are forkserver processes (the server and workers)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and parent.poll() is None:
        helpers = psutil.Process(parent.pid).children(recursive=True)
        if sum("forkserver" in _command(p) for p in helpers) >= at_least:
            return helpers
        time.sleep(0.002)
    raise AssertionError(f"the process never started {at_least} forkserver process(es)")


@pytest.mark.parametrize("moment", ["workers busy", "forkserver starting"])
def test_kill_9_of_a_crawl_leaves_no_orphan_process(tmp_path, database_url, moment):
    site = HostileSite(slow_page=True)  # a heavy page keeps the workers busy
    try:
        config = site.write_config(tmp_path / "config")
        crawl = subprocess.Popen(
            [sys.executable, "-m", "crawler", "--database-url", database_url, "--config", str(config), "crawl",
             "--no-progress"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env={**os.environ, "PANTAU_FAST_LOCAL": "1"})
        if moment == "workers busy":
            _wait_for_helpers(crawl, at_least=3)  # the server and 2 workers
            time.sleep(2)  # the workers are analysing pages now
        else:  # the crawl dies while its forkserver is still importing the extraction stack
            _wait_for_helpers(crawl, at_least=1)
        helpers = psutil.Process(crawl.pid).children(recursive=True)
        os.kill(crawl.pid, signal.SIGKILL)
        crawl.wait()
        assert _survivors(helpers) == []
    finally:
        site.stop()


def _pool_owner(tmp_path: Path, body: str, **env: str) -> subprocess.Popen:
    """A Python process that makes a pool through crawler.lifeline, with ``stand_in.py`` (written by the test)
    importable by its forkserver."""
    (tmp_path / "stand_in.py").write_text(textwrap.dedent("""
        import os, sys, time
        from pathlib import Path

        if os.environ.get("STAND_IN_SLOW_IMPORT"):  # stands in for the extraction stack's slow imports
            time.sleep(300)

        def sleep_long(marker):
            Path(marker).write_text(str(os.getpid()))
            time.sleep(300)
    """), encoding="utf-8")
    script = "import sys, time\nsys.path.insert(0, sys.argv[1])\nfrom crawler import lifeline\n" + textwrap.dedent(body)
    return subprocess.Popen([sys.executable, "-c", script, str(tmp_path)], cwd=ROOT, env={
        **os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{tmp_path}", **env})


def test_a_forkserver_whose_parent_dies_during_its_start_up_ends_at_once(tmp_path):
    # The crash suite's orphans on PostgreSQL (#17): the crawl killed in the forkserver's first instants, before
    # it had imported crawler.lifeline, left it (and the resource tracker) running through its preload.
    owner = _pool_owner(tmp_path, """
        import multiprocessing.forkserver
        lifeline.forkserver_context(["stand_in"])
        multiprocessing.forkserver.ensure_running()
        time.sleep(300)
    """, STAND_IN_SLOW_IMPORT="1")
    try:
        forkserver = None
        deadline = time.monotonic() + 60
        while forkserver is None and time.monotonic() < deadline:
            forkserver = next((p for p in psutil.Process(owner.pid).children() if "forkserver" in _command(p)), None)
            time.sleep(0.001)
        assert forkserver is not None, "the forkserver never started"
        forkserver.suspend()  # hold it in its start-up (most likely before any preload) while its parent dies
        helpers = psutil.Process(owner.pid).children(recursive=True)
        owner.kill()
        owner.wait()
        forkserver.resume()
        assert _survivors(helpers) == []
    finally:
        owner.kill()


def test_workers_end_with_a_killed_forkserver(tmp_path):
    # PR_SET_PDEATHSIG, set in every worker right after the fork: a worker never outlives the process that
    # forked it, even where (pantau rematch) no lifeline thread watches the pool's owner. The owner is stopped
    # first: a live one would see its pool broken and end the workers itself.
    markers = [tmp_path / f"worker-{number}" for number in range(2)]
    owner = _pool_owner(tmp_path, f"""
        from concurrent.futures import ProcessPoolExecutor
        import stand_in
        pool = ProcessPoolExecutor(max_workers=2, mp_context=lifeline.forkserver_context([]))
        for marker in {[str(marker) for marker in markers]!r}:
            pool.submit(stand_in.sleep_long, marker)
        time.sleep(300)
    """)
    try:
        deadline = time.monotonic() + 120
        while not all(marker.exists() for marker in markers) and time.monotonic() < deadline:
            time.sleep(0.05)
        workers = [psutil.Process(int(marker.read_text())) for marker in markers]
        forkserver = workers[0].parent()
        assert forkserver is not None and "forkserver" in _command(forkserver)
        psutil.Process(owner.pid).suspend()
        forkserver.kill()
        assert _survivors(workers) == []
    finally:
        owner.kill()
