"""Expected figures for the analyst tests, straight from the base tables (article, mention, quote, entity,
source) with plain SQL, never through the v_* views or storage.reports, so that a view bug cannot hide itself.

The only arithmetic done in Python is the publication's local day (UTC time plus published_utc_offset).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from storage.db import as_utc as utc

COUNTED = ("title", "lead", "body", "quote")
ZONE_RANK = {"title": 1, "lead": 2, "body": 3, "quote": 4}


@dataclass
class DemoFacts:
    articles: dict[int, dict[str, Any]]
    mentions: list[dict[str, Any]]
    quotes: list[dict[str, Any]]
    lineage: dict[str, str]
    entity_names: dict[str, str]
    members: dict[str, set[str]] = field(default_factory=dict)

    def counted_mentions(self) -> list[dict[str, Any]]:
        return [m for m in self.mentions if m["zone"] in COUNTED]

    def day(self, article_id: int) -> dt.date:
        return self.articles[article_id]["local_date"]


def read_facts(engine: Engine) -> DemoFacts:
    with engine.connect() as connection:
        articles = {}
        for row in connection.execute(sa.text(
                "SELECT a.id, s.key AS source_key, s.name AS source_name, a.title, a.canonical_url, a.published_at, "
                "a.published_utc_offset, a.first_seen_at, a.is_advertorial FROM article a "
                "JOIN source s ON s.id = a.source_id")):
            record = row._asdict()
            moment = utc(record["published_at"]) or utc(record["first_seen_at"])
            record["local_date"] = (moment + dt.timedelta(minutes=record["published_utc_offset"] or 0)).date()
            record["is_advertorial"] = bool(record["is_advertorial"])
            articles[record["id"]] = record
        mentions = [row._asdict() for row in connection.execute(sa.text(
            "SELECT id, article_id, entity_id, zone, field, start_offset, snippet FROM mention"))]
        quotes = [row._asdict() for row in connection.execute(sa.text(
            "SELECT id, article_id, speaker, entity_id FROM quote"))]
        entities = {row.id: row for row in connection.execute(sa.text("SELECT id, name, successor_id FROM entity"))}
    lineage = {}
    for entity_id in entities:
        current, seen = entity_id, set()
        while entities[current].successor_id and current not in seen:
            seen.add(current)
            current = entities[current].successor_id
        lineage[entity_id] = current
    members: dict[str, set[str]] = defaultdict(set)
    for entity_id, root in lineage.items():
        members[root].add(entity_id)
    return DemoFacts(articles, mentions, quotes, lineage, {k: v.name for k, v in entities.items()}, dict(members))


def pieces(facts: DemoFacts, start: dt.date, end: dt.date, lineage: bool = True) -> dict[tuple[str, int], dict]:
    """(agency key, article id) -> {mentions, top_zone} for counted mentions on local days [start, end)."""
    result: dict[tuple[str, int], dict] = {}
    for mention in facts.counted_mentions():
        if not start <= facts.day(mention["article_id"]) < end:
            continue
        key = facts.lineage[mention["entity_id"]] if lineage else mention["entity_id"]
        entry = result.setdefault((key, mention["article_id"]), {"mentions": 0, "zones": set()})
        entry["mentions"] += 1
        entry["zones"].add(mention["zone"])
    for entry in result.values():
        entry["top_zone"] = min(entry["zones"], key=ZONE_RANK.get)
    return result
