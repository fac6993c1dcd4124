"""Scoring extraction against reference pages (the extraction-dev folder described in data/README.md).

One place for the metrics, so that the benchmark (bench/extraction.py) and the evaluation gate
(tests/test_extraction_gate.py) measure the same thing: body text as 4-token shingles (the
article-extraction-benchmark's metric: per page tp/fp/fn over the multiset union, precision averaged over
pages with output, recall over pages with a reference), publication day in the site's local time, the
publication time (the instant, to the minute, where the reference gives a time and an offset), exact titles
and author sets after Unicode NFKC, whitespace collapse and casefold.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawler.extract import ExtractionError, extract_article

_TOKEN = re.compile(r"\w+")


@dataclass
class ReferencePage:
    """One reference page: its truth record (a line of truth.jsonl) and its HTML."""

    row: dict[str, Any]
    html: bytes


def load_reference_pages(folder: Path) -> list[ReferencePage]:
    """The pages of an extraction-dev folder, in truth.jsonl order."""
    rows = [json.loads(line) for line in (folder / "truth.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    return [ReferencePage(row, gzip.decompress((folder / row["html"]).read_bytes())) for row in rows]


def shingles(text: str | None, size: int = 4) -> Counter:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[index:index + size]) for index in range(max(0, len(tokens) - size + 1)))


def body_counts(reference: str | None, output: str | None) -> tuple[float, float, float]:
    """(tp, fp, fn) of one page as shares of tp + fp + fn."""
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


def reference_zone(row: dict[str, Any]) -> dt.tzinfo | None:
    """The site's local offset, from the reference datetime when it has one (else None: see :func:`local_day`)."""
    stamp = row.get("datetime") or ""
    match = re.search(r"([+-]\d{2}):?(\d{2})$", stamp.strip())
    if match:
        sign = -1 if match.group(1).startswith("-") else 1
        return dt.timezone(sign * dt.timedelta(hours=abs(int(match.group(1))), minutes=int(match.group(2))))
    return None


def reference_instant(row: dict[str, Any]) -> dt.datetime | None:
    """The reference's publication instant, when its datetime has a time of day and an offset."""
    stamp = (row.get("datetime") or "").strip()
    if len(stamp) < 16 or reference_zone(row) is None and not stamp.endswith("Z"):
        return None
    try:
        return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None


def same_instant(published: dt.datetime | None, reference: dt.datetime) -> bool:
    """Within a minute: bylines show minutes, stamps seconds."""
    return published is not None and published.tzinfo is not None and abs(published - reference) < dt.timedelta(
        minutes=1)


def local_day(published: dt.datetime, row: dict[str, Any]) -> str:
    """The publication day in the site's local time: in the reference's offset when it has one, else in the
    offset the extractor read from the page (a naive reference is the site's own clock)."""
    zone = reference_zone(row)
    return (published.astimezone(zone) if zone is not None else published).date().isoformat()


def run_pantau(html: bytes, row: dict[str, Any]) -> dict[str, Any]:
    """Pantau's answer for one reference page, in the form :func:`score` compares."""
    try:
        article = extract_article(html, row["url"])
    except ExtractionError:
        return {"text": None, "title": None, "authors": [], "date": None, "published": None}
    published = article.published_at
    day = local_day(published, row) if published else None
    return {"text": article.text, "title": article.title, "authors": article.authors, "date": day,
            "published": published}


def score(rows: list[dict[str, Any]], outputs: list[dict[str, Any]]) -> dict[str, Any]:
    """Body P/R/F1, publication-day accuracy, exact titles and author sets (None when no page has authors)."""
    counts = [body_counts(row["body"], output["text"]) for row, output in zip(rows, outputs)]
    precision, recall, f1 = prf(counts)
    dated = [(row, output) for row, output in zip(rows, outputs) if row.get("date")]
    titled = [(row, output) for row, output in zip(rows, outputs) if row.get("title")]
    authored = [(row, output) for row, output in zip(rows, outputs) if row.get("authors") is not None]
    instants = [(reference_instant(row), output) for row, output in zip(rows, outputs)]
    timed = [(instant, output) for instant, output in instants if instant is not None]
    return {
        "pages": len(rows),
        "P": precision, "R": recall, "F1": f1,
        "date": sum(output["date"] == row["date"] for row, output in dated) / max(1, len(dated)),
        "time": sum(same_instant(output.get("published"), instant) for instant, output in timed) / max(1, len(timed)),
        "title": sum(norm(output["title"]) == norm(row["title"]) for row, output in titled) / max(1, len(titled)),
        "authors": (sum({norm(name) for name in output["authors"]} == {norm(name) for name in row["authors"]}
                        for row, output in authored) / len(authored)) if authored else None,
    }


def score_by_set(pages: list[ReferencePage], outputs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """:func:`score` per reference set ("id", "fundus") and "overall"."""
    sets = {"id": [i for i, page in enumerate(pages) if page.row["set"] == "id"],
            "fundus": [i for i, page in enumerate(pages) if page.row["set"] == "fundus"],
            "overall": list(range(len(pages)))}
    return {name: score([pages[i].row for i in indexes], [outputs[i] for i in indexes])
            for name, indexes in sets.items() if indexes}
