"""Which discovery path works for each source: the check behind ``pantau sources check --online``.

For every source it asks, through the crawl's own settings (User-Agent, robots.txt, timeouts, the private-address
guard), what :class:`~spiders.news.NewsSpider` would ask first: robots.txt and its ``Sitemap:`` lines, the
sitemaps, feeds and listing pages the source names, the fallback paths (``/sitemap_index.xml``,
``/wp-sitemap.xml``, ``/sitemap.xml``, ``/feed/``) and the home page. Each answer is classified (sitemap, feed,
HTML page, error) and its links are counted, with how many of them the source's ``article_url_pattern`` (or the
spider's generic shapes) takes for articles. A path *works* when it gives at least one article URL.

No article is downloaded and nothing is stored: an operator runs it from a machine with internet to verify the
catalogue, and the tests run it against the demo site over loopback.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import scrapy
from lxml import etree
from scrapy.http import Response
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
from twisted.python.failure import Failure

from crawler.config import SourceConfig
from crawler.feeds import FeedError, read_feed
from spiders.news import FALLBACK_DISCOVERY_PATHS, NewsSpider


@dataclass(frozen=True)
class DiscoveryResult:
    """What one discovery URL of one source answered."""

    source_key: str
    path: str  # "robots", "sitemap", "feed", "listing", "fallback" or "home"
    url: str
    status: int | None  # None: no HTTP answer (DNS, timeout, refused)
    kind: str  # "sitemap", "sitemap index", "feed", "html", "robots" or "error: …"
    links: int = 0
    article_links: int = 0

    @property
    def works(self) -> bool:
        return self.article_links > 0 or (self.kind == "sitemap index" and self.links > 0)


class DiscoveryCheckSpider(scrapy.Spider):
    """Asks every source's discovery URLs once; the results are in :attr:`results` when the crawl ends."""

    name = "discovery-check"

    def __init__(self, sources: list[SourceConfig], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sources = sources
        self._article_judges = {source.key: NewsSpider(source) for source in sources}
        self.allowed_domains = sorted({domain for source in sources for domain in source.allowed_domains})
        self.results: list[DiscoveryResult] = []

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for source in self.sources:
            home = source.home_url if source.home_url.endswith("/") else source.home_url + "/"
            yield self._ask(source, "robots", urljoin(home, "/robots.txt"))
            for path, urls in (("sitemap", source.sitemaps), ("feed", source.feeds), ("listing", source.listing_pages)):
                for url in urls:
                    yield self._ask(source, path, url)
            if not (source.sitemaps or source.feeds or source.listing_pages):
                for fallback in FALLBACK_DISCOVERY_PATHS:
                    yield self._ask(source, "fallback", urljoin(home, fallback))
            yield self._ask(source, "home", home)

    def _ask(self, source: SourceConfig, path: str, url: str) -> scrapy.Request:
        return scrapy.Request(url, callback=self.classify, errback=self.on_error, dont_filter=True,
                              meta={"source_key": source.key, "path": path, "handle_httpstatus_all": True})

    def classify(self, response: Response) -> None:
        key, path = response.meta["source_key"], response.meta["path"]
        if response.status >= 400:
            self._record(key, path, response.url, response.status, f"error: HTTP {response.status}")
            return
        if path == "robots":
            sitemaps = list(sitemap_urls_from_robots(response.text, base_url=response.url))
            self._record(key, path, response.url, response.status, "robots", links=len(sitemaps))
            source = next(source for source in self.sources if source.key == key)
            for url in sitemaps:
                yield self._ask(source, "sitemap", url)
            return
        kind, links = self._links(response)
        judge = self._article_judges[key]
        self._record(key, path, response.url, response.status, kind, links=len(links),
                     article_links=sum(judge.is_article_url(link) for link in links))

    def _links(self, response: Response) -> tuple[str, list[str]]:
        body = response.body
        if body[:2] == b"\x1f\x8b":
            body = gunzip(body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
        head = body[:2048].lstrip().lower()
        if b"<urlset" in head or b"<sitemapindex" in head:
            try:
                sitemap = Sitemap(body)
            except (StopIteration, etree.XMLSyntaxError):
                return "error: malformed sitemap", []
            kind = "sitemap index" if sitemap.type == "sitemapindex" else "sitemap"
            return kind, [(entry.get("loc") or "").strip() for entry in sitemap if entry.get("loc")]
        if b"<rss" in head or b"<feed" in head or b"<rdf" in head:
            try:
                feed = read_feed(body, response.url, response.headers.get("Content-Type", b"").decode("latin-1"))
            except FeedError:
                return "error: malformed feed", []
            return "feed", [urljoin(response.url, entry.link) for entry in feed.entries]
        if hasattr(response, "xpath"):
            return "html", [urljoin(response.url, href.strip()) for href in response.xpath("//a/@href").getall()]
        return "error: not HTML, a sitemap or a feed", []

    def on_error(self, failure: Failure) -> None:
        request = failure.request
        reason = failure.getErrorMessage().splitlines()[0] if failure.getErrorMessage() else failure.type.__name__
        self._record(request.meta["source_key"], request.meta["path"], request.url, None, f"error: {reason}")

    def _record(self, key: str, path: str, url: str, status: int | None, kind: str, *, links: int = 0,
                article_links: int = 0) -> None:
        self.results.append(DiscoveryResult(key, path, url, status, kind, links, article_links))
