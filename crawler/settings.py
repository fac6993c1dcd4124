"""Scrapy settings for every Pantau crawl, in one place (components read them in ``from_crawler``).

Politeness is on by default (DESIGN.md decision 7): robots.txt obeyed, AutoThrottle, at most two concurrent
requests per domain, an honest User-Agent. Tests and ``--demo`` raise the per-domain limits through
:func:`crawl_settings` arguments rather than by editing this module. Hostile input is bounded here too: body
size (inflated gzip included), redirects, time per request and per page's analysis, and the addresses a crawl
may connect to (checked on the resolved address: :mod:`spiders.resolver`).
"""

from __future__ import annotations

import os
from typing import Any

from crawler.identity import user_agent, warn_without_contact

BOT_NAME = "pantau"
# Set per crawl by :func:`crawl_settings` from PANTAU_USER_AGENT / PANTAU_CONTACT (see crawler/identity.py).
USER_AGENT = user_agent()

SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16  # measured: 64 is slower on two cores
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.5
DOWNLOAD_TIMEOUT = 30
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Scrapy runs every callback's output through CONCURRENT_ITEMS asyncio tasks, made afresh per response (100 by
# default: 2.4 s of the reactor thread's 8.7 s in a 609-page demo crawl, docs/performance.md). A page yields one
# item; a sitemap yields requests, which are scheduled at once; 4 is plenty.
CONCURRENT_ITEMS = 4
# Components a crawl never uses, left out of Scrapy's *_BASE dicts themselves so that their modules are not even
# imported: Scrapy imports every key of EXTENSIONS / DOWNLOADER_MIDDLEWARES, those set to None included, to
# match class paths (scrapy.settings.BaseSettings.get_component_priority_dict_with_base). Disabling them there
# still cost each crawl process ~0.4 s of CPU at start: the remote-control extension pulls in aiohttp and
# platformdirs, the feed exporter ftplib and boto, the cookies middleware (off: COOKIES_ENABLED) tldextract.
# (The *_BASE dicts without them are made by crawl_settings: importing Scrapy here would slow every command.)
EXTENSIONS: dict[str, int | None] = {}
DOWNLOAD_HANDLERS: dict[str, str | None] = {}
REDIRECT_MAX_TIMES = 5
DNS_TIMEOUT = 15
LOG_LEVEL = "WARNING"
# The application (CLI, daemon) configures logging; Scrapy must not add its own root handler.
LOG_INSTALL_ROOT_HANDLER = False
LOG_FORMATTER = "pipelines.logformatter.PantauLogFormatter"
# Pages bigger than this are not news articles (and would stall extraction). Scrapy applies the limit to the
# decompressed size of gzip/deflate/br bodies too, and the spider to gzipped sitemaps (crawler.sitemaps).
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024

DOWNLOADER_MIDDLEWARES = {
    "spiders.middlewares.SourceOffsiteMiddleware": 50,
    "spiders.middlewares.PrivateAddressGuardMiddleware": 51,
}
# Every connection's resolved addresses are checked against PANTAU_OWN_ENDPOINTS (spiders.resolver).
TWISTED_DNS_RESOLVER = "spiders.resolver.GuardedHostnameResolver"
ITEM_PIPELINES = {
    "pipelines.validate.ValidatePipeline": 100,
    "pipelines.analyse.AnalysePipeline": 300,
    "pipelines.store.StorePipeline": 800,
    "pipelines.cluster.ClusterPipeline": 850,
}

UNUSED_EXTENSIONS = ("telnet.TelnetConsole", "remote_control.RemoteControl", "memdebug.MemoryDebugger",
                     "feedexport.FeedExporter", "spiderstate.SpiderState")
# Scrapy's offsite middleware lets dont_filter requests and their redirects through: ours (in
# DOWNLOADER_MIDDLEWARES) checks them all.
UNUSED_DOWNLOADER_MIDDLEWARES = ("offsite.OffsiteMiddleware", "cookies.CookiesMiddleware")
DOWNLOAD_SCHEMES = ("http", "https")

# Pantau's own settings.
# Let crawls reach any loopback or private address. Never on in production; tests and the demo do not need it.
PANTAU_ALLOW_PRIVATE_ADDRESSES = False
# "host:port" of the sources' own configured URLs: the only private addresses a crawl may reach (crawler.crawl
# fills it from the sources of the run).
PANTAU_OWN_ENDPOINTS: list[str] = []
# Seconds one page's extraction and matching may take in the analysis pool; a page over it is recorded as
# failed and its worker process replaced.
PANTAU_ANALYSIS_TIMEOUT = 60.0
# Worker processes for extraction and matching; 0 means one per CPU.
PANTAU_ANALYSIS_WORKERS = 0
# Articles written per database transaction.
PANTAU_WRITE_BATCH = 200
# Listing pages followed per listing (pagination depth) and per crawl.
PANTAU_MAX_LISTING_PAGES = 50
# WordPress REST API pages (100 posts each) read per crawl; a deeper archive is also read from its sitemaps.
PANTAU_MAX_REST_PAGES = 100


# Environment variable that overrides PANTAU_ANALYSIS_TIMEOUT (seconds) for one crawl process.
ANALYSIS_TIMEOUT_ENV = "PANTAU_ANALYSIS_TIMEOUT"
# Environment variable for tests and local demo crawls: when set (not "0"), crawls use ``fast_local`` settings.
FAST_LOCAL_ENV = "PANTAU_FAST_LOCAL"


def crawl_settings(*, fast_local: bool = False, **overrides: Any) -> dict[str, Any]:
    """The settings dict for a crawl. ``fast_local`` drops politeness delays for loopback test sites (the
    addresses they may reach are still only the sources' own: ``PANTAU_OWN_ENDPOINTS``)."""
    settings = {name: value for name, value in globals().items()
                if name.isupper() and name not in ("FAST_LOCAL_ENV", "ANALYSIS_TIMEOUT_ENV", "UNUSED_EXTENSIONS",
                                                   "UNUSED_DOWNLOADER_MIDDLEWARES", "DOWNLOAD_SCHEMES")}
    settings.update(_component_bases())
    settings["USER_AGENT"] = user_agent()  # the environment at crawl time, not at import time
    if not fast_local and "USER_AGENT" not in overrides:
        warn_without_contact()
    if os.environ.get(ANALYSIS_TIMEOUT_ENV):
        settings["PANTAU_ANALYSIS_TIMEOUT"] = float(os.environ[ANALYSIS_TIMEOUT_ENV])
    if fast_local:
        settings.update(
            AUTOTHROTTLE_ENABLED=False,
            DOWNLOAD_DELAY=0,
            CONCURRENT_REQUESTS_PER_DOMAIN=8,
            DOWNLOAD_TIMEOUT=10,
            RETRY_TIMES=1,
        )
    settings.update(overrides)
    return settings


def _component_bases() -> dict[str, dict[str, Any]]:
    """Scrapy's EXTENSIONS_BASE, DOWNLOADER_MIDDLEWARES_BASE and DOWNLOAD_HANDLERS_BASE without the components a
    crawl never uses (see EXTENSIONS above)."""
    from scrapy.settings import default_settings

    return {
        "EXTENSIONS_BASE": {path: order for path, order in default_settings.EXTENSIONS_BASE.items()
                            if path.removeprefix("scrapy.extensions.") not in UNUSED_EXTENSIONS},
        "DOWNLOADER_MIDDLEWARES_BASE": {
            path: order for path, order in default_settings.DOWNLOADER_MIDDLEWARES_BASE.items()
            if path.removeprefix("scrapy.downloadermiddlewares.") not in UNUSED_DOWNLOADER_MIDDLEWARES},
        "DOWNLOAD_HANDLERS_BASE": {scheme: path for scheme, path in default_settings.DOWNLOAD_HANDLERS_BASE.items()
                                   if scheme in DOWNLOAD_SCHEMES},
    }
