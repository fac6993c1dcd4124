"""Runs extraction and matching for each page in the crawl's process pool, off the reactor thread."""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from spiders.items import ArticleItem


class AnalysePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AnalysePipeline:
        return cls(crawler)

    async def process_item(self, item: ArticleItem) -> ArticleItem:
        spider = self.crawler.spider
        context = spider.crawl_context
        context.pages_started += 1  # until the writer has it (CrawlContext.pages_in_flight)
        try:
            return await self._analyse(item, spider, context)
        except Exception:  # DropItem or a failure; not a coroutine closed unfinished after a second Ctrl-C
            context.pages_dropped += 1
            raise

    async def _analyse(self, item: ArticleItem, spider, context) -> ArticleItem:  # noqa: ANN001
        analysis = await context.pool.analyse(item.html, item.final_url, item.source, item.fetched_at,
                                              item.more_pages or None)
        if analysis.error:
            spider._record_error(item.url, analysis.error, kind="article", http_status=item.status)
            raise DropItem(analysis.error)
        published = analysis.article.published_at
        if context.since is not None and published is not None and published.date() < context.since:
            raise DropItem(f"{item.final_url}: published {published.date()}, before --since {context.since}")
        if context.until is not None and published is not None and published.date() > context.until:
            raise DropItem(f"{item.final_url}: published {published.date()}, after --until {context.until}")
        item.analysis = analysis
        item.html = ""  # the text is extracted; do not keep megabytes of HTML alive in the item chain
        item.more_pages = []
        return item
