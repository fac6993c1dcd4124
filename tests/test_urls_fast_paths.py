"""The discovery fast paths give what their plain definitions give.

``normalize_url`` (and so ``canonical_url``) skips w3lib for plain URLs, the spider's ``_joined`` skips urljoin
for plain absolute links, ``is_article_url`` skips urlsplit for a plain ``http(s)://host[:port]`` start, and
``read_sitemap`` skips its raw-text scan of a sitemap lxml read whole. Each is compared with its definition
(``_normalize_fully``, ``_joined_fully``, ``_is_article_url_fully``, the scan always run with the parse that reads
"start" events too) over every URL of the demo site, of the bench sites and quoted in the tests and the config,
and over generated URLs and damaged sitemaps around the edges of the fast paths.
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler import sitemaps
from crawler.config import SourceConfig, parse_sources_toml
from crawler.sitemaps import SitemapError, read_sitemap
from crawler.urls import _normalize_fully, normalize_url
from spiders.news import NewsSpider, _joined, _joined_fully

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import archive_crawl  # noqa: E402
from bench.site import generate_site  # noqa: E402

_ABSOLUTE = re.compile(r"""https?://[^\s"'<>\\)\]}`,]+""")
_LINK = re.compile(r"""(?:href|src)\s*=\s*["']([^"']*)["']|<(?:loc|link|id)>\s*([^<]*?)\s*</""", re.I)
_SUFFIXES = {".py", ".toml", ".yaml", ".json", ".jsonl", ".txt", ".md", ".csv", ".html", ".xml"}


def _key(function, *args):  # noqa: ANN001, ANN202 - any of the pairs compared here
    try:
        return function(*args)
    except ValueError as error:
        return f"ValueError: {error}"


def _links(base: str, text: str) -> set[str]:
    """Every address in ``text``: absolute ones anywhere, hrefs, srcs and sitemap/feed locations as written."""
    found = {match.group(0) for match in _ABSOLUTE.finditer(text)}
    found.update(next(group for group in match.groups() if group is not None) for match in _LINK.finditer(text))
    return found


def _assert_fast_paths_agree(spiders: list[NewsSpider], pairs: set[tuple[str, str]]) -> int:
    """Compares every fast path with its definition over ``(base, href)`` pairs; returns how many took one."""
    fast = 0
    for base, href in sorted(pairs):
        joined = _joined(base, href)
        assert joined == _joined_fully(base, href), (base, href)
        for url in {href, href.strip(), joined or ""}:
            assert _key(normalize_url, url) == _key(_normalize_fully, url), url
            for spider in spiders:
                assert spider.is_article_url(url) == spider._is_article_url_fully(url), (spider.name, url)
        fast += joined is not None and joined == href.strip()
    return fast


def _spider(source: SourceConfig) -> NewsSpider:
    return NewsSpider(source)


def test_fast_paths_agree_over_every_url_of_the_demo_site(news_site):
    pairs: set[tuple[str, str]] = set()
    spiders = [_spider(source) for source in parse_sources_toml(news_site.sources_toml())]
    for outlet in news_site.outlets:
        home = outlet.home_url
        entry = outlet.source_entry()
        queue = [home, urljoin(home, "/robots.txt"), *entry.get("sitemaps", []), *entry.get("feeds", []),
                 *entry.get("listing_pages", [])]
        seen: set[str] = set()
        host = urlsplit(home).netloc
        while queue and len(seen) < 4000:
            url = queue.pop()
            if url in seen:
                continue
            seen.add(url)
            parts = urlsplit(url)
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            response = outlet.handle(target or "/")
            if response.status != 200:
                continue
            for href in _links(url, response.payload.decode("utf-8", "replace")):
                pairs.add((url, href))
                absolute = _joined_fully(url, href)
                if absolute and urlsplit(absolute).netloc == host:
                    queue.append(absolute.split("#")[0])
    assert len(pairs) > 5000
    assert _assert_fast_paths_agree(spiders, pairs) > 1000


def test_fast_paths_agree_over_the_bench_sites_and_the_quoted_urls(tmp_path):
    site = generate_site(tmp_path / "site", pages=60, outlets=4, host="127.0.0.65", port=8491)
    archive = archive_crawl.prepare(tmp_path / "archive", 60, host="127.0.0.65", port=8492, unstored=3)
    sources = parse_sources_toml(site.sources_file.read_text(encoding="utf-8"))
    sources += parse_sources_toml(archive_crawl.sources_toml("127.0.0.65", 8492))
    pairs: set[tuple[str, str]] = set()
    for www, base in ((site.www, site.base_url), (archive.www, "http://127.0.0.65:8492/")):
        for path in www.rglob("*"):
            if path.is_file() and path.suffix in {".html", ".xml", ".txt", ""}:
                url = base + path.relative_to(www).as_posix()
                pairs.update((url, href) for href in _links(url, path.read_text("utf-8", "replace")))
    for folder in (ROOT / "tests", ROOT / "config"):
        for path in folder.rglob("*"):
            if path.is_file() and path.suffix in _SUFFIXES:
                pairs.update(("https://base.example.id/dir/page", match.group(0).rstrip(".;:"))
                             for match in _ABSOLUTE.finditer(path.read_text("utf-8", "replace")))
    assert len(pairs) > 3000
    assert _assert_fast_paths_agree([_spider(source) for source in sources], pairs) > 2000


# Pieces that sit on the edges of the fast paths: case, variant hosts, ports, dot and AMP segments, index pages,
# escapes, parameters, empty queries and fragments, whitespace and controls.
_HOSTS = st.sampled_from(["site.test", "WWW.Site.test", "m.site.test", "www.m.site.test", "amp.site.test",
                          "sub.site.test", "site.test.", "127.0.0.1", "xn--bcher-kva.test", "bücher.test", "a..b",
                          ".site.test", "-x.test", "other.test", "localhost", ""])
_PORTS = st.sampled_from(["", ":", ":80", ":443", ":8080", ":0", ":00080", ":65535", ":65536", ":99999", ":x"])
_SEGMENTS = st.sampled_from(["berita", "2026", "11", "30", "judul-berita-panjang", "amp", "AMP", "x.amp",
                             "x.amp.html", "index.html", "Index.PHP", "default.aspx", ".", "..", "...", ".hidden",
                             "a.", "~user", "_x", "-", "a%20b", "%7e", "r\u00e9sum\u00e9", "a;b", ";", "a b",
                             "a\tb", "", "page", "read.php", "a@b", "[x]", "a:b", "a+b", "a!b", "a\\b"])
_TAILS = st.sampled_from(["", "/", "//", "?", "#", "?#", "?a=1", "?utm_source=x", "?b=2&a=1", "?page=2", "?amp",
                          "#top", "?a=1#", "#a#", "?x#y", " ", "\n", "?a=%zz", "?q=a b"])


@st.composite
def _urls(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["http", "https", "HTTP", "Https", "ftp", ""]))
    start = f"{scheme}://" if scheme else draw(st.sampled_from(["//", "/", "", " http://"]))
    path = "/".join(draw(st.lists(_SEGMENTS, max_size=5)))
    return start + draw(_HOSTS) + draw(_PORTS) + ("/" if path else "") + path + draw(_TAILS)


_EDGE_SPIDERS = [_spider(source) for source in parse_sources_toml(
    '[[sources]]\nkey = "a"\nname = "A"\nhome_url = "https://site.test/"\nlanguage = "id"\n'
    '[[sources]]\nkey = "b"\nname = "B"\nhome_url = "https://www.site.test/"\nlanguage = "id"\n'
    'article_url_pattern = "/berita/"\n')]


@settings(max_examples=1500, deadline=None)
@given(_urls(), st.sampled_from(["https://site.test/dir/page", "http://site.test/", "ftp://x/", "http://[broken/",
                                 ""]))
def test_fast_paths_agree_on_urls_at_their_edges(url, base):
    assert _assert_fast_paths_agree(_EDGE_SPIDERS, {(base, url)}) in (0, 1)


def _read_plainly(body: bytes) -> tuple:
    """read_sitemap as it was defined: the raw scan always run, the parse that reads "start" events."""
    try:
        body, gzip_problem = sitemaps.inflate(body, 0)
        kind, parsed = sitemaps._parse_with_start_events(body)
        scanned = sitemaps._scan(body)
    except SitemapError as error:
        return ("error", str(error))
    problems = [gzip_problem] if gzip_problem else []
    if sitemaps._ENTITY_DECLARATION.search(body[:65536]):
        problems.append("sitemap declares XML entities (not expanded)")
    if len(scanned) > len(parsed):
        problems.append(f"damaged sitemap XML: {len(scanned) - len(parsed)} of {len(scanned)} entries read from "
                        "the raw text past the damage")
        parsed = scanned
        kind = "sitemapindex" if sitemaps._INDEX_ROOT.search(body[:65536]) else "urlset"
    if kind not in ("urlset", "sitemapindex"):
        return ("error", "not a sitemap (malformed XML)")
    return (kind, [(entry.loc, entry.lastmod) for entry in parsed], "; ".join(problems) or None)


def _read(body: bytes) -> tuple:
    try:
        read = read_sitemap(body)
    except SitemapError as error:
        return ("error", str(error))
    return (read.type, [(entry.loc, entry.lastmod) for entry in read.entries], read.problem)


_SOUND = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + "".join(
    f"<url><loc>https://fuzz.example.id/berita/{n}/judul-berita-{n}</loc><lastmod>2026-11-{n % 28 + 1:02d}"
    f"</lastmod></url>" for n in range(120)) + "</urlset>")
_INDEX = _SOUND.replace("urlset", "sitemapindex").replace("<url>", "<sitemap>").replace("</url>", "</sitemap>")
_INSERTS = [b"<url>", b"</url>", b"<URL>", b"<ns:url>", b"<loc>", b"</loc>", b"<lastmod>", b"</urlset>", b"<!--",
            b"]]>", b"<![CDATA[", b"&amp;", b"&x;", b"<sitemapindex>", b"<item>", b"\x00", b"<" * 50, b"<?pi?>",
            b"<!DOCTYPE x [<!ENTITY a 'b'>]>", b"<url><loc>https://fuzz.example.id/x</loc><loc>y</loc></url>"]


def test_read_sitemap_reads_what_its_definition_reads_from_damaged_sitemaps():
    rng = random.Random(15)
    bodies = [_SOUND.encode(), _INDEX.encode(), b"", b"not xml", b"<html><body>x</body></html>",
              _SOUND.replace("<url>", "<URL>").replace("</url>", "</URL>").encode(),
              _SOUND.replace("<loc>", "<s:loc>").replace("</loc>", "</s:loc>").encode()]
    for _ in range(800):
        data = bytearray(rng.choice([_SOUND, _INDEX]).encode())
        for _ in range(rng.randrange(1, 20)):
            choice, position = rng.random(), rng.randrange(len(data))
            if choice < 0.4:
                data[position] = rng.randrange(256)
            elif choice < 0.7:
                del data[position:position + rng.randrange(1, 200)]
            else:
                data[position:position] = rng.choice(_INSERTS)
        bodies.append(bytes(data))
    reads = [(_read(body), _read_plainly(body)) for body in bodies]
    assert all(fast == plain for fast, plain in reads)
    assert sum(1 for fast, _ in reads if fast[0] != "error" and fast[2] and "damaged" in fast[2]) > 150
    assert sum(1 for fast, _ in reads if fast[0] != "error" and not fast[2]) > 30


@pytest.mark.parametrize("extra, scanned", [("", False), ("<url><lastmod>2026-01-01</lastmod></url>", True)])
def test_read_sitemap_scans_the_raw_text_only_when_it_may_find_more(monkeypatch, extra, scanned):
    calls = []
    monkeypatch.setattr(sitemaps, "_scan", lambda body: calls.append(body) or [])
    read = read_sitemap(_SOUND.replace("</urlset>", extra + "</urlset>").encode())
    assert len(read.entries) == 120 and read.problem is None
    assert bool(calls) is scanned


def test_planning_lookup_skips_what_plan_fetch_skips_over_the_full_rows(database_url):
    import datetime as dt

    import sqlalchemy as sa

    import storage
    from bench.archive_db import fill_archive
    from crawler.freshness import plan_fetch
    from storage import fetch_state, models

    fill_archive(database_url, 40, sources=["diksi"], seed=3, workers=1)
    engine = storage.connect(database_url)
    utc = dt.timezone.utc
    noon = dt.datetime(2026, 11, 30, 12, tzinfo=utc)
    article, state = models.Article.__table__, models.FetchState.__table__
    with engine.begin() as connection:
        urls = [row[0] for row in connection.execute(sa.select(article.c.canonical_url).order_by(article.c.id))]
        for number, url in enumerate(urls):  # due before, at and after noon, never, removed, no fetch_state row
            due = [noon - dt.timedelta(hours=1), noon, noon + dt.timedelta(seconds=1), None][number % 4]
            connection.execute(state.update().where(state.c.canonical_url == url).values(next_due_at=due))
            if number % 5 == 0:
                connection.execute(article.update().where(article.c.canonical_url == url).values(removed_at=noon))
            if number % 7 == 0:
                connection.execute(state.delete().where(state.c.canonical_url == url))
    stored_lastmod = dt.datetime(2020, 1, 1, tzinfo=utc)
    candidates = {url: number % 3 == 0 for number, url in enumerate(urls)}
    candidates.update({"http://diksi.example/belum/1": False, "http://diksi.example/belum/2": True})
    for now in (noon - dt.timedelta(days=1), noon, noon + dt.timedelta(days=1)):
        idle, known = fetch_state.lookup_for_planning(engine, candidates, now)
        full = fetch_state.lookup(engine, list(candidates))
        assert idle.isdisjoint(known) and all(known[url] == full[url] for url in known)
        for url, has_lastmod in candidates.items():
            lastmod = stored_lastmod if has_lastmod else None
            planned = "skip" if url in idle else plan_fetch(known.get(url), lastmod, now)
            assert planned == plan_fetch(full.get(url), lastmod, now), (url, now)
        assert idle and any(plan_fetch(full.get(url), None, now) == "due" for url in candidates) is (now >= noon)
    engine.dispose()
