"""The generic news spider: finds a source's article pages and yields their raw HTML.

One :class:`NewsSpider` serves every outlet in the catalogue; a :class:`crawler.config.SourceConfig` drives it.
Discovery, in the order tried: the sitemaps, feeds and listing pages the source names; when it names none,
robots.txt ``Sitemap:`` lines, ``/sitemap_index.xml``, ``/wp-sitemap.xml``, ``/sitemap.xml``, ``/feed/`` and the
home page. Article URLs are recognised by the source's ``article_url_pattern`` or, without one, by their shape.
WordPress sites are asked first through ``/wp-json/wp/v2/posts`` (paged, only ``link`` and ``modified_gmt``,
``modified_after`` the last complete walk); a site that does not answer it falls back to the above.

Request planning (:mod:`crawler.freshness`): each batch of discovered URLs is looked up in SQL (``fetch_state``
joined with ``article``, through the crawl's ``fetch_planning``); a stored URL is skipped unless its lastmod is
newer than the one seen when it was fetched, and stored articles whose refetch schedule has come are requested
at the start whether or not discovery lists them (a removed story is listed nowhere). Re-fetches carry
If-None-Match / If-Modified-Since; 304 is "unchanged", 404/410 "removed". Canonical duplicates within one crawl
(AMP and mobile twins, tracking parameters) are fetched once. Article URLs whose fetch failed in an earlier
run and were never stored (``retry_urls``) are asked for again. Every failure is counted, logged with its URL
and kept as a :class:`crawler.fetch_failures.FetchFailure` (``failures``) for the ``fetch_error`` table; none
stops the crawl.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import scrapy
from scrapy import exceptions as scrapy_exceptions
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.sitemap import sitemap_urls_from_robots
from twisted.internet.defer import TimeoutError as DeferTimeoutError
from twisted.internet.error import TimeoutError as ConnectTimeoutError
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseNeverReceived

from crawler.addresses import url_endpoint
from crawler.charsets import page_encoding
from crawler.config import SourceConfig
from crawler.feeds import FeedError, read_feed
from crawler.fetch_failures import FetchFailure, FetchKind
from crawler.freshness import FetchInfo, KnownUrl, conditional_headers, parse_lastmod, plan_fetch
from crawler.sitemaps import SitemapError, read_sitemap
from crawler.story_pages import is_single_page_url, may_link_continuation
from crawler.urls import canonical_url
from spiders.items import ArticleItem
from spiders.resolver import refusal_for

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
# Time-outs as Twisted and (since 2.13) Scrapy's download handlers raise them.
TIMEOUTS: tuple[type[BaseException], ...] = (ConnectTimeoutError, DeferTimeoutError, TimeoutError) + tuple(
    getattr(scrapy_exceptions, name) for name in ("DownloadTimeoutError",) if hasattr(scrapy_exceptions, name))
# A story split over more pages than this is a listing in disguise.
MAX_STORY_PAGES = 20
PAGINATION = re.compile(r"(/page/\d+/?$)|([?&](page|hal|halaman|p)=\d+)", re.IGNORECASE)
WP_REST_POSTS = "/wp-json/wp/v2/posts"
WP_REST_PER_PAGE = 100
# Slack on modified_after: a post saved during our last walk counts, and WordPress reads a time without a zone in
# the site's own zone (UTC+7..+9 in Indonesia), which only moves the bound earlier.
WP_REST_OVERLAP = dt.timedelta(days=1)
REFETCH_STATUSES = [304, 404, 410]


class NewsSpider(scrapy.Spider):
    """Crawls one source. Spider arguments are passed by :mod:`crawler.crawl`, not on the command line."""

    name = "news"

    def __init__(self, source: SourceConfig, since: dt.date | None = None, max_articles: int | None = None,
                 until: dt.date | None = None, fetch_planning: Any = None, retry_urls: list[str] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(name=f"news:{source.key}", **kwargs)
        self.source = source
        self.allowed_domains = list(source.allowed_domains)
        # crawler.crawl.FetchPlanning (SQL lookups off the reactor thread); None: every URL counts as new.
        self.fetch_planning = fetch_planning
        self.since = since
        self.until = until
        self.rest_walk_complete: tuple[str, dt.datetime] | None = None  # (endpoint, when), for crawl.py
        self.max_articles = max_articles
        self._article_pattern = re.compile(source.article_url_pattern) if source.article_url_pattern else None
        self._seen_canonical: set[str] = set()
        self._host_on_domain: dict[str, bool] = {}  # host as written -> on one of allowed_domains
        self._listing_pages = 0
        self._listing_urls: set[str] = set()  # pagination pages already followed (the cap counts distinct ones)
        self.retry_urls = list(retry_urls or [])
        self.articles_scheduled = 0
        self.skipped_known = 0
        self.refetches = 0
        self.not_modified = 0
        self.removed = 0
        self.errors: list[str] = []
        self.failures: list[FetchFailure] = []
        self._failed: dict[str, str] = {}  # URL -> first failure reason, this run
        # URL -> the requests whose redirect to it the duplicate filter dropped (it was already requested)
        self._redirected_here: dict[str, list[tuple[str, FetchKind]]] = {}
        self.recovered_urls: set[str] = set()  # discovery pages that failed, then answered when asked again

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_request_dropped, signal=signals.request_dropped)
        return spider

    # ------------------------------------------------------------------ discovery

    def now(self) -> dt.datetime:
        return self.fetch_planning.now() if self.fetch_planning is not None else dt.datetime.now(dt.timezone.utc)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if self.fetch_planning is not None:
            for known in await self.fetch_planning.due():
                request = self._schedule(known.url, known.canonical_url, known, None, "due")
                if request is not None:
                    yield request
        # Pages that failed in an earlier run and were never stored: they were found once, must not be forgotten.
        for request in await self._article_requests([(url, None) for url in self.retry_urls]):
            yield request
        if self.source.wordpress_api == "auto":
            yield await self._rest_request(1)
            return
        for request in self._discovery_requests():
            yield request

    def _discovery_requests(self) -> Iterator[scrapy.Request]:
        source = self.source
        named = [*source.sitemaps, *source.feeds, *source.listing_pages]
        for url in source.sitemaps:
            yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_error,
                                 meta={"pantau_kind": "sitemap"})
        for url in source.feeds:
            yield scrapy.Request(url, callback=self.parse_feed, errback=self.on_error, meta={"pantau_kind": "feed"})
        for url in source.listing_pages:
            yield scrapy.Request(url, callback=self.parse_listing, errback=self.on_error, dont_filter=True,
                                 meta={"pantau_kind": "listing"})
        if not named:
            home = source.home_url
            yield scrapy.Request(urljoin(home, "/robots.txt"), callback=self.parse_robots,
                                 errback=self.on_quiet_error, meta={"pantau_kind": "robots"})
            for path in FALLBACK_DISCOVERY_PATHS:
                callback, kind = (self.parse_feed, "feed") if path == "/feed/" else (self.parse_sitemap, "sitemap")
                yield scrapy.Request(urljoin(home, path), callback=callback, errback=self.on_quiet_error,
                                     meta={"pantau_kind": kind})
            yield scrapy.Request(home, callback=self.parse_listing, errback=self.on_error, dont_filter=True,
                                 meta={"pantau_kind": "listing"})

    # ------------------------------------------------------------------ WordPress REST API

    @property
    def rest_endpoint(self) -> str:
        return urljoin(self.source.home_url, WP_REST_POSTS)

    async def _rest_request(self, page: int, modified_after: dt.datetime | None = None,
                            started_at: dt.datetime | None = None) -> scrapy.Request:
        if page == 1:
            started_at = self.now()
            enumerated = (await self.fetch_planning.rest_enumerated_at(self.rest_endpoint)
                          if self.fetch_planning is not None else None)
            modified_after = enumerated - WP_REST_OVERLAP if enumerated else None
        query = {"per_page": WP_REST_PER_PAGE, "page": page, "_fields": "link,modified_gmt",
                 "orderby": "modified", "order": "desc"}
        if self.since is not None:
            query["after"] = f"{self.since.isoformat()}T00:00:00"
        if self.until is not None:  # a back-fill range: --until is the last day included
            query["before"] = f"{(self.until + dt.timedelta(days=1)).isoformat()}T00:00:00"
        if modified_after is not None:
            query["modified_after"] = modified_after.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
        return scrapy.Request(f"{self.rest_endpoint}?{urlencode(query)}", callback=self.parse_rest,
                              errback=self.on_rest_error, dont_filter=True,
                              meta={"pantau_rest": (page, modified_after, started_at)})

    async def parse_rest(self, response: Response) -> AsyncIterator[scrapy.Request]:
        page, modified_after, started_at = response.meta["pantau_rest"]
        try:
            posts = json.loads(response.body)
        except ValueError:
            posts = None
        if not isinstance(posts, list) or not all(isinstance(post, dict) for post in posts):
            if page == 1:  # not WordPress, or an HTML challenge page in front of it
                logger.info("%s: no WordPress REST API at %s; using sitemaps and feeds", self.source.key,
                            self.rest_endpoint)
                for request in self._discovery_requests():
                    yield request
            else:
                self._record_error(response.url, "WordPress REST API page is not a JSON list of posts",
                                   kind="listing", http_status=response.status)
            return
        # modified_gmt is UTC without a zone, as WordPress writes it.
        candidates = [(str(post["link"]), parse_lastmod(str(post.get("modified_gmt") or "")))
                      for post in posts if post.get("link")]
        for request in await self._article_requests(candidates):
            yield request
        try:
            pages = int(response.headers.get(b"X-WP-TotalPages", b"1"))
        except ValueError:
            pages = 1
        limit = self.settings.getint("PANTAU_MAX_REST_PAGES", 100)
        if page < min(pages, limit) and posts:
            yield await self._rest_request(page + 1, modified_after, started_at)
        elif page < pages:  # an archive deeper than the cap: its sitemaps list the older stories
            for request in self._discovery_requests():
                yield request
        elif self.fetch_planning is not None and self.max_articles is None and self.since is None \
                and self.until is None:
            # Only a walk over every post lets later crawls ask for changes alone (modified_after), and only once
            # the posts it found are stored: the crawl records it when the run has succeeded (a crawl killed
            # before its articles were written must not make the next one skip them).
            self.rest_walk_complete = (self.rest_endpoint, started_at)

    def on_rest_error(self, failure: Failure) -> Iterator[scrapy.Request]:
        page = failure.request.meta["pantau_rest"][0] if getattr(failure, "request", None) else 1
        if page != 1:
            yield from self.on_error(failure)
            return
        reason = (f"HTTP {failure.value.response.status}" if failure.check(HttpError)
                  else failure.getErrorMessage() or failure.type.__name__)
        logger.info("%s: WordPress REST API not available (%s); using sitemaps and feeds", self.source.key, reason)
        yield from self._discovery_requests()

    def _note_recovered(self, response: Response) -> None:
        if response.meta.get("pantau_second_round"):
            self.recovered_urls.add(response.meta.get("pantau_asked", response.url))

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        for url in sitemap_urls_from_robots(response.text, base_url=response.url):
            yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_error,
                                 meta={"pantau_kind": "sitemap"})

    async def parse_sitemap(self, response: Response) -> AsyncIterator[scrapy.Request]:
        self._note_recovered(response)
        try:
            sitemap = read_sitemap(response.body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
        except SitemapError as error:
            self._record_error(response.url, str(error), kind="sitemap", http_status=response.status)
            return
        if sitemap.problem:  # damaged, but its good entries are still followed
            self._record_error(response.url, sitemap.problem, kind="sitemap", http_status=response.status)
        candidates: list[tuple[str, dt.datetime | None]] = []
        for entry in sitemap.entries:
            if sitemap.type == "sitemapindex":
                # A sitemap last modified before --since holds nothing newer (an archive's old months).
                location = _joined(response.url, entry.loc)
                if location and not self._modified_before_since(entry.lastmod):
                    yield scrapy.Request(location, callback=self.parse_sitemap, errback=self.on_error,
                                         meta={"pantau_kind": "sitemap"})
            elif not self._modified_outside_range(entry.lastmod) and (location := _joined(response.url, entry.loc)):
                candidates.append((location, parse_lastmod(entry.lastmod)))
        for request in await self._article_requests(candidates):
            yield request

    async def parse_feed(self, response: Response) -> AsyncIterator[scrapy.Request]:
        self._note_recovered(response)
        try:
            feed = read_feed(response.body, response.url, _header(response, b"Content-Type"))
        except FeedError as error:
            self._record_error(response.url, str(error), kind="feed", http_status=response.status)
            return
        if feed.is_html:
            return  # a site without a feed answered with a page: not an error
        if feed.problem:  # damaged (often one unescaped "&"), but the entries read leniently are followed
            logger.info("%s: %s: %s; %d entries read", self.source.key, response.url, feed.problem,
                        len(feed.entries))
        for request in await self._article_requests(
                [(url, entry.updated) for entry in feed.entries if (url := _joined(response.url, entry.link))]):
            yield request

    async def parse_listing(self, response: Response) -> AsyncIterator[scrapy.Request]:
        self._note_recovered(response)
        if not hasattr(response, "xpath"):
            return
        urls = [url for href in response.xpath("//a/@href").getall()
                if (url := _joined(response.url, href)) and self.is_article_url(url)]
        articles = len(urls)
        skipped_before = self.skipped_known
        for request in await self._article_requests([(url, None) for url in urls]):
            yield request
        known = self.skipped_known - skipped_before
        if articles and known == articles:
            return  # every story listed here was stored by an earlier crawl: older pages hold nothing new
        for url in self._pagination_links(response):
            key = url.split("#")[0]
            if key in self._listing_urls or key == response.url.split("#")[0]:
                continue  # the same page linked twice (numbers and "next") is one page of the cap, fetched once
            if self._listing_pages >= self.settings.getint("PANTAU_MAX_LISTING_PAGES", 50):
                break
            self._listing_urls.add(key)
            self._listing_pages += 1
            yield scrapy.Request(url, callback=self.parse_listing, errback=self.on_error,
                                 meta={"pantau_kind": "listing"})

    def _pagination_links(self, response: Response) -> list[str]:
        links = response.xpath("//link[@rel='next']/@href | //a[@rel='next']/@href").getall()
        links += [href for href in response.xpath("//a/@href").getall() if PAGINATION.search(href)]
        here = urlsplit(response.url).path.rstrip("/")
        base = PAGINATION.sub("", here) or "/"
        wanted = []
        for href in links:
            url = _joined(response.url, href)
            if url is None:
                continue
            path = urlsplit(url).path.rstrip("/")
            if (PAGINATION.sub("", path) or "/") == base and not self.is_article_url(url):
                wanted.append(url)
        return wanted

    # ------------------------------------------------------------------ articles

    def is_article_url(self, url: str) -> bool:
        origin = _PLAIN_ORIGIN.match(url)
        if origin is None or _URLSPLIT_REMOVES.search(url) or (origin[2] and int(origin[2]) > 65535):
            return self._is_article_url_fully(url)
        # A plain "http(s)://host[:port]" start: urlsplit would find this scheme, host and port (the tests compare
        # the two ways), so the host's answer is cached and the path is the rest up to "?" or "#".
        if not self._on_source_domain(origin[1]):
            return False
        if self._article_pattern is not None:
            return bool(self._article_pattern.search(url))
        path = _PATH_END.split(url[origin.end():], 1)[0]
        if NOT_ARTICLE.search(path) or path in ("", "/"):
            return False
        return any(shape.search(path) for shape in ARTICLE_SHAPES)

    def _is_article_url_fully(self, url: str) -> bool:
        """:meth:`is_article_url` without its fast path (its definition; the tests compare the two)."""
        try:
            parts = urlsplit(url)
            host, _ = parts.hostname or "", parts.port
        except ValueError:  # a malformed host or port ("http://[broken", ":80x"): not a page of this source
            return False
        if parts.scheme not in ("http", "https") or not self._on_source_domain(host):
            return False
        if self._article_pattern is not None:
            return bool(self._article_pattern.search(url))
        path = parts.path
        if NOT_ARTICLE.search(path) or path in ("", "/"):
            return False
        return any(shape.search(path) for shape in ARTICLE_SHAPES)

    def _on_source_domain(self, host: str) -> bool:
        known = self._host_on_domain.get(host)
        if known is None:
            lowered = host.lower()
            known = any(lowered == domain or lowered.endswith("." + domain) for domain in self.allowed_domains)
            if len(self._host_on_domain) < 4096:  # a page of a thousand made-up hosts must not grow it forever
                self._host_on_domain[host] = known
        return known

    async def _article_requests(self, candidates: list[tuple[str, dt.datetime | None]]) -> list[scrapy.Request]:
        """Requests for the discovered ``(url, lastmod)`` pairs worth fetching, after one SQL lookup for all."""
        wanted: dict[str, tuple[str, dt.datetime | None]] = {}
        for url, lastmod in candidates:
            if not self.is_article_url(url):
                continue
            canonical = canonical_url(url)
            if canonical not in self._seen_canonical and canonical not in wanted:
                wanted[canonical] = (url, lastmod)
        if not wanted:
            return []
        now = self.now()
        idle: set[str] = set()  # stored, no lastmod, not due: plan_fetch says "skip" without their rows
        known: dict[str, KnownUrl] = {}
        if self.fetch_planning is not None:
            idle, known = await self.fetch_planning.known_for_planning(
                {canonical: lastmod is not None for canonical, (_, lastmod) in wanted.items()}, now)
        requests = []
        for canonical, (url, lastmod) in wanted.items():
            if canonical in idle:
                self.skipped_known += 1
                continue
            state = known.get(canonical)
            reason = plan_fetch(state, lastmod, now)
            if reason == "skip":
                self.skipped_known += 1
                continue
            request = self._schedule(url, canonical, state, lastmod, reason)
            if request is not None:
                requests.append(request)
        return requests

    def _schedule(self, url: str, canonical: str, known: KnownUrl | None, lastmod: dt.datetime | None,
                  reason: str) -> scrapy.Request | None:
        if canonical in self._seen_canonical:
            return None
        if self.max_articles is not None and self.articles_scheduled >= self.max_articles:
            return None
        self._seen_canonical.add(canonical)
        self.articles_scheduled += 1
        meta: dict[str, Any] = {"pantau_lastmod": lastmod, "pantau_reason": reason, "pantau_kind": "article"}
        if known is None:
            return scrapy.Request(url, callback=self.parse_article, errback=self.on_error, meta=meta)
        self.refetches += 1
        meta.update(pantau_known=known, handle_httpstatus_list=REFETCH_STATUSES)
        return scrapy.Request(url, callback=self.parse_article, errback=self.on_error, meta=meta,
                              headers=conditional_headers(known))

    def parse_article(self, response: Response) -> Iterator[ArticleItem | scrapy.Request]:
        known: KnownUrl | None = response.meta.get("pantau_known")
        if known is not None and self.fetch_planning is not None:
            if response.status in REFETCH_STATUSES:
                if response.status == 304:
                    self.not_modified += 1
                else:
                    self.removed += 1
                self.fetch_planning.record(known, response.status, self.now(), response.meta.get("pantau_lastmod"))
                return
            self.fetch_planning.record(known, 200, self.now())
        if not hasattr(response, "text"):
            content_type = response.headers.get("Content-Type", b"").decode("latin-1") or "no Content-Type"
            self._record_error(_asked_url(response), f"not an HTML page ({content_type})", kind="article",
                               http_status=response.status)
            return
        item = ArticleItem(
            source=self.source.key,
            url=response.request.url if response.request else response.url,
            final_url=response.url,
            status=response.status,
            content_type=response.headers.get("Content-Type", b"").decode("latin-1"),
            html=page_text(response),
            fetched_at=self.now(),
            fetch=FetchInfo(url=response.request.url if response.request else response.url,
                            etag=_header(response, b"ETag"), last_modified=_header(response, b"Last-Modified"),
                            lastmod=response.meta.get("pantau_lastmod")),
        )
        yield from self._next_page_or_item(item, response)

    def _next_page_or_item(self, item: ArticleItem, response: Response) -> Iterator[ArticleItem | scrapy.Request]:
        """Multi-page stories: fetch the single-page view when offered, else pages 2..N one after another."""
        # Raw URLs, not canonical ones: canonical_url folds "?page=2" and "?page=all" into the story's URL.
        fetched = item.fetched_pages
        fetched.add(response.url.split("#")[0])
        text = response.text
        # Most pages link no further page, which a look at their raw <a> tags tells without parsing them: the
        # parse (and the import of crawler.extract: trafilatura, ~1 s) stays in the workers for those pages.
        if len(fetched) < MAX_STORY_PAGES and may_link_continuation(text, response.url):
            from crawler.extract import find_continuation_pages

            for url in find_continuation_pages(text, response.url):
                if url.split("#")[0] not in fetched:
                    fetched.add(url.split("#")[0])
                    yield scrapy.Request(url, callback=self.parse_continuation, errback=self.on_continuation_error,
                                         cb_kwargs={"item": item}, dont_filter=True,
                                         meta={"pantau_kind": "continuation"})
                    return
        yield item

    def parse_continuation(self, response: Response, item: ArticleItem) -> Iterator[ArticleItem | scrapy.Request]:
        text = page_text(response)
        if is_single_page_url(response.url):
            item.html = text  # the whole story on one page replaces the first page
            item.more_pages = []
            yield item
            return
        item.more_pages.append(text)
        yield from self._next_page_or_item(item, response)

    def on_continuation_error(self, failure: Failure) -> Iterator[ArticleItem]:
        for _ in self.on_error(failure):  # continuation pages are not asked again (kind "continuation")
            pass
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

    def on_error(self, failure: Failure) -> Iterator[scrapy.Request]:
        """Errback: record the failure; a discovery page (sitemap, feed, listing) that failed on a server error
        or time-out is asked for once more at the end of the queue, so that one bad minute of a category page
        does not hide its stories until the next run."""
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        meta = request.meta if request is not None else {}
        # The URL the spider asked for (before redirects): the one a later run asks for again.
        asked = (meta.get("redirect_urls") or [url])[0]
        attempts = int(meta.get("retry_times", 0)) + 1
        status = None
        if failure.check(HttpError):
            status = failure.value.response.status
            reason = f"HTTP {status}"
        elif (endpoint := url_endpoint(url)) and refusal_for(*endpoint):  # Scrapy wraps the DNS error
            reason = refusal_for(*endpoint) or ""
            self.crawler.stats.inc_value("pantau/refused_address")
        elif failure.check(IgnoreRequest) and "max redirections" in (failure.getErrorMessage() or ""):
            reason = f"redirect loop or chain longer than {self.settings.getint('REDIRECT_MAX_TIMES')} redirects"
        elif failure.check(*TIMEOUTS):
            reason = f"timed out after {self.settings.getfloat('DOWNLOAD_TIMEOUT'):g} s"
        elif failure.check(ResponseNeverReceived):
            reason = f"no response ({_first_reason(failure)})"
        else:
            reason = failure.getErrorMessage() or failure.type.__name__
        if attempts > 1:
            reason += f" (after {attempts} attempts)"
        if asked != url and not reason.startswith(("off-site redirect", "redirect loop")):
            reason += f" (redirected to {url})"
        kind = meta.get("pantau_kind", "article")
        self._failed.setdefault(url, reason)  # the address itself, when a redirect led there
        for origin, origin_kind in self._redirected_here.pop(url, []):
            self._record_error(origin, f"redirected to {url}, which failed: {reason}", kind=origin_kind)
        transient = (status is not None and (status >= 500 or status in (408, 429))) or failure.check(
            *TIMEOUTS, ResponseNeverReceived) is not None
        again = (request is not None and transient and kind in ("sitemap", "feed", "listing")
                 and not meta.get("pantau_second_round"))
        if again:
            reason += "; asked again later in this run"
        self._record_error(asked, reason, kind=kind, http_status=status, attempts=attempts)
        if again:
            assert request is not None
            retry_meta = {key: value for key, value in meta.items()
                          if key not in ("retry_times", "redirect_urls", "redirect_times", "redirect_ttl",
                                         "redirect_reasons", "download_slot")}
            yield request.replace(url=asked, dont_filter=True, priority=request.priority - 100,
                                  meta={**retry_meta, "pantau_second_round": True, "pantau_asked": asked})

    def on_request_dropped(self, request: scrapy.Request, spider: scrapy.Spider | None = None) -> None:
        """A redirect back to an address already fetched is dropped by the duplicate filter, without an
        errback: a redirect loop, recorded here."""
        redirects = request.meta.get("redirect_urls") or []
        if spider is not self or not redirects:
            return
        kind = request.meta.get("pantau_kind", "article")
        if request.url in redirects:
            chain = " -> ".join([*redirects, request.url])
            self._record_error(redirects[0], f"redirect loop ({chain})", kind=kind)
        elif request.url in self._failed:  # a redirect to an address that already failed in this run
            self._record_error(redirects[0], f"redirected to {request.url}, which failed: {self._failed[request.url]}",
                               kind=kind)
        else:  # a redirect to an address already on its way: its outcome decides (see on_error)
            self._redirected_here.setdefault(request.url, []).append((redirects[0], kind))

    def on_quiet_error(self, failure: Failure) -> Iterator[scrapy.Request]:
        """Errback for guessed discovery URLs: a 404 on /wp-sitemap.xml is normal, not an error."""
        if failure.check(HttpError) and failure.value.response.status in (404, 410, 403):
            return
        yield from self.on_error(failure)

    def _record_error(self, url: str, reason: str, *, kind: FetchKind = "article", http_status: int | None = None,
                      attempts: int = 1) -> None:
        self.errors.append(f"{url}: {reason}")
        self._failed.setdefault(url, reason)
        self.failures.append(FetchFailure(url=url, kind=kind, reason=reason, http_status=http_status,
                                          attempts=attempts))
        self.crawler.stats.inc_value("pantau/errors")
        logger.warning("%s: %s: %s", self.source.key, url, reason)


def _lastmod_day(lastmod: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(lastmod.strip()[:10]) if lastmod else None
    except ValueError:
        return None


def _lastmod_day(lastmod: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(lastmod.strip()[:10]) if lastmod else None
    except ValueError:
        return None


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1").strip() or None if value else None


_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([^\s;\"']+)", re.I)


def page_text(response: Response) -> str:
    """The page's text: Scrapy's decoding, unless the header's charset disagrees with the bytes
    (:func:`crawler.charsets.page_encoding`: then the page's own meta charset, or charset-normalizer)."""
    header = response.headers.get("Content-Type", b"").decode("latin-1")
    declared = _HEADER_CHARSET.search(header)
    encoding = page_encoding(response.body, declared.group(1) if declared else None)
    if encoding is None:
        return response.text
    return response.body.decode(encoding, errors="replace")


def _asked_url(response: Response) -> str:
    """The URL the spider asked for, before any redirect."""
    request = response.request
    if request is None:
        return response.url
    return (request.meta.get("redirect_urls") or [request.url])[0]


def _first_reason(failure: Failure) -> str:
    reasons = getattr(failure.value, "reasons", None) or []
    if reasons:
        return reasons[0].getErrorMessage() or reasons[0].type.__name__
    return failure.getErrorMessage() or failure.type.__name__


def _joined(base: str, href: str) -> str | None:
    """``href`` made absolute against ``base``; None for a link no URL parser accepts ("http://[broken")."""
    href = href.strip()
    if _PLAIN_ABSOLUTE.match(href) and not href.endswith(("?", "#")) and "?#" not in href and _readable_base(base):
        return href  # urljoin would give it back as it is, and its host and port parse (see _PLAIN_ABSOLUTE)
    return _joined_fully(base, href)


@functools.lru_cache(maxsize=64)
def _readable_base(base: str) -> bool:
    """True when urljoin can read ``base`` (it raises ValueError on "http://[broken" before looking at href)."""
    try:
        urlsplit(base)
    except ValueError:
        return False
    return True


def _joined_fully(base: str, href: str) -> str | None:
    """:func:`_joined` without its fast path (its definition; the tests compare the two)."""
    try:
        url = urljoin(base, href.strip())
        parts = urlsplit(url)
        parts.hostname, parts.port  # noqa: B018 - each raises ValueError when malformed
    except ValueError:
        return None
    return url


# An absolute address that urljoin gives back unchanged whatever the base (urlsplit and urlunsplit round-trip it:
# a lower-case http(s) scheme, a host of ASCII letters, digits, "." and "-", a port of at most four digits, then
# printable ASCII without ";" (urljoin would split parameters off), "\\", spaces or controls; and no empty query
# or fragment, which urlunsplit drops: _joined checks that).
_PLAIN_ABSOLUTE = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{0,4})?(?:[/?#][!-:<-\[\]-~]*)?\Z")
# The start of a URL as urlsplit reads its scheme, host and port (group 1: host, group 2: port), when what follows
# is the path, query or fragment or nothing; _URLSPLIT_REMOVES: characters urlsplit deletes anywhere.
_PLAIN_ORIGIN = re.compile(r"https?://([A-Za-z0-9.-]*)(?::([0-9]{0,5}))?(?=[/?#]|\Z)")
_URLSPLIT_REMOVES = re.compile(r"[\t\r\n]")
_PATH_END = re.compile(r"[?#]")
