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
            raise DropItem(f"{item.url}: HTTP {item.status}")
        if item.content_type and "html" not in item.content_type.lower():
            raise DropItem(f"{item.url}: not HTML ({item.content_type})")
        if len(item.html.strip()) < 200:
            self.crawler.stats.inc_value("pantau/errors")
            raise DropItem(f"{item.url}: page is (nearly) empty")
        return item
