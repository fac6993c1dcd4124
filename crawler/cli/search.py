"""``pantau search``: full-text search over stored articles (storage.search)."""

from __future__ import annotations

import datetime as dt

import click

from crawler.cli import AppContext, cli
from crawler.cli.db import OutputFormat, open_database, output_options, print_rows, storage_errors


@cli.command("search")
@click.argument("query")
@click.option("--since", metavar="YYYY-MM-DD", default=None, help="Only articles published on or after this day.")
@click.option("--source", "source_key", metavar="KEY", default=None, help="Only articles of this source.")
@click.option("-n", "--limit", default=20, show_default=True, type=click.IntRange(min=1), help="How many hits.")
@output_options
@click.pass_obj
def search(app: AppContext, query: str, since: str | None, source_key: str | None, limit: int,
           output_format: OutputFormat) -> None:
    """Search article titles and texts, best match first.

    Words are all required; "double quotes" make a phrase; OR accepts either side; -word excludes. Case and
    diacritics do not matter; words match whole (no stemming).

    Example: pantau search '"dinas kesehatan" imunisasi -jakarta' --since 2026-10-01 --source diksinusa
    """
    from storage.search import search_articles

    since_day = None
    if since is not None:
        try:
            since_day = dt.date.fromisoformat(since)
        except ValueError:
            raise click.BadParameter(f"'{since}' is not a date; write YYYY-MM-DD", param_hint="--since") from None
    engine = open_database(app)
    try:
        with storage_errors():
            result = search_articles(engine, query, since=since_day, source_key=source_key, limit=limit)
    finally:
        engine.dispose()
    table = output_format == "table"
    columns = ["article_id", "published_date", "source", "title", "snippet", "url"]
    if not table:
        columns.insert(1, "score")
    rows = [(hit.article_id, *(() if table else (round(hit.score, 6),)), hit.published_date, hit.source_key,
             hit.title, hit.snippet, hit.canonical_url) for hit in result.hits]
    if table:
        click.echo(f"{result.total} {'article matches' if result.total == 1 else 'articles match'}; "
                   f"showing {len(rows)}.", err=True)
    print_rows(columns, rows, output_format, title=f"Search: {query}" if table else None)
