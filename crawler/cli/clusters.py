"""``pantau clusters rebuild``, ``pantau releases add|list`` and ``pantau report pickup``: story clusters and
press-release pickup (crawler.clusters, storage.clusters, crawler.reports.pickup; docs/clusters.md)."""

from __future__ import annotations

import datetime as dt
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import click

from crawler.cli import EXIT_BAD_INPUT, AppContext, PantauError, cli
from crawler.cli.db import open_database, print_rows, storage_errors
from crawler.cli.report import parse_day
from crawler.cli.report import FORMATS, _build, _partner_book, _write, report_group

USER_AGENT = "Pantau/1.0 (news monitoring for government PR offices; releases add)"


class BadInput(PantauError):
    exit_code = EXIT_BAD_INPUT


# ---------------------------------------------------------------------------------------------- clusters


@cli.group("clusters")
def clusters_group() -> None:
    """Story clusters: copies and near copies of one text across outlets.

    Example: pantau clusters rebuild --since 2026-10-01
    """


@clusters_group.command("rebuild")
@click.option("--since", default=None, metavar="YYYY-MM-DD",
              help="Only articles published on or after this day (older ones keep their clusters).")
@click.pass_obj
def clusters_rebuild(app: AppContext, since: str | None) -> None:
    """Recompute story clusters from the stored texts (all articles, or those published since a day).

    Signatures are recomputed, every article is assigned again, earliest published first, and releases are
    measured against again. Crawls assign clusters as they store articles; rebuild after changing thresholds,
    after a failed assignment, or to join clusters two concurrent crawls started apart.

    Example: pantau clusters rebuild --since 2026-10-01
    """
    from storage.clusters import rebuild

    day = parse_day(since, "--since")
    engine = open_database(app)
    started = time.perf_counter()
    try:
        with storage_errors():
            result = rebuild(engine, day)
    finally:
        engine.dispose()
    seconds = time.perf_counter() - started
    click.echo(f"Clustered {result.articles} articles in {seconds:.1f} s: {result.joined} joined an earlier "
               f"article's cluster, {result.articles - result.joined} started one; "
               f"{result.measured} measured against a release.")


# ---------------------------------------------------------------------------------------------- releases


@cli.group("releases")
def releases_group() -> None:
    """Press releases: those of press-office sources, and those registered by hand.

    Example: pantau releases add siaran-pers.txt --agency diskominfo-kaltim --published 2026-11-18T09:00+08:00
    """


def _published(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a time; write 2026-11-18T09:00+08:00 or 2026-11-18",
                                 param_hint="--published") from None
    if moment.tzinfo is None:  # a bare day or time is the office's (WITA): the releases' own zone
        import zoneinfo

        moment = moment.replace(tzinfo=zoneinfo.ZoneInfo("Asia/Makassar"))
    return moment


def _read_release(source: str, agency: str) -> tuple[Any, str]:
    """The release as an Article, and its origin (file or url); BadInput on anything unusable."""
    from crawler.article import Article
    from crawler.extract import ExtractionError, extract_article
    from storage.clusters import release_canonical_url

    if source.startswith(("http://", "https://")):
        request = urllib.request.Request(source, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (http(s) only, checked)
                html = response.read().decode(response.headers.get_content_charset() or "utf-8", "replace")
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise BadInput(f"{source}: cannot fetch the release ({getattr(error, 'reason', error)})") from None
        try:
            article = extract_article(html, source, None)
        except ExtractionError as error:
            raise BadInput(f"{source}: no release text found ({error})") from None
        return article, "url"
    path = Path(source)
    if not path.is_file():
        raise BadInput(f"{source}: no such file; give a .txt or .html file of the release, or its URL")
    try:
        content = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise BadInput(f"{source}: cannot read the file ({error}); save it as UTF-8 text or HTML") from None
    if path.suffix.lower() in (".html", ".htm"):
        try:
            article = extract_article(content, path.resolve().as_uri(), None)
        except ExtractionError as error:
            raise BadInput(f"{source}: no release text found ({error})") from None
        article.canonical_url = release_canonical_url(agency, article.title, article.text)
        article.url = path.resolve().as_uri()
        return article, "file"
    # Plain text: the first non-empty line is the headline, every other non-empty line a paragraph.
    lines = [line.strip() for line in content.splitlines() if line.strip()]
    if len(lines) < 2:
        raise BadInput(f"{source}: a text release needs a headline line and at least one paragraph")
    title, text = lines[0], "\n".join(lines[1:])
    return Article(url=path.resolve().as_uri(), canonical_url=release_canonical_url(agency, title, text),
                   title=title, text=text, language="id"), "file"


@releases_group.command("add")
@click.argument("source", metavar="FILE.txt|FILE.html|URL")
@click.option("--agency", required=True, metavar="ID", help="The office that issued it (an entity id).")
@click.option("--published", default=None, metavar="TIME",
              help="When it was released (2026-11-18T09:00+08:00; a bare day or time is WITA). "
                   "Default: the page's date, else now.")
@click.pass_obj
def releases_add(app: AppContext, source: str, agency: str, published: str | None) -> None:
    """Register a press release that is not on a press-office source (a file, or a page by URL).

    A .txt file has the headline on its first line and a paragraph on each other line; an .html file or a URL
    is extracted like any crawled page. The release is clustered at once: copies already stored join it.
    Registering the same text twice stores it once.

    Example: pantau releases add siaran-pers.txt --agency diskominfo-kaltim --published 2026-11-18T09:00+08:00
    """
    from crawler.config import load_entities, load_sources
    from storage import sync_config
    from storage.clusters import UnknownAgencyError, register_release

    moment = _published(published)
    entities = load_entities(app.config_dir)
    if agency not in {entity.id for entity in entities}:
        raise BadInput(f"unknown agency '{agency}': use an entity id from `pantau entities list`")
    article, origin = _read_release(source, agency)
    if not article.text.strip():
        raise BadInput(f"{source}: the release has no text")
    if moment is not None:
        article.published_at = moment
    elif article.published_at is None:
        article.published_at = dt.datetime.now(dt.timezone.utc)
    engine = open_database(app)
    try:
        with storage_errors():
            sync_config(engine, load_sources(app.config_dir), entities)
            try:
                article_id, new = register_release(engine, article, agency, origin)
            except UnknownAgencyError as error:
                raise BadInput(str(error)) from None
    finally:
        engine.dispose()
    verb = "Registered" if new else "Already registered:"
    click.echo(f"{verb} release {article_id} of {agency}: {article.title or article.canonical_url}")


@releases_group.command("list")
@click.option("--since", default=None, metavar="YYYY-MM-DD", help="Only releases published on or after this day.")
@click.option("--format", "output_format", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)
@click.pass_obj
def releases_list(app: AppContext, since: str | None, output_format: str) -> None:
    """Stored press releases, oldest first, with how many other articles ran each.

    Example: pantau releases list --since 2026-11-01
    """
    from storage.clusters import list_releases

    day = parse_day(since, "--since")
    start = dt.datetime.combine(day, dt.time(), dt.timezone(dt.timedelta(hours=8))) if day else None
    engine = open_database(app)
    try:
        with storage_errors():
            releases = list_releases(engine, start)
    finally:
        engine.dispose()
    rows = [(release.article_id, release.agency_id, release.published_at, release.source_key, release.pickups,
             release.title, release.canonical_url) for release in releases]
    print_rows(["id", "agency", "published_at", "source", "pickups", "title", "url"], rows, output_format,
               title="Siaran pers")


# ---------------------------------------------------------------------------------------------- report pickup


@report_group.command("pickup")
@click.option("--release", "release_id", type=int, default=None, metavar="ID", help="One release (its id).")
@click.option("--since", default=None, metavar="YYYY-MM-DD", help="Releases published on or after this day.")
@click.option("--until", default=None, metavar="YYYY-MM-DD", help="… and on or before this day (default: today).")
@click.option("--format", "output_format", type=FORMATS, default="table", show_default=True,
              help="table (terminal), csv or html.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of stdout.")
@click.option("--partners", "partners_path", type=click.Path(exists=True, path_type=Path), default=None,
              help="A partners YAML file or folder (default: CONFIG/partners).")
@click.pass_obj
def report_pickup(app: AppContext, release_id: int | None, since: str | None, until: str | None,
                  output_format: str, output: Path | None, partners_path: Path | None) -> None:
    """Which outlets ran each press release: link, headline, time, delay, share reused, verbatim or edited,
    credited, partner; and the outlets that ran nothing.

    Days are the office's (config/partners office timezone, WITA by default). CSV is one row per pickup.

    Example: pantau report pickup --since 2026-11-01 --until 2026-11-30 --format html -o rilis-november.html
    """
    from crawler.reports import build_pickup_report

    if release_id is None and since is None:
        raise click.UsageError("give --release ID, or --since DATE (and optionally --until DATE)")
    start, end = parse_day(since, "--since"), parse_day(until, "--until")
    if release_id is not None:
        from storage.clusters import list_releases

        engine = open_database(app)
        try:
            with storage_errors():
                known = list_releases(engine, release_id=release_id)
        finally:
            engine.dispose()
        if not known:
            raise BadInput(f"no release with id {release_id} (see pantau releases list)")
    book = _partner_book(app, partners_path)
    timezone = book.office.timezone if book.office else "Asia/Makassar"
    report = _build(app, lambda engine: build_pickup_report(engine, release_id=release_id, since=start,
                                                            until=end, book=book, timezone=timezone))
    _write(report, output_format, output)
