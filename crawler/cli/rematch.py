"""``pantau rematch``: re-run agency matching over stored articles after the dictionary changed."""

from __future__ import annotations

import datetime as dt
import sys

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from crawler.cli import AppContext, cli
from crawler.cli.crawl import select_sources
from crawler.cli.db import open_database
from storage.crawl_summary import stored_source_keys
from crawler.config import load_entities, load_sources


@cli.command()
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Only articles published on or after this day (YYYY-MM-DD).")
@click.option("--source", "source_key", default=None, help="Only this source's articles.")
@click.option("--workers", type=click.IntRange(min=0), default=0, show_default=True,
              help="Matching processes (0: one for small jobs, one per CPU from 10,000 articles).")
@click.option("--rescore-tone", is_flag=True,
              help="Score every article's tone again, also where its mentions did not change (after a lexicon "
                   "change).")
@click.pass_obj
def rematch(app: AppContext, since: dt.datetime | None, source_key: str | None, workers: int,
            rescore_tone: bool) -> None:
    """Re-match stored articles against the current agency dictionary.

    Replaces each article's mentions and quotes where they changed, and scores its tone toward each agency again
    where its mentions changed (or its stored tone is missing, from an older method, or about an agency whose
    kind changed); running it twice changes nothing the second time.

    Example: pantau rematch --since 2026-10-01
    """
    from crawler.rematch import rematch as run_rematch

    entities = load_entities(app.config_dir)
    sources = load_sources(app.config_dir)
    unknown_to_config = source_key is not None and source_key not in {source.key for source in sources}
    if unknown_to_config and _missing_sqlite_file(app):
        select_sources(sources, (source_key,))  # no database to know the key either: the config's error
    engine = open_database(app)  # a one-line error for a database that is missing or cannot be opened
    try:
        if unknown_to_config and source_key not in stored_source_keys(engine):
            select_sources(sources, (source_key,))  # one-line error for a key neither config nor database knows
    finally:
        engine.dispose()
    console = Console(stderr=True)
    with Progress(TextColumn("[bold]re-matching"), BarColumn(), MofNCompleteColumn(), TextColumn("articles"),
                  TimeElapsedColumn(), console=console, transient=True, disable=not sys.stderr.isatty()) as bar:
        task = bar.add_task("rematch", total=None)
        result = run_rematch(app.database_url, sources, entities, since=since.date() if since else None,
                             source_key=source_key, workers=workers, rescore_tone=rescore_tone,
                             on_progress=lambda count: bar.advance(task, count))
    change = result.mentions - result.mentions_before
    click.echo(f"Re-matched {result.articles} articles: {result.mentions} mentions "
               f"({'+' if change >= 0 else ''}{change} against before), tone for {result.toned} article-agency pairs.")


def _missing_sqlite_file(app: AppContext) -> bool:
    from storage.db import sqlite_file

    path = sqlite_file(app.database_url)
    return path is not None and not path.exists()
