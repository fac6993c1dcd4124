"""The bundled source catalogue recognises its outlets' real article URLs (the fundus way: every source has
URL shapes quoted from public material in tests/data/sources/url_shapes.toml, and a source without them fails)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from crawler.config import default_config_dir, load_sources
from spiders.news import NewsSpider

SHAPES_FILE = Path(__file__).parent / "data" / "sources" / "url_shapes.toml"
SHAPES = tomllib.loads(SHAPES_FILE.read_text(encoding="utf-8"))
SOURCES = {source.key: source for source in load_sources(default_config_dir())}


def test_every_bundled_source_has_url_shapes_and_every_entry_a_source():
    assert sorted(SOURCES) == sorted(SHAPES), (
        f"sources without an entry in {SHAPES_FILE.name}: {sorted(set(SOURCES) - set(SHAPES))}; "
        f"entries without a source: {sorted(set(SHAPES) - set(SOURCES))}")


@pytest.mark.parametrize("key", sorted(SHAPES))
def test_source_tells_its_articles_from_its_other_pages(key):
    spider = NewsSpider(SOURCES[key])
    shapes = SHAPES[key]
    assert shapes["not_articles"], "name at least the home page as a non-article"
    missed = [url for url in shapes["articles"] if not spider.is_article_url(url)]
    taken = [url for url in shapes["not_articles"] if spider.is_article_url(url)]
    assert not missed, f"{key}: article URLs not recognised: {missed}"
    assert not taken, f"{key}: non-article URLs taken for articles: {taken}"


def test_sources_that_name_a_pattern_have_quoted_articles_for_it():
    """A pattern is only as good as the URLs it was checked on: each one has at least one quoted article."""
    unchecked = [key for key, source in SOURCES.items() if source.article_url_pattern and not SHAPES[key]["articles"]]
    assert not unchecked


def test_catalogue_covers_the_national_portals_humas_offices_watch():
    hosts = {host for source in SOURCES.values() for host in [source.home_url.split("/")[2]]}
    for portal in ("detik.com", "kompas.com", "tribunnews.com", "antaranews.com", "liputan6.com", "cnnindonesia.com",
                   "tempo.co", "okezone.com", "suara.com", "idntimes.com", "kumparan.com", "merdeka.com"):
        assert any(host == portal or host.endswith("." + portal) for host in hosts), portal
