"""The story's text: trafilatura's reading of the prepared tree with the sub-headings it dropped put back, then
cleaned line by line (boilerplate, bylines, date-led index lines, links to other stories, page furniture), and the
pages of a multi-page story stitched together.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from lxml import etree
from lxml.html import HtmlElement
from trafilatura import bare_extraction
from trafilatura.settings import Document

from crawler.extract.boilerplate import (
    _BOILERPLATE_EXACT,
    _BOILERPLATE_START,
    _BY_LINE,
    _BYLINE_LINE,
    _DATE_LED_LINE,
    _DAY_AND_TIME,
    _INLINE_READ_ALSO,
    _READ_ALSO_TEXT,
    _TRAILING_URL,
    _VIEW_COUNT,
)
from crawler.extract.cleaning import _prepare_for_trafilatura
from crawler.extract.title import _title_key
from crawler.extract.tree import _normalize_title, _text_of, parse_html

_LIST_MARK = re.compile(r"^[-•·*]\s*")
_DATE_PREFIX = re.compile(
    r"^(?:(?:senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad|mon|tue|wed|thu|fri|sat|sun)[a-z]*\s*,?\s*)?"
    + _DAY_AND_TIME + r"[\s|•·-]*",
    re.IGNORECASE,
)


def _link_texts(tree: HtmlElement) -> set[str]:
    """The normalised texts of the page's links that are long enough to be headlines of other stories."""
    texts: set[str] = set()
    for anchor in tree.iter("a"):
        text = _normalize_title(anchor.text_content())
        if len(text) >= 15 and text.count(" ") >= 2:  # a headline, not an address shown as a link
            texts.add(text)
    return texts


def _link_share(text: str, link_texts: set[str]) -> float:
    """How much of ``text`` is made of other pages' link texts (teaser and index blocks)."""
    flat = _normalize_title(text)
    if not flat:
        return 0.0
    return min(1.0, sum(len(link) * flat.count(link) for link in link_texts if link in flat) / len(flat))


_LINK_LABEL = re.compile(r"^[^:|»]{2,40}[:|»]\s*")


def _is_link_line(line: str, link_texts: set[str]) -> bool:
    """True for a line that is only a link to another page (an index or "more news" item), date or bullet aside,
    also behind a short label in any language ("Baca juga: …", "READ ANOTHER STORY HERE | …")."""
    bare = _DATE_PREFIX.sub("", _LIST_MARK.sub("", line)).strip()
    if _normalize_title(bare) in link_texts:
        return True
    unlabelled = _LINK_LABEL.sub("", bare, count=1)
    return unlabelled != bare and _normalize_title(unlabelled) in link_texts


_SENTENCE_END = re.compile(r"[.!?…:;\"”’'»)\]。！？]\s*$")


def _is_prose(line: str) -> bool:
    """A line that reads as running text: long, or a sentence of several words."""
    items = re.split(r"\s*[·•|]\s*", line)
    if len(items) >= 4 and all(len(item) <= 30 for item in items):
        return False  # a menu: "Blog · Forum · Sindikasi · …"
    # Scripts written without spaces (Chinese, Japanese, Thai) count by characters.
    words = len(line.split()) if " " in line else len(line) // 4
    return len(line) >= 100 or words >= 5 and bool(_SENTENCE_END.search(line))


def _clean_text(text: str, title: str | None = None, link_texts: set[str] | None = None,
                headline: str | None = None) -> tuple[str, list[str]]:
    """The story text without boilerplate lines; also the related titles found in removed lines.

    ``link_texts`` (see :func:`_link_texts`): lines that are only the text of a link are dropped.
    """
    title_keys = {_normalize_title(value) for value in (title, headline) if value}
    kept: list[str] = []
    related: list[str] = []
    lines = [re.sub(r"[ \t\u00a0]{2,}", " ", line).strip() for line in text.split("\n")]
    counts: dict[str, int] = {}
    for line in lines:
        if len(line) >= 15:
            counts[line] = counts.get(line, 0) + 1
    for stripped in lines:
        if not stripped or not re.search(r"[^\W\d_]", stripped):
            continue  # empty list items, lone numbers and punctuation
        if counts.get(stripped, 0) >= 3:
            continue  # a placeholder repeated for every embed ("External content not available")
        normalized = _normalize_title(stripped)
        if normalized in title_keys or len(kept) < 3 and any(
                normalized.endswith(key) and len(normalized) - len(key) <= 30
                and not re.search(r"\d", normalized[:-len(key)]) for key in title_keys):
            continue  # the headline, also with a kicker before it ("In Picture: …"), not with a dateline
        if _normalize_title(_TRAILING_URL.sub("", stripped)) in title_keys:
            continue  # the headline and the story's address: a share widget
        counted = _VIEW_COUNT.search(stripped)
        if counted and counted.start() > 0 and len(stripped) < 200:
            related.append(stripped[:counted.start()].strip())
            continue  # an item of a "most read" list, its reading counter glued to the headline
        if link_texts and _is_link_line(stripped, link_texts):
            related.append(_DATE_PREFIX.sub("", _LIST_MARK.sub("", stripped)).strip())
            continue
        if _BOILERPLATE_EXACT.match(stripped) or len(stripped) < 160 and (
                _BYLINE_LINE.match(stripped) or _DATE_LED_LINE.match(stripped) or _BY_LINE.match(stripped)):
            continue
        if _BOILERPLATE_START.match(stripped):
            if _READ_ALSO_TEXT.match(stripped):
                title = _READ_ALSO_TEXT.sub("", stripped).strip(" :-–")
                if len(title) > 12:
                    related.append(title)
            continue
        inline = _INLINE_READ_ALSO.search(stripped)
        if inline and inline.start() > 40:
            related.append(stripped[inline.start():].split(":", 1)[1].strip())
            stripped = stripped[:inline.start()].rstrip()
        kept.append(stripped)
    while kept and len(kept[-1]) < 60 and kept[-1].endswith(":"):
        kept.pop()  # a label whose list was removed ("FOTO TERKAIT:", "Related:")
    if any(_is_prose(line) for line in kept):
        # Short labels before the first sentence and after the last one are page furniture ("FotoBisnis",
        # "MustRead", "close"); sub-headings between paragraphs stay. A closing credit "(ant/adv)" stays.
        while kept and not _is_prose(kept[0]):
            kept.pop(0)
        while kept and not _is_prose(kept[-1]) and not re.fullmatch(r"\(.{1,80}\)", kept[-1]):
            kept.pop()
    return "\n".join(kept), related


def _stitch(first: str, others: list[str]) -> str:
    """Join the texts of a story's pages, dropping lines repeated on every page (lead-ins, footers)."""
    lines = first.split("\n")
    seen = set(lines)
    for text in others:
        for line in text.split("\n"):
            if line and line not in seen:
                lines.append(line)
                seen.add(line)
    return "\n".join(lines)


class _Subheading(NamedTuple):
    """A sub-heading standing between two paragraphs of the page, with their texts."""

    text: str
    before: str
    after: str


def _subheadings(tree: HtmlElement) -> list[_Subheading]:
    """The ``<h2>``–``<h4>``s set between two ``<p>``s: the story's sub-headings. One that links elsewhere is a
    teaser; boilerplate set as a heading ("Baca juga: …") goes with the rest in :func:`_clean_text`."""
    found = []
    for heading in tree.iter("h2", "h3", "h4"):
        # Elements only: a comment between heading and paragraph is not a sibling that counts.
        before = next(heading.itersiblings(etree.Element, preceding=True), None)
        after = next(heading.itersiblings(etree.Element), None)
        if before is None or after is None or before.tag != "p" or after.tag != "p" or \
                heading.find(".//a") is not None:
            continue
        subheading = _Subheading(_text_of(heading), _text_of(before), _text_of(after))
        if all(subheading) and len(subheading.text) <= 200:
            found.append(subheading)
    return found


def _restore_subheadings(text: str, subheadings: list[_Subheading]) -> str:
    """Put back the sub-headings trafilatura left out between two paragraphs it kept. Without an article container
    it recognises, trafilatura collects the page's paragraphs only ("Darum wartet Kiew ab" on a DW page)."""
    lines = text.split("\n")
    line_at = {_title_key(line): index for index, line in enumerate(lines)}
    insertions = []
    for subheading in subheadings:
        index = line_at.get(_title_key(subheading.after))
        if index and _title_key(lines[index - 1]) == _title_key(subheading.before) and \
                _title_key(subheading.text) not in line_at:
            insertions.append((index, subheading.text))
    for index, heading in sorted(insertions, reverse=True):
        lines.insert(index, heading)
    return "\n".join(lines)


# trafilatura's fallback extractors (jusText, readability) compare each short block with its neighbours one by one,
# so on a page of thousands of tiny blocks they grow with the square of their number (2,500 tiny paragraphs: 1.2 s,
# 10,000: 22 s). Above this many blocks only trafilatura's main extractor runs ("fast"); the reference pages have at
# most 2,529 once prepared. The blocks are the tags jusText makes paragraphs of.
_FALLBACK_MAX_BLOCKS = 3000
_FALLBACK_BLOCKS = ("body", "blockquote", "caption", "center", "col", "colgroup", "dd", "div", "dl", "dt", "fieldset",
                    "form", "legend", "optgroup", "option", "p", "pre", "table", "td", "textarea", "tfoot", "th",
                    "thead", "tr", "ul", "li", "h1", "h2", "h3", "h4", "h5", "h6")


def _extract_text(tree: HtmlElement, url: str) -> Document | None:
    """trafilatura's reading of the prepared page, its text with the story's sub-headings."""
    subheadings = _subheadings(tree)
    blocks = sum(1 for _ in tree.iter(*_FALLBACK_BLOCKS))
    document = bare_extraction(tree, url=url, fast=blocks > _FALLBACK_MAX_BLOCKS)
    if document is not None and document.text and subheadings:
        document.text = _restore_subheadings(document.text, subheadings)
    return document


def _page_text(html: str | bytes, url: str, title: str | None) -> str:
    tree = parse_html(html)
    if tree is None:
        return ""
    _prepare_for_trafilatura(tree, url)
    document = _extract_text(tree, url)
    if document is None or not document.text:
        return ""
    return _clean_text(document.text, title, _link_texts(tree))[0]
