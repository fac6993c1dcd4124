"""Multi-page stories: the URLs of pages 2..N (numbered links, page parameters and suffixes, a lone "next"
link), or the single-page view when the page offers one. Cheap: lxml only. The URL rules are
:mod:`crawler.story_pages`'s, shared with the crawl's first look at the raw markup.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from crawler.extract.tree import _text_of, parse_html
from crawler.story_pages import (  # noqa: F401 - re-exported
    _SHOW_ALL, _SHOW_ALL_TEXT, _page_number, is_single_page_url, is_story_link_candidate)
from crawler.urls import normalize_url, same_site

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
        if not is_story_link_candidate(href, story_path):
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
