"""Runs the real ``pantau`` command line in a subprocess, as a user would (Scrapy's reactor cannot restart,
so crawls can never run twice in the test process)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_pantau(*args: str, database_url: str | None = None, config_dir: Path | None = None,
               cwd: Path | None = None, timeout: float = 300, env: dict[str, str] | None = None,
               ) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "crawler"]
    if database_url:
        command += ["--database-url", database_url]
    if config_dir:
        command += ["--config", str(config_dir)]
    full_env = {**os.environ, "COLUMNS": "200", "PANTAU_FAST_LOCAL": "1", **(env or {})}
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=timeout, cwd=cwd,
                          env=full_env)
