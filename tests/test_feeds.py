"""crawler.feeds.read_feed: RSS 2.0, RDF and Atom through feedparser, dates, damage, and entities never expanded."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from scrapy.http import Request, XmlResponse
from scrapy.utils.test import get_crawler

from crawler.config import SourceConfig
from crawler.feeds import FeedError, read_feed, without_doctype
from spiders.news import NewsSpider

URL = "https://contoh.example.id/feed/"
SOURCE = SourceConfig(key="contoh", name="Contoh", home_url="https://contoh.example.id/",
                      article_url_pattern=r"/berita/\d+/")
UTC = dt.timezone.utc


def test_feeds_rss2_links_relative_links_and_no_update_date_from_pubdate():
    body = (b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Contoh</title>'
            b'<item><title>Banjir</title><link>https://contoh.example.id/berita/1/banjir</link>'
            b'<pubDate>Mon, 01 Dec 2025 10:00:00 +0800</pubDate></item>'
            b'<item><link> /berita/2/longsor </link></item></channel></rss>')
    feed = read_feed(body, URL)
    assert [(entry.link, entry.updated) for entry in feed.entries] == [
        ("https://contoh.example.id/berita/1/banjir", None), ("https://contoh.example.id/berita/2/longsor", None)]
    assert feed.problem is None and not feed.is_html


def test_feeds_atom_alternate_link_and_updated_in_utc():
    body = (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
            b'<entry><link rel="self" href="https://contoh.example.id/self/1"/>'
            b'<link rel="alternate" type="text/html" href="https://contoh.example.id/berita/1/a"/>'
            b'<updated>2025-12-01T10:00:00+08:00</updated></entry>'
            b'<entry><link href="https://contoh.example.id/berita/2/b"/><updated>Tue, 02 Dec 2025 03:00:00 GMT</updated>'
            b'</entry>'
            b'<entry><link rel="edit" href="https://contoh.example.id/edit/3"/></entry></feed>')
    feed = read_feed(body, URL)
    assert [(entry.link, entry.updated) for entry in feed.entries] == [
        ("https://contoh.example.id/berita/1/a", dt.datetime(2025, 12, 1, 2, 0, tzinfo=UTC)),
        ("https://contoh.example.id/berita/2/b", dt.datetime(2025, 12, 2, 3, 0, tzinfo=UTC))]


def test_feeds_rdf_items_and_dc_date():
    body = (b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            b'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            b'<channel rdf:about="https://contoh.example.id/"><title>t</title></channel>'
            b'<item rdf:about="https://contoh.example.id/berita/3/c"><title>c</title>'
            b'<link>https://contoh.example.id/berita/3/c</link><dc:date>2025-12-01T10:00:00+08:00</dc:date></item>'
            b'</rdf:RDF>')
    assert [(entry.link, entry.updated) for entry in read_feed(body, URL).entries] == [
        ("https://contoh.example.id/berita/3/c", dt.datetime(2025, 12, 1, 2, 0, tzinfo=UTC))]


def test_feeds_damaged_feed_keeps_what_it_can_and_says_why():
    body = (b'<rss version="2.0"><channel><item><title>A & B</title><link>https://contoh.example.id/berita/1/a</link>'
            b'</item><item><link>https://contoh.example.id/berita/2/b</li')
    feed = read_feed(body, URL)
    assert [entry.link for entry in feed.entries] == ["https://contoh.example.id/berita/1/a"]
    assert feed.problem and "malformed XML" in feed.problem


@pytest.mark.parametrize("body, reason", [
    (b"not xml at all", "malformed XML"),
    (b"<urlset><url><loc>x</loc></url></urlset>", "no RSS, RDF or Atom root element"),
    (b"", "no RSS, RDF or Atom root element"),
    (b"<channel<item<link</item></link>", "unreadable even leniently"),  # feedparser's loose parser: KeyError
])
def test_feeds_not_a_feed_is_an_error_naming_why(body, reason):
    with pytest.raises(FeedError, match=reason):
        read_feed(body, URL)


def test_feeds_html_page_and_empty_feed_are_no_error():
    assert read_feed(b"<!DOCTYPE html>\n<html><body><a href='/a'>a</a></body></html>", URL).is_html
    assert read_feed(b'<rss version="2.0"><channel><title>t</title></channel></rss>', URL).entries == []


def test_feeds_external_entity_never_reads_the_local_file(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("RAHASIA-LOKAL")
    for newline in ("", "\n"):  # feedparser's own filter only sees declarations that start a line
        body = (f'<?xml version="1.0"?>{newline}<!DOCTYPE r [{newline}<!ENTITY x SYSTEM "file://{secret}">{newline}]>'
                f'<rss version="2.0"><channel><item><link>https://contoh.example.id/berita/1/&x;</link></item>'
                f'</channel></rss>').encode()
        links = [entry.link for entry in read_feed(body, URL).entries]
        assert links and all("RAHASIA" not in link for link in links)


def test_feeds_billion_laughs_is_not_expanded():
    declarations = '<!ENTITY a "lol">' + "".join(
        f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">' for n in range(9))
    body = (f'<?xml version="1.0"?><!DOCTYPE r [{declarations}]><rss version="2.0"><channel><item>'
            f'<link>https://contoh.example.id/berita/&j;</link></item></channel></rss>').encode()
    links = [entry.link for entry in read_feed(body, URL).entries]
    assert links and all(len(link) < 100 and "lol" not in link for link in links)


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le"])
def test_feeds_in_utf16_or_utf32_have_their_entities_cut_too(codec):
    # Found by bench/fuzz.py's feeds target: the declaration was looked for in the bytes as ASCII, so a UTF-16
    # feed kept it, and expat expanded what it declared (a billion-laughs chain up to its amplification limit).
    body = ('<?xml version="1.0" encoding="utf-16"?><!DOCTYPE r [<!ENTITY x "DIPERLUAS">]><rss version="2.0">'
            '<channel><item><title>Judul</title><link>https://contoh.example.id/berita/1/&x;</link></item>'
            '</channel></rss>').encode(codec)
    feed = read_feed(body, URL, "application/rss+xml; charset=utf-16")
    assert [entry.link for entry in feed.entries] == ["https://contoh.example.id/berita/1/&x"]


def test_feeds_an_html_page_in_utf16_is_no_error():
    assert read_feed("<!DOCTYPE html>\n<html><body><a href='/a'>a</a></body></html>".encode("utf-16"), URL).is_html


def test_feeds_doctype_cut_even_when_an_entity_value_holds_brackets():
    assert without_doctype(b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY q "]>">]><rss/>') == \
        b'<?xml version="1.0"?><rss/>'
    assert without_doctype(b"<rss><![CDATA[<!DOCTYPE x>]]></rss>") == b"<rss><![CDATA[<!DOCTYPE x>]]></rss>"


def test_feeds_spider_requests_entries_with_their_update_date_and_records_a_non_feed():
    spider = NewsSpider.from_crawler(get_crawler(NewsSpider), source=SOURCE)
    body = (b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="/berita/1/a"/>'
            b'<updated>2025-12-01T10:00:00Z</updated></entry>'
            b'<entry><link href="https://contoh.example.id/berita/2/b"/></entry></feed>')
    requests = _requests(spider.parse_feed(XmlResponse(URL, body=body, request=Request(URL))))
    assert [(request.url, request.meta["pantau_lastmod"]) for request in requests] == [
        ("https://contoh.example.id/berita/1/a", dt.datetime(2025, 12, 1, 10, 0, tzinfo=UTC)),
        ("https://contoh.example.id/berita/2/b", None)]
    assert _requests(spider.parse_feed(XmlResponse(URL, body=b"<<<", request=Request(URL)))) == []
    assert [(failure.url, failure.kind) for failure in spider.failures] == [(URL, "feed")]
    assert spider.failures[0].reason.startswith("not a feed (malformed XML")


def _requests(results) -> list:  # noqa: ANN001
    async def collect() -> list:
        return [request async for request in results]
    return asyncio.run(collect())
