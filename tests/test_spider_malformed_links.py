"""Links no URL parser accepts ("http://[broken", a port that is not a number) in a listing, a feed or a sitemap
are skipped; the good links around them are still followed (found by bench/fuzz.py)."""

from __future__ import annotations

import asyncio

from scrapy.http import HtmlResponse, Request, XmlResponse
from scrapy.utils.test import get_crawler

from crawler.config import SourceConfig
from spiders.news import NewsSpider

SOURCE = SourceConfig(key="contoh", name="Contoh", home_url="https://contoh.example.id/",
                      article_url_pattern=r"/berita/\d+/")
BAD = ["http://[broken/berita/1/a", "https://contoh.example.id:80x/berita/2/b", "https://contoh.example.id:99999/berita/3/c"]
GOOD = "https://contoh.example.id/berita/4/judul-yang-baik"


def _urls(parse, response) -> list[str]:  # noqa: ANN001
    async def collect() -> list[str]:
        return [request.url async for request in parse(response)]
    return asyncio.run(collect())


def _spider() -> NewsSpider:
    return NewsSpider.from_crawler(get_crawler(NewsSpider), source=SOURCE)


def test_listing_with_malformed_links_follows_the_good_ones():
    body = "".join(f'<a href="{href}">x</a>' for href in [*BAD, GOOD, "?page=[2"]).encode()
    response = HtmlResponse(SOURCE.home_url, body=b"<html><body>" + body + b"</body></html>",
                            request=Request(SOURCE.home_url))
    assert _urls(_spider().parse_listing, response) == [GOOD]


def test_feed_and_sitemap_with_malformed_links_follow_the_good_ones():
    feed = "<rss><channel>" + "".join(f"<item><link>{href}</link></item>" for href in [*BAD, GOOD]) + "</channel></rss>"
    url = "https://contoh.example.id/feed/"
    assert _urls(_spider().parse_feed, XmlResponse(url, body=feed.encode(), request=Request(url))) == [GOOD]
    sitemap = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
               + "".join(f"<url><loc>{href}</loc></url>" for href in [*BAD, GOOD]) + "</urlset>")
    url = "https://contoh.example.id/sitemap.xml"
    assert _urls(_spider().parse_sitemap, XmlResponse(url, body=sitemap.encode(), request=Request(url))) == [GOOD]
