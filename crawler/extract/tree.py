"""The parsed page and what every step shares: :func:`parse_html` (one lxml tree per page, read by every step),
the one-line :class:`ExtractionError`, text helpers (an element's text, a normalised title key) and the tag sets
that say where a story's block ends.
"""

from __future__ import annotations

import re
import unicodedata

from lxml.html import HtmlElement
from trafilatura.utils import load_html


class ExtractionError(ValueError):
    """Nothing usable could be read from a page; ``str(error)`` is one line naming the URL."""


_STOP_ASCENT = {"body", "article", "main", "html"}
_HEADINGS = {"h1", "h2", "h3", "h4"}
_NOT_HEADLINE_PLACES = {"nav", "li", "footer", "aside", "select"}


def parse_html(html: str | bytes | HtmlElement) -> HtmlElement | None:
    """The lxml tree of a page (bytes are decoded the way trafilatura does it)."""
    if isinstance(html, HtmlElement):
        return html
    return load_html(html)


def _text_of(element: HtmlElement) -> str:
    return re.sub(r"\s+", " ", element.text_content()).strip()


def _remove(element: HtmlElement) -> None:
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail and tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


# Inline tags: text inside them belongs to the paragraph around them.
_INLINE = {"a", "b", "strong", "i", "em", "u", "span", "font", "sup", "sub", "small", "big", "abbr", "cite", "q",
           "mark", "s", "strike", "code", "time", "tt", "ins", "del", "label"}


def _normalize_title(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().casefold()
