"""Drops fetched pages that cannot be articles before any CPU is spent on them."""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from spiders.items import ArticleItem


class ValidatePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler)

    def process_item(self, item: ArticleItem) -> ArticleItem:
        if item.status != 200:
            self._refuse(item, f"HTTP {item.status}")
        if item.content_type and "html" not in item.content_type.lower():
            self._refuse(item, f"not an HTML page ({item.content_type})")
        if len(item.html.strip()) < 200:
            self._refuse(item, "page is (nearly) empty")
        return item

    def _refuse(self, item: ArticleItem, reason: str) -> None:
        """Every dropped page is a fetch error (counted, logged, kept for the fetch_error table)."""
        self.crawler.spider._record_error(item.url, reason, kind="article", http_status=item.status)
        raise DropItem(f"{item.url}: {reason}")
