"""Assigns story clusters to the articles the store step wrote, on the crawl's writer thread.

The analysis workers computed each article's signature and shingle profile (crawler.clusters); this step queues them and,
whenever the article writer has just written its batch (nothing pending), clusters the queued articles in one
transaction (storage.clusters.ClusterStore). Articles the writer found unchanged are already clustered and
are skipped, so a second crawl changes no cluster.
"""

from __future__ import annotations

import asyncio
import logging

from scrapy.crawler import Crawler

from spiders.items import ArticleItem
from storage import StorageError

logger = logging.getLogger(__name__)


class ClusterPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ClusterPipeline:
        return cls(crawler)

    async def process_item(self, item: ArticleItem) -> ArticleItem:
        context = self.crawler.spider.crawl_context
        if context.clusters is None:
            return item
        analysis = item.analysis
        await asyncio.wrap_future(context.write_thread.submit(
            self._queue, context, analysis.article.canonical_url, analysis.signature,
            getattr(analysis, "text_profile", None)))
        return item

    @staticmethod
    def _queue(context, canonical_url: str, signature: bytes | None, text_profile: bytes | None) -> None:
        context.clusters.queue(canonical_url, signature, text_profile)
        if context.writer.pending == 0:  # the writer just wrote its batch: what we queued is stored
            _assign(context)

    async def close_spider(self) -> None:
        context = self.crawler.spider.crawl_context
        if context.clusters is None:
            return

        def flush_and_assign() -> None:
            context.writer.flush()
            _assign(context)

        await asyncio.wrap_future(context.write_thread.submit(flush_and_assign))


def _assign(context) -> None:
    try:
        context.clusters.assign_queued()
    except StorageError as error:  # clusters can be rebuilt; the articles themselves are stored
        logger.error("%s (run `pantau clusters rebuild` later)", error)
    except Exception:  # a bug here must not lose the crawl: the articles are stored, clusters can be rebuilt
        logger.exception("story-cluster assignment failed (run `pantau clusters rebuild` later)")
        context.clusters.reset()
