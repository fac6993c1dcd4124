"""Multi-page stories: the URLs of pages 2..N (numbered links, page parameters and suffixes, a lone "next"
link), or the single-page view when the page offers one. Cheap: lxml only.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urljoin, urlsplit

from lxml.html import HtmlElement

from crawler.extract.tree import _text_of, parse_html
from crawler.urls import normalize_url, same_site

_PAGE_PARAM = re.compile(r"^(?:page|halaman|hal|pg|paged)$", re.IGNORECASE)
_PAGE_LINK_TEXT = re.compile(r"^\s*(?:halaman\s*|hal\.?\s*|page\s*)?(\d{1,2})\s*$", re.IGNORECASE)
_SHOW_ALL = re.compile(r"[?&](?:page|halaman|showpage)=all\b|[?&]single=1\b|/all/?$", re.IGNORECASE)
_SHOW_ALL_TEXT = re.compile(r"tampilkan\s+semua|lihat\s+semua\s+halaman|baca\s+(?:dalam\s+)?satu\s+halaman|"
                            r"single\s+page|show\s+all|tampilan\s+penuh|baca\s+full|semua\s+halaman", re.IGNORECASE)


def is_single_page_url(url: str) -> bool:
    """True for the single-page view of a multi-page story ("?page=all", "?single=1", ".../all"), the kind of URL
    :func:`find_continuation_pages` returns alone: fetch it instead of pages 2..N and extract it as the story."""
    return bool(_SHOW_ALL.search(url.split("#")[0]))


def _page_number(candidate: str, base: str) -> int | None:
    """The page number ``candidate`` adds to the story at ``base`` (same path, a page parameter or suffix)."""
    cand, origin = urlsplit(candidate), urlsplit(base)
    if not same_site(candidate, base):
        return None
    for key, value in parse_qsl(cand.query):
        if _PAGE_PARAM.match(key) and value.isdigit() and cand.path.rstrip("/") == origin.path.rstrip("/"):
            return int(value)
    base_path = origin.path.rstrip("/")
    path = cand.path.rstrip("/")
    match = re.fullmatch(re.escape(base_path) + r"(?:/|-|/halaman-?|/page/?)(\d{1,2})", path)
    if match:
        return int(match.group(1))
    return None


def find_continuation_pages(html: str | bytes | HtmlElement, url: str) -> list[str]:
    """URLs of pages 2..N of a multi-page story, or just its single-page ("?page=all") URL when it offers one.

    Cheap (lxml only). An empty list means the story fits on this page. When the page only links the next
    page (no numbered list), that one URL is returned.
    """
    tree = parse_html(html)
    if tree is None:
        return []
    base = normalize_url(url)
    # A continuation shares the story's path (plus a page parameter or suffix), so an absolute href without
    # that path cannot be one: skip it before the costly URL work (a page has hundreds of navigation links).
    story_path = urlsplit(url).path.rstrip("/")
    pages: dict[int, str] = {}
    for anchor in tree.iter("a"):
        href = anchor.get("href")
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        if story_path and href.startswith(("/", "http")) and story_path not in href:
            continue
        try:
            target = urljoin(url, href.strip())
            same_story = normalize_url(target) == base
            number = _page_number(target, url)
        except ValueError:
            continue  # an address no URL parser reads ("http://[broken", a port "80x") leads to no page
        if not same_story and not number:
            continue
        text = _text_of(anchor)
        if _SHOW_ALL.search(target) or (_SHOW_ALL_TEXT.search(text) and same_story):
            return [target.split("#")[0]]
        if number and number >= 2:
            pages.setdefault(number, target.split("#")[0])
    if not pages:
        for anchor in tree.xpath("//article//a[@rel='next'] | //*[contains(@class,'content') or "
                                 "contains(@class,'article')]//a[@rel='next']"):
            href = anchor.get("href")
            if href:
                try:
                    target = urljoin(url, href.strip())
                    next_page = same_site(target, url) and target.split("#")[0] != url
                except ValueError:
                    continue
                if next_page:
                    return [target.split("#")[0]]
        return []
    current = _page_number(url, url) or 1
    return [pages[number] for number in sorted(pages) if number > current]
