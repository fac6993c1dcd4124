"""Downloader middlewares that keep crawls where they belong.

Both run on every request the downloader sees — the start requests (listing, home page), pagination,
continuation pages of a story, and the new requests redirects and meta refreshes make — and refuse with
``IgnoreRequest``, so the request's errback records the refusal (Scrapy's own offsite middleware skips
``dont_filter`` requests and drops off-site redirects at scheduling time, silently). The address check here is
the early one, on the host as written (numeric spellings read as ``inet_aton`` does); the authoritative one is
on the resolved address, at connect time (:mod:`spiders.resolver`).
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

from crawler.addresses import numeric_host, refusal, url_endpoint
from spiders.resolver import parse_endpoints

logger = logging.getLogger(__name__)


def is_private_host(host: str) -> bool:
    """True for loopback, private, link-local and unspecified addresses (any numeric spelling) and ``localhost``."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    address = numeric_host(host)
    return address is not None and refusal(host, 0, address, set()) is not None


class PrivateAddressGuardMiddleware:
    """Refuses requests to private or loopback hosts unless ``PANTAU_ALLOW_PRIVATE_ADDRESSES`` is set.

    A news site that links (or redirects) to ``http://127.0.0.1/`` or an intranet address must not make the
    crawler probe the operator's own network. The sources' own configured hosts, on their own ports
    (``PANTAU_OWN_ENDPOINTS``: an intranet portal, the demo site), are the operator's explicit choice.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.allow_private = crawler.settings.getbool("PANTAU_ALLOW_PRIVATE_ADDRESSES")
        self.own_endpoints = parse_endpoints(crawler.settings.getlist("PANTAU_OWN_ENDPOINTS"))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PrivateAddressGuardMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if self.allow_private:
            return None
        endpoint = url_endpoint(request.url)
        if endpoint is None:
            return None
        host, port = endpoint
        if endpoint in self.own_endpoints:
            return None
        if host == "localhost" or host.endswith(".localhost"):
            self.crawler.stats.inc_value("pantau/refused_address")
            raise IgnoreRequest(f"refused: {host}:{port} is a loopback name; only a source's own configured host "
                                "and port may be on a private network")
        address = numeric_host(host)
        reason = refusal(host, port, address, self.own_endpoints) if address is not None else None
        if reason:
            self.crawler.stats.inc_value("pantau/refused_address")
            raise IgnoreRequest(reason)
        return None


class SourceOffsiteMiddleware:
    """Refuses every request off the source's allowed domains, ``dont_filter`` ones and redirects included.

    Replaces Scrapy's ``OffsiteMiddleware``: that one lets ``dont_filter`` requests (listing pages, the home page,
    continuation pages, and every redirect of them) through unchecked, and filters off-site redirects when they
    are scheduled, where no errback hears of it.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SourceOffsiteMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        domains = [domain.lower() for domain in getattr(self.crawler.spider, "allowed_domains", None) or []]
        if not domains:
            return None
        host = (urlsplit(request.url).hostname or "").lower().rstrip(".")
        if any(host == domain or host.endswith("." + domain) for domain in domains):
            return None
        self.crawler.stats.inc_value("offsite/filtered")
        redirected_from = (request.meta.get("redirect_urls") or [None])[0]
        if redirected_from:
            raise IgnoreRequest(f"off-site redirect from {redirected_from} to {request.url}")
        raise IgnoreRequest(f"off-site request to {host or request.url}")
