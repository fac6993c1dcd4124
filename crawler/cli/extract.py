"""``pantau extract``: run the article extractor on saved pages or live URLs, for people debugging a page and
for tools.

``pantau extract PAGE.html[.gz] --url URL`` prints one JSON object; ``pantau extract https://…`` fetches the page
as a crawl would (:class:`crawler.fetching.PageFetcher`: the crawl's User-Agent, robots.txt, retries, timeout and
size limit; pages 2..N of a multi-page story or its single-page view are fetched too) and prints its object.
``pantau extract -`` reads JSON Lines on stdin, each ``{"path": …, "url": …}``, ``{"html": …, "url": …}`` or
just ``{"url": …}`` to fetch (optionally ``"source"`` and ``"fetched_at"``), and writes one JSON object per input
line, in order. An input that cannot be read gives a line ``{"error": …}`` and the others go on, whatever is wrong
with it (bad JSON, a field of the wrong type, a truncated .gz, a file that is not an HTML page); the exit code is
then 2 for an input that cannot be used (a missing or non-HTML file, a bad record, a URL that cannot be fetched:
refused by robots.txt, no such host, timed out, an HTTP error after the crawl's retries, not an HTML page) and 1
when a page was read but held no article. URLs are fetched under the crawl's address rule (:mod:`crawler.fetching`):
no loopback or private address unless ``--allow-address HOST:PORT`` names it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import sys
from pathlib import Path
from typing import Any, TextIO

import click

from crawler.article import Article
from crawler.cli import EXIT_BAD_INPUT, EXIT_FAILED, AppContext, PantauError, cli
from crawler.config import SourceConfig, load_sources
from crawler.fetching import FetchError, FetchRules, PageFetcher, looks_like_html
from crawler.settings import DOWNLOAD_MAXSIZE, DOWNLOAD_TIMEOUT, FAST_LOCAL_ENV, crawl_settings
from crawler.sitemaps import SitemapError, inflate

MAX_STORY_PAGES = 10  # pages 2..N fetched for one multi-page story at most
# The address given to the extractor for a stdin page that came with neither "url" nor "path".
UNKNOWN_ADDRESS = "file:///unknown-address"
NO_ADDRESS_NOTE = ("no \"url\" given: extracted without an address, so the rules that read it (dates in the URL, the "
                   "source's article pattern, relative canonical links) were skipped")


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


class InputError(ValueError):
    """An input Pantau cannot use (a bad record, a file that is not a page): exit code 2."""


def read_page(path: Path) -> bytes:
    """The bytes of a saved page (``.gz`` files are decompressed, up to DOWNLOAD_MAXSIZE)."""
    data = path.read_bytes()
    if path.suffix == ".gz" or data[:2] == b"\x1f\x8b":
        if data[:2] != b"\x1f\x8b":
            raise InputError(f"{path} is not gzip-compressed (rename it or gunzip it first)")
        try:
            data, problem = inflate(data, DOWNLOAD_MAXSIZE)
        except SitemapError as error:
            raise InputError(f"{path}: {error}") from None
        if problem:
            raise InputError(f"{path}: {problem}; the file is cut short (copy it again)")
    if not looks_like_html(data):
        start = data[:12]
        raise InputError(f"{path} is not an HTML page (it starts with {start!r}); give a saved .html page")
    return data


# The fetcher of URL inputs, made by extract_command from the crawl's settings and --allow-address.
_fetcher: PageFetcher | None = None


def is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def fetch_page(url: str) -> tuple[bytes, str]:
    """The body of ``url`` and the address it finally came from (after redirects), fetched under the crawl's
    rules (:class:`crawler.fetching.PageFetcher`)."""
    if _fetcher is None:
        raise RuntimeError("extract_command makes the fetcher before any URL is fetched")
    page = _fetcher.fetch(url)
    return page.body, page.url


def fetch_story(url: str) -> tuple[bytes, str, list[bytes]]:
    """The first page of the story at ``url``, its final address and the HTML of its pages 2..N.

    A story that offers a single-page view ("?page=all") is read from that view instead.
    """
    from crawler.extract import find_continuation_pages, is_single_page_url  # see extract_command

    html, final_url = fetch_page(url)
    pages = find_continuation_pages(html, final_url)
    if len(pages) == 1 and is_single_page_url(pages[0]):
        try:
            single, _ = fetch_page(pages[0])
            return single, final_url, []
        except FetchError:
            return html, final_url, []  # the first page alone is better than nothing
    more = [fetch_page(page)[0] for page in pages[:MAX_STORY_PAGES]]
    return html, final_url, more


def _fetched_at(value: Any) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InputError(f"fetched_at must be an ISO 8601 string such as \"2025-11-22T03:00:00Z\", not {value!r}")
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"fetched_at is not an ISO 8601 time: {value!r}") from None
    if parsed.tzinfo is None:
        raise InputError(f"fetched_at needs a UTC offset: {value!r}")
    return parsed


def _source(sources: dict[str, SourceConfig], key: Any) -> SourceConfig | None:
    if key is None:
        return None
    if not isinstance(key, str):
        raise InputError(f"source must be a source key (a string), not {key!r:.60}")
    if key not in sources:
        known = ", ".join(sorted(sources)) or "none"
        raise UnknownSourceError(f"unknown source '{key}' (known: {known}; see pantau sources list)")
    return sources[key]


def _extract_one(record: dict[str, Any], sources: dict[str, SourceConfig],
                 default_source: str | None) -> dict[str, Any]:
    for name in ("html", "path"):
        if record.get(name) is not None and not isinstance(record[name], str):
            raise InputError(f"\"{name}\" must be a string, not {type(record[name]).__name__}")
    url = record.get("url")
    address_unknown = url is None or url == ""
    if address_unknown and isinstance(record.get("html") or record.get("path"), str):
        # A saved page whose address nobody kept is still worth reading: the rules that need the address (dates
        # in the URL path, the source's article pattern, a relative canonical link) find nothing in this
        # placeholder and simply skip, as they do for the file form's file: URI.
        url = Path(record["path"]).resolve().as_uri() if isinstance(record.get("path"), str) else UNKNOWN_ADDRESS
    if not isinstance(url, str) or not url:
        raise InputError("each input needs \"path\" (a saved page), \"html\" (the page itself) or an http(s) "
                         "\"url\" to fetch; \"url\" must be a string")
    source = _source(sources, record.get("source") or default_source)
    fetched_at = _fetched_at(record.get("fetched_at"))
    more_pages: list[bytes] = []
    if isinstance(record.get("html"), str):
        html: str | bytes = record["html"]
    elif isinstance(record.get("path"), str):
        html = read_page(Path(record["path"]))
    elif is_url(url):
        html, url, more_pages = fetch_story(url)
        if not looks_like_html(html):
            raise FetchError(f"could not use {url}: not an HTML page (it starts with {html[:12]!r})")
    else:
        raise InputError("each input needs \"path\" (a saved page), \"html\" (the page itself) or an http(s) "
                         "\"url\" to fetch")
    from crawler.extract import extract_article  # see extract_command

    article = extract_article(html, url, source, fetched_at=fetched_at, more_pages=list(more_pages) or None)
    output = article_record(article)
    if address_unknown:
        output["url"] = None
        output["note"] = NO_ADDRESS_NOTE
    return output


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
@click.option("--timeout", type=float, default=None, metavar="SECONDS",
              help=f"How long to wait for each page when an input is a URL (default: the crawl's, "
                   f"{DOWNLOAD_TIMEOUT}).")
@click.option("--allow-address", "allow_addresses", multiple=True, metavar="HOST:PORT",
              help="Let URL inputs reach this loopback or private host and port (a page served on this machine); "
                   "repeatable. Other such addresses are refused, whatever their spelling.")
@click.pass_obj
def extract_command(app: AppContext, inputs: tuple[str, ...], url: str | None, source_key: str | None,
                    fetched_at: str | None, timeout: float | None, allow_addresses: tuple[str, ...]) -> None:
    """Extract the article from saved pages or URLs and print one JSON object per input.

    PAGE.html or PAGE.html.gz prints one object (use --url to give its address); an http(s) URL is fetched
    as the crawl fetches (its User-Agent, robots.txt, retries, timeout and size limit; the other pages of a
    multi-page story too). "-" reads JSON Lines {"path": ..., "url": ...}, {"html": ..., "url": ...} or
    {"url": ...} on stdin and writes one object per line, in order; an input that cannot be read gives
    {"error": ...} and the others go on. Exit code 2 when an input was unusable (a missing or non-HTML file, a
    bad record, a URL refused by robots.txt or that could not be fetched), 1 when a page held no article. URLs
    on loopback or private addresses are refused unless --allow-address names them.

    Example: pantau extract story.html.gz --url https://diksi.co/news/2025/10/22/banjir --source diksi
    """
    # The extractor (trafilatura, lxml, dateparser) takes ~0.2 s to import: only this command pays for it (in
    # _extract_one), not every start of the CLI.
    import os

    from crawler.addresses import url_endpoint

    global _fetcher
    allowed = set()
    for value in allow_addresses:
        endpoint = url_endpoint(f"http://{value}")
        if endpoint is None or ":" not in value:
            raise click.BadParameter(f"{value!r} is not HOST:PORT (e.g. 127.0.0.1:8080)",
                                     param_hint="--allow-address")
        allowed.add(endpoint)
    if any(is_url(argument) for argument in inputs) or "-" in inputs:
        # The crawl's own settings, PANTAU_FAST_LOCAL and the User-Agent variables included, so that a page
        # fetched here is fetched as a crawl would fetch it.
        settings = crawl_settings(fast_local=os.environ.get(FAST_LOCAL_ENV, "") not in ("", "0"))
        _fetcher = PageFetcher(FetchRules.from_settings(settings, timeout), allowed)
    sources = {source.key: source for source in load_sources(app.config_dir)} if (
        source_key or "-" in inputs) else {}
    _source(sources, source_key)  # an unknown --source is a usage error, before any work
    bad_inputs = failures = 0
    out = sys.stdout
    for argument in inputs:
        if argument == "-":
            for number, line in enumerate(_stdin_lines(), 1):
                if not line.strip():
                    continue
                record: Any = None
                try:
                    record = json.loads(line)
                    if not isinstance(record, dict):
                        raise InputError("not a JSON object")
                    _write(out, _extract_one(record, sources, source_key))
                except Exception as error:  # noqa: BLE001 - one bad record must never stop the others
                    if _is_bad_input(error):
                        bad_inputs += 1
                    else:
                        failures += 1
                    reference = record.get("url") if isinstance(record, dict) else None
                    _write(out, {"line": number, "url": reference if isinstance(reference, str) else None,
                                 "error": _one_line(error)})
            continue
        if is_url(argument):
            record = {"url": argument, "fetched_at": fetched_at}
        else:
            record = {"path": argument, "url": url or Path(argument).resolve().as_uri(), "fetched_at": fetched_at}
        try:
            _write(out, _extract_one(record, sources, source_key))
        except Exception as error:  # noqa: BLE001 - every input gets its line
            if _is_bad_input(error):
                bad_inputs += 1
            else:
                failures += 1
            failed = {"path": argument} if "path" in record else {}
            _write(out, {**failed, "url": record["url"], "error": _one_line(error)})
    if bad_inputs:
        sys.exit(EXIT_BAD_INPUT)
    if failures:
        sys.exit(EXIT_FAILED)


def _stdin_lines():  # noqa: ANN202 - a generator of str
    """Lines of stdin, undecodable bytes replaced (a bad byte is a bad record, not the end of the input)."""
    stream = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace") if hasattr(
        sys.stdin, "buffer") else sys.stdin
    yield from stream


def _is_bad_input(error: Exception) -> bool:
    """Inputs that cannot be used, a URL that cannot be fetched included (exit 2), as opposed to pages that
    were read but held no article (exit 1)."""
    if isinstance(error, InputError | FetchError | UnknownSourceError | json.JSONDecodeError | RecursionError):
        return True
    return isinstance(error, FileNotFoundError | IsADirectoryError | NotADirectoryError | PermissionError)


def _one_line(error: Exception) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"not valid JSON ({error.msg} at column {error.colno})"
    if isinstance(error, RecursionError):
        return "not usable: nested too deeply (JSON or HTML)"
    if isinstance(error, FileNotFoundError):
        return f"file not found: {error.filename}"
    if isinstance(error, IsADirectoryError | NotADirectoryError | PermissionError):
        return f"cannot read {error.filename}: {error.strerror}"
    from crawler.extract import ExtractionError

    text = str(error).splitlines()[0] if str(error) else ""
    if isinstance(error, InputError | FetchError | ExtractionError | UnknownSourceError):
        return text or type(error).__name__
    return f"extraction failed ({type(error).__name__}: {text})" if text else \
        f"extraction failed ({type(error).__name__})"
