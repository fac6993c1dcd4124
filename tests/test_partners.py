"""Partner contracts (config/partners/*.yaml): the bundled file loads; each mistake is one line with file, line,
entry and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.config import ConfigError, load_entities
from crawler.partners import load_partners
from tests.cli_runner import run_pantau

GOOD = """
office:
  name: Diskominfo Contoh
  agencies: [pemprov-kaltim]
partners:
  - outlet: diksi
    contract: 001/PKS/2026
    period: {start: 2026-01-01, end: 2026-12-31}
    agencies:
      - {agency: diskominfo-kaltim, quota: 4}
      - {agency: pemprov-kaltim, quota: 2}
"""

MISTAKES = {
    "unknown field": (GOOD.replace("    contract:", "    colour: red\n    contract:"), "diksi", "colour",
                      "unknown field"),
    "period reversed": (GOOD.replace("end: 2026-12-31", "end: 2025-12-31"), "diksi", "period",
                        "is after end"),
    "agency twice": (GOOD.replace("pemprov-kaltim, quota: 2", "diskominfo-kaltim, quota: 2"), "diksi", "agencies",
                     "assigned twice"),
    "unknown agency": (GOOD.replace("pemprov-kaltim, quota: 2", "pemprov-atlantis, quota: 2"), "diksi",
                       "agencies", "pemprov-atlantis"),
    "negative quota": (GOOD.replace("quota: 4", "quota: -1"), "diksi", "agencies.0.quota", "greater than or equal"),
}


def write(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "config" / "partners"
    folder.mkdir(parents=True)
    (folder / "contracts.yaml").write_text(text, encoding="utf-8")
    return tmp_path / "config"


def test_bundled_contracts_load_against_the_bundled_dictionary():
    book = load_partners(entities=load_entities())
    assert book.office is not None and book.partners
    assert {partner.outlet for partner in book.partners} >= {"kabarmahakam", "diksinusa", "gemanusantara"}


@pytest.mark.parametrize("case", sorted(MISTAKES))
def test_a_mistake_names_file_line_entry_and_field(tmp_path, case):
    text, entry, field, problem = MISTAKES[case]
    with pytest.raises(ConfigError) as caught:
        load_partners(write(tmp_path, text), entities=load_entities())
    message = str(caught.value)
    assert "contracts.yaml:" in message and f"entry '{entry}'" in message, message
    assert f"field '{field}'" in message and problem in message, message
    assert "\n" not in message


def test_broken_yaml_names_the_line(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_partners(write(tmp_path, GOOD.replace("agencies: [pemprov-kaltim]", "agencies: [pemprov-kaltim")))
    assert "contracts.yaml:" in str(caught.value) and "not valid YAML" in str(caught.value)


def test_report_with_a_bad_contract_file_exits_2_with_one_line(tmp_path, sqlite_url):
    config = write(tmp_path, MISTAKES["period reversed"][0])
    result = run_pantau("report", "partners", "--month", "2026-10", "--partners", str(config / "partners"),
                        database_url=sqlite_url)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "contracts.yaml" in lines[0] and "Traceback" not in result.stderr
