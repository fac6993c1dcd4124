"""Hostile and odd pages (issue #21, items 4 and 5): bad metadata is skipped and never loses the article, and what
goes into the parser is capped (size, attributes per tag, elements, length of one text). Each test fails on the
code before the caps and guards; speed itself is measured by bench/extract_hostile.py, never here."""

from __future__ import annotations

import datetime as dt

import pytest

from crawler.config import SourceConfig
from crawler.extract import body as extract_body
from crawler.extract import extract_article, find_continuation_pages, parse_html
from crawler.extract import tree as extract_tree
from crawler.urls import normalize_url

URL = "https://kaltim.example.test/2025/10/22/banjir-samarinda-meluas"
FETCHED = dt.datetime(2025, 10, 23, 3, 0, tzinfo=dt.timezone.utc)
TITLE = "Banjir Samarinda Meluas, BPBD Kaltim Siagakan Perahu Karet"
STORY = "".join(
    f"<p>Paragraf {number}: banjir di Samarinda meluas ke enam kelurahan, kata Kepala Pelaksana BPBD Kaltim, "
    f"yang menyiagakan perahu karet dan dapur umum bagi warga yang mengungsi sejak Selasa malam.</p>"
    for number in range(1, 7))
WITA = dt.timezone(dt.timedelta(hours=8))
GOOD_JSONLD = ('{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "' + TITLE + '", '
               '"datePublished": "2025-10-22T07:30:00+08:00", "author": {"@type": "Person", "name": "Rina Wulandari"}}')


def page(head: str = "", before: str = "", after: str = "") -> str:
    return (f"<!DOCTYPE html><html lang='id'><head><meta charset='utf-8'><title>{TITLE} - Kaltim Example</title>"
            f"{head}</head><body><article><h1>{TITLE}</h1>{before}<div class='content'>{STORY}</div></article>"
            f"{after}</body></html>")


def jsonld(text: str) -> str:
    return f'<script type="application/ld+json">{text}</script>'


def assert_story_kept(article) -> None:
    assert article.title == TITLE
    assert "Paragraf 1:" in article.text and "Paragraf 6:" in article.text


# ----------------------------------------------------------------------------------------- odd metadata


@pytest.mark.parametrize("bad", [
    '{"@type": 5, "headline": "Bukan judul"}',
    '{"@context": "https://schema.org", "@type": true}',
    '{"@graph": [{"@type": [5, null, {"x": 1}], "headline": "Bukan judul"}]}',
    '{"@graph":' * 990 + "{}" + "}" * 990,
    "[" * 3000 + "]" * 3000,
    '{"@type": "NewsArticle", "author": ' + "[" * 990 + "]" * 990 + "}",
], ids=["type-5", "type-true", "type-list-of-odd", "graph-990-deep", "list-3000-deep", "author-990-deep"])
def test_extract_odd_jsonld_is_skipped_and_the_rest_still_read(bad):
    article = extract_article(page(head=jsonld(bad) + jsonld(GOOD_JSONLD)), URL, fetched_at=FETCHED)
    assert_story_kept(article)
    # The page's other, healthy JSON-LD is still read: the bad script alone is skipped.
    assert article.date_source == "jsonld"
    assert article.published_at == dt.datetime(2025, 10, 22, 7, 30, tzinfo=WITA)
    assert article.authors == ["Rina Wulandari"]


@pytest.mark.parametrize("href", [
    "https://kaltim.example.test:80x/2025/10/22/banjir-samarinda-meluas",
    "http://[broken",
    "https://kaltim.example.test:99999/a",
])
def test_extract_unreadable_canonical_link_is_skipped(href):
    article = extract_article(page(head=f'<link rel="canonical" href="{href}">'), URL, fetched_at=FETCHED)
    assert_story_kept(article)
    assert article.canonical_url == normalize_url(URL)


def test_extract_unreadable_link_in_a_teaser_box_keeps_the_article():
    teaser = '<div><h3><a href="http://[broken/x">Berita lain yang cukup panjang</a></h3><p>Lead singkat.</p></div>'
    assert_story_kept(extract_article(page(after=teaser), URL, fetched_at=FETCHED))


def test_find_continuation_pages_skips_unreadable_links():
    links = ('<div class="pagination"><a href="https://kaltim.example.test:80x/2025/10/22/banjir-samarinda-meluas'
             '?page=3">3</a><a href="http://[broken/2025/10/22/banjir-samarinda-meluas?page=4">4</a>'
             '<a href="/2025/10/22/banjir-samarinda-meluas?page=2">2</a></div>')
    assert find_continuation_pages(page(after=links), URL) == [URL + "?page=2"]


def test_find_continuation_pages_skips_an_unreadable_next_link():
    assert find_continuation_pages(page(before='<a rel="next" href="http://[broken/x">Lanjut</a>'), URL) == []


@pytest.mark.parametrize("byline", [
    "<div class='byline'>99999999999 jam yang lalu</div>",
    "<div class='byline'>999999999 hari yang lalu</div>",
    "<div class='byline'>Rabu, 22 Oktober 2025 07:30 WITA | Diperbarui 999999 minggu lalu</div>",
])
def test_extract_date_no_datetime_can_hold_is_skipped(byline):
    article = extract_article(page(before=byline), URL, fetched_at=FETCHED)
    assert_story_kept(article)
    # What other evidence says still dates the story (the byline's own date, else the URL's day).
    assert article.published_at is not None
    assert article.published_at.date() == dt.date(2025, 10, 22)
    assert article.modified_at is None


# ----------------------------------------------------------------------------------------- parser caps


def test_parse_html_caps_attributes_on_one_tag():
    crowded = "<div id='crowded' " + " ".join(f'data-a{index}="1"' for index in range(5000)) + ">x</div>"
    tree = parse_html(page(after=crowded))
    element = tree.get_element_by_id("crowded")
    assert len(element.attrib) == extract_tree.MAX_ATTRIBUTES
    assert element.get("data-a0") == "1" and element.get("data-a4999") is None
    assert_story_kept(extract_article(page(after=crowded), URL, fetched_at=FETCHED))


def test_parse_html_caps_attributes_in_bytes_and_without_values():
    crowded = ("<p " + " ".join(f"a{index}" for index in range(1000)) + ">x</p>").encode()
    tree = parse_html(page().encode().replace(b"</article>", crowded + b"</article>"))
    assert len(tree.find(".//article").findall("p")[-1].attrib) == extract_tree.MAX_ATTRIBUTES


def test_parse_html_keeps_a_tag_at_the_attribute_limit_whole():
    tag = "<div id='full' " + " ".join(f'a{index}="1"' for index in range(extract_tree.MAX_ATTRIBUTES - 1)) + ">x</div>"
    assert len(parse_html(page(after=tag)).get_element_by_id("full").attrib) == extract_tree.MAX_ATTRIBUTES


def test_parse_html_caps_elements_and_keeps_the_story_before_them():
    html = page(after="<p>a</p>" * (extract_tree.MAX_ELEMENTS + 5000) + "<p id='last'>akhir</p>")
    tree = parse_html(html)
    assert sum(1 for _ in tree.iter()) <= extract_tree.MAX_ELEMENTS
    assert tree.find(".//p[@id='last']") is None
    assert_story_kept(extract_article(html, URL, fetched_at=FETCHED))


def test_parse_html_caps_one_long_text_but_not_a_script():
    long_jsonld = ('{"@type": "LiveBlogPosting", "headline": "' + TITLE + '", "datePublished": '
                   '"2025-10-22T07:30:00+08:00", "liveBlogUpdate": ['
                   + ",".join(['{"articleBody": "kabar terbaru dari lokasi banjir"}'] * 5000) + "]}")
    html = page(head=jsonld(long_jsonld), after="<div id='wall'>" + "kata " * 60_000 + "</div>")
    assert len(long_jsonld) > extract_tree.MAX_TEXT
    tree = parse_html(html)
    assert len(tree.get_element_by_id("wall").text) == extract_tree.MAX_TEXT
    article = extract_article(html, URL, fetched_at=FETCHED)
    assert_story_kept(article)
    assert article.date_source == "jsonld"  # the long JSON-LD script was read whole


@pytest.mark.parametrize("kind", [str, bytes])
def test_parse_html_reads_at_most_max_html_size(kind):
    filler = "<script>" + "x" * extract_tree.MAX_HTML_SIZE + "</script>"
    html = page(after=filler + "<p id='beyond'>di luar batas</p>")
    tree = parse_html(html if kind is str else html.encode())
    assert tree.find(".//h1") is not None
    assert tree.find(".//p[@id='beyond']") is None


def test_parse_html_depth_stays_within_libxml2s_limit():
    tree = parse_html(page(after="<div>" * 5000 + "tengah" + "</div>" * 5000))
    assert max(sum(1 for _ in element.iterancestors()) for element in tree.iter()) <= 256


def test_extract_text_skips_trafilaturas_quadratic_fallback_on_pages_of_many_blocks(monkeypatch):
    calls: list[dict] = []
    real = extract_body.bare_extraction

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(extract_body, "bare_extraction", spy)
    assert_story_kept(extract_article(page(), URL, fetched_at=FETCHED))
    many = page(after="<p>a</p>" * (extract_body._FALLBACK_MAX_BLOCKS + 1))
    assert_story_kept(extract_article(many, URL, fetched_at=FETCHED))
    assert [call["fast"] for call in calls] == [False, True]


# ----------------------------------------------------------------------------------------- UTC stamps (issue #18)


@pytest.mark.parametrize(("byline", "source_zone"), [
    ("Rabu, 22 Oktober 2025 07:30 WITA", None),  # the byline names its zone
    ("22/10/2025 07:30", "Asia/Makassar"),  # the source's zone
])
def test_extract_genuine_utc_stamp_takes_the_offset_of_the_byline_showing_the_same_instant(byline, source_zone):
    source = SourceConfig(key="kaltim-example", name="Kaltim Example", home_url="https://kaltim.example.test/",
                          timezone=source_zone) if source_zone else None
    head = "<meta property='article:published_time' content='2025-10-21T23:30:00Z'>"
    article = extract_article(page(head=head, before=f"<div class='byline'>{byline}</div>"), URL, source,
                              fetched_at=FETCHED)
    assert article.published_at == dt.datetime(2025, 10, 21, 23, 30, tzinfo=dt.timezone.utc)  # the instant
    assert article.published_at.utcoffset() == dt.timedelta(hours=8)  # told in the site's local time
    assert article.published_at.date() == dt.date(2025, 10, 22)  # so the story is on the byline's day


def test_extract_utc_stamp_stays_utc_when_the_byline_shows_another_instant():
    head = "<meta property='article:published_time' content='2025-10-21T23:30:00Z'>"
    article = extract_article(page(head=head, before="<div class='byline'>Rabu, 22 Oktober 2025 09:15 WITA</div>"),
                              URL, fetched_at=FETCHED)
    assert article.published_at == dt.datetime(2025, 10, 21, 23, 30, tzinfo=dt.timezone.utc)
    assert article.published_at.utcoffset() == dt.timedelta(0)
