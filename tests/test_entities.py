"""The bundled agency dictionary and ``pantau entities`` / ``pantau match``."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from crawler.cli import _register_commands, cli
from crawler.config import load_entities
from crawler.regions import PROVINCES

_register_commands()


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input)


def test_entities_bundled_dictionary_covers_the_issue() -> None:
    ids = {entity.id for entity in load_entities()}
    assert {"kominfo", "komdigi", "pemprov-kaltim", "dprd-kaltim", "setwan-dprd-kaltim", "polda-kaltim",
            "diskominfo-kaltim", "brida-kaltim", "balitbangda-kaltim", "polresta-samarinda"} <= ids
    provinces = [entity for entity in load_entities() if entity.kind in ("pemda", "dprd") and entity.level == "provinsi"]
    assert len(provinces) == 2 * len(PROVINCES) == 76
    for place in ("samarinda", "balikpapan", "bontang", "kukar", "kutim", "kubar", "berau", "paser", "ppu", "mahulu"):
        assert {f"dprd-{place}", f"diskominfo-{place}", f"bpbd-{place}"} <= ids
        assert any(i in ids for i in (f"pemkot-{place}", f"pemkab-{place}"))
        assert any(i in ids for i in (f"polresta-{place}", f"polres-{place}"))


def test_entities_renames_link_successors() -> None:
    entities = {entity.id: entity for entity in load_entities()}
    assert entities["kominfo"].successor == "komdigi"
    assert str(entities["kominfo"].valid_to) == "2024-10-20" and str(entities["komdigi"].valid_from) == "2024-10-21"
    assert entities["balitbangda-kaltim"].successor == "brida-kaltim"


def test_entities_show_lists_variants() -> None:
    result = run("entities", "show", "polda-kaltim", "--csv")
    assert result.exit_code == 0, result.output
    assert "Kapolda Kaltim" in result.output and "Mapolda Kaltim" in result.output


def test_entities_show_unknown_id_is_one_line(tmp_path) -> None:
    result = subprocess.run([sys.executable, "-m", "crawler", "entities", "show", "polda-kaltimm"],
                            capture_output=True, text=True)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "polda-kaltim" in result.stderr


def test_entities_list_prints_every_entity() -> None:
    result = run("entities", "list", "--json")
    assert result.exit_code == 0
    assert len(json.loads(result.output)) == len(load_entities())


def test_entities_validate_ok_and_mistake(tmp_path) -> None:
    assert run("entities", "validate").exit_code == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("entities:\n  - id: x\n    name: X\n    kind: dinas\n    level: provinsi\n    parent: nope\n")
    result = subprocess.run([sys.executable, "-m", "crawler", "entities", "validate", str(bad)],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.strip().startswith("Error: ") and "bad.yaml:6" in result.stderr and "parent" in result.stderr
    assert result.stderr.count("\n") == 1


def test_match_prints_one_line_per_record() -> None:
    records = "\n".join(json.dumps(r) for r in [
        {"id": "a", "title": "Kapolda Kaltim Tinjau Banjir", "text": "Kapolda meninjau lokasi."},
        {"id": "b", "text": "Kominfo memblokir situs.", "published_at": "2024-05-01T10:00:00+07:00"},
    ])
    result = run("match", input=records)
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["id"] for line in lines] == ["a", "b"]
    assert [(m["entity_id"], m["field"], m["zone"], m["resolution"]) for m in lines[0]["mentions"]] == [
        ("polda-kaltim", "title", "title", "title"), ("polda-kaltim", "text", "lead", "context")]
    assert set(lines[0]["mentions"][0]) == {"entity_id", "surface", "start", "end", "field", "zone", "resolution"}


def test_match_bad_line_reported_and_others_kept() -> None:
    result = subprocess.run([sys.executable, "-m", "crawler", "match"], input='{"id": 1, "text": "Polda Kaltim"}\nnot json\n',
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert json.loads(result.stdout)["mentions"][0]["entity_id"] == "polda-kaltim"
    assert "line 2" in result.stderr


@pytest.mark.parametrize("command", [["entities"], ["entities", "list"], ["entities", "show"],
                                     ["entities", "validate"], ["match"]])
def test_entities_commands_have_help_with_example(command) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0 and "Example:" in result.output
