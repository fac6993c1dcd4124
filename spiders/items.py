"""The item a spider yields: one fetched article page (plus the further pages of a multi-page story)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass
class ArticleItem:
    source: str  # SourceConfig.key
    url: str  # the URL the spider asked for
    final_url: str  # after redirects
    status: int
    content_type: str
    html: str
    fetched_at: dt.datetime  # aware, UTC
    more_pages: list[str] = field(default_factory=list)  # HTML of pages 2..N of a multi-page story
    analysis: Any = None  # crawler.analysis.Analysis, set by the analyse pipeline
    fetched_pages: set[str] = field(default_factory=set)  # pages of this story already requested
    fetch: Any = None  # storage.fetch_state.FetchInfo: the page's validators and discovery lastmod

    def __repr__(self) -> str:  # Scrapy logs items on errors: name the page, not its megabytes of HTML
        return f"ArticleItem(source={self.source!r}, url={self.final_url!r}, status={self.status})"
