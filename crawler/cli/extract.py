"""``pantau extract``: run the article extractor on saved pages, for people debugging a page and for tools.

``pantau extract PAGE.html[.gz] --url URL`` prints one JSON object. ``pantau extract -`` reads JSON Lines on
stdin, each ``{"path": …, "url": …}`` or ``{"html": …, "url": …}`` (optionally ``"source"`` and
``"fetched_at"``), and writes one JSON object per input line, in order. An input that cannot be read gives a
line ``{"error": …}`` and the others go on; the exit code is then 1.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import json
import sys
from pathlib import Path
from typing import Any, TextIO

import click

from crawler.article import Article
from crawler.cli import EXIT_BAD_INPUT, EXIT_FAILED, AppContext, PantauError, cli
from crawler.config import SourceConfig, load_sources
from crawler.extract import ExtractionError, extract_article


class UnknownSourceError(PantauError):
    exit_code = EXIT_BAD_INPUT


def article_record(article: Article) -> dict[str, Any]:
    """The JSON-ready form of an article: dates as ISO 8601 with their offset."""
    record: dict[str, Any] = dataclasses.asdict(article)
    for key in ("published_at", "modified_at"):
        value = record[key]
        record[key] = value.isoformat() if value is not None else None
    record["word_count"] = article.word_count
    return record


def read_page(path: Path) -> bytes:
    """The bytes of a saved page (``.gz`` files are decompressed)."""
    data = path.read_bytes()
    if path.suffix == ".gz" or data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data


def _fetched_at(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"fetched_at is not an ISO 8601 time: {value!r}") from None
    if parsed.tzinfo is None:
        raise ValueError(f"fetched_at needs a UTC offset: {value!r}")
    return parsed


def _source(sources: dict[str, SourceConfig], key: str | None) -> SourceConfig | None:
    if key is None:
        return None
    if key not in sources:
        known = ", ".join(sorted(sources)) or "none"
        raise UnknownSourceError(f"unknown source '{key}' (known: {known}; see pantau sources list)")
    return sources[key]


def _extract_one(record: dict[str, Any], sources: dict[str, SourceConfig], default_source: str | None
                 ) -> dict[str, Any]:
    url = record.get("url")
    if not isinstance(url, str) or not url:
        raise ValueError("each input needs a \"url\"")
    if isinstance(record.get("html"), str):
        html: str | bytes = record["html"]
    elif isinstance(record.get("path"), str):
        html = read_page(Path(record["path"]))
    else:
        raise ValueError("each input needs \"path\" (a saved page) or \"html\" (the page itself)")
    source = _source(sources, record.get("source") or default_source)
    article = extract_article(html, url, source, fetched_at=_fetched_at(record.get("fetched_at")))
    return article_record(article)


def _write(out: TextIO, record: dict[str, Any]) -> None:
    out.write(json.dumps(record, ensure_ascii=False) + "\n")
    out.flush()


@cli.command("extract")
@click.argument("inputs", nargs=-1, required=True, metavar="PAGE.html[.gz]… | -")
@click.option("--url", default=None, help="The address the page was fetched from (default: the file's path).")
@click.option("--source", "source_key", default=None, metavar="KEY",
              help="Source whose time zone and language apply (see pantau sources list).")
@click.option("--fetched-at", default=None, metavar="ISO",
              help="When the page was fetched (bounds dates, resolves '2 jam yang lalu'); default: now.")
@click.pass_obj
def extract_command(app: AppContext, inputs: tuple[str, ...], url: str | None, source_key: str | None,
                    fetched_at: str | None) -> None:
    """Extract the article from saved pages and print one JSON object per page.

    PAGE.html or PAGE.html.gz prints one object (use --url to give its address). "-" reads JSON Lines
    {"path": ..., "url": ...} or {"html": ..., "url": ...} on stdin and writes one object per line, in order;
    a page that cannot be read gives {"error": ...} and the others go on.

    Example: pantau extract story.html.gz --url https://diksi.co/news/2025/10/22/banjir --source diksi
    """
    sources = {source.key: source for source in load_sources(app.config_dir)} if (
        source_key or "-" in inputs) else {}
    _source(sources, source_key)  # an unknown --source is a usage error, before any work
    failures = 0
    out = sys.stdout
    for argument in inputs:
        if argument == "-":
            for number, line in enumerate(sys.stdin, 1):
                if not line.strip():
                    continue
                record: Any = None
                try:
                    record = json.loads(line)
                    if not isinstance(record, dict):
                        raise ValueError("not a JSON object")
                    _write(out, _extract_one(record, sources, source_key))
                except (ValueError, OSError, ExtractionError, UnknownSourceError) as error:
                    failures += 1
                    reference = record.get("url") if isinstance(record, dict) else None
                    _write(out, {"line": number, "url": reference, "error": _one_line(error)})
            continue
        record = {"path": argument, "url": url or Path(argument).resolve().as_uri(), "fetched_at": fetched_at}
        try:
            _write(out, _extract_one(record, sources, source_key))
        except (ValueError, OSError, ExtractionError) as error:
            failures += 1
            _write(out, {"path": argument, "url": record["url"], "error": _one_line(error)})
    if failures:
        sys.exit(EXIT_FAILED)


def _one_line(error: Exception) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"not valid JSON ({error.msg} at column {error.colno})"
    if isinstance(error, FileNotFoundError):
        return f"file not found: {error.filename}"
    return str(error).splitlines()[0] if str(error) else type(error).__name__
