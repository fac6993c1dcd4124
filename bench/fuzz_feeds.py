"""The ``feeds`` target of bench/fuzz.py: ``crawler.feeds.read_feed`` (feedparser) on hostile feeds.

Inputs, all bytes as a server would send them:

- the demo site's real feeds (WordPress RSS 2.0, the national outlet's Atom, the press office's RSS, the faulty
  outlet's malformed RSS; fetched over loopback from a :class:`crawler.demo.DemoSite`) and an RDF 1.0 feed,
  mutated: bytes flipped, cut, spliced with another feed, tokens inserted (``<item>``, ``<![CDATA[``, ``&#0;``),
  re-encoded (UTF-16/32 with and without BOM, a lying ``encoding=``), items multiplied, nesting deepened, links
  and dates made absurd;
- hypothesis-generated RSS, RDF and Atom documents (odd links, dates, entities, CDATA, namespaces);
- entity attacks woven into real feeds: an external entity naming a local file (SYSTEM, PUBLIC, parameter
  entities, an external DTD), a plain internal entity, billion laughs, a quadratic blow-up, each also in
  UTF-16 and after a comment.

A crash is an exception other than :class:`crawler.feeds.FeedError` ("not a feed") — or a result that holds the
local file's text (an entity was read) or an expanded entity (``lollollol``, the blow-up's text).
"""

from __future__ import annotations

import datetime as dt
import random
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.feeds import FeedError, read_feed

URL = "https://fuzz.example.id/feed/"
EXPANDED = "entity-was-expanded"  # the value of a plain internal entity the attacks declare
RDF_FEED = (b'<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            b'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel rdf:about="x">'
            b"<title>RDF</title></channel>" + b"".join(
                b'<item rdf:about="https://fuzz.example.id/berita/%d/a"><title>t%d</title>'
                b"<link>https://fuzz.example.id/berita/%d/a</link><dc:date>2026-11-%02dT08:00:00+08:00</dc:date>"
                b"</item>" % (n, n, n, n % 28 + 1) for n in range(40)) + b"</rdf:RDF>\n")
TOKENS = [b"<item>", b"</item>", b"<entry>", b"<link>", b"</link>", b'<link href="', b"<![CDATA[", b"]]>", b"<!--",
          b"-->", b"&amp;", b"&#0;", b"&#x110000;", b"&bogus;", b"\x00", b"\xff\xfe", b"<" * 40, b"<?xml ", b'"',
          b"<channel>", b"<rss>", b'xmlns="', b"<pubDate>", b"<updated>99999-99-99T99:99:99Z</updated>"]


def demo_feeds() -> list[bytes]:
    """The demo site's feeds as served (the faulty outlet's malformed one included), and an RDF feed."""
    from crawler.config import parse_sources_toml
    from crawler.demo import DemoSite

    feeds = [RDF_FEED]
    with DemoSite(days=6, today=dt.date(2026, 11, 26), include_faulty=True) as site:
        for source in parse_sources_toml(site.sources_toml(), "<demo site>"):
            for url in source.feeds:
                with urllib.request.urlopen(url, timeout=30) as answer:  # loopback only
                    feeds.append(answer.read())
    return feeds


def _entity_attacks(feed: bytes, secret_file: Path) -> Iterator[tuple[str, bytes]]:
    """``feed`` with a DOCTYPE that would read ``secret_file`` or blow up, if any entity were expanded."""
    head, body = (feed[:feed.find(b"?>") + 2], feed[feed.find(b"?>") + 2:]) if feed.startswith(b"<?xml") \
        else (b"", feed)
    file_url = f"file://{secret_file}".encode()
    laughs = b"".join(b'<!ENTITY l%d "%s">' % (n, b"&l%d;" % (n - 1) * 10 if n else b"lol") for n in range(10))
    big = b"<!ENTITY big \"" + b"blowup" * 20000 + b"\">"
    declarations = {
        "XXE SYSTEM": b'<!ENTITY x SYSTEM "' + file_url + b'">',
        "XXE PUBLIC": b'<!ENTITY x PUBLIC "-//x//y" "' + file_url + b'">',
        "XXE parameter entity": b'<!ENTITY % p SYSTEM "' + file_url + b'"> %p; <!ENTITY x "%p;">',
        "internal entity": b'<!ENTITY x "' + EXPANDED.encode() + b'">',
        "billion laughs": laughs + b'<!ENTITY x "&l9;">',
        "quadratic blow-up": big + b'<!ENTITY x "' + b"&big;" * 2000 + b'">',
    }
    # The reference where the reader copies text out: the first link, the first Atom link, the first title.
    referenced = body.replace(b"</link>", b"&x;</link>", 1).replace(b'" rel="alternate"', b'&x;" rel="alternate"', 1)
    referenced = referenced.replace(b"</title>", b"&x;</title>", 1)
    for name, declaration in declarations.items():
        doctype = b"<!DOCTYPE rss [" + declaration + b"]>"
        yield name, head + doctype + referenced
        yield f"{name}, after a comment on its own line", head + b"\n<!-- x -->\n" + doctype + b"\n" + referenced
        yield f"{name}, lower-case doctype", head + doctype.replace(b"DOCTYPE", b"doctype") + referenced
        document = (head.replace(b"utf-8", b"utf-16").replace(b"UTF-8", b"utf-16") + doctype + referenced)
        yield f"{name}, UTF-16 with BOM", document.decode("utf-8", "replace").encode("utf-16")
        yield f"{name}, UTF-16-LE without BOM", document.decode("utf-8", "replace").encode("utf-16-le")
    yield "external DTD", head + b'<!DOCTYPE rss SYSTEM "' + file_url + b'">' + body
    yield "XInclude", body.replace(b"</title>", b'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="'
                                   + file_url + b'" parse="text"/></title>', 1)


def with_items(feed: bytes, many: int) -> bytes:
    """``feed`` with its first item (or entry) repeated ``many`` more times."""
    for marker in (b"</item>", b"</entry>"):
        start = feed.find(marker.replace(b"/", b""))
        end = feed.find(marker, start) + len(marker)
        if start >= 0 and end > start:
            return feed[:end] + feed[start:end] * many + feed[end:]
    return feed


def _mutations(feed: bytes, other: bytes, rng: random.Random) -> Iterator[tuple[str, bytes]]:
    size = len(feed)
    data = bytearray(feed)
    for _ in range(rng.randrange(1, 30)):
        choice, position = rng.random(), rng.randrange(len(data) or 1)
        if choice < 0.4:
            if data:
                data[position] = rng.randrange(256)
        elif choice < 0.7:
            del data[position:position + rng.randrange(1, 300)]
        else:
            data[position:position] = rng.choice(TOKENS)
    yield "mutated", bytes(data)
    cut = rng.randrange(1, max(2, size))
    yield "truncated", feed[:cut]
    yield "spliced", feed[:cut] + other[rng.randrange(len(other)):]
    encoding = rng.choice(["utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252"])
    yield f"re-encoded {encoding}", feed.decode("utf-8", "replace").encode(encoding, "replace")
    liar = rng.choice([b"koi8-r", b"utf-16", b"x-unknown", b"utf-32", b"ebcdic-cp-us"])
    yield "lying encoding", feed.replace(b'encoding="UTF-8"', b'encoding="' + liar + b'"', 1).replace(
        b'encoding="utf-8"', b'encoding="' + liar + b'"', 1)
    many = rng.choice([100, 500])
    yield f"{many} items", with_items(feed, many)
    yield "deep nesting", feed.replace(b"<title>", b"<title>" + b"<a>" * 5000, 1)
    yield "absurd links", feed.replace(b"<link>", b"<link>" + rng.choice(
        [b"javascript:alert(1)//", b"http://[::1", b"//" + b"a" * 100000, b"\x00", b"%00%zz", b" " * 5000]), 3)
    yield "absurd dates", feed.replace(b"2026", rng.choice([b"99999", b"-1", b"0000", b"2026-13-45", b"\xff"]), 5)


def _feeds_generated() -> st.SearchStrategy[bytes]:
    text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
    link = st.one_of(text, st.sampled_from(["https://fuzz.example.id/berita/1/a", "/relative/2", "", " ",
                                            "http://[::1", "https://fuzz.example.id/%zz", "mailto:x@y", "//x"]))
    date = st.one_of(text, st.sampled_from(["Thu, 26 Nov 2026 08:00:00 +0800", "2026-11-26T08:00:00Z", "2026-02-30",
                                            "Mon, 99 Foo 2026 25:61:61 +9999", "0", "9" * 40]))
    entity = st.sampled_from(["", "&amp;", "&lt;", "&#8230;", "&#0;", "&#x110000;", "&nbsp;", "&x;", "<![CDATA[&]]>"])

    def rss(items: list[tuple[str, str, str, str]]) -> str:
        return ('<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
                + "".join(f"<item><title>{t}{e}</title><link>{link}</link><dc:date>{d}</dc:date></item>"
                          for t, link, d, e in items) + "</channel></rss>")

    def atom(items: list[tuple[str, str, str, str]]) -> str:
        return ('<feed xmlns="http://www.w3.org/2005/Atom">' + "".join(
            f'<entry><title>{t}</title><link rel="{e[:1] and "alternate"}" href="{link}"/><updated>{d}</updated>'
            f"</entry>" for t, link, d, e in items) + "</feed>")

    def rdf(items: list[tuple[str, str, str, str]]) -> str:
        return ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">'
                + "".join(f'<item rdf:about="{link}"><title>{t}{e}</title><link>{link}</link></item>'
                          for t, link, d, e in items) + "</rdf:RDF>")

    items = st.lists(st.tuples(text, link, date, entity), max_size=12)
    return st.builds(lambda shape, chosen: shape(chosen).encode("utf-8", "surrogatepass"),
                     st.sampled_from([rss, atom, rdf]), items)


def _checked(body: bytes, secret: str) -> Callable[[], None]:
    def read() -> None:
        try:
            feed = read_feed(body, URL, "application/rss+xml")
        except FeedError as error:
            shown = str(error)
        else:
            shown = repr(feed)
        if secret in shown:
            raise AssertionError("a local file's content reached the feed's result (an external entity was read)")
        if "lollollol" in shown or "blowupblowup" * 3 in shown or EXPANDED in shown:
            raise AssertionError("an entity was expanded")
    return read


def fuzz_feeds(target, scale: float, rng: random.Random, secret_file: Path) -> None:  # noqa: ANN001 - fuzz.Target
    """About 20,000 inputs at scale 1 (10,000 mutated, 5,000 generated, the entity attacks on every real feed)."""
    secret = secret_file.read_text()
    feeds = demo_feeds()
    for number, feed in enumerate(feeds):
        target.run(f"feed {number} as served", _checked(feed, secret))
        # ~1.4 MB: a feed's size is bounded by DOWNLOAD_MAXSIZE (8 MB), and its reading is linear in it
        target.run(f"feed {number} with 2,000 items", _checked(with_items(feed, 2000), secret))
        for label, attack in _entity_attacks(feed, secret_file):
            target.run(f"feed {number}: {label}", _checked(attack, secret))
    for draw in range(max(10, int(scale * 1100))):  # 9 or 10 mutations per draw
        number = rng.randrange(len(feeds))
        other = feeds[rng.randrange(len(feeds))]
        for label, mutated in _mutations(feeds[number], other, rng):
            target.run(f"draw {draw}, feed {number}: {label}", _checked(mutated, secret))

    @settings(max_examples=max(10, int(scale * 5000)), deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(_feeds_generated())
    def generated(body: bytes) -> None:
        target.run("generated feed", _checked(body, secret))

    generated()
