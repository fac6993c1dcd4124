"""Canonical article URLs: the one address under which Pantau stores a story.

The same story reaches the crawler under many addresses: with tracking parameters (``utm_*``, ``fbclid`` …),
fragments, AMP twins (``/amp/``, ``?amp=1``, ``outputType=amp``), mobile hosts (``m.``), page parameters of a
multi-page story, ``index.html`` and ``www.`` or not. :func:`canonical_url` folds them into one stable key;
with the page's HTML it also follows ``<link rel=canonical>`` when that stays on the same site. It works on a
URL alone because the spider uses it to skip pages already stored before downloading them.

The field's libraries do the generic part: w3lib's ``canonicalize_url`` (Scrapy's own request fingerprinting)
normalises percent-encoding, IDNA hosts, the order of query arguments and drops the fragment; courlan's tracker
rule (trafilatura's, drawn from ClearURLs and Firefox's query stripping) says which parameters are trackers.
Pantau's own rules sit on top, explicit: the page-variant parameters and paths (AMP, pages of a multi-page story,
the single-page view, index pages), the variant hosts, default ports and trailing slashes, and the few trackers
courlan's rule does not know. Changing any of these changes stored keys: a migration must re-key the database
(storage/migrations/versions/0019_rekey_canonical_urls.py did it for the switch to these libraries).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit, urlunsplit

from courlan.clean import TRACKERS_RE
from lxml import etree
from lxml import html as lxml_html
from w3lib.url import canonicalize_url, url_query_cleaner

# Pantau's page-variant rules: parameters that switch between views of one story (its AMP twin, page N of a
# multi-page story, its single-page view). They are not trackers, so no tracker list has them.
PAGE_VARIANT_PARAMS = frozenset({"amp", "amp_js_v", "usqp", "outputtype", "page", "halaman", "showpage", "single"})
# Trackers courlan's rule does not catch (it catches utm_*, fbclid, gclid, msclkid, ref, mc_*, pk_*, mtm_*, …):
# share buttons, Google's gclsrc, Alibaba's spm, Adobe's cmpid, Microsoft's ocid, Twitter's, Webtrekk's wt_mc,
# HubSpot's hsa_*, AT Internet's at_*, Adobe's s_cid.
_TRACKERS_COURLAN_MISSES = frozenset({"share", "gclsrc", "spm", "cmpid", "ocid", "__twitter_impression", "wt_mc",
                                      "s_cid"})
_TRACKER_PREFIXES_COURLAN_MISSES = ("hsa_", "at_")
# Host prefixes that name a variant of the same site rather than another site.
_VARIANT_HOST = re.compile(r"^(?:www\d?|m|mobile|amp|wap)\.(?=[^.]+\.[^.]+)")
_AMP_SEGMENT = re.compile(r"(?:^|/)amp(?=/|$)")
_AMP_SUFFIX = re.compile(r"\.amp(?=$|\.html?$)")
_INDEX_PAGE = re.compile(r"/(?:index|default)\.(?:html?|php|aspx?)$")


def is_dropped_param(name: str) -> bool:
    """True for a query parameter that never changes which story a URL shows: a tracker (courlan's rule and the
    few it misses) or one of Pantau's page-variant switches."""
    key = name.lower()
    return (key in PAGE_VARIANT_PARAMS or key in _TRACKERS_COURLAN_MISSES
            or key.startswith(_TRACKER_PREFIXES_COURLAN_MISSES) or TRACKERS_RE.search(key) is not None)


def site_host(url: str) -> str:
    """The host of ``url`` without ``www.``/``m.``/``amp.`` prefixes, lower-case (``''`` when there is none)."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return _VARIANT_HOST.sub("", host)


def same_site(url: str, other: str) -> bool:
    """True when both URLs are on the same site, counting ``www.``/``m.`` variants and subdomains of it."""
    first, second = site_host(url), site_host(other)
    if not first or not second:
        return False
    return first == second or first.endswith("." + second) or second.endswith("." + first)


def normalize_url(url: str) -> str:
    """The URL-only part of :func:`canonical_url`: strip tracking, AMP, mobile, page and index variants."""
    url = url.strip()
    if not site_host(url):
        return url
    normalized = _normalize_once(url)
    # Pantau's path rules can leave what canonicalize_url would change again (a "." or ".." segment, empty ";"
    # parameters, once an AMP suffix or a trailing "/" is gone): repeat until nothing changes, so that the key is
    # a fixed point (stored keys are re-normalised by migrations). Rare, so nearly every URL takes one pass.
    for _ in range(3):
        if not _MAY_CHANGE_AGAIN.search(urlsplit(normalized).path):
            break
        again = _normalize_once(normalized)
        if again == normalized:
            break
        normalized = again
    return normalized


_MAY_CHANGE_AGAIN = re.compile(r"(?:^|/)\.\.?(?:/|$)|;(?:/|$)")


def _normalize_once(url: str) -> str:
    # Percent-encoding, IDNA, sorted query arguments (blank values kept), no fragment: w3lib.
    parts = urlsplit(canonicalize_url(url))
    scheme = parts.scheme.lower() or "http"
    port = parts.port
    netloc = site_host(urlunsplit((scheme, parts.netloc, "", "", "")))
    if port is not None and (scheme, port) not in {("http", 80), ("https", 443)}:
        netloc = f"{netloc}:{port}"

    path = _AMP_SEGMENT.sub("", parts.path) or "/"
    path = _AMP_SUFFIX.sub("", path)
    path = _INDEX_PAGE.sub("/", path)
    path = re.sub(r"/{2,}", "/", path)
    if len(path) > 1:
        path = path.rstrip("/") or "/"

    query = parts.query
    if query:
        dropped = [key for key in (pair.split("=", 1)[0] for pair in query.split("&")) if is_dropped_param(key)]
        if dropped:
            query = urlsplit(url_query_cleaner("?" + query, dropped, remove=True, unique=False)).query
    return urlunsplit((scheme, netloc, path or "/", query, ""))


def find_canonical_link(html: str | bytes | lxml_html.HtmlElement) -> str | None:
    """The ``href`` of the page's ``<link rel=canonical>`` (``rel`` may list other values too), or None."""
    if not isinstance(html, lxml_html.HtmlElement):
        try:
            html = lxml_html.document_fromstring(html)
        except (etree.ParserError, ValueError):  # empty or not a document
            return None
    hrefs = html.xpath("//link[contains(concat(' ', normalize-space(translate(@rel,"
                       "'CANONIAL','canonial')), ' '), ' canonical ')]/@href")
    return (hrefs[0].strip() or None) if hrefs else None


def canonical_url(url: str, html: str | bytes | lxml_html.HtmlElement | None = None) -> str:
    """The stable address of the article at ``url`` (idempotent: applying it twice changes nothing).

    With ``html``, a ``<link rel=canonical>`` on the same site wins, unless it points at the site's home page
    (a common CMS mistake) while ``url`` does not.
    """
    normalized = normalize_url(url)
    if html is None:
        return normalized
    link = find_canonical_link(html)
    if not link or link.startswith(("javascript:", "#")):
        return normalized
    target = urljoin(url, link)
    if urlsplit(target).scheme not in ("http", "https") or not same_site(url, target):
        return normalized
    candidate = normalize_url(target)
    if urlsplit(candidate).path in ("", "/") and urlsplit(normalized).path not in ("", "/"):
        return normalized
    return candidate
