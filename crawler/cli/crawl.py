"""``pantau crawl``: an ad-hoc crawl now, with a progress bar and a summary; ``pantau sources``."""

from __future__ import annotations

import contextlib
import gc
import os
import datetime as dt
import sys
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from crawler.cli import EXIT_BAD_INPUT, AppContext, PantauError, cli
from crawler.cli.db import open_database
from crawler.config import SourceConfig, load_entities, load_sources, parse_sources_toml
from crawler.phases import mark
from crawler.settings import FAST_LOCAL_ENV

if TYPE_CHECKING:
    from crawler.crawl import CrawlProgress, RunSummary


# Pages failed in a pipeline step with an exception (pipelines.failures): the crawl ran, but a step is broken.
EXIT_PIPELINE_FAILURES = 3


class UnknownSourceError(PantauError):
    exit_code = EXIT_BAD_INPUT


def select_sources(all_sources: list[SourceConfig], keys: tuple[str, ...]) -> list[SourceConfig]:
    """The sources named by ``keys`` (all enabled ones when none is named), in catalogue order."""
    if not keys:
        return [source for source in all_sources if source.enabled]
    by_key = {source.key: source for source in all_sources}
    unknown = [key for key in keys if key not in by_key]
    if unknown:
        raise UnknownSourceError(f"unknown source '{unknown[0]}' (see `pantau sources list`; "
                                 f"known: {', '.join(sorted(by_key)[:8])}{' …' if len(by_key) > 8 else ''})")
    return [by_key[key] for key in dict.fromkeys(keys)]


@contextlib.contextmanager
def _progress_bar(enabled: bool) -> Iterator[CrawlProgress | None]:
    if not enabled:
        yield None
        return
    from crawler.crawl import CrawlProgress

    progress = Progress(TextColumn("[bold]crawling"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("articles"), TimeElapsedColumn(), console=Console(stderr=True),
                        transient=True)
    task = progress.add_task("crawl", total=None)
    with progress:
        yield CrawlProgress(on_scheduled=lambda total: progress.update(task, total=total),
                            on_article=lambda: progress.advance(task))


# `pantau crawl --demo` serves on the first free port of this range, so that its URLs (and so the stored
# articles' canonical URLs) stay the same from one run to the next even while another demo holds the first port.
DEMO_PORT_TRIES = 10


def _start_demo_site(console: Console, epoch: int = 0):
    from crawler.demo import DemoSite
    from crawler.demo.site import DEFAULT_PORT

    last_error: OSError | None = None
    for port in range(DEFAULT_PORT, DEFAULT_PORT + DEMO_PORT_TRIES):
        try:
            site = DemoSite(port=port, epoch=epoch).start()
        except OSError as error:
            last_error = error
            continue
        if port != DEFAULT_PORT:
            console.print(f"Port {DEFAULT_PORT} is in use (`pantau demo serve` or another demo crawl?): serving the "
                          f"demo site on port {port}; its articles are stored under that port's URLs.",
                          highlight=False)
        return site
    raise PantauError(f"cannot serve the demo site on ports {DEFAULT_PORT}-{DEFAULT_PORT + DEMO_PORT_TRIES - 1} "
                      f"({last_error.strerror if last_error else 'in use'}): stop other demos, or crawl what "
                      "`pantau demo serve` serves with `pantau --config DIR crawl`")


def print_summary(summaries: list[RunSummary], console: Console) -> None:
    table = Table(title="Crawl summary", title_justify="left")
    for column in ("source", "status", "pages", "new", "updated", "refetched", "304", "edited", "removed",
                   "mentions", "errors", "run"):
        table.add_column(column, justify="left" if column in ("source", "status") else "right")
    for summary in summaries:
        colour = {"succeeded": "green", "skipped": "yellow"}.get(summary.status, "red")
        status = f"[{colour}]{summary.status}[/{colour}]"
        table.add_row(summary.source, status, str(summary.pages), str(summary.new_articles),
                      str(summary.updated_articles), str(summary.refetched), str(summary.not_modified),
                      str(summary.edited), str(summary.removed), str(summary.mentions), str(summary.errors),
                      str(summary.run_id))
    console.print(table)
    by_entity: Counter[str] = Counter()
    for summary in summaries:
        by_entity.update(summary.mentions_by_entity)
    if by_entity:
        agencies = Table(title="Mentions per agency in the articles this crawl stored", title_justify="left")
        agencies.add_column("agency")
        agencies.add_column("mentions", justify="right")
        for entity_id, count in by_entity.most_common(15):
            agencies.add_row(entity_id, str(count))
        if len(by_entity) > 15:
            agencies.add_row(f"… {len(by_entity) - 15} more", str(sum(by_entity.values())
                                                                  - sum(c for _, c in by_entity.most_common(15))))
        console.print(agencies)
    for summary in summaries:
        if summary.error_summary:
            console.print(f"[yellow]{summary.source}[/yellow]: {escape(summary.error_summary)}", highlight=False)


@cli.command()
@click.argument("source_keys", nargs=-1, metavar="[SOURCE]...")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Only articles published on or after this day (YYYY-MM-DD).")
@click.option("--until", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Only articles published on or before this day (YYYY-MM-DD): one range of an archive back-fill.")
@click.option("--max-articles", type=click.IntRange(min=1), default=None,
              help="Stop scheduling article pages after this many per source.")
@click.option("--demo", is_flag=True, help="Serve the bundled demo news site on 127.0.0.x and crawl it.")
@click.option("--demo-epoch", type=click.IntRange(min=0), default=0, show_default=True,
              help="With --demo: the demo site's clock. Epoch 1 (two days later) has edited, removed and new "
                   "stories; the crawl runs at the demo's time, so its refetch schedule sees them.")
@click.option("--now", "now", type=click.DateTime(formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S"]),
              default=None, hidden=True, help="The crawl's clock (tests and benchmarks; naive means UTC).")
@click.option("--trigger", type=click.Choice(["manual", "scheduled"]), default="manual", hidden=True)
@click.option("--run-id", "run_id", type=int, default=None, hidden=True,
              help="Use this existing crawl_run row (set by the daemon).")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a terminal).")
@click.pass_obj
def crawl(app: AppContext, source_keys: tuple[str, ...], since: dt.datetime | None, until: dt.datetime | None,
          max_articles: int | None, demo: bool, demo_epoch: int, now: dt.datetime | None, trigger: str,
          run_id: int | None, progress: bool | None) -> None:
    """Crawl news sources now and store their articles and agency mentions.

    Crawls the named sources, or every enabled source when none is named, and prints a summary: pages
    fetched, new and updated articles, stored articles fetched again (and of those unchanged, edited,
    removed), mentions per agency, errors. Exit codes: 0 when every run succeeded, also with single broken
    pages (listed by `pantau runs --errors`); 1 when a crawl itself failed (a source that answered nothing at
    all); 3 when pages failed in a pipeline step with an exception (a bug or a storage failure: the run is
    recorded as failed, with the step and the first error); 130 when interrupted.

    Example: pantau crawl diksi antara-kaltim --since 2026-11-01
    """
    mark("start and command-line imports")
    entities = load_entities(app.config_dir)
    console = Console(width=None if sys.stdout.isatty() else 140)
    show_progress = sys.stderr.isatty() if progress is None else progress
    clock = None
    if now is not None:
        fixed = now if now.tzinfo else now.replace(tzinfo=dt.timezone.utc)
        clock = lambda: fixed  # noqa: E731 - a frozen clock
    if demo_epoch and not demo:
        raise UnknownSourceError("--demo-epoch needs --demo")
    with contextlib.ExitStack() as stack:
        if demo:
            site = stack.enter_context(_start_demo_site(console, demo_epoch))
            all_sources = parse_sources_toml(site.sources_toml(), "<demo site>")
            clock = clock or site.now
            console.print(f"Demo news site: {', '.join(outlet.home_url for outlet in site.outlets)}",
                          highlight=False)
        else:
            all_sources = load_sources(app.config_dir)
        sources = select_sources(all_sources, source_keys)
        if not sources:
            raise UnknownSourceError("no enabled sources to crawl (enable one in config/sources/*.toml)")
        if run_id is not None and len(sources) != 1:
            raise UnknownSourceError("--run-id needs exactly one source")
        mark("config read")
        open_database(app, create=True).dispose()  # one line for a database that cannot be opened; says a new file
        mark("database opened, schema checked")
        # Scrapy's HTTP/HTTPS handler (every crawl loads it), imported here rather than where Scrapy's engine
        # loads it: its TLS modules call inspect.stack() when imported (scrapy.utils.deprecate), which costs per
        # frame above the import, and from inside the engine's deferreds there are some forty (0.2 s of CPU).
        import scrapy.core.downloader.handlers.http11  # noqa: F401

        from crawler.crawl import run_crawl  # Scrapy and the extraction stack: only once config is valid

        # What is loaded by now (modules, config) lives as long as the process: out of the collector's way, so
        # that the crawl's full collections do not walk it again and again.
        gc.freeze()
        mark("crawl stack imported (Scrapy)")

        with _progress_bar(show_progress) as bar:
            summaries = run_crawl(
                app.database_url, sources, entities, trigger=trigger,  # type: ignore[arg-type]
                since=since.date() if since else None, until=until.date() if until else None,
                max_articles=max_articles,
                fast_local=demo or os.environ.get(FAST_LOCAL_ENV, "") not in ("", "0"),
                run_ids={sources[0].key: run_id} if run_id is not None else None, progress=bar, clock=clock,
            )
    print_summary(summaries, console)
    mark("summary printed")
    if trigger == "manual":  # the daemon checks alerts itself after each scheduled run
        from crawler.alerts.hook import check_after_crawl

        alerts = check_after_crawl(app.database_url, app.config_dir)
        if alerts is not None:
            console.print(escape(alerts.line), highlight=False)
        mark("alert rules checked")
    # The process ends here: spare the interpreter's final collection over every object it holds (~0.6 s of CPU
    # of a re-crawl that stores nothing, docs/performance.md); the operating system frees it all at once.
    gc.freeze()
    if any(summary.status == "failed" and not summary.failed_items for summary in summaries):
        sys.exit(1)
    failed_items = [summary for summary in summaries if summary.failed_items]
    if failed_items:
        first = failed_items[0]
        click.echo(f"pantau crawl: {first.source}: {first.error_summary}", err=True)
        sys.exit(EXIT_PIPELINE_FAILURES)
    if any(summary.status == "interrupted" for summary in summaries):
        sys.exit(130)


@cli.group()
def sources() -> None:
    """The source catalogue (config/sources/*.toml).

    Example: pantau sources list
    """


@sources.command("list")
@click.pass_obj
def sources_list(app: AppContext) -> None:
    """List the configured sources.

    Example: pantau --config ./config sources list
    """
    table = Table()
    for column in ("key", "name", "home", "time zone", "every", "enabled"):
        table.add_column(column)
    for source in load_sources(app.config_dir):
        every = source.cron or f"{source.interval_minutes} min"
        table.add_row(source.key, source.name, source.home_url, source.timezone, every,
                      "yes" if source.enabled else "no")
    Console().print(table)


@sources.command("check")
@click.option("--online", is_flag=True,
              help="Also fetch each source's robots.txt, sitemaps, feeds and home page (needs internet) and say "
                   "which discovery path gives article URLs; exit 1 when a source has none.")
@click.argument("keys", nargs=-1, metavar="[SOURCE]...")
@click.pass_obj
def sources_check(app: AppContext, online: bool, keys: tuple[str, ...]) -> None:
    """Validate every config file: sources, the agency dictionary, partner contracts; exit 2 on a mistake.

    The first mistake is one line naming the file, line, entry and field. With --online, also check the named
    sources (all enabled ones when none is named) against the live sites: nothing is stored and no article
    is downloaded.

    Example: pantau --config ./my-config sources check --online tribun-kaltim kaltimpost
    """
    from crawler.config_check import CONFIG_KINDS, check_config

    check = check_config(app.config_dir)
    found = check.loaded["sources"]
    click.echo(f"OK: {', '.join(check.found.values())} in {app.config_dir}")
    for kind in check.unavailable:
        click.echo(f"note: {app.config_dir / kind} is not checked: this Pantau cannot read {kind} yet "
                   "(upgrade Pantau)", err=True)
    for folder in check.unread_folders:
        click.echo(f"note: {app.config_dir / folder} is not a kind of config Pantau reads "
                   f"({', '.join(CONFIG_KINDS)}); check its name", err=True)
    if online:
        _check_online(select_sources(found, keys))
    elif keys:
        raise click.UsageError("source keys are only taken with --online")


def _check_online(chosen: list[SourceConfig]) -> None:
    from scrapy.crawler import CrawlerProcess

    from crawler.crawl import own_endpoints, quiet_scrapy_logging
    from crawler.settings import crawl_settings
    from spiders.discovery_check import DiscoveryCheckSpider

    settings = crawl_settings(fast_local=os.environ.get(FAST_LOCAL_ENV, "") not in ("", "0"),
                              ITEM_PIPELINES={}, RETRY_TIMES=0, PANTAU_OWN_ENDPOINTS=own_endpoints(chosen))
    process = CrawlerProcess(settings)
    quiet_scrapy_logging()
    crawler = process.create_crawler(DiscoveryCheckSpider)
    process.crawl(crawler, sources=chosen)
    process.start()
    results = crawler.spider.results
    table = Table(title="Discovery paths", title_justify="left")
    for column in ("source", "path", "url", "status", "answer", "links", "articles"):
        table.add_column(column, overflow="fold")
    for result in sorted(results, key=lambda r: ([s.key for s in chosen].index(r.source_key), r.path, r.url)):
        table.add_row(result.source_key, result.path, result.url, str(result.status or "-"), result.kind,
                      str(result.links), str(result.article_links))
    Console().print(table)
    without = []
    for source in chosen:
        working = [r for r in results if r.source_key == source.key and r.works]
        if working:
            best = max(working, key=lambda r: r.article_links)
            click.echo(f"{source.key}: works through {best.path} {best.url} ({best.article_links} article URLs)")
        else:
            without.append(source.key)
            click.echo(f"{source.key}: no discovery path gave an article URL; name a sitemap, feed or listing page, "
                       "or fix article_url_pattern")
    if without:
        sys.exit(1)
