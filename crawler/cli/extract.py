"""``pantau extract``: run the article extractor on saved pages or live URLs, for people debugging a page and
for tools.

``pantau extract PAGE.html[.gz] --url URL`` prints one JSON object; ``pantau extract https://…`` fetches the page
(Pantau's User-Agent, a timeout; pages 2..N of a multi-page story or its single-page view are fetched too) and
prints its object. ``pantau extract -`` reads JSON Lines on stdin, each ``{"path": …, "url": …}``,
``{"html": …, "url": …}`` or just ``{"url": …}`` to fetch (optionally ``"source"`` and ``"fetched_at"``), and
writes one JSON object per input line, in order. An input that cannot be read gives a line ``{"error": …}`` and
the others go on; the exit code is then 1.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import json
import sys
from pathlib import Path
from typing import Any, TextIO

import urllib.error
import urllib.request

import click

from crawler.article import Article
from crawler.cli import EXIT_BAD_INPUT, EXIT_FAILED, AppContext, PantauError, cli
from crawler.config import SourceConfig, load_sources
from crawler.settings import USER_AGENT

MAX_STORY_PAGES = 10  # pages 2..N fetched for one multi-page story at most


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


class FetchError(OSError):
    """A URL could not be fetched; ``str(error)`` is one line naming the URL and the reason."""


def is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def fetch_page(url: str, timeout: float) -> tuple[bytes, str]:
    """The body of ``url`` and the address it finally came from (after redirects), fetched politely."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.8"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http/https checked)
            return response.read(), response.geturl()
    except urllib.error.HTTPError as error:
        raise FetchError(f"could not fetch {url}: HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        raise FetchError(f"could not fetch {url}: {error.reason}") from None
    except (TimeoutError, OSError) as error:
        raise FetchError(f"could not fetch {url}: {error or type(error).__name__}") from None


def fetch_story(url: str, timeout: float) -> tuple[bytes, str, list[bytes]]:
    """The first page of the story at ``url``, its final address and the HTML of its pages 2..N.

    A story that offers a single-page view ("?page=all") is read from that view instead.
    """
    from crawler.extract import find_continuation_pages, is_single_page_url  # see extract_command

    html, final_url = fetch_page(url, timeout)
    pages = find_continuation_pages(html, final_url)
    if len(pages) == 1 and is_single_page_url(pages[0]):
        try:
            single, _ = fetch_page(pages[0], timeout)
            return single, final_url, []
        except FetchError:
            return html, final_url, []  # the first page alone is better than nothing
    more = [fetch_page(page, timeout)[0] for page in pages[:MAX_STORY_PAGES]]
    return html, final_url, more


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


def _extract_one(record: dict[str, Any], sources: dict[str, SourceConfig], default_source: str | None,
                 timeout: float = 30.0) -> dict[str, Any]:
    url = record.get("url")
    if not isinstance(url, str) or not url:
        raise ValueError("each input needs a \"url\"")
    more_pages: list[bytes] = []
    if isinstance(record.get("html"), str):
        html: str | bytes = record["html"]
    elif isinstance(record.get("path"), str):
        html = read_page(Path(record["path"]))
    elif is_url(url):
        html, url, more_pages = fetch_story(url, timeout)
    else:
        raise ValueError("each input needs \"path\" (a saved page), \"html\" (the page itself) or an http(s) "
                         "\"url\" to fetch")
    from crawler.extract import extract_article  # see extract_command

    source = _source(sources, record.get("source") or default_source)
    article = extract_article(html, url, source, fetched_at=_fetched_at(record.get("fetched_at")),
                              more_pages=list(more_pages) or None)
    return article_record(article)


def _write(out: TextIO, record: dict[str, Any]) -> None:
    out.write(json.dumps(record, ensure_ascii=False) + "\n")
    out.flush()


@cli.command("extract")
@click.argument("inputs", nargs=-1, required=True, metavar="PATH_OR_URL… | -")
@click.option("--url", default=None, help="The address a saved page was fetched from (default: the file's path).")
@click.option("--source", "source_key", default=None, metavar="KEY",
              help="Source whose time zone and language apply (see pantau sources list).")
@click.option("--fetched-at", default=None, metavar="ISO",
              help="When the page was fetched (bounds dates, resolves '2 jam yang lalu'); default: now.")
@click.option("--timeout", default=30.0, show_default=True, metavar="SECONDS",
              help="How long to wait for each page when an input is a URL.")
@click.pass_obj
def extract_command(app: AppContext, inputs: tuple[str, ...], url: str | None, source_key: str | None,
                    fetched_at: str | None, timeout: float) -> None:
    """Extract the article from saved pages or URLs and print one JSON object per input.

    PAGE.html or PAGE.html.gz prints one object (use --url to give its address); an http(s) URL is fetched
    (with Pantau's User-Agent; the other pages of a multi-page story too). "-" reads JSON Lines
    {"path": ..., "url": ...}, {"html": ..., "url": ...} or {"url": ...} on stdin and writes one object per line,
    in order; an input that cannot be read gives {"error": ...} and the others go on.

    Example: pantau extract story.html.gz --url https://diksi.co/news/2025/10/22/banjir --source diksi
    """
    # The extractor (trafilatura, lxml, dateparser) takes ~0.2 s to import: only this command pays for it, not
    # every start of the CLI.
    from crawler.extract import ExtractionError

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
                    _write(out, _extract_one(record, sources, source_key, timeout))
                except (ValueError, OSError, ExtractionError, UnknownSourceError) as error:
                    failures += 1
                    reference = record.get("url") if isinstance(record, dict) else None
                    _write(out, {"line": number, "url": reference, "error": _one_line(error)})
            continue
        if is_url(argument):
            record = {"url": argument, "fetched_at": fetched_at}
        else:
            record = {"path": argument, "url": url or Path(argument).resolve().as_uri(), "fetched_at": fetched_at}
        try:
            _write(out, _extract_one(record, sources, source_key, timeout))
        except (ValueError, OSError, ExtractionError) as error:
            failures += 1
            failed = {"path": argument} if "path" in record else {}
            _write(out, {**failed, "url": record["url"], "error": _one_line(error)})
    if failures:
        sys.exit(EXIT_FAILED)


def _one_line(error: Exception) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"not valid JSON ({error.msg} at column {error.colno})"
    if isinstance(error, FileNotFoundError):
        return f"file not found: {error.filename}"
    return str(error).splitlines()[0] if str(error) else type(error).__name__
