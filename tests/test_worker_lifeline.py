"""A kill -9 of a crawl leaves no process behind (#17): the forkserver and the extraction workers, busy on a
slow page, end with it (checked with psutil)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

from tests.fixtures.hostile_site import HostileSite

pytestmark = pytest.mark.slow


def test_kill_9_of_a_crawl_leaves_no_orphan_process(tmp_path):
    site = HostileSite(slow_page=True)  # a heavy page keeps the workers busy
    try:
        config = site.write_config(tmp_path / "config")
        crawl = subprocess.Popen(
            [sys.executable, "-m", "crawler", "--database-url", f"sqlite:///{tmp_path / 'pantau.db'}",
             "--config", str(config), "crawl", "--no-progress"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "PANTAU_FAST_LOCAL": "1"})
        parent = psutil.Process(crawl.pid)
        helpers: list[psutil.Process] = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and crawl.poll() is None:
            helpers = parent.children(recursive=True)
            if sum("forkserver" in " ".join(p.cmdline()) for p in helpers) >= 3:  # the server and 2 workers
                break
            time.sleep(0.2)
        assert crawl.poll() is None and len(helpers) >= 3, "the crawl never started its workers"
        time.sleep(2)  # the workers are analysing pages now
        helpers = parent.children(recursive=True)
        os.kill(crawl.pid, signal.SIGKILL)
        crawl.wait()
        _, alive = psutil.wait_procs(helpers, timeout=15)
        survivors = [p for p in alive if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        for process in survivors:  # do not leave them to the rest of the suite
            process.kill()
        assert survivors == [], [" ".join(p.cmdline())[:80] for p in survivors]
    finally:
        site.stop()
