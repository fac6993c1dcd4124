"""The byline zone and the people in it: the texts around the headline element (inside its block, just before it,
further on; never the page header or menus), and the authors and editors from JSON-LD, trafilatura, that zone or a
credit at the end of the text.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from lxml.html import HtmlElement

from crawler.bylines import byline_text, parse_byline, split_names, unique_names, unique_people
from crawler.extract.facts import _jsonld_value, _PageFacts
from crawler.extract.sitenames import _is_site_segment
from crawler.extract.tree import _STOP_ASCENT


def _names_of(value: Any) -> list[str]:
    if isinstance(value, str):
        return split_names(value)
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, list):
            return [str(item) for item in name]
        return split_names(str(name)) if name else []
    if isinstance(value, list):
        return [name for item in value for name in _names_of(item)]
    return []


def _headline_block(headline: HtmlElement) -> HtmlElement | None:
    """The block the headline stands in with its byline: its parent's parent (or parent), never <body>."""
    block = headline.getparent()
    if block is not None and block.tag not in _STOP_ASCENT and \
            block.getparent() is not None and block.getparent().tag not in ("body", "html"):
        block = block.getparent()
    return None if block is None or block.tag in ("body", "html") else block


class _HeadlineTexts(NamedTuple):
    """The texts around the headline where its byline and date are, read once per page: ``near``, texts after it
    inside its block; ``before``, up to three just before it inside the block (a date line set above the
    headline, never the page header); ``far``, the other texts that follow within 40 (sidebars among them)."""

    near: list[str]
    before: list[str]
    far: list[str]

    @property
    def after(self) -> list[str]:
        return self.near + self.far


def _headline_texts(headline: HtmlElement | None) -> _HeadlineTexts:
    if headline is None:
        return _HeadlineTexts([], [], [])
    block = _headline_block(headline)

    def inside(node: Any) -> bool:
        parent = node.getparent()
        return block is not None and parent is not None and (parent is block or block in parent.iterancestors())

    near: list[str] = []
    far: list[str] = []
    for node in headline.xpath("following::text()[normalize-space()][position() <= 40]"):
        parent = node.getparent()
        if parent is not None and parent.tag in ("script", "style"):
            continue
        (near if inside(node) and len(near) < _NEAR_HEADLINE and not far else far).append(str(node).strip())
    for element in headline.xpath("following::time[position() <= 3]"):
        if element.get("datetime"):
            in_block = block is not None and block in element.iterancestors()
            (near if in_block else far).insert(0, element.get("datetime"))
    before = [str(node).strip() for node in headline.xpath("preceding::text()[normalize-space()][position() <= 3]")
              if inside(node) and node.getparent().tag not in ("script", "style")
              and not _in_page_chrome(node.getparent())]
    return _HeadlineTexts(near, before, far)


# Class or id words of page chrome, matched as whole words ("abmenu" holds a story on one Indonesian portal).
_CHROME_CLASS = re.compile(r"(?:^|\s)(?:top-?bar|top-?header|navbar|nav|menu|main-?menu|today|site-?header|masthead|"
                           r"breadcrumbs?)(?:$|\s|[-_])", re.IGNORECASE)


def _in_page_chrome(element: HtmlElement) -> bool:
    """Whether ``element`` is part of the page's own header, menus or top bar (where today's date is shown),
    not of the story: a <nav>, a <header> outside any <article>, or a top-bar/menu/masthead class."""
    for node in (element, *element.iterancestors()):
        if node.tag == "nav" or _CHROME_CLASS.search(f"{node.get('class') or ''} {node.get('id') or ''}"):
            return True
        if node.tag == "header" and not any(above.tag in ("article", "main") for above in node.iterancestors()):
            return True
    return False


# Texts this close after the headline, inside its block, are its byline.
_NEAR_HEADLINE = 12


def _authors(facts: _PageFacts, trafilatura_author: str | None, after_headline: list[str], text: str,
             site_words: set[str]) -> tuple[list[str], list[str]]:
    # Names the publisher declared (JSON-LD) are kept as written, wire agencies included; names guessed
    # from page text must look like people.
    declared = unique_names(_names_of(_jsonld_value(facts, "author")))
    declared = [name for name in declared if not re.fullmatch(r"[a-z]{1,4}", name)] or declared
    candidates = split_names(trafilatura_author or "")
    if declared and all(_is_site_segment(name, site_words) for name in declared):
        # JSON-LD names only the publisher ("Krautreporter") while the meta tags name a person: take the person.
        people = [name for name in unique_people(candidates)
                  if len(name.split()) >= 2 and not _is_site_segment(name, site_words)]
        declared = [] if people else declared
    candidates = [] if declared else candidates
    byline_authors, editors = parse_byline(byline_text(after_headline[:25]))
    if byline_authors and all(_is_site_segment(name, site_words) for name in declared + candidates):
        declared, candidates = [], []  # the publisher named as author, a person in the byline under the headline
    tail_authors, tail_editors = parse_byline(text[-300:]) if re.search(
        r"(?:penulis|reporter|pewarta|editor|redaktur|koresponden|kontributor)\s*:", text[-300:], re.I) \
        else ([], [])
    authors = declared or unique_people(candidates) or byline_authors or tail_authors
    editors = unique_people(editors + tail_editors)
    editor_keys = {name.casefold() for name in editors}
    authors = [name for name in authors if name.casefold() not in editor_keys] or authors
    return authors, editors
