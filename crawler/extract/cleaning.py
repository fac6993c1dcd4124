"""The tree before trafilatura reads it: scripts and embeds out, inline "Baca juga" links and related boxes taken
out (their titles kept), link lists and teasers of other stories dropped, a story split by ad slots joined, loose
story text wrapped into paragraphs (:func:`_prepare_for_trafilatura` runs them in order).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from lxml import etree
from lxml.html import HtmlElement

from crawler.extract.boilerplate import _READ_ALSO_TEXT, _RELATED_BOX
from crawler.extract.captions import _take_captions
from crawler.extract.facts import _canonical_url
from crawler.extract.tree import _INLINE, _NOT_HEADLINE_PLACES, _STOP_ASCENT, _remove, _text_of
from crawler.urls import canonical_url


def _drop_scripts(tree: HtmlElement) -> None:
    """Remove scripts (JSON-LD kept: htmldate reads it), styles and embedded social-media posts (a quoted tweet
    is not the story's text), so that text lengths count only the page's own visible text."""
    for element in tree.xpath(
            "//script[not(contains(@type, 'ld+json'))] | //style | //blockquote[contains(@class, 'twitter-tweet') "
            "or contains(@class, 'instagram-media') or contains(@class, 'tiktok-embed') or "
            "contains(@class, 'twitter-video')]"):
        _remove(element)


def _take_related(tree: HtmlElement) -> list[str]:
    """Remove inline "Baca juga" links and related-link boxes from ``tree``; return the linked titles."""
    related: list[str] = []
    doomed: list[HtmlElement] = []
    for text_node in tree.xpath("//body//text()"):
        if len(text_node) > 400 or not _READ_ALSO_TEXT.match(text_node):
            continue
        element = text_node.getparent()
        if element is not None and text_node.is_tail:
            element = element.getparent()
        if element is None or element.tag in ("script", "style", "title", "noscript"):
            continue
        # Climb to the smallest block that holds the label and its links, never a whole story.
        for _ in range(5):
            parent = element.getparent()
            if parent is None or parent.tag in _STOP_ASCENT:
                break
            if len(_text_of(parent)) > 400 or len(parent.xpath(".//p")) > 3:
                break
            element = parent
        if element.tag in _STOP_ASCENT or len(_text_of(element)) > 600:
            continue
        doomed.append(element)
    for element in tree.xpath("//body//*[self::div or self::aside or self::section or self::ul or self::p]"
                              "[@class or @id]"):
        marker = f"{element.get('class', '')} {element.get('id', '')}"
        if _RELATED_BOX.search(marker) and element.tag not in _STOP_ASCENT:
            text = _text_of(element)
            # A long box only when it reads like teasers (several links, no story-sized paragraph).
            if not element.xpath(".//h1") and (len(text) < 1500 or len(text) < 5000 and len(
                    element.xpath(".//a[@href]")) >= 3 and not element.xpath(
                    ".//p[string-length(normalize-space()) > 300]")):
                doomed.append(element)
    seen: set[int] = set()
    for element in doomed:
        if id(element) in seen or element.getparent() is None:
            continue
        for anchor in element.iter("a"):
            title = _text_of(anchor)
            if len(title) > 12 and title not in related and not _READ_ALSO_TEXT.match(title):
                related.append(title)
        if not list(element.iter("a")):
            label = _READ_ALSO_TEXT.sub("", _text_of(element)).strip(" :")
            if len(label) > 12:
                related.append(label)
        for descendant in element.iter():
            seen.add(id(descendant))
        _remove(element)
    return related


def _drop_link_lists(tree: HtmlElement) -> None:
    """Remove lists whose items are nearly all links (latest-news, more-stories and index lists)."""
    for element in tree.xpath("//body//ul | //body//ol"):
        items = element.findall("li")
        if len(items) < 3 or element.getparent() is None:
            continue
        total = len(_text_of(element))
        if total == 0 or total > 4000:
            continue
        linked = sum(len(_text_of(anchor)) for anchor in element.iter("a"))
        if linked >= 0.75 * total:
            _remove(element)


def _drop_teasers(tree: HtmlElement, url: str) -> None:
    """Remove teasers of other stories: a small box whose heading is only a link to another page, followed by a
    short lead ("<h4><a href=…>Indonesia Darurat 4G?</a></h4><img>Kalau bukan sekarang, kapan lagi? …")."""
    here: set[str] | None = None
    for heading in list(tree.iter("h2", "h3", "h4", "h5", "h6")):
        anchors = heading.findall("a")
        if len(anchors) != 1 or not anchors[0].get("href"):
            continue
        heading_text = _text_of(heading)
        if _text_of(anchors[0]) != heading_text or len(heading_text) < 12:
            continue
        if here is None:
            here = {canonical_url(url).rstrip("/"), _canonical_url(url, tree).rstrip("/")}
        # Compared as canonical addresses: a link to this story's AMP, mobile or tracked twin is no teaser.
        try:
            target = canonical_url(urljoin(url, anchors[0].get("href", ""))).rstrip("/")
        except ValueError:
            continue  # an address no URL parser reads: not known to lead elsewhere, so the box stays
        box = heading.getparent()
        if target in here or box is None or box.tag in _STOP_ASCENT or box.getparent() is None:
            continue
        box_text = _text_of(box)
        lead = len(box_text) - len(heading_text)
        # The heading opens the box and a short lead follows it: a story's own box has its paragraphs around a
        # linked sub-heading.
        if box_text.startswith(heading_text) and 0 < lead < 400 and len(box.xpath(".//p")) <= 1 and \
                len(box.xpath(".//h1 | .//h2 | .//h3 | .//h4 | .//h5 | .//h6")) == 1:
            _remove(box)


# Class words of a story's body container, the ones trafilatura looks for first ("articleBody", "article__body",
# "entry-content" …); matched as whole class words.
_BODY_CONTAINER_CLASS = re.compile(
    r"(?:^|\s)(article[-_]{0,2}body|article[-_]?content|article[-_]?text|"
    r"(?:entry|post|story)[-_]?(?:content|body|text)|body[-_]text)(?=\s|$)", re.IGNORECASE)


def _join_split_story(tree: HtmlElement) -> None:
    """Join a story that ad slots split into several body containers of the same kind ("articleBody" × 3 on rp.pl)
    into the first: trafilatura reads the first container it finds and nothing after it. Containers are joined only
    inside one ``<article>`` (or none), with no ``<h1>`` between them (the next story of an endless page has its
    own), and never from a menu, sidebar, footer or list item."""
    groups: dict[str, list[HtmlElement]] = {}
    for element in tree.iter("div", "section", "article", "main"):
        match = _BODY_CONTAINER_CLASS.search(element.get("class") or "")
        kind = "itemprop" if element.get("itemprop") == "articleBody" else \
            re.sub(r"[-_]", "", match.group(1).lower()) if match else None
        if kind:
            groups.setdefault(kind, []).append(element)
    for containers in groups.values():
        outermost = [element for element in containers
                     if not any(ancestor in containers for ancestor in element.iterancestors())]
        articles = {next(element.iterancestors("article"), None) for element in outermost}
        if len(outermost) < 2 or len(articles) > 1 or any(
                ancestor.tag in _NOT_HEADLINE_PLACES for element in outermost[1:]
                for ancestor in element.iterancestors()):
            continue
        first, last = outermost[0], outermost[-1]
        if set(first.xpath("following::h1")) & set(last.xpath("preceding::h1")):
            continue  # another story's headline between them
        for container in outermost[1:]:
            if container.xpath(".//p"):
                _remove(container)  # its tail text stays where it was
                container.tail = None
                first.append(container)


def _paragraph_count(element: HtmlElement, children: list[HtmlElement]) -> int:
    """How many paragraph-sized (≥ 40 characters) runs of loose text and block children ``element`` holds."""
    count = 0
    run = len((element.text or "").strip())
    previous_br = False
    for child in children:
        if child.tag == "br" and not previous_br:
            previous_br = True
        elif isinstance(child.tag, str) and child.tag in _INLINE:
            run += len(child.text_content().strip())
            previous_br = False
        else:
            count += run >= 40
            run = 0
            previous_br = False
            if child.tag in ("p", "div", "blockquote") and len(child.text_content().strip()) >= 40:
                count += 1
        if (child.tail or "").strip():
            if previous_br and child.tag == "br" and run and child.getprevious() is not None \
                    and child.getprevious().tag == "br":
                count += run >= 40
                run = 0
            run += len(child.tail.strip())
            previous_br = False
    return count + (run >= 40)


def _wrap_loose_text(tree: HtmlElement) -> None:
    """Put story text that sits loose in a container (``<div>Lead …<br><br>Next …<p>…</p></div>``) into ``<p>``s.

    Many CMSs write the lead paragraph, or the whole story, as text and ``<br>``s directly inside a ``<div>`` or
    ``<span>``; trafilatura drops such leading text. Runs of text and inline elements become one paragraph each,
    split at a double ``<br>`` and at block elements.
    """
    for element in list(tree.iter("div", "span", "td", "section", "article", "center")):
        children = list(element)
        loose = len((element.text or "").strip()) + sum(len((child.tail or "").strip()) for child in children)
        if loose < 40 or not children:
            continue
        if _paragraph_count(element, children) < 2:
            continue  # a lone teaser or caption beside an image is not a story: leave it to trafilatura
        # Beside <p> siblings the runs become <p>s; among text-only <div>s (another common way to write a
        # story) they become <div>s, so that trafilatura treats them all alike.
        wrapper = "p" if any(child.tag == "p" for child in children) else "div"
        text = element.text
        element.text = None
        for child in children:
            element.remove(child)
        paragraph: HtmlElement | None = None

        def add_text(value: str | None) -> None:
            nonlocal paragraph
            if not value or (paragraph is None and not value.strip()):
                return
            if paragraph is None:
                paragraph = etree.SubElement(element, wrapper)
            if len(paragraph):
                paragraph[-1].tail = (paragraph[-1].tail or "") + value
            else:
                paragraph.text = (paragraph.text or "") + value

        add_text(text)
        for child in children:
            tail, child.tail = child.tail, None
            if child.tag == "br":
                if paragraph is not None and len(paragraph) and paragraph[-1].tag == "br" and \
                        not (paragraph[-1].tail or "").strip():
                    paragraph.remove(paragraph[-1])
                    paragraph = None
                elif paragraph is not None:
                    paragraph.append(child)
            elif isinstance(child.tag, str) and child.tag in _INLINE:
                if paragraph is None:
                    paragraph = etree.SubElement(element, wrapper)
                paragraph.append(child)
            else:
                paragraph = None
                element.append(child)
            add_text(tail)
        for made in element.findall(wrapper):
            while len(made) and made[-1].tag == "br" and not (made[-1].tail or "").strip():
                made.remove(made[-1])


def _prepare_for_trafilatura(tree: HtmlElement, url: str) -> tuple[list[str], list[str]]:
    """Take out of ``tree`` what is not the story's text, before trafilatura reads it: scripts, related links
    (returned), captions (returned), link lists, teasers of other stories; and wrap loose story text."""
    _drop_scripts(tree)
    related = _take_related(tree)
    captions = _take_captions(tree)
    _drop_link_lists(tree)
    _drop_teasers(tree, url)
    _join_split_story(tree)
    _wrap_loose_text(tree)
    return related, captions
