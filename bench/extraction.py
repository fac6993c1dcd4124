"""Score Pantau's extraction and plain trafilatura side by side on the reference pages.

Reads ``truth.jsonl`` and the gzipped pages of an extraction-dev folder (see data/README.md), runs both
extractors over every page in the same process (interleaved, so machine noise hits both alike) and prints, per
set and overall: body precision/recall/F1 (4-token shingles, the article-extraction-benchmark metric),
publication-day accuracy, exact titles, author sets and pages per second.

Example: python bench/extraction.py --data ../shared/data/extraction-dev
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import re
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

from trafilatura import bare_extraction

from crawler.extract import ExtractionError, extract_article

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "extraction-dev"
_TOKEN = re.compile(r"\w+")


def shingles(text: str | None, size: int = 4) -> Counter:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[index:index + size]) for index in range(max(0, len(tokens) - size + 1)))


def body_counts(reference: str | None, output: str | None) -> tuple[float, float, float]:
    truth, predicted = shingles(reference), shingles(output)
    tp = sum((truth & predicted).values())
    fp = sum((predicted - truth).values())
    fn = sum((truth - predicted).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def prf(counts: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    precisions = [tp / (tp + fp) for tp, fp, fn in counts if tp + fp > 0]
    recalls = [tp / (tp + fn) for tp, fp, fn in counts if tp + fn > 0]
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text or "")).strip().casefold()


def reference_zone(row: dict) -> dt.tzinfo | None:
    """The site's local offset, from the reference datetime when it has one (else None: see :func:`local_day`)."""
    stamp = row.get("datetime") or ""
    match = re.search(r"([+-]\d{2}):?(\d{2})$", stamp.strip())
    if match:
        sign = -1 if match.group(1).startswith("-") else 1
        return dt.timezone(sign * dt.timedelta(hours=abs(int(match.group(1))), minutes=int(match.group(2))))
    return None


def local_day(published: dt.datetime, row: dict) -> str:
    """The publication day in the site's local time: in the reference's offset when it has one, else in the
    offset the extractor read from the page (a naive reference is the site's own clock)."""
    zone = reference_zone(row)
    return (published.astimezone(zone) if zone is not None else published).date().isoformat()


def run_pantau(html: bytes, row: dict) -> dict:
    try:
        article = extract_article(html, row["url"])
    except ExtractionError:
        return {"text": None, "title": None, "authors": [], "date": None}
    published = article.published_at
    day = local_day(published, row) if published else None
    return {"text": article.text, "title": article.title, "authors": article.authors, "date": day}


def run_trafilatura(html: bytes, row: dict) -> dict:
    document = bare_extraction(html, url=row["url"], with_metadata=True)
    if document is None:
        return {"text": None, "title": None, "authors": [], "date": None}
    authors = [name.strip() for name in (document.author or "").split(";") if name.strip()]
    return {"text": document.text, "title": document.title, "authors": authors, "date": document.date}


def score(rows: list[dict], outputs: list[dict]) -> dict:
    counts = [body_counts(row["body"], output["text"]) for row, output in zip(rows, outputs)]
    precision, recall, f1 = prf(counts)
    dated = [(row, output) for row, output in zip(rows, outputs) if row.get("date")]
    titled = [(row, output) for row, output in zip(rows, outputs) if row.get("title")]
    authored = [(row, output) for row, output in zip(rows, outputs) if row.get("authors") is not None]
    return {
        "pages": len(rows),
        "P": precision, "R": recall, "F1": f1,
        "date": sum(output["date"] == row["date"] for row, output in dated) / max(1, len(dated)),
        "title": sum(norm(output["title"]) == norm(row["title"]) for row, output in titled) / max(1, len(titled)),
        "authors": (sum({norm(name) for name in output["authors"]} == {norm(name) for name in row["authors"]}
                        for row, output in authored) / len(authored)) if authored else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="extraction-dev folder")
    parser.add_argument("--repeat", type=int, default=1, help="timing passes over the pages (scores use the first)")
    parser.add_argument("--show", choices=["title", "date", "authors", "body"], help="list the pages that miss")
    args = parser.parse_args(argv)

    rows = [json.loads(line) for line in (args.data / "truth.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    pages = [gzip.decompress((args.data / row["html"]).read_bytes()) for row in rows]
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
    header = f"{'set':<8} {'extractor':<12} {'pages':>5} {'P':>6} {'R':>6} {'F1':>6} {'date':>6} {'title':>6} " \
             f"{'authors':>7} {'pages/s':>8}"
    print(header)
    print("-" * len(header))
    for set_name, indexes in sets.items():
        for name in extractors:
            result = score([rows[i] for i in indexes], [outputs[name][i] for i in indexes])
            authors = f"{result['authors']:7.3f}" if result["authors"] is not None else f"{'n/a':>7}"
            speed = f"{len(rows) * args.repeat / seconds[name]:8.1f}" if set_name == "overall" else " " * 8
            print(f"{set_name:<8} {name:<12} {result['pages']:>5} {result['P']:6.3f} {result['R']:6.3f} "
                  f"{result['F1']:6.3f} {result['date']:6.3f} {result['title']:6.3f} {authors} {speed}")
    print(f"speed ratio pantau/trafilatura: {seconds['trafilatura'] / seconds['pantau']:.2f}")

    if args.show:
        for row, output in zip(rows, outputs["pantau"]):
            if args.show == "title" and norm(output["title"]) != norm(row["title"]):
                print(f"{row['id']}: {output['title']!r} != {row['title']!r}")
            elif args.show == "date" and row.get("date") and output["date"] != row["date"]:
                print(f"{row['id']}: {output['date']} != {row['date']} ({row.get('datetime')})")
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
