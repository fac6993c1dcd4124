"""Multi-page stories, the part that needs no HTML parser: which URLs are pages of a story, and a first look at a
page's raw markup that says whether it can link further pages at all.

:func:`crawler.extract.find_continuation_pages` finds pages 2..N (or the single-page view) on the parsed page.
The crawl asked it for every article page on its reactor thread, which parsed each page with lxml and brought
the whole extraction stack (trafilatura, ~1 s to import) into the crawl process, for pages most of which link no
further page. :func:`may_link_continuation` finds the ``href`` values of the markup that function could follow
with regular expressions and applies the same rules to them; only a page it cannot rule out is parsed. It errs
towards "maybe": any ``rel`` holding "next", any ``href`` anywhere (not only in an ``<a>``) counts.
"""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urljoin, urlsplit

from crawler.urls import normalize_url, same_site

_PAGE_PARAM = re.compile(r"^(?:page|halaman|hal|pg|paged)$", re.IGNORECASE)
_PAGE_LINK_TEXT = re.compile(r"^\s*(?:halaman\s*|hal\.?\s*|page\s*)?(\d{1,2})\s*$", re.IGNORECASE)
_SHOW_ALL = re.compile(r"[?&](?:page|halaman|showpage)=all\b|[?&]single=1\b|/all/?$", re.IGNORECASE)
_SHOW_ALL_TEXT = re.compile(r"tampilkan\s+semua|lihat\s+semua\s+halaman|baca\s+(?:dalam\s+)?satu\s+halaman|"
                            r"single\s+page|show\s+all|tampilan\s+penuh|baca\s+full|semua\s+halaman", re.IGNORECASE)

# What may make find_continuation_pages follow a link, found by the C regex engine over the whole markup: a rel
# holding "next" (or an entity), and every href value. Case-sensitive on "href" and "rel", so that the engine
# searches for the literal (IGNORECASE made each scan ~30x slower); markup spelling them otherwise ("HREF=") is
# parsed.
_REL_NEXT = re.compile(r"""rel\s*=\s*["']?[^"'>]*(?:[nN][eE][xX][tT]|&)""")
_HREF = re.compile(r"""href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_HREF_NAME = re.compile(r"href\s*=")
_REL_NAME = re.compile(r"rel\s*=")
_ANCHOR_END = re.compile(r"</[aA]\s*>|<[aA][\s>]")
# Tags whose href find_continuation_pages never reads (it reads <a> only); any other tag counts as an anchor.
_NOT_ANCHOR = re.compile(r"<(?:link|meta|base|img|script|iframe|area|use|image|form|button|source|embed)[\s/]",
                         re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def is_single_page_url(url: str) -> bool:
    """True for the single-page view of a multi-page story ("?page=all", "?single=1", ".../all"), the kind of URL
    :func:`crawler.extract.find_continuation_pages` returns alone: fetch it instead of pages 2..N and extract it
    as the story."""
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


def is_story_link_candidate(href: str | None, story_path: str) -> bool:
    """find_continuation_pages' first rules on one ``href``: not empty, not a fragment, script or mail link, and
    within the story's path when it is root-relative or absolute (shared by the parser and the regex pre-check,
    which must agree)."""
    if not href or href.startswith(("#", "javascript:", "mailto:")):
        return False
    return not (story_path and href.startswith(("/", "http")) and story_path not in href)


def may_link_continuation(markup: str, url: str) -> bool:
    """False only when nothing in ``markup`` (the page at ``url``) can be a link that
    :func:`crawler.extract.find_continuation_pages` follows: then that function returns ``[]`` for the page.

    Looks at every ``href`` value the markup holds (anchors or not: a superset of the anchors lxml finds) that
    is relative, holds the story's path, or holds an entity, and applies that function's rules to it."""
    lowered = markup.lower()
    for name, pattern in (("href", _HREF_NAME), ("rel", _REL_NAME)):
        # Counting first: "Relawan" in a text makes the counts differ, an attribute only the patterns find
        if lowered.count(name) != markup.count(name) \
                and len(pattern.findall(lowered)) != len(pattern.findall(markup)):
            return True  # "HREF=", "Rel=": spelt in a way the case-sensitive patterns below do not see
    if _REL_NEXT.search(markup):
        return True  # a rel="next" link: the parser's fallback looks at it
    story_path = urlsplit(url).path.rstrip("/")
    base = None
    # (same story, page number) of each address met: a page links its share buttons and its own address several
    # times, and normalising an address is the costly step here
    readings: dict[str, tuple[bool, int | None]] = {}
    for found in _HREF.finditer(markup):
        href = found.group(1)
        if href is None:
            href = found.group(2) if found.group(2) is not None else found.group(3)
        # find_continuation_pages' cheap first rules, on the attribute as lxml gives it (entities read)
        if story_path and href.startswith(("/", "http")) and story_path not in href and "&" not in href:
            continue
        if "&" in href:
            href = html.unescape(href)
        if not is_story_link_candidate(href, story_path):
            continue
        try:
            target = urljoin(url, href.strip())
            if target not in readings:
                if base is None:
                    base = normalize_url(url)
                readings[target] = (normalize_url(target) == base, _page_number(target, url))
        except ValueError:
            continue
        same_story, number = readings[target]
        if not same_story and not number:
            continue
        if _SHOW_ALL.search(target) or (number and number >= 2):
            return True
        if same_story and not _NOT_ANCHOR.match(markup, markup.rfind("<", 0, found.start())) \
                and _SHOW_ALL_TEXT.search(_rough_text(markup, found.end())):
            return True
    return False


def _rough_text(markup: str, start: int) -> str:
    """The text after the attribute that ends at ``start``, up to the next ``</a>`` (or ``<a``), tags dropped and
    entities read: all the text of the anchor holding that attribute, and maybe more."""
    end = _ANCHOR_END.search(markup, start)
    inner = markup[start:end.start() if end else len(markup)]
    return re.sub(r"\s+", " ", html.unescape(_TAG.sub(" ", inner)))
