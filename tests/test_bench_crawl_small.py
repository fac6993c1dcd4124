"""The crawl benchmark's small CI variant and its site: bench/site.py writes what a crawler needs (pages of real
portal weight, robots, sitemaps, feeds, a Pantau config that matches), nginx serves it, and
``python bench/crawl.py --small`` prints a complete table (every page stored, every ratio present). Never timed:
the figures themselves are for docs/performance.md, not for assertions."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from lxml import etree

from crawler.config import parse_sources_toml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.site import MAX_PAGE_BYTES, MIN_PAGE_BYTES, free_port, generate_site, nginx_site, port_free  # noqa: E402

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200, url
        return response.read()


def test_bench_site_is_complete_and_nginx_serves_it(tmp_path):
    host = "127.0.0.64"
    site = generate_site(tmp_path / "site", pages=48, outlets=4, host=host, port=free_port(host))
    urls = site.article_urls()
    assert len(urls) == 48 and len(set(urls)) == 48
    sizes = [site.article_file(url).stat().st_size for url in urls]
    assert all(MIN_PAGE_BYTES <= size <= MAX_PAGE_BYTES for size in sizes), sizes
    sources = parse_sources_toml(site.sources_file.read_text(encoding="utf-8"), site.sources_file)
    assert [source.key for source in sources] == [outlet["key"] for outlet in site.outlets]
    with nginx_site(site.root) as base_url:
        assert base_url == site.base_url
        robots = _get(base_url + "/robots.txt").decode()
        in_sitemaps: set[str] = set()
        for source, outlet in zip(sources, site.outlets, strict=True):
            assert f"Sitemap: {source.sitemaps[0]}" in robots
            pattern = re.compile(source.article_url_pattern)
            own = [site.base_url + path for path in outlet["articles"]]
            assert all(pattern.search(url) for url in own)
            assert not any(pattern.search(url) for url in urls if url not in own)  # no outlet claims another's
            index = etree.fromstring(_get(source.sitemaps[0]))
            for location in index.xpath("//s:sitemap/s:loc/text()", namespaces=SITEMAP_NS):
                monthly = etree.fromstring(_get(location))
                in_sitemaps.update(monthly.xpath("//s:url/s:loc/text()", namespaces=SITEMAP_NS))
            feed = etree.fromstring(_get(source.feeds[0]))
            links = feed.xpath("//item/link/text() | //*[local-name()='entry']/*[local-name()='link']/@href")
            assert links and set(links) <= set(own)
            listing = _get(source.listing_pages[0]).decode()
            assert any(url in listing for url in own)
        assert in_sitemaps == set(urls)
        page = _get(urls[5])
        assert page == site.article_file(urls[5]).read_bytes()  # the file, byte for byte
        text = page.decode()
        assert 'type="application/ld+json"' in text and '"datePublished"' in text and 'class="comment"' in text
        assert re.search(r"\d{2}:\d{2} (WITA|WIB)", text)
    assert port_free(host, site.port)  # nginx stopped with the context


@pytest.mark.slow
def test_small_crawl_bench_prints_a_complete_table(tmp_path):
    out = tmp_path / "figures.json"
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "crawl.py"), "--small", "--json", str(out)],
                            cwd=ROOT, capture_output=True, text=True, timeout=1500)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    rows = {row["name"]: row for row in json.loads(out.read_text())["rows"]}
    pages = 300
    assert rows["ceiling: plain trafilatura"]["pages"] == pages
    assert rows["download only (no pipelines)"]["pages"] == pages
    pantau = rows["pantau (end to end)"]
    assert pantau["pages"] == pages and pantau["extra"]["stored_total"] == pages
    recrawl = rows["re-crawl (nothing new)"]
    assert recrawl["pages"] == 0 and recrawl["seconds"] > 0
    for name in ("ceiling: plain trafilatura", "download only (no pipelines)", "pantau (end to end)"):
        assert rows[name]["rate"] > 0 and rows[name]["peak_rss_mb"] > 0, rows[name]
    assert rows["news-please (SitemapCrawler)"]["note"].startswith("skipped")
    table = result.stdout
    assert f"stored by pantau       {pages} of {pages}" in table
    for ratio in ("pantau / ceiling", "pantau / download only"):
        assert re.search(rf"^{re.escape(ratio)} +\d+\.\d\d$", table, re.MULTILINE), table
    assert re.search(r"^re-crawl fixed cost +\d+\.\d s \(0 new articles\)$", table, re.MULTILINE), table
