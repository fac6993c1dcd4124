"""The crawl's first look for continuation links (crawler.story_pages.may_link_continuation) never rules out a
page that find_continuation_pages would follow further: checked on every article page of the demo news site
(its national outlet splits stories over ?page=N pages with a ?page=all view), on the multi-page test pages,
and on markup written to slip past a regular expression; and it does rule out pages that link no further page."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest

from crawler.extract import find_continuation_pages
from crawler.story_pages import may_link_continuation

DATA = Path(__file__).parent / "data" / "extract"
STORY = "https://portal.test/read/1/banjir-samarinda"


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:  # loopback only: the demo site
        return response.read().decode("utf-8")


def test_may_link_continuation_agrees_with_the_parser_on_every_demo_page(news_site):
    pages = [(fetch(article["url"]), article["url"])
             for outlet in news_site.truth()["outlets"] for article in outlet["articles"]]
    followed = [url for html, url in pages if find_continuation_pages(html, url)]
    missed = [url for html, url in pages if find_continuation_pages(html, url) and not may_link_continuation(html, url)]
    ruled_out = [url for html, url in pages if not may_link_continuation(html, url)]
    assert followed, "the demo site has multi-page stories"
    assert missed == []
    assert len(ruled_out) >= len(pages) - 2 * len(followed)  # the single pages are not parsed in the crawl


def test_may_link_continuation_on_the_multi_page_test_page():
    html = (DATA / "multipage_1.html").read_text(encoding="utf-8")
    url = "https://portal.test/read/2025/07/05/192850/banjir-rendam-samarinda"
    assert find_continuation_pages(html, url)
    assert may_link_continuation(html, url)


@pytest.mark.parametrize("anchor", [
    '<a href="?page=2">2</a>',
    "<a href='{path}?page=2'>2</a>",
    '<a href={path}/2>Halaman 2</a>',
    '<A HREF="{path}?page=2">2</A>',
    '<a title="a > b" href="{path}?halaman=2">2</a>',
    '<a href="{path}?x=1&amp;page=2">2</a>',
    '<a href="&#47;read&#47;1&#47;banjir-samarinda?page=2">2</a>',
    '<a href="{path}?page=all">semua</a>',
    '<a href="{path}">Tampilkan&nbsp;semua</a>',
    '<a href="{path}"><span>Baca dalam</span> <b>satu halaman</b></a>',
    '<div class="content"><a rel="next" href="/read/2/lain">Berikutnya</a></div>',
    '<div class="content"><a REL="next" href="/read/2/lain">Berikutnya</a></div>',
])
def test_may_link_continuation_sees_what_the_parser_follows(anchor):
    path = "/read/1/banjir-samarinda"
    html = (f"<html><body><article><h1>Banjir</h1><p>Relawan membantu warga.</p>{anchor.format(path=path)}"
            f'<a href="https://portal.test/kanal/">Kanal</a></article></body></html>')
    assert find_continuation_pages(html, STORY), anchor
    assert may_link_continuation(html, STORY), anchor


def test_may_link_continuation_rules_out_a_page_without_further_pages():
    html = ('<html><head><link rel="canonical" href="https://portal.test/read/1/banjir-samarinda"></head><body>'
            '<nav><a href="/">Beranda</a><a href="https://portal.test/kanal/daerah/">Daerah</a></nav><article>'
            '<h1><a href="/read/1/banjir-samarinda">Banjir di Samarinda</a></h1><p>Relawan membantu.</p>'
            '<a href="https://facebook.com/sharer?u=https%3A%2F%2Fportal.test%2Fread%2F1" rel="nofollow">Bagikan</a>'
            '<a href="/read/2/longsor-balikpapan">Longsor</a></article></body></html>')
    assert find_continuation_pages(html, STORY) == []
    assert not may_link_continuation(html, STORY)
