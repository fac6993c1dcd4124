"""tests/run-all.sh's Debian installs (.ci/install-debian), run as CI runs them: only the missing packages,
without recommended packages, quietly, and one line saying what was installed.

An ``apt-get`` placed first on PATH records what it is asked and prints apt-like noise, so the real system is
left alone; ``dpkg-query`` is the real one, so "missing" means missing on this machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / ".ci" / "install-debian"

pytestmark = pytest.mark.skipif(shutil.which("dpkg-query") is None or os.geteuid() != 0,
                                reason="needs Debian's dpkg-query and root, as in CI")


def _run(tmp_path: Path, *packages: str, fail: bool = False) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    calls = tmp_path / "apt-calls"
    (bin_dir / "apt-get").write_text(
        "#!/bin/sh\n"
        f'echo "$*" >> {calls}\n'
        'for i in 1 2 3 4 5 6 7 8 9 10; do echo "Get:$i http://deb.example/debian bookworm/main noise"; done\n'
        f"{'exit 100' if fail else 'exit 0'}\n", encoding="utf-8")
    (bin_dir / "apt-get").chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    result = subprocess.run(["bash", str(SCRIPT), *packages], capture_output=True, text=True, env=env, timeout=60)
    return result, calls.read_text().splitlines() if calls.exists() else []


def test_install_debian_installs_only_what_is_missing_with_one_line(tmp_path: Path) -> None:
    result, calls = _run(tmp_path, "bash", "pantau-no-such-package-xyz")
    assert result.returncode == 0, result.stderr
    assert calls[0] == "update -qq"
    assert calls[1] == "install -y -qq --no-install-recommends --no-upgrade pantau-no-such-package-xyz"
    assert len(calls) == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("installed from Debian: pantau-no-such-package-xyz (apt log: ")
    assert "Get:" not in result.stderr  # apt's output went to the log file
    log = Path(lines[0].rsplit("apt log: ", 1)[1].rstrip(")"))
    assert "Get:1" in log.read_text()
    log.unlink()


def test_install_debian_does_nothing_when_all_are_installed(tmp_path: Path) -> None:
    result, calls = _run(tmp_path, "bash", "coreutils")
    assert (result.returncode, result.stdout, result.stderr, calls) == (0, "", "", [])


def test_install_debian_failure_is_one_warning_line(tmp_path: Path) -> None:
    result, _ = _run(tmp_path, "pantau-no-such-package-xyz", fail=True)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("warning: could not install pantau-no-such-package-xyz")
    Path(lines[0].split("; see ", 1)[1].split(":", 1)[0]).unlink()


def test_run_all_uses_install_debian_and_ci_runs_run_all() -> None:
    root = SCRIPT.parents[1]
    assert "bash .ci/install-debian chromium" in (root / "tests" / "run-all.sh").read_text()
    assert "bash .ci/install-debian redis-server" in (root / "tests" / "run-all.sh").read_text()
    assert "install-debian\" postgresql" in (root / ".ci" / "start-postgres").read_text()
    assert "apt-get install" not in (root / "tests" / "run-all.sh").read_text()
    assert "bash tests/run-all.sh" in (root / ".ci" / "run").read_text()
