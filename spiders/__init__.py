"""Scrapy spiders: discovery only. They find article pages (sitemaps, feeds, listing pages) and hand their raw
HTML on as :class:`spiders.items.ArticleItem`; extraction, matching and storage happen in ``pipelines``."""
