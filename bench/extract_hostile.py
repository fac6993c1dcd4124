"""Extraction on hostile pages: how long ``extract_article`` takes on pages built to be slow, and whether odd metadata
loses the article.

Every case is one healthy story (a headline, a byline, six paragraphs) plus something hostile: tens of thousands
of tiny paragraphs, one element with 100k attributes, thousands of nested elements, JSON-LD nested 990 deep or
typed ``5``, a canonical link with a broken port, a relative time a billion hours ago… Each case runs in a child
process with a time limit (``--limit``, 60 s), so a case that hangs is shown as ``> 60 s`` instead of stopping the
run. Printed per case: the page's size, seconds (best of ``--repeat``), the ratio to the healthy page measured in
the same run, and the outcome (``ok`` when the story's title and text came out, else the exception).

Run it on other code by putting that checkout first on the path (the baseline before the caps, say):

    python bench/extract_hostile.py
    PYTHONPATH=/work/main python bench/extract_hostile.py --limit 90

Example: python bench/extract_hostile.py --repeat 3
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import time
from collections.abc import Callable

URL = "https://kaltim.example.com/2025/10/22/banjir-samarinda-meluas"
FETCHED_AT = dt.datetime(2025, 10, 23, 3, 0, tzinfo=dt.timezone.utc)
TITLE = "Banjir Samarinda Meluas, BPBD Kaltim Siagakan Perahu Karet"
STORY = "".join(
    f"<p>Paragraf {number}: banjir di Samarinda meluas ke enam kelurahan, kata Kepala Pelaksana BPBD Kaltim, "
    f"yang menyiagakan perahu karet dan dapur umum bagi warga yang mengungsi sejak Selasa malam.</p>"
    for number in range(1, 7))


def page(head: str = "", before: str = "", after: str = "") -> str:
    """A healthy story with ``head`` in its <head>, ``before`` between byline and text, ``after`` after it."""
    return (f"<!DOCTYPE html><html lang='id'><head><meta charset='utf-8'><title>{TITLE} - Kaltim Example</title>"
            f"{head}</head><body><article><h1>{TITLE}</h1><div class='byline'>Penulis: Rina Wulandari | "
            f"Rabu, 22 Oktober 2025 07:30 WITA</div>{before}<div class='content'>{STORY}</div></article>"
            f"{after}</body></html>")


def jsonld(text: str) -> str:
    return f'<script type="application/ld+json">{text}</script>'


CASES: dict[str, Callable[[], str]] = {
    "healthy page": lambda: page(),
    "131k tiny paragraphs (1 MB)": lambda: page(after="<p>a</p>" * 131_072),
    "262k tiny paragraphs (2 MB)": lambda: page(after="<p>a</p>" * 262_144),
    "100k attributes on one element": lambda: page(
        after="<div " + " ".join(f'a{index}="1"' for index in range(100_000)) + ">x</div>"),
    "100k attributes, 10 per element": lambda: page(
        after="".join("<span " + " ".join(f'a{index}="1"' for index in range(10)) + ">x</span>"
                      for _ in range(10_000))),
    "20k nested divs": lambda: page(after="<div>" * 20_000 + "x" + "</div>" * 20_000),
    "200k empty spans in one paragraph": lambda: page(after="<p>" + "<span></span>" * 200_000 + "</p>"),
    "12 MB of words in one <div>": lambda: page(after="<div>" + "kata " * 2_400_000 + "</div>"),
    "8 MB of words in 80 paragraphs": lambda: page(after=("<p>" + "kata " * 20_000 + "</p>") * 80),
    "6 MB JSON-LD script": lambda: page(head=jsonld(
        '{"@type": "LiveBlogPosting", "liveBlogUpdate": [' + ",".join(['{"articleBody": "kata kata kata"}'] * 190_000)
        + "]}")),
    "JSON-LD @type 5": lambda: page(head=jsonld('{"@type": 5, "headline": "x"}')),
    "JSON-LD @type true": lambda: page(head=jsonld('{"@context": "https://schema.org", "@type": true}')),
    "JSON-LD nested 990 deep (@graph)": lambda: page(head=jsonld('{"@graph":' * 990 + "{}" + "}" * 990)),
    "JSON-LD nested 3000 deep": lambda: page(head=jsonld("[" * 3000 + "]" * 3000)),
    "JSON-LD author nested 990 deep": lambda: page(head=jsonld(
        '{"@type": "NewsArticle", "author": ' + "[" * 990 + "]" * 990 + "}")),
    "canonical https://host:80x/": lambda: page(head='<link rel="canonical" href="https://kaltim.example.com:80x/a">'),
    "canonical http://[broken": lambda: page(head='<link rel="canonical" href="http://[broken">'),
    "teaser link http://[broken": lambda: page(
        after='<div><h3><a href="http://[broken/x">Berita lain yang cukup panjang</a></h3><p>Lead singkat.</p></div>'),
    "byline 99999999999 jam yang lalu": lambda: page(before="<div>99999999999 jam yang lalu</div>"),
    "byline Diperbarui 999999 minggu lalu": lambda: page(before="<div>Diperbarui 999999 minggu lalu</div>"),
}


def _run(name: str, repeat: int, results: multiprocessing.Queue) -> None:
    from crawler.extract import extract_article

    html = CASES[name]()
    best = float("inf")
    outcome = "ok"
    for _ in range(repeat):
        started = time.perf_counter()
        try:
            article = extract_article(html, URL, fetched_at=FETCHED_AT)
            if article.title != TITLE or "Paragraf 6" not in article.text:
                outcome = f"story lost (title {article.title!r})"
        except Exception as error:  # the outcome is what this bench reports
            outcome = f"{type(error).__name__}: {str(error)[:60]}"
        best = min(best, time.perf_counter() - started)
    results.put((len(html.encode()), best, outcome))


def measure(name: str, repeat: int, limit: float) -> tuple[int | None, float | None, str]:
    results: multiprocessing.Queue = multiprocessing.Queue()
    child = multiprocessing.Process(target=_run, args=(name, repeat, results))
    child.start()
    child.join(limit)
    if child.is_alive():
        child.terminate()
        child.join()
        return None, None, f"> {limit:.0f} s (stopped)"
    if results.empty():
        return None, None, f"child died (exit code {child.exitcode})"
    return results.get()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs per case (the best is shown)")
    parser.add_argument("--limit", type=float, default=60.0, help="seconds a case may take before it is stopped")
    parser.add_argument("--only", help="run only the cases whose name contains this text")
    args = parser.parse_args(argv)

    names = [name for name in CASES if not args.only or args.only in name or name == "healthy page"]
    print(f"{'case':40} {'bytes':>10} {'seconds':>9} {'× healthy':>10}  outcome")
    print("-" * 100)
    healthy: float | None = None
    for name in names:
        size, seconds, outcome = measure(name, args.repeat, args.limit)
        if name == "healthy page":
            healthy = seconds
        ratio = f"{seconds / healthy:10.0f}" if seconds is not None and healthy else f"{'-':>10}"
        shown = f"{seconds:9.3f}" if seconds is not None else f"{'-':>9}"
        print(f"{name:40} {size if size is not None else '-':>10} {shown} {ratio}  {outcome}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
