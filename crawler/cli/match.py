"""``pantau match``: run the matcher over JSON lines, to debug a dictionary or a text without a database.

Each input line is a record ``{"id", "text"[, "title", "published_at", "source", "captions", "tags",
"related", "byline"]}``; each output line is ``{"id", "mentions": [...], "tone": [...]}`` (plus ``"quotes"``
with ``--quotes``): ``tone`` has one entry per agency with a counted mention, ``{"entity_id", "tone", "score",
"evidence"}`` (crawler.tone). A line that is not a JSON object is reported on stderr with its line number and
skipped; the command then exits with code 2 after the other lines are done.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import click

from crawler.article import Article
from crawler.cli import EXIT_BAD_INPUT, AppContext, PantauError, cli
from crawler.cli.entities import entities_from
from crawler.config import SourceConfig, load_sources


class BadInputError(PantauError):
    exit_code = EXIT_BAD_INPUT


def article_from_record(record: dict[str, Any]) -> Article:
    """An :class:`Article` from one ``pantau match`` input record; raises ValueError on a bad field."""
    if not isinstance(record.get("text", ""), str):
        raise ValueError("'text' must be a string")
    published_at = None
    if record.get("published_at"):
        try:
            published_at = dt.datetime.fromisoformat(str(record["published_at"]).replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"'published_at' is not an ISO date or time: {record['published_at']!r}") from None
    url = str(record.get("url") or record.get("id") or "")

    def strings(name: str) -> list[str]:
        value = record.get(name) or []
        return [value] if isinstance(value, str) else [str(item) for item in value]

    return Article(url=url, canonical_url=url, title=record.get("title"), text=record.get("text") or "",
                   published_at=published_at, captions=strings("captions"), tags=strings("tags"),
                   related=strings("related"), byline=record.get("byline"))


@cli.command("match")
@click.option("--entities", "path", type=click.Path(path_type=Path), default=None,
              help="A dictionary file or folder instead of the config folder's entities/.")
@click.option("--source", "source_key", default=None, metavar="KEY",
              help="Source whose home region resolves bare forms (a record's own \"source\" wins).")
@click.option("--quotes", "with_quotes", is_flag=True, help="Also print the direct quotes with speaker and agency.")
@click.option("--snippets", is_flag=True, help="Add a snippet of text around each mention.")
@click.argument("input_file", type=click.File("r", encoding="utf-8"), default="-")
@click.pass_obj
def match(app: AppContext, path: Path | None, source_key: str | None, with_quotes: bool, snippets: bool,
          input_file) -> None:
    """Print the agency mentions in JSON-lines records, one output line per input line.

    Records: {"id", "text"[, "title", "published_at", "source"]}. Output mentions carry entity_id, surface,
    start, end, field, zone and resolution (name, title or context); "tone" gives, per agency with a counted
    mention, its tone (negative, neutral or positive), score (-1..1) and the deciding sentence(s).

    Example: echo '{"id": 1, "text": "Kapolda Kaltim meninjau banjir."}' | pantau match
    """
    from crawler.mentions import Matcher  # the automaton stack only when matching (keeps `pantau` quick)
    from crawler.quotes import find_quotes
    from crawler.tone import ToneScorer

    entities = entities_from(app, path)
    matcher = Matcher(entities)
    scorer = ToneScorer(entities)
    sources: dict[str, SourceConfig] = {}
    try:
        sources = {source.key: source for source in load_sources(app.config_dir)}
    except Exception as error:  # noqa: BLE001 - a broken source catalogue should not stop matching
        if source_key:
            raise
        click.echo(f"Warning: sources not loaded ({error}); bare forms resolve without a home region", err=True)
    if source_key and source_key not in sources:
        raise BadInputError(f"unknown source '{source_key}' (see pantau sources list)")
    default_source = sources.get(source_key) if source_key else None
    bad_lines = 0
    for number, line in enumerate(input_file, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError("expected a JSON object")
            article = article_from_record(record)
        except ValueError as error:
            bad_lines += 1
            click.echo(f"Error: line {number}: {error}", err=True)
            continue
        source = sources.get(str(record["source"])) if record.get("source") else default_source
        mentions = matcher.find(article, source)
        output: dict[str, Any] = {"id": record.get("id"), "mentions": [
            {"entity_id": m.entity_id, "surface": m.surface, "start": m.start, "end": m.end, "field": m.field,
             "zone": m.zone, "resolution": m.resolution, **({"snippet": m.snippet} if snippets else {})}
            for m in mentions]}
        output["tone"] = [{"entity_id": t.entity_id, "tone": t.tone, "score": t.score, "evidence": list(t.evidence)}
                          for t in scorer.assess(article, mentions).entities]
        if with_quotes:
            output["quotes"] = [{"text": q.text, "start": q.start, "end": q.end, "speaker": q.speaker,
                                 "entity_id": q.entity_id} for q in find_quotes(article, mentions)]
        click.echo(json.dumps(output, ensure_ascii=False))
        sys.stdout.flush()
    if bad_lines:
        raise BadInputError(f"{bad_lines} input line(s) skipped (see the messages above)")
