"""Score Pantau's extraction and plain trafilatura side by side on the reference pages.

Reads ``truth.jsonl`` and the gzipped pages of an extraction-dev folder (see data/README.md), runs both
extractors over every page in the same process (interleaved, so machine noise hits both alike) and prints, per
set and overall: body precision/recall/F1 (4-token shingles, the article-extraction-benchmark metric),
publication-day accuracy, publication time (the instant to the minute, where the reference has a time with an
offset), exact titles, author sets and pages per second.

The metrics live in crawler/evaluation.py, which the evaluation gate (tests/test_extraction_gate.py) uses too.

Example: python bench/extraction.py --data ../shared/data/extraction-dev
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from trafilatura import bare_extraction

from crawler.evaluation import (body_counts, load_reference_pages, norm, reference_instant, run_pantau, same_instant,
                                score)

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "extraction-dev"


def run_trafilatura(html: bytes, row: dict) -> dict:
    document = bare_extraction(html, url=row["url"], with_metadata=True)
    if document is None:
        return {"text": None, "title": None, "authors": [], "date": None, "published": None}
    authors = [name.strip() for name in (document.author or "").split(";") if name.strip()]
    try:  # trafilatura gives a day ("2024-08-22"); a time with an offset only with a non-default date format
        published = dt.datetime.fromisoformat(document.date) if document.date else None
    except ValueError:
        published = None
    return {"text": document.text, "title": document.title, "authors": authors, "date": document.date,
            "published": published}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="extraction-dev folder")
    parser.add_argument("--repeat", type=int, default=1, help="timing passes over the pages (scores use the first)")
    parser.add_argument("--show", choices=["title", "date", "time", "authors", "body"],
                        help="list the pages that miss")
    args = parser.parse_args(argv)

    references = load_reference_pages(args.data)
    rows = [reference.row for reference in references]
    pages = [reference.html for reference in references]
    extractors = {"pantau": run_pantau, "trafilatura": run_trafilatura}
    outputs: dict[str, list[dict]] = {name: [] for name in extractors}
    seconds = {name: 0.0 for name in extractors}
    for name, run in extractors.items():  # warm-up: imports, caches, dateparser data
        run(pages[0], rows[0])
    for repeat in range(args.repeat):
        for row, html in zip(rows, pages):
            for name, run in extractors.items():
                start = time.perf_counter()
                output = run(html, row)
                seconds[name] += time.perf_counter() - start
                if repeat == 0:
                    outputs[name].append(output)

    sets = {"id": [i for i, row in enumerate(rows) if row["set"] == "id"],
            "fundus": [i for i, row in enumerate(rows) if row["set"] == "fundus"],
            "overall": list(range(len(rows)))}
    header = f"{'set':<8} {'extractor':<12} {'pages':>5} {'P':>6} {'R':>6} {'F1':>6} {'date':>6} {'time':>6} " \
             f"{'title':>6} {'authors':>7} {'pages/s':>8}"
    print(header)
    print("-" * len(header))
    for set_name, indexes in sets.items():
        for name in extractors:
            result = score([rows[i] for i in indexes], [outputs[name][i] for i in indexes])
            authors = f"{result['authors']:7.3f}" if result["authors"] is not None else f"{'n/a':>7}"
            speed = f"{len(rows) * args.repeat / seconds[name]:8.1f}" if set_name == "overall" else " " * 8
            print(f"{set_name:<8} {name:<12} {result['pages']:>5} {result['P']:6.3f} {result['R']:6.3f} "
                  f"{result['F1']:6.3f} {result['date']:6.3f} {result['time']:6.3f} {result['title']:6.3f} {authors} "
                  f"{speed}")
    print(f"speed ratio pantau/trafilatura: {seconds['trafilatura'] / seconds['pantau']:.2f}")

    if args.show:
        for row, output in zip(rows, outputs["pantau"]):
            if args.show == "title" and norm(output["title"]) != norm(row["title"]):
                print(f"{row['id']}: {output['title']!r} != {row['title']!r}")
            elif args.show == "date" and row.get("date") and output["date"] != row["date"]:
                print(f"{row['id']}: {output['date']} != {row['date']} ({row.get('datetime')})")
            elif args.show == "time" and (instant := reference_instant(row)) and \
                    not same_instant(output["published"], instant):
                print(f"{row['id']}: {output['published']} != {row['datetime']}")
            elif args.show == "authors" and row.get("authors") is not None and \
                    {norm(n) for n in output["authors"]} != {norm(n) for n in row["authors"]}:
                print(f"{row['id']}: {output['authors']} != {row['authors']}")
            elif args.show == "body":
                tp, fp, fn = body_counts(row["body"], output["text"])
                if tp < 0.9:
                    print(f"{row['id']}: tp {tp:.2f} fp {fp:.2f} fn {fn:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
