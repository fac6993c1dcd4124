"""The parsed page and what every step shares: :func:`parse_html` (one lxml tree per page, read by every step,
within the limits below), the one-line :class:`ExtractionError`, text helpers (an element's text, a normalised
title key) and the tag sets that say where a story's block ends.

Limits: a hostile or broken page must not cost tens of seconds (131k tiny paragraphs, one element with 100k
attributes). The 151 reference pages reach at most 2.2 MB, 4,098 elements, 59 attributes on one element and depth
34; the limits sit far above that, so that no real story is cut. Depth needs no limit of ours: libxml2's HTML
parser keeps at most 256 levels (deeper elements are dropped) while ``huge_tree`` is off, as it is in
trafilatura's parser.
"""

from __future__ import annotations

import logging
import re
import unicodedata

from lxml import etree
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HTMLParser, HtmlProcessingInstruction, fromstring
from trafilatura.utils import decode_file, is_dubious_html, repair_faulty_html

logger = logging.getLogger(__name__)

# Characters (or bytes) of markup parsed: the crawl's DOWNLOAD_MAXSIZE, so that saved and piped pages get no more.
MAX_HTML_SIZE = 8 * 1024 * 1024
# Attributes kept on one start tag. libxml2 checks each attribute against the tag's earlier ones, so the parse
# grows with the square of their number (40k attributes: 34 s); those after the limit are dropped before parsing.
MAX_ATTRIBUTES = 256
# Elements kept, in document order; the rest of the page is dropped. Every step walks the tree, some more than
# once, and trafilatura's own passes grow faster than linearly (20k tiny paragraphs: 3.7 s, 50k: 36 s).
MAX_ELEMENTS = 20_000
# Characters kept of one text (an element's text or tail; not a script's): steps read an element's whole text, and
# its ancestors', so one giant text is read many times over (8 MB of words in one <div>: 34 s). A story's longest
# paragraph is a few thousand characters.
MAX_TEXT = 100_000

_ATTRIBUTE = r"""(?:\s+|(?<=["']))[^\s=<>"'/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s<>"']*))?"""
# A start tag with more attributes than the limit: group 1 is the tag name and its first MAX_ATTRIBUTES.
_CROWDED_TAG = rf"(<[A-Za-z][^\s/<>]*(?>{_ATTRIBUTE}){{{MAX_ATTRIBUTES}}})(?>{_ATTRIBUTE})+"
_CROWDED_TAG_TEXT = re.compile(_CROWDED_TAG)
_CROWDED_TAG_BYTES = re.compile(_CROWDED_TAG.encode())


class ExtractionError(ValueError):
    """Nothing usable could be read from a page; ``str(error)`` is one line naming the URL."""


_STOP_ASCENT = {"body", "article", "main", "html"}
_HEADINGS = {"h1", "h2", "h3", "h4"}
_NOT_HEADLINE_PLACES = {"nav", "li", "footer", "aside", "select"}


def parse_html(html: str | bytes | HtmlElement) -> HtmlElement | None:
    """The lxml tree of a page (bytes are decoded the way trafilatura does it), within the limits: the first
    MAX_HTML_SIZE characters, MAX_ATTRIBUTES on a tag, MAX_ELEMENTS, MAX_TEXT characters in one text. A tree
    passed in is used as it is."""
    if isinstance(html, HtmlElement):
        return html
    tree = _load_html(_capped_markup(html))
    if tree is not None:
        _cap_tree(tree)
    return tree


# trafilatura's parser settings (trafilatura.utils.HTML_PARSER) with the element classes chosen in C. lxml.html's
# own lookup calls a Python method each time Python touches an element it has not wrapped yet (about 7,000 times a
# bench page between trafilatura and the steps here: a tenth of the extraction); here every element is a plain
# HtmlElement (lxml.html's FormElement, InputElement … are for filling in forms, which nothing here does).
_PARSER = HTMLParser(collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True,
                     remove_pis=True)
_PARSER.set_element_class_lookup(etree.ElementDefaultClassLookup(
    element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity))


def _load_html(markup: str | bytes) -> HtmlElement | None:
    """trafilatura.utils.load_html's reading of a page, step for step, with the parser above: the page decoded,
    checked for not being HTML at all, repaired, parsed as text, then as bytes if that fails."""
    markup = decode_file(markup)
    beginning = markup[:50].lower()
    dubious = is_dubious_html(beginning)
    markup = repair_faulty_html(markup, beginning)
    tree, bytes_tried = None, False
    try:
        tree = fromstring(markup, parser=_PARSER)
    except ValueError:  # "Unicode strings with encoding declaration are not supported."
        tree, bytes_tried = _from_bytes(markup), True
    except Exception as error:  # noqa: BLE001 - lxml's parse errors, logged as load_html logs them
        logger.error("lxml parsing failed: %s", error)
    if (tree is None or len(tree) < 1) and not bytes_tried:
        tree = _from_bytes(markup)
    if tree is not None and dubious and len(tree) < 2:
        logger.error("parsed tree length: %s, wrong data type or not valid HTML", len(tree))
        tree = None
    return tree


def _from_bytes(markup: str) -> HtmlElement | None:
    try:
        return fromstring(markup.encode("utf8", "surrogatepass"), parser=_PARSER)
    except Exception as error:  # noqa: BLE001 - as trafilatura.utils.fromstring_bytes
        logger.error("lxml parser bytestring %s", error)
    return None


def _capped_markup(html: str | bytes) -> str | bytes:
    """``html`` cut to MAX_HTML_SIZE, each start tag to its first MAX_ATTRIBUTES attributes."""
    if len(html) > MAX_HTML_SIZE:
        logger.debug("page of %d characters cut to %d before parsing", len(html), MAX_HTML_SIZE)
        html = html[:MAX_HTML_SIZE]
    if isinstance(html, str):
        return _CROWDED_TAG_TEXT.sub(r"\1", html)
    return _CROWDED_TAG_BYTES.sub(rb"\1", html)


def _cap_tree(tree: HtmlElement) -> None:
    """Cut texts longer than MAX_TEXT (not a script's); drop every element after the MAX_ELEMENTS-th in document
    order. Both are found by XPath, in C: a healthy page pays a fraction of a millisecond."""
    for text in tree.xpath(f"//text()[string-length() > {MAX_TEXT}][not(parent::script or parent::style)]"):
        parent = text.getparent()
        if text.is_tail:
            parent.tail = parent.tail[:MAX_TEXT]
        elif text.is_text:
            parent.text = parent.text[:MAX_TEXT]
    if tree.xpath("count(//node())") < MAX_ELEMENTS:
        return
    last = None
    for count, element in enumerate(tree.iter(), 1):
        if count == MAX_ELEMENTS:
            last = element
            break
    if last is None:
        return
    logger.debug("page cut to its first %d elements", MAX_ELEMENTS)
    for child in list(last):
        last.remove(child)
    node = last
    while (parent := node.getparent()) is not None:
        for sibling in list(node.itersiblings()):
            parent.remove(sibling)
        node = parent


def squash_spaces(text: str) -> str:
    """Runs of whitespace as one space, none at the ends: what ``re.sub(r"\\s+", " ", text).strip()`` gives,
    several times faster (str.split and the regex's class take the same characters for whitespace, str.isspace's;
    tests/test_extract_parsing.py checks every code point)."""
    return " ".join(text.split())


def _text_of(element: HtmlElement) -> str:
    return squash_spaces(element.text_content())


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
    return squash_spaces(unicodedata.normalize("NFKC", text)).casefold()
