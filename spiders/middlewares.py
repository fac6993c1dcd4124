"""Downloader middlewares that keep crawls where they belong."""

from __future__ import annotations

import ipaddress
import logging
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

logger = logging.getLogger(__name__)


def is_private_host(host: str) -> bool:
    """True for loopback, private, link-local and unspecified addresses and for ``localhost`` names."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_private or address.is_loopback or address.is_link_local or address.is_unspecified


class PrivateAddressGuardMiddleware:
    """Refuses requests to private or loopback addresses unless ``PANTAU_ALLOW_PRIVATE_ADDRESSES`` is set.

    A news site that links (or redirects) to ``http://127.0.0.1/`` or an intranet address must not make the
    crawler probe the operator's own network. A source whose own configured domain is such an address (an
    intranet portal, the demo site) is the operator's explicit choice and is allowed. Host names are checked as
    written; the resolver is not asked.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.allow_private = crawler.settings.getbool("PANTAU_ALLOW_PRIVATE_ADDRESSES")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PrivateAddressGuardMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        host = urlsplit(request.url).hostname or ""
        own_hosts = getattr(self.crawler.spider, "allowed_domains", None) or []
        if not self.allow_private and is_private_host(host) and host not in own_hosts:
            raise IgnoreRequest(f"refusing private or loopback address {host} ({request.url})")
        return None
