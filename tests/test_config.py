"""Config files: valid ones load, every kind of mistake gives one line naming file, line, entry and field."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from crawler.config import ConfigError, default_config_dir, load_entities, load_sources
from tests.cli_runner import run_pantau

GOOD_SOURCE = """
[[sources]]
key = "contoh"
name = "Contoh News"
home_url = "https://contoh.co.id/"
timezone = "Asia/Makassar"
"""

GOOD_ENTITIES = """
entities:
  - id: pemprov-contoh
    name: Pemerintah Provinsi Contoh
    kind: pemda
    level: provinsi
    region: Contoh
  - id: dinas-contoh
    name: Dinas Komunikasi dan Informatika Provinsi Contoh
    acronym: Diskominfo
    kind: dinas
    level: provinsi
    region: Contoh
    parent: pemprov-contoh
"""


def make_config(tmp_path: Path, sources: str = GOOD_SOURCE, entities: str = GOOD_ENTITIES) -> Path:
    (tmp_path / "sources").mkdir(parents=True)
    (tmp_path / "entities").mkdir()
    (tmp_path / "sources" / "main.toml").write_text(sources)
    (tmp_path / "entities" / "main.yaml").write_text(entities)
    return tmp_path


def test_bundled_config_loads_and_is_consistent():
    sources = load_sources(default_config_dir())
    entities = load_entities(default_config_dir())
    keys = {source.key for source in sources}
    assert "diksi" in keys and len(keys) >= 11
    assert {"kominfo", "komdigi", "pemprov-kaltim", "dprd-kaltim", "polda-kaltim"} <= {e.id for e in entities}


def test_source_defaults_allowed_domains_to_home_host(tmp_path):
    [source] = load_sources(make_config(tmp_path))
    assert source.allowed_domains == ["contoh.co.id"]
    assert str(source.zone) == "Asia/Makassar"


BAD_SOURCES = {
    "unknown field": (GOOD_SOURCE + 'colour = "red"\n', "colour", "unknown field"),
    "bad regex": (GOOD_SOURCE + 'article_url_pattern = "/berita/(\\\\d+"\n', "article_url_pattern",
                  "not a valid regular expression"),
    "missing name": ('[[sources]]\nkey = "contoh"\nhome_url = "https://contoh.co.id/"\n', "name",
                     "required value is missing"),
    "bad zone": (GOOD_SOURCE.replace("Asia/Makassar", "Asia/Samarinda"), "timezone", "unknown time zone"),
    "relative url": (GOOD_SOURCE.replace("https://contoh.co.id/", "contoh.co.id"), "home_url",
                     "not an absolute"),
    "duplicate key": (GOOD_SOURCE + GOOD_SOURCE, "key", "duplicate key"),
}


@pytest.mark.parametrize("case", sorted(BAD_SOURCES))
def test_load_sources_names_file_line_entry_and_field(tmp_path, case):
    text, field, problem = BAD_SOURCES[case]
    with pytest.raises(ConfigError) as caught:
        load_sources(make_config(tmp_path, sources=text))
    message = str(caught.value)
    assert "main.toml:" in message and "entry 'contoh'" in message
    assert f"field '{field}'" in message and problem in message
    assert "\n" not in message
    assert caught.value.line is not None


BAD_ENTITIES = {
    "unknown field": (GOOD_ENTITIES + "    colour: red\n", "dinas-contoh", "colour", "unknown field"),
    "missing kind": (GOOD_ENTITIES.replace("    kind: pemda\n", ""), "pemprov-contoh", "kind",
                     "required value"),
    "dangling parent": (GOOD_ENTITIES.replace("parent: pemprov-contoh", "parent: pemprov-lain"),
                        "dinas-contoh", "parent", "pemprov-lain"),
    "duplicate id": (GOOD_ENTITIES.replace("id: dinas-contoh", "id: pemprov-contoh"), "pemprov-contoh", "id",
                     "duplicate id"),
    "bad level": (GOOD_ENTITIES.replace("level: provinsi\n    region: Contoh\n    parent",
                                        "level: propinsi\n    region: Contoh\n    parent"),
                  "dinas-contoh", "level", "Input should be"),
}


@pytest.mark.parametrize("case", sorted(BAD_ENTITIES))
def test_load_entities_names_file_line_entry_and_field(tmp_path, case):
    text, entry, field, problem = BAD_ENTITIES[case]
    with pytest.raises(ConfigError) as caught:
        load_entities(make_config(tmp_path, entities=text))
    message = str(caught.value)
    assert "main.yaml:" in message and f"entry '{entry}'" in message
    assert f"field '{field}'" in message and problem in message
    assert "\n" not in message


def test_cli_bad_config_exits_2_with_one_line_and_leaves_database_unchanged(tmp_path):
    config = make_config(tmp_path / "config", sources=BAD_SOURCES["bad regex"][0])
    database = tmp_path / "pantau.db"
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE keep (x)")
        connection.execute("INSERT INTO keep VALUES (1)")
    before = hashlib.sha256(database.read_bytes()).hexdigest()
    for args in (["crawl", "contoh"], ["sources", "check"], ["sources", "list"]):
        result = run_pantau(*args, database_url=f"sqlite:///{database}", config_dir=config)
        assert result.returncode == 2, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "main.toml:" in lines[0] and "article_url_pattern" in lines[0], lines
        assert "Traceback" not in result.stderr
    assert hashlib.sha256(database.read_bytes()).hexdigest() == before


def test_cli_unknown_source_is_a_one_line_error(tmp_path):
    config = make_config(tmp_path)
    result = run_pantau("crawl", "tidak-ada", database_url=f"sqlite:///{tmp_path}/x.db", config_dir=config)
    assert result.returncode == 2
    assert "unknown source 'tidak-ada'" in result.stderr and "Traceback" not in result.stderr


def test_cli_sources_list_and_check(tmp_path):
    config = make_config(tmp_path)
    listed = run_pantau("sources", "list", config_dir=config)
    assert listed.returncode == 0 and "contoh" in listed.stdout and "Asia/Makassar" in listed.stdout
    checked = run_pantau("sources", "check", config_dir=config)
    assert checked.returncode == 0 and "1 sources (1 enabled), 2 agencies" in checked.stdout


def test_bundled_config_copy_is_valid(tmp_path):
    copy = tmp_path / "config"
    shutil.copytree(default_config_dir(), copy)
    result = run_pantau("sources", "check", config_dir=copy)
    assert result.returncode == 0, result.stderr


_YAML_EDGES = [
    "a: 1\nb: [1, 2, {c: d}]\n", "- x\n- y: 2\n  z: 2026-02-03\n", "t: 2026-11-30T10:00:00+07:00\n",
    "d: 2026-02-31\n", "s: |\n  baris satu\n  baris dua\n", "f: >-\n  lipat\n  ini\n", "u: \"Dinas \\u00e9\"\n",
    "base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n", "k: 1\nk: 2\n", "e: ~\nn: .nan\no: 0o17\nh: 0x1f\ny: yes\n",
    "a: b: c\n", "a:\n\t- x\n", "[1, 2\n", "x: 'unterminated\n", "# only a comment\n", "", "---\na: 1\n...\n",
    "nama: Pemerintah Provinsi Kalimantan Timur  # komentar\nalias: [\"Pemprov Kaltim\", 'Pemprov \"Kaltim\"']\n",
    "a: \"\\x85\"\n", "a: \u0085\n", "a: \ufeffb\n", "\ufeffa: 1\n", "a: 😀\n", "? [k]\n: v\n", "a: !!str 1\n",
    "a: !custom 1\n", "a: [x, y\n  ,z]\n",
]


def test_yaml_config_reads_the_same_with_libyaml(tmp_path, monkeypatch):
    """read_yaml parses with libyaml when PyYAML has it: every YAML file of the config and the tests, and the
    edge cases above, give what the pure-Python parser gives (documents, ``__line__`` marks, errors)."""
    from crawler import config

    def outcome(file: Path) -> object:
        try:
            return config.read_yaml(file)
        except ConfigError as error:
            return ("error", str(error), error.line)

    root = Path(__file__).resolve().parent.parent
    texts = [path.read_text(encoding="utf-8") for folder in (root / "config", root / "tests")
             for path in sorted(folder.rglob("*.y*ml"))]
    assert len(texts) >= 5 and config._FastLineLoader is not config._LineLoader
    files = []
    for number, text in enumerate(texts + _YAML_EDGES):
        files.append(tmp_path / f"{number}.yaml")
        files[-1].write_text(text, encoding="utf-8")
    fast = [outcome(file) for file in files]
    monkeypatch.setattr(config, "_FastLineLoader", config._LineLoader)  # the definition: PyYAML's own parser
    assert fast == [outcome(file) for file in files]
    assert sum(1 for read in fast if read[0] == "error") >= 5
