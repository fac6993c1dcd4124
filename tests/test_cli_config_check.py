"""``pantau sources check`` checks every kind of config file, as a user runs it: a broken partners file gives
exit 2 and one line naming the file and the line of the bad value (not the entry's first line), the same line
that ``pantau report partners`` would give."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from crawler.config import default_config_dir
from crawler.config_check import CONFIG_KINDS
from tests.cli_runner import run_pantau

PARTNERS_FILE = "kaltim-2026.yaml"

# (what to replace, with what, text on the line of the bad value, what the message says).
BROKEN_PARTNERS = {
    "negative quota in a flow mapping": ("{agency: dprd-kaltim, quota: 2}", "{agency: dprd-kaltim, quota: -2}",
                                         "quota: -2", "field 'agencies.1.quota': Input should be greater than "
                                         "or equal to 0"),
    "quota that is not a number": ("{agency: dinkes-kaltim, quota: 1}", "{agency: dinkes-kaltim, quota: satu}",
                                   "quota: satu", "field 'agencies.3.quota': Input should be a valid integer"),
    "quota in a block mapping": ("      - {agency: komdigi, quota: 2}\n",
                                 "      - agency: komdigi\n        quota: -2\n", "quota: -2",
                                 "field 'agencies.0.quota'"),
    "impossible date": ("period: {start: 2026-02-01, end: 2026-12-31}",
                        "period: {start: 2026-02-01, end: 2026-02-31}", "2026-02-31",
                        "'2026-02-31' is not a valid date"),
    "period in the wrong order": ("period: {start: 2026-02-01, end: 2026-12-31}",
                                  "period: {start: 2026-12-01, end: 2026-02-28}", "2026-02-28",
                                  "start 2026-12-01 is after end"),
    "misspelt field": ("    contract: 031/PKS-DKISP/II/2026", "    kontrak: 031/PKS-DKISP/II/2026", "kontrak:",
                       "field 'kontrak': unknown field"),
    "unknown office agency": ("    - bkd-kaltim\n", "    - bkd-kaltimm\n", "bkd-kaltimm",
                              "names agency 'bkd-kaltimm'"),
    "unknown time zone": ("  timezone: Asia/Makassar", "  timezone: WITA", "timezone: WITA",
                          "unknown time zone 'WITA'"),
}


@pytest.fixture
def config_copy(tmp_path: Path) -> Path:
    target = tmp_path / "config"
    for kind in CONFIG_KINDS:
        if (default_config_dir() / kind).is_dir():
            shutil.copytree(default_config_dir() / kind, target / kind)
    return target


def _break(file: Path, old: str, new: str, marker: str) -> int:
    """Replace the first ``old`` by ``new`` in ``file``; the 1-based line holding ``marker`` (the bad value)."""
    text = file.read_text(encoding="utf-8")
    assert old in text, old
    lines = text.replace(old, new, 1).splitlines()
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    where = [number for number, line in enumerate(lines, 1) if marker in line]
    assert len(where) == 1, (marker, where)
    return where[0]


def test_config_check_ok_lists_every_kind(config_copy: Path) -> None:
    result = run_pantau("sources", "check", config_dir=config_copy)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: ") and "sources (" in result.stdout
    assert "agencies" in result.stdout and "partner contracts" in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize("case", sorted(BROKEN_PARTNERS))
def test_config_check_broken_partners_names_the_line_of_the_bad_value(case: str, config_copy: Path) -> None:
    old, new, marker, expected = BROKEN_PARTNERS[case]
    file = config_copy / "partners" / PARTNERS_FILE
    line = _break(file, old, new, marker)
    result = run_pantau("sources", "check", config_dir=config_copy)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith(f"Error: {file}:{line}: "), (lines[0], file.read_text().splitlines()[line - 1])
    assert expected in lines[0]
    assert "OK" not in result.stdout


def test_config_check_and_report_partners_agree(config_copy: Path, tmp_path: Path) -> None:
    _break(config_copy / "partners" / PARTNERS_FILE, *BROKEN_PARTNERS["negative quota in a flow mapping"][:3])
    check = run_pantau("sources", "check", config_dir=config_copy)
    report = run_pantau("report", "partners", "--month", "2026-10", config_dir=config_copy,
                        database_url=f"sqlite:///{tmp_path / 'unused.db'}")
    assert check.returncode == report.returncode == 2
    assert check.stderr == report.stderr


def test_config_check_misspelt_folder_is_noted(config_copy: Path) -> None:
    shutil.move(config_copy / "partners", config_copy / "partner")
    result = run_pantau("sources", "check", config_dir=config_copy)
    assert result.returncode == 0
    assert "partner contracts" not in result.stdout
    assert f"note: {config_copy / 'partner'} is not a kind of config Pantau reads" in result.stderr
