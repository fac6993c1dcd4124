"""Hostile-input fuzz bench: generated and mutated inputs through extraction, matching and the spider's parsers.

Four targets, each fed inputs it must survive (no exception other than the documented "no story here", no input
over ``--limit`` seconds, memory that stops growing):

- ``extract``: ``crawler.extract.extract_article`` on the 151 reference pages mutated (cut, spliced, bytes
  flipped, tags and attributes multiplied, nesting deepened, JSON-LD and canonical links made absurd, declared
  charsets lied about) and on hypothesis-generated HTML;
- ``match``: ``Matcher.find`` over hypothesis-generated Indonesian-looking texts with agency names, case, hyphens,
  punctuation and control characters mixed in;
- ``sitemap`` / ``feed`` / ``listing``: the spider's ``parse_sitemap``, ``parse_feed`` and ``parse_listing`` on
  generated and mutated XML and HTML, including XXE (external entities naming local files) and billion-laughs
  documents: no entity may be expanded, no local file read;
- ``feeds``: ``crawler.feeds.read_feed`` (feedparser) on the demo site's real feeds mutated and re-encoded,
  hypothesis-generated RSS / RDF / Atom, and entity attacks in every spelling (bench/fuzz_feeds.py).

    python bench/fuzz.py                         # ≈ 170,000 inputs (extraction takes most of the time)
    python bench/fuzz.py --scale 0.01 --check    # the CI variant (tests/test_reliability_suites.py)
    python bench/fuzz.py --only feeds            # one target (or several: --only feeds,sitemap)

Prints one row per target (inputs, crashes, slowest input, peak RSS growth) and the first crash of each kind.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gzip
import json
import logging
import random
import resource
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from scrapy.http import HtmlResponse, Request, TextResponse, XmlResponse  # noqa: E402

from crawler.article import Article  # noqa: E402
from crawler.config import SourceConfig, default_config_dir, load_entities  # noqa: E402
from crawler.extract import ExtractionError, extract_article  # noqa: E402
from crawler.mentions import Matcher  # noqa: E402
from spiders.news import NewsSpider  # noqa: E402

from bench.fuzz_feeds import fuzz_feeds  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "extraction-dev"
FETCHED = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.timezone.utc)
SOURCE = SourceConfig(key="fuzz", name="Fuzz", home_url="https://fuzz.example.id/", timezone="Asia/Makassar",
                      region="Kalimantan Timur")
SECRET = "pantau-fuzz-secret-do-not-read"
PROGRESS_EVERY = 1000
TARGETS = ("extract", "match", "sitemap", "feed", "listing", "feeds")
NAMES = ["Diskominfo Kaltim", "DPRD Kaltim", "Kominfo", "Komdigi", "Polda Kaltim", "Pemprov Kaltim", "BPBD",
         "Kadiskominfo", "Sekwan", "Pemkot Samarinda", "Kementerian Komunikasi dan Informatika", "DPR"]


class Target:
    def __init__(self, name: str) -> None:
        self.name = name
        self.inputs = 0
        self.crashes: Counter[str] = Counter()
        self.first_crash: dict[str, str] = {}
        self.slowest = 0.0  # wall seconds
        self.slowest_input = ""
        self.slowest_cpu = 0.0  # CPU seconds of this process: on shared cores, wall time also counts the neighbours
        self.slowest_cpu_input = ""
        self.rss_start = _rss_mb()

    def run(self, label: str, call: Callable[[], object], expected: tuple[type[BaseException], ...] = ()) -> None:
        self.inputs += 1
        started, started_cpu = time.perf_counter(), time.process_time()
        try:
            call()
        except expected:
            pass
        except Exception as error:  # noqa: BLE001 - a crash is what this bench counts
            kind = f"{type(error).__name__}: {str(error)[:80]}"
            self.crashes[type(error).__name__] += 1
            self.first_crash.setdefault(type(error).__name__, f"{label}: {kind}\n{traceback.format_exc(limit=3)}")
        elapsed, cpu = time.perf_counter() - started, time.process_time() - started_cpu
        if elapsed > self.slowest:
            self.slowest, self.slowest_input = elapsed, label
        if cpu > self.slowest_cpu:
            self.slowest_cpu, self.slowest_cpu_input = cpu, label
        if self.inputs % PROGRESS_EVERY == 0:  # a long run stopped early still says how far it got
            self.progress()

    def progress(self) -> None:
        print(f"progress {time.strftime('%H:%M:%S')} {self.name}: {self.inputs:,} inputs, "
              f"{sum(self.crashes.values())} crashes, slowest {self.slowest:.2f} s ({self.slowest_input}), "
              f"most CPU {self.slowest_cpu:.2f} s ({self.slowest_cpu_input}), "
              f"peak RSS {_rss_mb():.0f} MB", file=sys.stderr, flush=True)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ------------------------------------------------------------------------------------------- mutations


def _reference_pages(data: Path) -> list[bytes]:
    pages = [gzip.decompress(path.read_bytes()) for path in sorted((data / "pages").glob("*.html.gz"))]
    if not pages:
        raise SystemExit(f"no reference pages in {data / 'pages'} (pass --data DIR)")
    return pages


def _mutations(page: bytes, rng: random.Random) -> Iterator[tuple[str, bytes]]:
    size = len(page)
    cut = rng.randrange(1, max(2, size))
    yield "truncated", page[:cut]
    yield "spliced", page[:cut] + page[rng.randrange(size):]
    flipped = bytearray(page)
    for _ in range(max(1, size // 500)):
        flipped[rng.randrange(size)] = rng.randrange(256)
    yield "bytes flipped", bytes(flipped)
    yield "deep nesting", page.replace(b"<body", b"<body" + b"<div>" * 5000, 1)
    yield "many paragraphs", page.replace(b"</body>", b"<p>a</p>" * 20000 + b"</body>", 1)
    yield "many attributes", page.replace(b"<body", b"<body " + b" ".join(b"a%d=x" % n for n in range(20000)), 1)
    jsonld = rng.choice([b'{"@type": 5}', b'{"@type": true, "datePublished": "99999-99-99T99:99"}',
                         b'[' * 990 + b']' * 990, b'{"@graph": "x", "author": {"name": [1, {"a": null}]}}',
                         b'{"datePublished": "1e309", "headline": {"@value": []}}', b'\xff\xfe{"a"'])
    yield "odd JSON-LD", page.replace(b"</head>", b'<script type="application/ld+json">' + jsonld + b"</script></head>", 1)
    canonical = rng.choice([b":80x", b"http://[broken", b"javascript:alert(1)", b"//" + b"a" * 5000, b"\x00"])
    yield "odd canonical", page.replace(b"</head>", b'<link rel="canonical" href="' + canonical + b'"></head>', 1)
    charset = rng.choice([b"koi8-r", b"utf-16", b"x-unknown-charset", b"windows-1252"])
    yield "lying charset", page.replace(b"<head>", b'<head><meta charset="' + charset + b'">', 1)
    yield "no markup", page.replace(b"<", b" ")


def _fuzz_extract(target: Target, scale: float, rng: random.Random, data: Path) -> None:
    pages = _reference_pages(data)
    for draw in range(max(3, int(scale * 750))):  # 750 pages x 10 mutations = 7,500 inputs at scale 1
        number = rng.randrange(len(pages))
        for kind, mutated in _mutations(pages[number], rng):
            label = f"draw {draw}, page {number}: {kind}"
            target.run(label, lambda m=mutated: extract_article(m, "https://fuzz.example.id/berita/1/a",
                                                                  SOURCE, fetched_at=FETCHED),
                       (ExtractionError,))

    html = st.recursive(
        st.text(max_size=40),
        lambda children: st.builds(
            lambda tag, attrs, kids: f"<{tag} {attrs}>{''.join(kids)}</{tag}>",
            st.sampled_from(["div", "p", "article", "h1", "span", "script", "time", "meta", "a", "table", "x-y"]),
            st.sampled_from(["", 'class="content"', 'itemprop="articleBody"', 'type="application/ld+json"',
                             'datetime="2025-13-45"', 'href="http://[::1"', 'property="og:title" content=""']),
            st.lists(children, max_size=6)),
        max_leaves=60)

    @settings(max_examples=max(10, int(scale * 20000)), deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(html)
    def generated(body: str) -> None:
        target.run("generated HTML", lambda: extract_article(f"<html><body>{body}</body></html>",
                                                             "https://fuzz.example.id/", SOURCE, fetched_at=FETCHED),
                   (ExtractionError,))

    generated()


def _fuzz_match(target: Target, scale: float) -> None:
    matcher = Matcher(load_entities(default_config_dir()))
    words = st.sampled_from(NAMES + ["Samarinda", "warga", "mengatakan", "-", "(", ")", ",", ".", "\n", "\u200b",
                                     "\x00", "Kalimantan Timur", "se-Kaltim", "DPRD-Kaltim", "KOMINFO", "kominfo.go.id"])

    @settings(max_examples=max(10, int(scale * 50000)), deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(st.lists(st.one_of(words, st.text(max_size=12)), max_size=200), st.sampled_from(NAMES + [""]))
    def texts(parts: list[str], title: str) -> None:
        article = Article(url="https://fuzz.example.id/berita/1/a", canonical_url="https://fuzz.example.id/berita/1/a",
                          title=title, text=" ".join(parts))
        target.run("generated text", lambda: matcher.find(article, SOURCE))

    texts()


def _spider() -> NewsSpider:
    from scrapy.utils.test import get_crawler

    crawler = get_crawler(NewsSpider, settings_dict={"DOWNLOAD_MAXSIZE": 8 * 1024 * 1024})
    spider = NewsSpider.from_crawler(crawler, source=SOURCE)
    return spider


def _drain(results) -> list:  # noqa: ANN001
    if hasattr(results, "__aiter__"):  # the spider's parse methods are async generators (SQL look-ups)
        async def collect() -> list:
            return [request async for request in results]

        out = asyncio.run(collect())
    else:
        out = list(results or [])
    for request in out:
        if SECRET in getattr(request, "url", ""):
            raise AssertionError("a local file's content reached a URL (XXE)")
    return out


def _fuzz_parsers(targets: dict[str, Target], scale: float, rng: random.Random, secret_file: Path) -> None:
    spider = _spider()
    xxe = (f'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file://{secret_file}">]>'
           '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://fuzz.example.id/berita/1/'
           '&x;</loc></url></urlset>')
    laughs = ('<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "lol">' + "".join(
        f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">' for n in range(9)) +
        ']><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://fuzz.example.id/&j;</loc>'
        '</url></urlset>')
    feed_xxe = xxe.replace("urlset", "rss").replace("<url><loc>", "<channel><item><link>").replace(
        "</loc></url>", "</link></item></channel>")
    base_sitemap = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + "".join(
        f"<url><loc>https://fuzz.example.id/berita/{n}/judul-berita-{n}</loc><lastmod>2026-11-{n % 28 + 1:02d}"
        f"</lastmod></url>" for n in range(200)) + "</urlset>")
    base_feed = ('<?xml version="1.0"?><rss><channel>' + "".join(
        f"<item><title>t{n}</title><link>https://fuzz.example.id/berita/{n}/a-b-c-d</link></item>" for n in range(100))
        + "</channel></rss>")
    base_listing = "<html><body>" + "".join(
        f'<a href="/berita/{n}/judul-{n}">x</a><a href="?page={n}">{n}</a>' for n in range(300)) + "</body></html>"

    def mutate(text: str) -> str:
        data = bytearray(text.encode())
        for _ in range(rng.randrange(1, 20)):
            choice = rng.random()
            position = rng.randrange(len(data))
            if choice < 0.4:
                data[position] = rng.randrange(256)
            elif choice < 0.7:
                del data[position:position + rng.randrange(1, 200)]
            else:
                data[position:position] = rng.choice([b"<url>", b"</loc>", b"<!--", b"]]>", b"<![CDATA[", b"&amp;",
                                                      b"<sitemapindex>", b"<item>", b"\x00", b"<" * 50])
        return bytes(data).decode("utf-8", "replace")

    count = max(10, int(scale * 25000))
    url = "https://fuzz.example.id/sitemap.xml"
    for name, base, parse, response_class in (
            ("sitemap", base_sitemap, spider.parse_sitemap, XmlResponse),
            ("feed", base_feed, spider.parse_feed, XmlResponse),
            ("listing", base_listing, spider.parse_listing, HtmlResponse)):
        if name not in targets:
            continue
        target = targets[name]
        specials = {"sitemap": [("XXE", xxe), ("billion laughs", laughs),
                                ("gzip bomb", None)], "feed": [("XXE", feed_xxe), ("billion laughs",
                                                                                  laughs.replace("urlset", "rss"))],
                    "listing": [("deep nesting", "<div>" * 100000 + "</div>" * 100000)]}[name]
        for label, body in specials:
            if body is None:  # 1 MB of gzip that inflates to 1 GB
                payload = gzip.compress(b"\x00" * (1 << 30) if scale >= 1 else b"\x00" * (1 << 26), 9)
                response = response_class(url + ".gz", body=payload, request=Request(url + ".gz"))
            else:
                response = response_class(url, body=body.encode(), encoding="utf-8", request=Request(url))
            target.run(label, lambda r=response, p=parse: _drain(p(r)))
        for number in range(count):
            body = mutate(base)
            response = response_class(url, body=body.encode("utf-8", "replace"), encoding="utf-8",
                                      request=Request(url))
            target.run(f"mutated {name} {number}", lambda r=response, p=parse: _drain(p(r)))
        text_response = TextResponse(url, body=b"not xml at all", encoding="utf-8", request=Request(url))
        target.run("plain text", lambda r=text_response, p=parse: _drain(p(r)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 ≈ 170,000 inputs")
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--limit", type=float, default=5.0, help="CPU seconds one input may take")
    parser.add_argument("--check", action="store_true", help="exit 1 on a crash or an input over --limit")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the reference pages (../shared/data/…)")
    parser.add_argument("--only", default=",".join(TARGETS),
                        help=f"comma-separated targets to run (default: all of {', '.join(TARGETS)})")
    args = parser.parse_args()
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(TARGETS))
    if unknown or not chosen:
        parser.error(f"--only: unknown target {', '.join(unknown) or '(none given)'}; choose from {', '.join(TARGETS)}")
    logging.basicConfig(level=logging.ERROR)  # the spider logs every malformed document it is fed: expected here
    rng = random.Random(args.seed)
    secret_file = Path(__import__("tempfile").mkdtemp()) / "secret.txt"
    secret_file.write_text(SECRET)
    targets = {name: Target(name) for name in TARGETS if name in chosen}
    if {"sitemap", "feed", "listing"} & set(targets):
        _fuzz_parsers(targets, args.scale, rng, secret_file)
    if "feeds" in targets:
        fuzz_feeds(targets["feeds"], args.scale, rng, secret_file)
    if "match" in targets:
        _fuzz_match(targets["match"], args.scale)
    if "extract" in targets:
        _fuzz_extract(targets["extract"], args.scale, rng, args.data)
    for target in targets.values():
        target.progress()
    print("| target | inputs | crashes | slowest s (wall) | slowest input | most CPU s | that input | "
          "peak RSS of the process so far, MB |")
    print("|---|---|---|---|---|---|---|---|")
    for target in targets.values():
        print(f"| {target.name} | {target.inputs:,} | {sum(target.crashes.values())} | {target.slowest:.2f} | "
              f"{target.slowest_input} | {target.slowest_cpu:.2f} | {target.slowest_cpu_input} | {_rss_mb():.0f} |")
    total = sum(target.inputs for target in targets.values())
    crashes = sum(sum(target.crashes.values()) for target in targets.values())
    # The limit is on an input's own work (CPU time): on 2 cores shared with other work, wall time measures the
    # neighbours too (a 1.4 MB feed: 0.7 s of CPU, 4-5 s of wall time at load 20). Both are printed above.
    slow = [target.name for target in targets.values() if target.slowest_cpu > args.limit]
    print(f"{total:,} inputs, {crashes} crashes, {len(slow)} targets with an input over {args.limit:.0f} s")
    for target in targets.values():
        for text in target.first_crash.values():
            print(f"--- {target.name}: {text}")
    print(json.dumps({"inputs": total, "crashes": crashes, "slow_targets": slow}))
    return 1 if args.check and (crashes or slow) else 0


if __name__ == "__main__":
    sys.exit(main())
