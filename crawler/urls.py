"""Canonical article URLs: the one address under which Pantau stores a story.

The same story reaches the crawler under many addresses: with tracking parameters (``utm_*``, ``fbclid`` …),
fragments, AMP twins (``/amp/``, ``?amp=1``, ``outputType=amp``), mobile hosts (``m.``), page parameters of a
multi-page story, ``index.html`` and ``www.`` or not. :func:`canonical_url` folds them into one stable key;
with the page's HTML it also follows ``<link rel=canonical>`` when that stays on the same site. It works on a
URL alone because the spider uses it to skip pages already stored before downloading them.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

from lxml import etree
from lxml import html as lxml_html

# Query parameters that never change what a page shows (tracking, share and AMP/page switches).
_DROPPED_PARAMS = {
    "fbclid", "gclid", "gclsrc", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid", "_ga", "_gl",
    "ref", "ref_src", "ref_url", "referrer", "spm", "cmpid", "ocid", "xtor",
    "share", "amp", "amp_js_v", "usqp", "outputtype", "page", "halaman", "showpage", "single", "_ref",
    "__twitter_impression", "wt_mc", "s_cid",
}
_DROPPED_PREFIXES = ("utm_", "at_", "pk_", "mtm_", "hsa_", "ga_")
# Host prefixes that name a variant of the same site rather than another site.
_VARIANT_HOST = re.compile(r"^(?:www\d?|m|mobile|amp|wap)\.(?=[^.]+\.[^.]+)")
_AMP_SEGMENT = re.compile(r"(?:^|/)amp(?=/|$)")
_AMP_SUFFIX = re.compile(r"\.amp(?=$|\.html?$)")
_INDEX_PAGE = re.compile(r"/(?:index|default)\.(?:html?|php|aspx?)$")
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
    parts = urlsplit(url)
    scheme = (parts.scheme or "http").lower()
    host = site_host(url)
    if not host:
        return url
    port = parts.port
    netloc = host if port is None or (scheme, port) in {("http", 80), ("https", 443)} else f"{host}:{port}"

    path = quote(unquote(parts.path), safe="/:@!$&'()*+,;=-._~%")
    path = _AMP_SEGMENT.sub("", path) or "/"
    path = _AMP_SUFFIX.sub("", path)
    path = _INDEX_PAGE.sub("/", path)
    path = re.sub(r"/{2,}", "/", path)
    if len(path) > 1:
        path = path.rstrip("/")

    kept = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True)
            if key.lower() not in _DROPPED_PARAMS and not key.lower().startswith(_DROPPED_PREFIXES)]
    kept.sort()
    return urlunsplit((scheme, netloc, path or "/", urlencode(kept, doseq=True), ""))


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
