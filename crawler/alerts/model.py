"""The data that crosses the alert package's boundaries: what a check sees (new articles and their mentions),
what a condition returns (:class:`AlertEvent`), and the read-only questions a condition may ask about history.

Everything here is plain data: storage fills :class:`ArticleFact` from SQL, conditions read it, and the message
layer renders :class:`AlertItem` without touching the database again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

# Zones analysts count (crawler.mentions.COUNTED_ZONES); alerts count the same ones.
COUNTED_ZONES: frozenset[str] = frozenset({"title", "lead", "body", "quote"})


@dataclass(frozen=True)
class MentionFact:
    entity_id: str
    zone: str
    field: str
    snippet: str


@dataclass(frozen=True)
class ArticleFact:
    """A newly stored article as alert conditions see it."""

    id: int
    source_key: str
    source_name: str
    source_timezone: str
    url: str
    title: str
    text: str
    published_at: dt.datetime | None  # aware UTC
    published_utc_offset: int | None  # minutes east of UTC of the outlet's own time
    first_seen_at: dt.datetime
    is_advertorial: bool = False
    mentions: tuple[MentionFact, ...] = ()

    def names(self, entity_ids: frozenset[str], zones: frozenset[str] = COUNTED_ZONES) -> list[MentionFact]:
        """This article's mentions of any of ``entity_ids`` in ``zones``, in stored order."""
        return [mention for mention in self.mentions if mention.entity_id in entity_ids and mention.zone in zones]

    @property
    def moment(self) -> dt.datetime:
        """When it was published (or first seen, when the page gave no date)."""
        return self.published_at or self.first_seen_at

    def local_moment(self, zone: dt.tzinfo) -> dt.datetime:
        return self.moment.astimezone(zone)


@dataclass(frozen=True)
class Tone:
    """Tone of an article toward an agency, when the tone analysis stored one (``facts["tone"]``)."""

    label: str  # negative | neutral | positive
    score: float | None = None


@dataclass(frozen=True)
class AlertItem:
    """One article in an alert message, already in the words the message prints."""

    article_id: int
    headline: str
    outlet: str
    published_local: str  # "Rabu, 18 November 2026 14.05 WITA"
    published_at: str | None  # ISO 8601 with the outlet's own offset
    snippet: str
    url: str
    tone: str | None = None  # "negatif", "netral", "positif"
    tone_score: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"article_id": self.article_id, "headline": self.headline, "outlet": self.outlet,
                "published_local": self.published_local, "published_at": self.published_at,
                "snippet": self.snippet, "url": self.url, "tone": self.tone, "tone_score": self.tone_score}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AlertItem:
        return cls(**{name: data.get(name) for name in cls.__dataclass_fields__})  # type: ignore[arg-type]


@dataclass(frozen=True)
class AlertEvent:
    """Something a rule found: recorded once per channel under ``dedupe_key``, then sent once."""

    dedupe_key: str
    rule_id: str
    condition: str
    title: str  # what happened, in Indonesian: "Lonjakan pemberitaan"
    summary: str  # one sentence with the figures
    entity_id: str | None
    entity_name: str | None
    items: tuple[AlertItem, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def article_ids(self) -> list[int]:
        return [item.article_id for item in self.items]

    def as_dict(self) -> dict[str, Any]:
        return {"dedupe_key": self.dedupe_key, "rule": self.rule_id, "condition": self.condition,
                "title": self.title, "summary": self.summary,
                "agency": {"id": self.entity_id, "name": self.entity_name} if self.entity_id else None,
                "articles": [item.as_dict() for item in self.items], "details": self.details}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AlertEvent:
        agency = data.get("agency") or {}
        return cls(dedupe_key=data["dedupe_key"], rule_id=data["rule"], condition=data["condition"],
                   title=data["title"], summary=data["summary"], entity_id=agency.get("id"),
                   entity_name=agency.get("name"),
                   items=tuple(AlertItem.from_dict(item) for item in data.get("articles", [])),
                   details=dict(data.get("details") or {}))


class History(Protocol):
    """Read-only questions about stored coverage that a condition may ask (storage/alerts.py answers them)."""

    def coverage(self, entity_ids: frozenset[str], start: dt.datetime, end: dt.datetime
                 ) -> list[tuple[int, dt.datetime]]:
        """(article id, publication moment) of every article naming one of ``entity_ids`` in a counted zone,
        published in [start, end)."""

    def first_by_outlet(self, entity_ids: frozenset[str]) -> dict[str, tuple[dt.datetime, int, dt.datetime]]:
        """Per outlet (source key): (publication moment, article id, first stored at) of its earliest article
        naming one of ``entity_ids`` in a counted zone."""

    def articles(self, article_ids: list[int]) -> list[ArticleFact]:
        """Stored articles by id (with their mentions), e.g. older articles behind an event."""
