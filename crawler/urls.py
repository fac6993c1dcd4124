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

import functools
import re
from urllib.parse import urljoin, urlsplit, urlunsplit

from lxml import etree
from lxml import html as lxml_html
from w3lib.url import canonicalize_url, url_query_cleaner

# courlan's tracker rule (courlan.clean.TRACKERS_RE, drawn from ClearURLs and Firefox's query stripping), copied:
# importing courlan imports all of it (its URL filters, network and language code: a tenth of a second of a
# crawl's start) for this one pattern, and stored keys must not change when courlan does (a re-keying migration
# must). tests/test_urls.py fails when courlan's pattern is no longer this one.
TRACKERS_RE = re.compile(
    r"^(?:dc|fbc|gc|twc|yc|ysc)lid|"
    r"^(?:click|gbra|msclk|igsh|partner|wbra)id|"
    r"^(?:ads?|mc|ga|gs|itm|mc|mkt|ml|mtm|oly|pk|utm|vero)_|"
    r"(?:\b|_)(?:aff|affi|affiliate|campaign|cl?id|eid|ga|gl|"
    r"kwd|keyword|medium|ref|referr?er|session|source|uid|xtor)"
)
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
_DOUBLED_SLASH = re.compile(r"/{2,}")


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
    plain = _PLAIN_URL.match(url)
    if plain is not None:
        # Most discovered addresses are plain (see _PLAIN_URL): w3lib leaves their path as it is, so only the
        # host (per host, cached) and Pantau's path rules have work to do. The same result as the full way,
        # checked over the demo site's, the bench sites' and the tests' URLs (tests/test_urls_fast_paths.py).
        origin = _plain_origin(plain[1], plain[2])
        path = _variant_free_path(plain[3] or "/")
        if origin is not None and path.startswith("/") and not (("/." in path or ";" in path)
                                                                and _MAY_CHANGE_AGAIN.search(path)):
            return origin + path
    return _normalize_fully(url)


def _normalize_fully(url: str) -> str:
    """:func:`normalize_url` without the plain-URL fast path (its definition; the tests compare the two)."""
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
# A URL that canonicalize_url leaves as it is apart from its scheme and host: a lower-case http(s) scheme, an
# ASCII host (a port or not, no user info), a path of segments of unreserved characters that start with none of
# "." (so no "." or ".." segment) and no empty segment; no percent-escape, ";" parameter, query or fragment.
_PLAIN_URL = re.compile(r"(https?)://([A-Za-z0-9.-]+(?::[0-9]*)?)((?:/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*/?)\Z")


@functools.lru_cache(maxsize=1024)
def _plain_origin(scheme: str, netloc: str) -> str | None:
    """``scheme://host[:port]`` as :func:`_normalize_once` writes it for every URL of ``scheme`` and ``netloc``
    (its host handling reads nothing else); None sends the URL the full way (no host, a port out of range)."""
    root = f"{scheme}://{netloc}/"
    try:
        if not site_host(root):
            return None
        normalized = _normalize_once(root)
    except ValueError:
        return None
    return normalized[:-1] if normalized.endswith("/") else None


def _variant_free_path(path: str) -> str:
    """Pantau's path rules: no AMP segment or suffix, no index page, no doubled or trailing "/". (Each rule's
    regex runs only when the path holds the text it cannot match without: most paths hold none.)"""
    path = (_AMP_SEGMENT.sub("", path) if "amp" in path else path) or "/"
    if ".amp" in path:
        path = _AMP_SUFFIX.sub("", path)
    if "index." in path or "default." in path:
        path = _INDEX_PAGE.sub("/", path)
    if "//" in path:
        path = _DOUBLED_SLASH.sub("/", path)
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    return path


def _normalize_once(url: str) -> str:
    # Percent-encoding, IDNA, sorted query arguments (blank values kept), no fragment: w3lib.
    parts = urlsplit(canonicalize_url(url))
    scheme = parts.scheme.lower() or "http"
    port = parts.port
    netloc = site_host(urlunsplit((scheme, parts.netloc, "", "", "")))
    if port is not None and (scheme, port) not in {("http", 80), ("https", 443)}:
        netloc = f"{netloc}:{port}"

    path = _variant_free_path(parts.path)

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
