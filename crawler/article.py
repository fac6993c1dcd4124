"""The records that cross module boundaries: an extracted :class:`Article`, a :class:`Mention` of an agency in
it, and a :class:`Quote`. They are plain dataclasses so that they pickle cheaply between the extraction worker
processes and the Scrapy process, and so that tests build them by hand.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from typing import Literal

# Where in the page a piece of text stood. Only title/text are stored as article columns; the other fields are
# kept so that mentions in them are recorded in their own zone instead of being silently dropped.
MentionField = Literal["title", "text", "caption", "tags", "related", "byline"]
MentionZone = Literal["title", "lead", "body", "quote", "caption", "related", "tag", "byline"]
Resolution = Literal["name", "title", "context"]

_WORD = re.compile(r"\w+")


@dataclass
class Article:
    """What extraction makes of one news page (or of one multi-page story)."""

    url: str
    canonical_url: str
    title: str | None = None
    text: str = ""
    authors: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    published_at: dt.datetime | None = None  # aware, in the offset the page gave (or the source's zone)
    modified_at: dt.datetime | None = None
    date_source: str | None = None  # which evidence gave published_at: jsonld, meta, byline, url, dateline …
    published_time_known: bool | None = None  # False: the page gave a day only, published_at is local midnight
    language: str | None = None
    site_name: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)  # titles of "Baca juga" / related links removed from text
    byline: str | None = None  # credit lines such as "(Humas DPRD Kaltim/adv/…)"
    is_advertorial: bool = False
    pages: int = 1

    @property
    def word_count(self) -> int:
        return len(_WORD.findall(self.text))

    @property
    def text_hash(self) -> str:
        return hashlib.sha256(f"{self.title or ''}\n{self.text}".encode()).hexdigest()


@dataclass(frozen=True)
class Mention:
    """One place where an article names an agency. ``start``/``end`` index ``field``'s text of the article."""

    entity_id: str
    surface: str
    start: int
    end: int
    field: MentionField
    zone: MentionZone
    resolution: Resolution = "name"
    snippet: str = ""


@dataclass(frozen=True)
class Quote:
    """A direct quote in an article's text, with its speaker and the speaker's agency when named."""

    text: str
    start: int
    end: int
    speaker: str | None = None
    entity_id: str | None = None
