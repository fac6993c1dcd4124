"""Scrapy item pipelines: thin adapters from :class:`spiders.items.ArticleItem` to crawler/ logic and storage/.

validate (drop what is not an article page) -> analyse (extraction + matching in a process pool) -> store
(batched, idempotent writes from one writer thread). The shared objects a crawl needs (the analysis pool, the
run's writer) reach the pipelines through the spider's ``crawl_context`` attribute, set by :mod:`crawler.crawl`.
"""
