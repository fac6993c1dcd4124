"""The generic news spider: finds a source's article pages and yields their raw HTML.

One :class:`NewsSpider` serves every outlet in the catalogue; a :class:`crawler.config.SourceConfig` drives it.
Discovery, in the order tried: the sitemaps, feeds and listing pages the source names; when it names none,
robots.txt ``Sitemap:`` lines, ``/sitemap_index.xml``, ``/wp-sitemap.xml``, ``/sitemap.xml``, ``/feed/`` and the
home page. Article URLs are recognised by the source's ``article_url_pattern`` or, without one, by their shape.
URLs whose canonical form is already stored are skipped before download (incremental crawls), and so are
canonical duplicates within one crawl (AMP and mobile twins, tracking parameters). Every failure is counted
and logged with its URL; none stops the crawl.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from lxml import etree
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
from twisted.python.failure import Failure

from crawler.config import SourceConfig
from crawler.extract import find_continuation_pages, is_single_page_url
from crawler.urls import canonical_url
from spiders.items import ArticleItem

logger = logging.getLogger(__name__)

FALLBACK_DISCOVERY_PATHS = ("/sitemap_index.xml", "/wp-sitemap.xml", "/sitemap.xml", "/feed/")

# Paths that are lists of articles, never articles themselves.
NOT_ARTICLE = re.compile(
    r"/(tag|tags|category|kategori|author|penulis|page|search|cari|indeks|index|feed|rss|topik|topic|"
    r"wp-json|wp-content|wp-admin|login|video|foto|galeri)(/|$|\?)|\.(xml|jpe?g|png|gif|webp|pdf|css|js|mp4)$",
    re.IGNORECASE,
)
# Shapes of article URLs on Indonesian news sites: a date in the path, a /read/ or /berita/ segment with an
# id or slug, or a long hyphenated slug.
ARTICLE_SHAPES = (
    re.compile(r"/(19|20)\d\d/[01]?\d/[0-3]?\d/[^/]+"),
    re.compile(r"/(read|berita|news|artikel|detail|post)/(\d+|[\w-]+-[\w-]+)", re.IGNORECASE),
    re.compile(r"/[\w]+(-[\w]+){3,}/?(\.html?)?$"),
)
# A story split over more pages than this is a listing in disguise.
MAX_STORY_PAGES = 20
PAGINATION = re.compile(r"(/page/\d+/?$)|([?&](page|hal|halaman|p)=\d+)", re.IGNORECASE)


class NewsSpider(scrapy.Spider):
    """Crawls one source. Spider arguments are passed by :mod:`crawler.crawl`, not on the command line."""

    name = "news"

    def __init__(self, source: SourceConfig, known_urls: set[str] | None = None, since: dt.date | None = None,
                 max_articles: int | None = None, until: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(name=f"news:{source.key}", **kwargs)
        self.source = source
        self.allowed_domains = list(source.allowed_domains)
        self.known_urls = known_urls or set()
        self.since = since
        self.until = until
        self.max_articles = max_articles
        self._article_pattern = re.compile(source.article_url_pattern) if source.article_url_pattern else None
        self._seen_canonical: set[str] = set()
        self._listing_pages = 0
        self.articles_scheduled = 0
        self.skipped_known = 0
        self.errors: list[str] = []

    # ------------------------------------------------------------------ discovery

    async def start(self) -> AsyncIterator[scrapy.Request]:
        source = self.source
        named = [*source.sitemaps, *source.feeds, *source.listing_pages]
        for url in source.sitemaps:
            yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_error)
        for url in source.feeds:
            yield scrapy.Request(url, callback=self.parse_feed, errback=self.on_error)
        for url in source.listing_pages:
            yield scrapy.Request(url, callback=self.parse_listing, errback=self.on_error, dont_filter=True)
        if not named:
            home = source.home_url
            yield scrapy.Request(urljoin(home, "/robots.txt"), callback=self.parse_robots,
                                 errback=self.on_quiet_error)
            for path in FALLBACK_DISCOVERY_PATHS:
                callback = self.parse_feed if path == "/feed/" else self.parse_sitemap
                yield scrapy.Request(urljoin(home, path), callback=callback, errback=self.on_quiet_error)
            yield scrapy.Request(home, callback=self.parse_listing, errback=self.on_error, dont_filter=True)

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        for url in sitemap_urls_from_robots(response.text, base_url=response.url):
            yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_error)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        body = response.body
        if body[:2] == b"\x1f\x8b":
            body = gunzip(body)
        try:
            sitemap = Sitemap(body)
        except (StopIteration, etree.XMLSyntaxError):
            self._record_error(response.url, "not a sitemap (malformed XML)")
            return
        for entry in sitemap:
            location = (entry.get("loc") or "").strip()
            if not location:
                continue
            if sitemap.type == "sitemapindex":
                # A sitemap last modified before --since holds nothing newer (an archive's old months).
                if not self._modified_before_since(entry.get("lastmod")):
                    yield scrapy.Request(location, callback=self.parse_sitemap, errback=self.on_error)
            elif not self._modified_outside_range(entry.get("lastmod")):
                yield from self._article_request(location)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        try:
            root = etree.fromstring(response.body, etree.XMLParser(recover=True, resolve_entities=False))
        except etree.XMLSyntaxError:
            root = None
        if root is None:
            self._record_error(response.url, "not a feed (malformed XML)")
            return
        links = root.xpath("//item/link/text()") or root.xpath(
            "//*[local-name()='entry']/*[local-name()='link'][not(@rel) or @rel='alternate']/@href"
        )
        if not links and root.tag.lower() in ("html", "{http://www.w3.org/1999/xhtml}html"):
            return  # a site without a feed answered with a page: not an error
        for link in links:
            yield from self._article_request(urljoin(response.url, link.strip()))

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        if not hasattr(response, "xpath"):
            return
        articles = known = 0
        for href in response.xpath("//a/@href").getall():
            url = urljoin(response.url, href.strip())
            if self.is_article_url(url):
                articles += 1
                skipped_before = self.skipped_known
                yield from self._article_request(url)
                known += self.skipped_known - skipped_before
        if articles and known == articles:
            return  # every story listed here was stored by an earlier crawl: older pages hold nothing new
        for url in self._pagination_links(response):
            if self._listing_pages >= self.settings.getint("PANTAU_MAX_LISTING_PAGES", 50):
                break
            self._listing_pages += 1
            yield scrapy.Request(url, callback=self.parse_listing, errback=self.on_error)

    def _pagination_links(self, response: Response) -> list[str]:
        links = response.xpath("//link[@rel='next']/@href | //a[@rel='next']/@href").getall()
        links += [href for href in response.xpath("//a/@href").getall() if PAGINATION.search(href)]
        here = urlsplit(response.url).path.rstrip("/")
        base = PAGINATION.sub("", here) or "/"
        wanted = []
        for href in links:
            url = urljoin(response.url, href.strip())
            path = urlsplit(url).path.rstrip("/")
            if (PAGINATION.sub("", path) or "/") == base and not self.is_article_url(url):
                wanted.append(url)
        return wanted

    # ------------------------------------------------------------------ articles

    def is_article_url(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not self._on_source_domain(parts.hostname or ""):
            return False
        if self._article_pattern is not None:
            return bool(self._article_pattern.search(url))
        path = parts.path
        if NOT_ARTICLE.search(path) or path in ("", "/"):
            return False
        return any(shape.search(path) for shape in ARTICLE_SHAPES)

    def _on_source_domain(self, host: str) -> bool:
        host = host.lower()
        return any(host == domain or host.endswith("." + domain) for domain in self.allowed_domains)

    def _article_request(self, url: str) -> Iterator[scrapy.Request]:
        if not self.is_article_url(url):
            return
        canonical = canonical_url(url)
        if canonical in self.known_urls:
            self.skipped_known += 1
            return
        if canonical in self._seen_canonical:
            return
        if self.max_articles is not None and self.articles_scheduled >= self.max_articles:
            return
        self._seen_canonical.add(canonical)
        self.articles_scheduled += 1
        yield scrapy.Request(url, callback=self.parse_article, errback=self.on_error)

    def parse_article(self, response: Response) -> Iterator[ArticleItem | scrapy.Request]:
        if not hasattr(response, "text"):
            self._record_error(response.url, "not an HTML page")
            return
        item = ArticleItem(
            source=self.source.key,
            url=response.request.url if response.request else response.url,
            final_url=response.url,
            status=response.status,
            content_type=response.headers.get("Content-Type", b"").decode("latin-1"),
            html=response.text,
            fetched_at=dt.datetime.now(dt.timezone.utc),
        )
        yield from self._next_page_or_item(item, response)

    def _next_page_or_item(self, item: ArticleItem, response: Response) -> Iterator[ArticleItem | scrapy.Request]:
        """Multi-page stories: fetch the single-page view when offered, else pages 2..N one after another."""
        # Raw URLs, not canonical ones: canonical_url folds "?page=2" and "?page=all" into the story's URL.
        fetched = item.fetched_pages
        fetched.add(response.url.split("#")[0])
        if len(fetched) < MAX_STORY_PAGES:
            for url in find_continuation_pages(response.text, response.url):
                if url.split("#")[0] not in fetched:
                    fetched.add(url.split("#")[0])
                    yield scrapy.Request(url, callback=self.parse_continuation, errback=self.on_continuation_error,
                                         cb_kwargs={"item": item}, dont_filter=True)
                    return
        yield item

    def parse_continuation(self, response: Response, item: ArticleItem) -> Iterator[ArticleItem | scrapy.Request]:
        if is_single_page_url(response.url):
            item.html = response.text  # the whole story on one page replaces the first page
            item.more_pages = []
            yield item
            return
        item.more_pages.append(response.text)
        yield from self._next_page_or_item(item, response)

    def on_continuation_error(self, failure: Failure) -> Iterator[ArticleItem]:
        self.on_error(failure)
        yield failure.request.cb_kwargs["item"]  # keep the pages we have

    # ------------------------------------------------------------------ helpers

    def _modified_before_since(self, lastmod: str | None) -> bool:
        modified = _lastmod_day(lastmod) if self.since is not None else None
        return modified is not None and modified < self.since

    def _modified_outside_range(self, lastmod: str | None) -> bool:
        """A sitemap entry modified before --since, or (a back-fill range) after --until."""
        modified = _lastmod_day(lastmod)
        return modified is not None and ((self.since is not None and modified < self.since)
                                         or (self.until is not None and modified > self.until))

    def on_error(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        if failure.check(HttpError):
            reason = f"HTTP {failure.value.response.status}"
        else:
            reason = failure.getErrorMessage() or failure.type.__name__
        self._record_error(url, reason)

    def on_quiet_error(self, failure: Failure) -> None:
        """Errback for guessed discovery URLs: a 404 on /wp-sitemap.xml is normal, not an error."""
        if failure.check(HttpError) and failure.value.response.status in (404, 410, 403):
            return
        self.on_error(failure)

    def _record_error(self, url: str, reason: str) -> None:
        self.errors.append(f"{url}: {reason}")
        self.crawler.stats.inc_value("pantau/errors")
        logger.warning("%s: %s: %s", self.source.key, url, reason)


def _lastmod_day(lastmod: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(lastmod.strip()[:10]) if lastmod else None
    except ValueError:
        return None
