"""Figure captions: taken out of the tree (they are not body text) and kept apart, marked ones
(``figcaption``, caption classes) and the unmarked short text in a box that otherwise holds one image.
"""

from __future__ import annotations

from lxml.html import HtmlElement

from crawler.extract.boilerplate import _VIEW_COUNT
from crawler.extract.tree import _remove, _text_of


def _take_captions(tree: HtmlElement) -> list[str]:
    """Remove figure captions from ``tree`` (they are not body text) and return their text."""
    captions: list[str] = []
    for element in tree.xpath(
        # (WordPress's "wp-caption-text" holds "caption": the one test covers it)
        "//body//figcaption | //body//*[contains(@class, 'caption') or contains(@class, 'keterangan')][not(self::body)]"
    ):
        if element.getparent() is None or element.xpath(".//p[string-length(normalize-space()) > 300]"):
            continue
        text = _text_of(element)
        if text and len(text) < 600 and not _VIEW_COUNT.search(text):  # not an item of a "most read" list
            if text not in captions:
                captions.append(text)
            _remove(element)
    # An unmarked caption: the one short text in a box that otherwise holds just an image.
    for image in tree.xpath("//body//img"):
        box = image.getparent()
        if box is not None and box.tag == "a" and not _text_of(box):
            box = box.getparent()
        if box is None or box.tag not in ("div", "figure", "span") or len(box) > 4 or box.getparent() is None:
            continue
        texts = [child for child in box if child.tag in ("p", "span", "div", "small") and _text_of(child)]
        if len(texts) != 1 or len(box.xpath(".//img")) != 1 or box.xpath(".//a[normalize-space()] | .//h1 | "
                                                                       ".//h2 | .//h3 | .//h4"):
            continue
        text = _text_of(texts[0])
        if 15 <= len(text) < 400 and _text_of(box) == text:
            if text not in captions:
                captions.append(text)
            _remove(texts[0])
    return captions
