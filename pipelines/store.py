"""Hands analysed articles to storage's batched writer, on the crawl's single writer thread.

All database work for a crawl happens on one thread (``CrawlContext.write_thread``): the reactor never waits
on SQL, and writes stay serialised, which SQLite needs and PostgreSQL does not mind.
"""

from __future__ import annotations

import asyncio

from scrapy.crawler import Crawler

from spiders.items import ArticleItem


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    async def process_item(self, item: ArticleItem) -> ArticleItem:
        context = self.crawler.spider.crawl_context
        analysis = item.analysis
        if item.fetch is not None and context.fetch_state is not None:
            # Same thread, submitted first: the writer's before_write hook finds the page's validators.
            context.write_thread.submit(context.fetch_state.note_article, analysis.article.canonical_url, item.fetch)
        await asyncio.wrap_future(context.write_thread.submit(
            context.queue_article, analysis, item.status, item.fetched_at))
        context.record_stored(analysis.mentions, (item.url, item.final_url))
        return item

    async def close_spider(self) -> None:
        context = self.crawler.spider.crawl_context
        await asyncio.wrap_future(context.write_thread.submit(context.writer.flush))
        if context.fetch_state is not None:
            await asyncio.wrap_future(context.write_thread.submit(context.fetch_state.flush))
