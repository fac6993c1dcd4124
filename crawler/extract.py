"""Article extraction: one news page (or one multi-page story) in, one :class:`~crawler.article.Article` out.

trafilatura (``bare_extraction(with_metadata=True)``) finds the text and the usual metadata; Pantau then fixes
what it gets wrong on Indonesian news: inline "Baca juga" links and related lists are taken out of the text (their
titles kept in ``related``), captions kept apart, credit lines moved to ``byline``, titles without site names,
authors from Indonesian bylines, the publication time with its zone from the best evidence (JSON-LD and meta,
sanity-checked → the byline next to the headline → the URL → body datelines; never the header, footer or related
boxes; never after the fetch), advertorials flagged, and pages 2..N of a story stitched in. The page is parsed
once with lxml and the tree is shared by every step. Pure: no Scrapy, no database, no network.
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import json
import logging
import re
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urljoin, urlsplit

from lxml import etree
from lxml.html import HtmlElement
from trafilatura import bare_extraction
from trafilatura.metadata import (
    examine_meta,
    extract_author,
    extract_catstags,
    extract_meta_json,
    extract_sitename,
    extract_title,
)
from trafilatura.settings import Document
from trafilatura.utils import load_html

from crawler.article import Article
from crawler.bylines import (
    byline_text,
    credit_line,
    is_advertorial_credit,
    parse_byline,
    split_names,
    unique_names,
    unique_people,
)
from crawler.config import SourceConfig
from crawler.dates import (
    JAKARTA,
    FoundDate,
    date_from_url,
    find_date,
    find_dateline,
    parse_iso,
    parse_stamp,
)
from crawler.urls import canonical_url, normalize_url, same_site, site_host

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())


class ExtractionError(ValueError):
    """Nothing usable could be read from a page; ``str(error)`` is one line naming the URL."""


# ----------------------------------------------------------------------------------------- boilerplate

# Lines of text that are navigation or promotion, not the story (matched at the start of a line).
_BOILERPLATE_START = re.compile(
    r"^\s*(?:[\[(]\s*)?(?:baca\s+(?:juga|pula|selengkapnya|berita\s+lainnya|artikel\s+lainnya)|simak\s+(?:juga|berita|video)|"
    r"lihat\s+juga|berita\s+terkait|artikel\s+terkait|berita\s+lainnya|terkait\s*:|read\s+(?:also|more)|"
    r"see\s+also|related\s*:|scroll\s+(?:untuk|to|ke\s+bawah)|artikel\s+ini\s+(?:telah|sudah)\s+(?:tayang|terbit)|"
    r"tags?\s*:|tag\s+berita|topik\s*:|tonton\s+juga|saksikan\s+(?:juga|video|live)|ikuti\s+(?:kami|berita|"
    r"terus|update|saluran|channel)|dapatkan\s+(?:update|berita|informasi)|klik\s+(?:di\s*sini|link)|"
    r"follow\s+(?:us|kami)|bagikan\s*:|share\s*:|copyright\s*©|©\s*\d{4}|hak\s+cipta|"
    r"(?:jangan\s+lupa\s+)?follow\s+(?:akun|instagram|twitter)|gabung\s+(?:juga\s+)?(?:di\s+)?(?:grup|channel)|"
    r"download\s+aplikasi|unduh\s+aplikasi|video\s+pilihan|pilihan\s+editor|populer\s*:|terpopuler)",
    re.IGNORECASE,
)
_BOILERPLATE_EXACT = re.compile(
    r"^\s*(?:advertisement|iklan|adv|sponsored|share|bagikan|tweet|close|tutup|scroll\s+to\s+continue(?:\s+with\s+content)?|"
    r"lanjutkan\s+membaca|baca\s+juga|selanjutnya|sebelumnya|halaman\s+\d+|\d+\s*/\s*\d+|"
    r"(?:halaman\s+)?selanjutnya\s*[»>]*|[«<]*\s*sebelumnya)\s*[:.]?\s*$",
    re.IGNORECASE,
)
# A line that only carries a byline field ("Penulis : X", "| Editor | : Y |") or only a date.
_BYLINE_LINE = re.compile(
    r"^[|\s]*(?:penulis|reporter|wartawan|pewarta|koresponden|kontributor|editor|redaktur|penyunting|"
    r"fotografer|foto|sumber|laporan\s+wartawan)\s*[|\s]*[:：][^.!?]{0,80}$",
    re.IGNORECASE,
)
# A byline on a line of its own: "By Jane Doe", "Von Karim Natour", "Oleh: Rina Wulandari".
_BY_LINE = re.compile(r"^(?i:by|von|par|por|oleh|door|av|af)\s*:?\s+(?:[A-ZÀ-Þ][\w.'’-]*\s*(?:,|and|und|et|y|dan|&)?\s*){1,6}$")
# A day ("22/09/2024", "22 September 2024"), an optional time ("| pukul 14.32") and zone, as index lines and
# date-led text start; shared by _DATE_LED_LINE and _DATE_PREFIX.
_DAY_AND_TIME = (r"\d{1,2}(?:[/.-]\d{1,2}[/.-]\d{2,4}|\s+[a-z]+\s+\d{4})\s*,?\s*(?:\|?\s*(?:pukul\s*)?\d{1,2}[:.]\d{2}"
                 r"(?:[:.]\d{2})?)?\s*(?:wib|wita|wit)?")
# A line that starts with a date and then holds at most a short headline: an item of a news index or list.
_DATE_LED_LINE = re.compile(
    r"^[\s|•·\-\d]{0,4}(?:(?:senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad)\s*,?\s*)?"
    + _DAY_AND_TIME + r"(?:\s*(?:wib|wita|wit))?(?:[\s|•·-]+[^.!?]{0,110})?$",
    re.IGNORECASE,
)
# A reading counter closing an item of a "most read" list ("… Kalijodo Telah dibaca 2.6k kali", "… 1,204 views").
_VIEW_COUNT = re.compile(
    r"\s*(?:(?:telah\s+)?(?:dibaca|dilihat)\s+[\d.,]+\s*(?:rb|ribu|k|jt|juta)?\s*(?:kali|x)|"
    r"[\d.,]+\s*k?\s+(?:views|reads|kali\s+dibaca))\s*$",
    re.IGNORECASE,
)
# An address closing a line: "<headline> http://…" is a share widget's text.
_TRAILING_URL = re.compile(r"\s+https?://\S+$")
_INLINE_READ_ALSO = re.compile(
    r"\s*\b(?:baca\s+juga|baca\s+pula|simak\s+juga|lihat\s+juga)\s*:.*$", re.IGNORECASE
)
# Classes and ids of boxes that hold related links inside the story.
_RELATED_BOX = re.compile(
    r"related|terkait|baca[-_ ]?juga|bacajuga|read[-_ ]?also|readalso|inline[-_]?(?:link|article)|"
    r"rekomendasi|recommend|(?:baca|berita|artikel)[-_]?lain(?:nya)?|also[-_]?read|more[-_]?stories",
    re.IGNORECASE,
)
_READ_ALSO_TEXT = re.compile(
    r"^\s*(?:[\[(]\s*)?(?:baca\s+(?:juga|pula)|simak\s+juga|lihat\s+juga|berita\s+terkait|artikel\s+terkait|"
    r"read\s+also|also\s+read)\b",
    re.IGNORECASE,
)
_ADVERTORIAL_WORDS = re.compile(
    r"\b(?:advertorial|pariwara|sponsored(?:\s+content)?|konten\s+bersponsor|berita\s+bersponsor|"
    r"artikel\s+bersponsor|kerja\s*sama\s+(?:media|publikasi)|paid\s+content|native\s+ad)\b",
    re.IGNORECASE,
)
_ADVERTORIAL_URL = re.compile(r"/(?:adv|advertorial|pariwara|sponsored|bersponsor|paid-content)(?:/|-|$)", re.I)
_ADVERTORIAL_MARK = re.compile(r"\((?:[^()]{0,60}/)?\s*adv\s*(?:/[^()]{0,40})?\)|\[\s*adv\s*\]", re.IGNORECASE)

# "(adv)", "[Advertorial]" before or after a headline: a paid-content flag, not part of the headline.
_TITLE_PAID_MARK = re.compile(
    r"^\s*[\[(]\s*(?:adv|advertorial|pariwara|sponsored)\s*[\])]\s*[-:|]?\s*|"
    r"\s*[-|]?\s*[\[(]\s*(?:adv|advertorial|pariwara|sponsored)\s*[\])]\s*$",
    re.IGNORECASE,
)
# Between a headline and a site name, section or date: " - ", " | ", "|", " :: ", a colon right after a domain
# name ("KapanLagi.com: …"), and the full-width "：" / "｜" of Chinese and Japanese titles. Only segments that are a
# site name or a date are ever dropped, so a split inside a headline costs nothing.
_TITLE_SEPARATORS = re.compile(
    r"\s+[-|–—:»·•/]+\s+|\s*\|\s*|\s+::\s+|(?:(?<=\.com)|(?<=\.id)|(?<=\.net)|(?<=\.org)):\s+|\s*[：｜]\s*",
    re.IGNORECASE,
)
_DATE_SEGMENT = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$")
_BLOCKS = {"p", "div", "li", "ul", "ol", "section", "aside", "table", "blockquote", "h2", "h3", "h4", "h5",
           "h6", "span", "strong", "b", "em", "i", "a", "figure", "center", "font", "dl", "dd"}
_STOP_ASCENT = {"body", "article", "main", "html"}
_HEADINGS = {"h1", "h2", "h3", "h4"}
_NOT_HEADLINE_PLACES = {"nav", "li", "footer", "aside", "select"}

_JSONLD_WRAPPER = re.compile(r"^\s*(?://\s*)?(?:<!\[CDATA\[|<!--)|(?://\s*)?(?:\]\]>|-->)\s*$")
_JSONLD_ARTICLE_TYPES = {
    "newsarticle", "article", "reportagenewsarticle", "blogposting", "analysisnewsarticle", "opinionnewsarticle",
    "backgroundnewsarticle", "reviewnewsarticle", "liveblogposting", "report", "scholarlyarticle",
    "techarticle", "socialmediaposting", "webpage", "videoobject", "creativework", "advertisercontentarticle",
    "satiricalarticle", "medicalscholarlyarticle", "askpublicnewsarticle",
}
_META_PUBLISHED = (
    "article:published_time", "og:article:published_time", "datepublished", "publishdate", "publish-date",
    "publish_date", "pubdate", "dc.date.issued", "dc.date", "dcterms.date", "date", "sailthru.date",
    "parsely-pub-date", "dtk:publishdate", "content_publisheddate", "article.published", "cxenseparse:recs:publishtime",
    "og:published_time", "published_time", "publication_date", "article_date_original", "originalpublicationdate",
    "dcterms.created", "created", "citation_publication_date", "release_date",
)
_META_MODIFIED = (
    "article:modified_time", "og:updated_time", "datemodified", "dc.date.modified", "dcterms.modified",
    "last-modified", "lastmod", "og:article:modified_time", "article.updated", "modified_time", "updated_time",
)


@dataclass
class _PageFacts:
    """What Pantau reads from the page's structured data (JSON-LD and meta tags) before trafilatura runs."""

    meta: dict[str, str] = field(default_factory=dict)
    jsonld: list[dict[str, Any]] = field(default_factory=list)
    compact_meta: dict[str, str] | None = None  # meta names without punctuation, built on first use


def parse_html(html: str | bytes | HtmlElement) -> HtmlElement | None:
    """The lxml tree of a page (bytes are decoded the way trafilatura does it)."""
    if isinstance(html, HtmlElement):
        return html
    return load_html(html)


# ----------------------------------------------------------------------------------------- structured data


def _read_meta(tree: HtmlElement) -> dict[str, str]:
    meta: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop") or element.get("http-equiv")
        content = element.get("content")
        if key and content and content.strip():
            meta.setdefault(key.strip().lower(), content.strip())
    for element in tree.xpath("//*[@itemprop='datePublished' or @itemprop='dateModified'][not(self::meta)]"):
        value = element.get("datetime") or element.get("content") or element.text_content()
        if value and value.strip():
            meta.setdefault(element.get("itemprop").lower(), value.strip())
    return meta


def _walk_jsonld(node: Any, found: list[dict[str, Any]]) -> None:
    if isinstance(node, list):
        for item in node:
            _walk_jsonld(item, found)
    elif isinstance(node, dict):
        types = node.get("@type")
        types = [types] if isinstance(types, str) else (types or [])
        if any(isinstance(kind, str) and kind.lower() in _JSONLD_ARTICLE_TYPES for kind in types):
            found.append(node)
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
            if key in node and isinstance(node[key], (list, dict)):
                _walk_jsonld(node[key], found)


def _read_jsonld(tree: HtmlElement) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for script in tree.xpath("//script[contains(translate(@type,'JSONLD','jsonld'),'ld+json')]"):
        # Some CMSs wrap the data in a CDATA section or an HTML comment ("//<![CDATA[ … //]]>").
        text = _JSONLD_WRAPPER.sub("", (script.text or "").strip())
        if not text:
            continue
        try:
            data = json.loads(text, strict=False)
        except ValueError:
            try:  # trailing commas and stray control characters are common
                data = json.loads(re.sub(r",\s*([}\]])", r"\1", text.replace("\n", " ")), strict=False)
            except ValueError:
                continue
        _walk_jsonld(data, found)

    def rank(node: dict[str, Any]) -> int:
        if _jsonld_types(node) & {"webpage", "videoobject", "creativework"}:
            return 2
        return 0 if "headline" in node or "datePublished" in node else 1

    return sorted(found, key=rank)


def _jsonld_types(node: dict[str, Any]) -> set[str]:
    """A JSON-LD node's ``@type``s, lower-cased."""
    kinds = node.get("@type")
    kinds = [kinds] if isinstance(kinds, str) else (kinds or [])
    return {str(kind).lower() for kind in kinds}


def _jsonld_value(facts: _PageFacts, key: str) -> Any:
    for node in facts.jsonld:
        if node.get(key):
            return node[key]
    return None


def _jsonld_titles(facts: _PageFacts) -> list[Any]:
    """The article's titles in its JSON-LD: its ``headline`` and its ``name``. Publishers fill either or both, and
    where they differ the name is as much their title as the headline (trafilatura reads an Article's name
    first); a name that is not a headline (an id, the publisher) finds no other statement to agree with."""
    article = next((node for node in facts.jsonld if node.get("headline")), None)
    if article is None:
        article = next((node for node in facts.jsonld
                        if any(kind.endswith(("article", "posting")) for kind in _jsonld_types(node))), None)
    if article is None:
        return []
    return [article.get("headline"), article.get("name")]


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


# ----------------------------------------------------------------------------------------- tree cleaning


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
            here = {canonical_url(url).rstrip("/"), canonical_url(url, tree).rstrip("/")}
        # Compared as canonical addresses: a link to this story's AMP, mobile or tracked twin is no teaser.
        target = canonical_url(urljoin(url, anchors[0].get("href", ""))).rstrip("/")
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


# Inline tags: text inside them belongs to the paragraph around them.
_INLINE = {"a", "b", "strong", "i", "em", "u", "span", "font", "sup", "sub", "small", "big", "abbr", "cite", "q",
           "mark", "s", "strike", "code", "time", "tt", "ins", "del", "label"}


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


def _take_captions(tree: HtmlElement) -> list[str]:
    """Remove figure captions from ``tree`` (they are not body text) and return their text."""
    captions: list[str] = []
    for element in tree.xpath(
        "//body//figcaption | //body//*[contains(concat(' ', normalize-space(@class), ' '), ' wp-caption-text ')"
        " or contains(@class, 'caption') or contains(@class, 'keterangan')][not(self::body)]"
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


# ----------------------------------------------------------------------------------------- title


def _normalize_title(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().casefold()


def _site_words(site_name: str | None, url: str) -> set[str]:
    words: set[str] = set()
    host = site_host(url)
    if host:
        parts = host.split(".")
        base = [part for part in parts if part not in {"com", "co", "id", "net", "org", "or", "go", "ac", "my",
                                                      "news", "web", "www", "uk", "de", "au", "za"}]
        words.update(part for part in base if len(part) > 2)
        words.add(host)
    if site_name:
        words.add(_normalize_title(site_name))
    return {word.casefold() for word in words}


def _letters_only(text: str) -> set[str]:
    """``text`` without punctuation or spaces, accents dropped, in both ways of writing German umlauts
    ("Börsen-Zeitung" → borsenzeitung and boersenzeitung), so a site's name matches its host name."""
    umlauts = text.translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}))
    forms = set()
    for form in (text, umlauts):
        bare = "".join(char for char in unicodedata.normalize("NFKD", form) if not unicodedata.combining(char))
        forms.add(re.sub(r"[^\w]", "", bare))
    return forms


def _is_site_segment(segment: str, site_words: set[str]) -> bool:
    norm = _normalize_title(segment)
    compacts = _letters_only(norm)
    if not any(compacts):
        return True
    if norm in site_words:
        return True
    for word in site_words:
        for flat in _letters_only(word):
            if flat and any(compact == flat or compact.startswith(flat) and len(compact) - len(flat) <= 6
                            or flat in compact and len(norm.split()) <= 3 for compact in compacts):
                return True
    return bool(re.search(r"\.(?:com|co\.id|id|net|org|co)\b|\.[a-z]{2}$", norm)) and len(norm.split()) <= 3


def _is_exact_site_name(segment: str, site_words: set[str]) -> bool:
    """``segment`` is the site's name itself, perhaps with a word before it ("Tageszeitung junge Welt"); a
    subdomain ("kaltim" of kaltim.tribunnews.com, "regional" of regional.kompas.com) is a region or a section."""
    subdomains = {host.split(".")[0] for host in site_words if host.count(".") >= 2 and not host.startswith("www.")}
    names = site_words - subdomains
    norm = _normalize_title(segment)
    return norm in names or len(norm.split()) <= 4 and any(
        compact.endswith(flat) and flat for word in names for flat in _letters_only(word)
        for compact in _letters_only(norm))


def _strip_site_name(title: str, site_words: set[str]) -> str:
    # A site name and a date may also follow a comma ("Kenia: Nairobi von unten, Tageszeitung junge Welt,
    # 18.05.2026"); a comma is common inside headlines, so only the site's exact name or a date goes.
    while True:
        head, comma, last = title.rpartition(", ")
        if not comma or len(head) < 8 or not (_DATE_SEGMENT.match(last.strip())
                                              or _is_exact_site_name(last, site_words)):
            break
        title = head
    segments = _TITLE_SEPARATORS.split(title)
    separators = _TITLE_SEPARATORS.findall(title)
    if len(segments) < 2:
        return title.strip()
    while len(segments) > 1 and (_is_site_segment(segments[-1], site_words)
                                 or _DATE_SEGMENT.match(segments[-1].strip())):
        segments.pop()
        separators.pop()
    while len(segments) > 1 and _is_site_segment(segments[0], site_words):
        segments.pop(0)
        separators.pop(0)
    rebuilt = segments[0]
    for separator, segment in zip(separators, segments[1:]):
        rebuilt += separator + segment
    return rebuilt.strip()


def _strip_trailing_section(title: str, section: str) -> str:
    """``title`` without the page's declared section closing it ("… - Politik", once the site's name is gone):
    <title> often names both. Only the exact section, only at the end: a headline may start with the same word."""
    separators = list(_TITLE_SEPARATORS.finditer(title))
    if separators and _normalize_title(title[separators[-1].end():]) == _normalize_title(section):
        return title[:separators[-1].start()].strip()
    return title


def _headline_text(element: HtmlElement) -> str:
    """The text of a headline element as a reader sees it: a kicker set in its own element before the headline
    ("<span>Nationale Demo</span>Der 9. Juli naht", "Diskominfo<br>Kaltim") is displayed apart from it, so where
    an element has ended, nothing separates the texts and a capitalised word follows, a space keeps them apart
    rather than gluing them ("DemoDer"). Letters styled inside a word ("DPR<span>D</span>") stay together."""
    pieces: list[str] = []
    ended = False  # an element ended since the last text

    def add(text: str | None) -> None:
        nonlocal ended
        if not text:
            return
        if ended and pieces and not pieces[-1][-1].isspace() and text[0].isupper():
            pieces.append(" ")
        pieces.append(text)
        ended = False

    def walk(node: HtmlElement) -> None:
        nonlocal ended
        add(node.text)
        for child in node:
            if isinstance(child.tag, str):
                walk(child)
            ended = True
            add(child.tail)

    walk(element)
    return re.sub(r"\s+", " ", "".join(pieces)).strip()


def _headline_elements(tree: HtmlElement) -> list[HtmlElement]:
    return [element for element in tree.iter("h1") if _text_of(element)]


# How much each source's say counts when titles are compared: the <h1> is what readers see; JSON-LD, og:title and
# <title> are the publisher's own statements; twitter:title is often a shorter social-media variant.
_TITLE_WEIGHTS = {"h1": 1.5, "jsonld": 1.0, "og": 1.0, "title": 1.0, "twitter": 0.5}
_TITLE_PRIORITY = ("h1", "jsonld", "og", "twitter", "title")


def _title_candidates(tree: HtmlElement, facts: _PageFacts, fallback_title: str | None, site_words: set[str]
                      ) -> list[tuple[str, str, HtmlElement | None]]:
    """Every statement of the headline on the page, as (kind, text, element): the first ``<h1>``s, the JSON-LD
    headline, og:title, twitter:title and <title>, site names stripped; logos and texts too short for a headline
    left out."""
    title_element = tree.find(".//title")
    sources: list[tuple[str, str, HtmlElement | None]] = []
    for element in _headline_elements(tree)[:3]:
        sources.append(("h1", _headline_text(element), element))
    for kind, value in (*(("jsonld", text) for text in _jsonld_titles(facts)), ("og", facts.meta.get("og:title")),
                        ("twitter", facts.meta.get("twitter:title")),
                        ("title", _text_of(title_element) if title_element is not None else fallback_title)):
        if isinstance(value, str) and value.strip():
            sources.append((kind, html_lib.unescape(value), None))
    section = _section(facts, None)
    candidates = []
    for kind, value, element in sources:
        cleaned = _strip_site_name(re.sub(r"\s+", " ", value).strip(), site_words)
        if kind == "title" and section:  # "… | hessenschau.de | Wirtschaft": the section, then the site
            without_section = _strip_trailing_section(cleaned, section)
            if without_section != cleaned:
                cleaned = _strip_site_name(without_section, site_words)
        if len(_normalize_title(cleaned)) < 8 or kind == "h1" and _is_site_segment(cleaned, site_words):
            continue  # too short for a headline, or the site's logo set as an <h1>
        candidates.append((kind, cleaned, element))
    return candidates


def title_evidence(html: str | bytes, url: str) -> list[tuple[str, str]]:
    """The statements of the headline on a page, (kind, text), as the title vote sees them — for measuring which
    kind of evidence agrees with reference titles (bench/title_sources.py)."""
    tree = parse_html(html)
    if tree is None:
        return []
    facts = _PageFacts(meta=_read_meta(tree), jsonld=_read_jsonld(tree))
    _drop_scripts(tree)
    site_words = _site_words(_site_name(facts, None), url)
    return [(kind, text) for kind, text, _ in _title_candidates(tree, facts, None, site_words)]


def _title_key(text: str) -> str:
    """What two statements of a headline must share to state the same one: its letters and digits. Spaces and
    punctuation are how it is set, not what it says ("Nationale Demo / Der 9. Juli" in og:title is the headline
    an ``<h1>`` shows as a kicker ``<span>`` over "Der 9. Juli")."""
    return "".join(char for char in unicodedata.normalize("NFKC", text).casefold() if char.isalnum())


def vote_title(statements: list[tuple[str, str]], weights: dict[str, float] | None = None,
               priority: tuple[str, ...] | None = None) -> str | None:
    """The headline most statements (kind, text) agree on: each kind's weight counts for the text it states, a
    longer text containing this one (a kicker or section label left in it) half-agrees; ties go to the kind first
    in ``priority``. Of the ways the winner is written, the one keeping most punctuation is returned (an element's
    text loses the separator that styling shows between a kicker and the headline), then the one most statements
    repeat. None when there is nothing to choose from."""
    weights = weights or _TITLE_WEIGHTS
    priority = priority or _TITLE_PRIORITY
    writings: dict[str, list[str]] = {}
    kinds: dict[str, set[str]] = {}
    for kind, text in statements:
        key = _title_key(text)
        if key:
            writings.setdefault(key, []).append(text)
            kinds.setdefault(key, set()).add(kind)
    if not kinds:
        return None

    def support(key: str) -> float:
        score = sum(weights[kind] for kind in kinds[key])
        for other_key, other_kinds in kinds.items():
            if other_key != key and key in other_key and len(key) >= 0.6 * len(other_key):
                score += 0.5 * sum(weights[kind] for kind in other_kinds)
        return score

    def rank(key: str) -> tuple[float, int]:
        return support(key), -min(priority.index(kind) for kind in kinds[key])

    stated = [_normalize_title(text) for _, text in statements]

    def fullness(text: str) -> tuple[int, int]:
        punctuation = sum(1 for char in text if not char.isalnum() and not char.isspace())
        return punctuation, sum(_normalize_title(text) in other for other in stated)

    return max(writings[max(kinds, key=rank)], key=fullness)


def _choose_title(tree: HtmlElement, facts: _PageFacts, trafilatura_title: str | None, site_words: set[str]
                  ) -> tuple[str | None, HtmlElement | None]:
    """The headline as shown: the candidate (``<h1>``s, JSON-LD headline, og:title, <title> …, site names
    stripped) that most sources agree on; the ``<h1>`` weighs most. Returns it and the headline element."""
    headlines = _headline_elements(tree)
    candidates = _title_candidates(tree, facts, trafilatura_title, site_words)
    title = vote_title([(kind, text) for kind, text, _ in candidates])
    if title is None:
        if headlines:
            return _headline_text(headlines[0]), headlines[0]
        return None, None
    headline = next((element for _, text, element in candidates
                     if element is not None and _title_key(text) == _title_key(title)), None)
    if headline is None:
        headline, behind_kicker = _element_showing(tree, _normalize_title(title))
        if behind_kicker:  # the headline as shown, "In Picture: KPK Periksa …", unless the kicker is the site
            return _strip_site_name(_headline_text(headline), site_words), headline
    if headline is None:
        headline = next((element for element in headlines if len(_text_of(element)) > 8), None)
    return title, headline


# "In Picture: …", "FOTO: …", "Kompas.com: …": a few words (a dot only inside a name), a colon, the headline.
_KICKER = re.compile(r"^(?P<kicker>[^\W\d](?:\.(?!\s)|[^:|.!?]){1,28}?)\s*:\s+(?P<headline>.+)$")


def _shows_behind_kicker(text: str, key: str) -> bool:
    """``text`` is the headline (normalised ``key``) behind a kicker of at most four words, not a "Baca juga"
    or other boilerplate label."""
    if len(text) > len(key) + 32 or not _normalize_title(text).endswith(key):
        return False
    match = _KICKER.match(text)
    return match is not None and _normalize_title(match.group("headline")) == key and \
        len(match.group("kicker").split()) <= 4 and not _READ_ALSO_TEXT.match(text) and \
        not _BOILERPLATE_START.match(text)


def _element_showing(tree: HtmlElement, key: str) -> tuple[HtmlElement | None, bool]:
    """The element that shows the headline (normalised ``key``) when it is not an ``<h1>`` — an ``<h2>`` or a
    ``<div class="title">`` under a section name set as the ``<h1>`` — so that the byline next to it is found.
    Headings first, then other elements, links (another list naming this story) last. Only when no element shows
    it bare, a title block showing it behind a short kicker ("In Picture: …"; never a link); the flag says so."""
    body = tree.find(".//body")
    if body is None:
        return None, False
    found: dict[int, HtmlElement] = {}
    behind_kicker: HtmlElement | None = None
    for node in body.xpath(".//text()[normalize-space()]"):
        text = str(node).strip()
        bare = abs(len(text) - len(key)) <= 0.2 * len(key) + 4 and _normalize_title(text) == key
        if not bare and (found or behind_kicker is not None or not _shows_behind_kicker(text, key)):
            continue
        element = node.getparent()
        if element is None or element.tag in ("script", "style", "title", "option"):
            continue
        if any(ancestor.tag in _NOT_HEADLINE_PLACES or "breadcrumb" in (ancestor.get("class") or "")
               for ancestor in element.iterancestors()):
            continue  # a menu, a list of stories or a breadcrumb naming this story
        in_link = element.tag == "a" or any(ancestor.tag == "a" for ancestor in element.iterancestors())
        if not bare:
            if not in_link and _text_of(element) == text:
                behind_kicker = element
            continue
        heading = next((ancestor for ancestor in element.iterancestors() if ancestor.tag in _HEADINGS), None)
        rank = 0 if element.tag in _HEADINGS or heading is not None else (2 if in_link else 1)
        found.setdefault(rank, element)
    if found:
        return found[min(found)], False
    return behind_kicker, behind_kicker is not None


# ----------------------------------------------------------------------------------------- dates


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


# A byline can carry two dates: the one after "Diperbarui" / "Updated" is the modification, not the publication.
_DATE_LABEL = re.compile(
    r"(?=\b(?:terakhir\s+)?(?:diperbarui|diperbaharui|diupdate|di-update|updated?|last\s+(?:updated|modified)|"
    r"modified|aktualisiert|pembaruan|dipublikasikan|diterbitkan|dipublish|diunggah|terbit|published|posted|"
    r"diposting)\b)", re.IGNORECASE)
_MODIFIED_LABEL = re.compile(
    r"^(?:terakhir\s+)?(?:diperbarui|diperbaharui|diupdate|di-update|updated?|last\s+(?:updated|modified)|modified|"
    r"aktualisiert|pembaruan)\b", re.IGNORECASE)


def _visible_byline_dates(texts: _HeadlineTexts, zone: dt.tzinfo, fetched_at: dt.datetime
                          ) -> tuple[FoundDate | None, FoundDate | None]:
    """The publication date and the modification date ("Diperbarui …") shown around the headline, the first
    of each in ``near``, then ``before``, then ``far``, trying neighbouring texts joined (dates split across
    elements); relative times ("2 jam yang lalu") only next to the headline, not in ``far``."""
    published: FoundDate | None = None
    modified: FoundDate | None = None
    for group, relative in ((texts.near, True), (texts.before, True), (texts.far, False)):
        for index, text in enumerate(group):
            if len(text) > 160:
                continue
            joined = " ".join(group[index:index + 3])[:200]
            start = 0
            for part in _DATE_LABEL.split(joined):
                position, start = start, start + len(part)
                if not part.strip() or published is None and position >= len(text):
                    continue  # a publication date must start in this text: the next ones get their own turn
                found = find_date(part, zone, fetched_at, relative=relative, year_less=False)
                if not found or published is None and not _starts_in_first(part, text[position:]):
                    continue
                if _MODIFIED_LABEL.match(part.strip()):
                    modified = modified or found
                elif published is None:
                    published = found
            if published is not None:
                return published, modified  # and a "Diperbarui" date written beside it
    return None, modified


def _starts_in_first(joined: str, first: str) -> bool:
    return bool(re.search(r"\d", first)) or bool(re.search(
        r"senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|lalu|ago|[a-z]+day|januari|februari|maret|april|mei|"
        r"juni|juli|agustus|september|oktober|november|desember|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec",
        first.lower()))


def _compact_key(key: str) -> str:
    return re.sub(r"[^a-z0-9]", "", key.lower())


def _meta_value(facts: _PageFacts, key: str) -> str | None:
    """A meta tag's content, matching names loosely ("article:published:time" = "article:published_time")."""
    value = facts.meta.get(key)
    if value is None:
        if facts.compact_meta is None:
            facts.compact_meta = {}
            for name, content in facts.meta.items():
                facts.compact_meta.setdefault(_compact_key(name), content)
        value = facts.compact_meta.get(_compact_key(key))
    return value


def _meta_date(facts: _PageFacts, keys: tuple[str, ...], jsonld_key: str, zone: dt.tzinfo,
               fetched_at: dt.datetime) -> tuple[FoundDate | None, str | None]:
    value = _jsonld_value(facts, jsonld_key)
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, str):
        found = parse_stamp(value, zone, fetched_at) or find_date(value, zone, fetched_at, relative=False)
        if found:
            return found, "jsonld"
    for key in keys:
        value = _meta_value(facts, key)
        if value:
            found = parse_stamp(value, zone, fetched_at) or find_date(value, zone, fetched_at, relative=False)
            if found:
                return found, "meta"
    return None, None


def _page_zone(facts: _PageFacts) -> dt.tzinfo | None:
    """The zone for naive times when no source says it: the non-zero offset of the page's own ISO stamps (a UTC
    stamp says nothing about the site's clock); None when no stamp has one."""
    values = [_jsonld_value(facts, "datePublished"), _jsonld_value(facts, "dateModified")]
    values += [_meta_value(facts, key) for key in _META_PUBLISHED + _META_MODIFIED]
    for value in values:
        if isinstance(value, str):
            found = parse_iso(value)
            if found is not None and found.zone_given and found.value.utcoffset():
                return found.value.tzinfo
    return None


def _same_wall_clock(meta: FoundDate, visible: FoundDate) -> bool:
    """True when a UTC ("Z") stamp shows the same clock time as the visible local byline: really local time.
    Bylines show minutes, stamps often seconds too: 10:08:58Z and "10:08 WIB" agree."""
    stamp, shown = meta.value.replace(tzinfo=None), visible.value.replace(tzinfo=None)
    if shown.second == 0 and shown.microsecond == 0:
        stamp = stamp.replace(second=0, microsecond=0)
    return stamp == shown and meta.value != visible.value


def _page_writes_local_time_as_utc(facts: _PageFacts, visible: FoundDate, zone: dt.tzinfo,
                                   fetched_at: dt.datetime) -> bool:
    """True when one of the page's "Z" stamps (published, created, modified) shows the visible byline's clock:
    the CMS writes local time with a "Z", so its other "Z" stamps are local time too."""
    values = [_jsonld_value(facts, key) for key in ("datePublished", "dateCreated", "dateModified")]
    values += [_meta_value(facts, key) for key in _META_PUBLISHED + ("datecreated",) + _META_MODIFIED]
    for value in values:
        if isinstance(value, list) and value:
            value = value[0]
        if isinstance(value, str):
            stamp = parse_stamp(value, zone, fetched_at + dt.timedelta(hours=14))
            if stamp is not None and stamp.value.utcoffset() == dt.timedelta(0) and _same_wall_clock(stamp, visible):
                return True
    return False


def _choose_published(facts: _PageFacts, tree: HtmlElement, visible: FoundDate | None, url: str, text: str,
                      zone: dt.tzinfo, fetched_at: dt.datetime, zone_known: bool = True
                      ) -> tuple[FoundDate | None, str | None]:
    """The publication time (with whether the page gave its time of day) and which evidence gave it
    (``visible``: the byline's publication date)."""
    # Meta stamps may be slightly ahead of the fetch when a CMS stamps local time as UTC: allow the zone's offset
    # there, then correct it below.
    lenient = fetched_at + dt.timedelta(hours=14)
    meta, meta_source = _meta_date(facts, _META_PUBLISHED, "datePublished", zone, lenient)
    from_url = date_from_url(url, zone, fetched_at)

    if meta is not None:
        utc_stamp = meta.value.utcoffset() == dt.timedelta(0)
        # A "Z" stamp showing the byline's clock is local time — when the byline's zone is known: a naive byline
        # in a guessed zone may just show UTC.
        if utc_stamp and visible is not None and visible.has_time and (visible.zone_given or zone_known):
            local = replace(meta, value=meta.value.replace(tzinfo=visible.value.tzinfo), zone_given=True)
            if _same_wall_clock(meta, visible):
                return local, "byline"  # the stamp's seconds, the byline's zone
            if _page_writes_local_time_as_utc(facts, visible, zone, fetched_at) and local.value <= fetched_at:
                return local, meta_source
        if utc_stamp and meta.value > fetched_at:
            local = meta.value.replace(tzinfo=zone)
            if local <= fetched_at:
                return replace(meta, value=local), meta_source
        if meta.value <= fetched_at:
            # Sanity check against the URL's date: a meta stamp days away from it is a re-publication stamp.
            if from_url is None or abs((meta.value.astimezone(zone).date() - from_url.value.date()).days) <= 1:
                if not meta.has_time and visible is not None and visible.has_time and \
                        visible.value.date() == meta.value.date():
                    return visible, "byline"
                return meta, meta_source
    if visible is not None:
        if from_url is None or abs((visible.value.date() - from_url.value.date()).days) <= 1:
            return visible, "byline"
    if from_url is not None:
        if visible is not None and visible.has_time and visible.value.date() == from_url.value.date():
            return visible, "byline"
        return from_url, "url"
    dateline = find_dateline(text[:400], zone, fetched_at)
    if dateline is not None and dateline.value.year and re.search(r"\(\s*\d{1,2}\s*/\s*\d{1,2}\s*/", text[:400]):
        return dateline, "dateline"
    # htmldate's extensive search is slow (≈ 20 ms a page): only when nothing better was found.
    trafilatura_date = _htmldate(tree, url, fetched_at)
    if trafilatura_date:
        found = parse_iso(trafilatura_date, zone, fetched_at)
        if found:
            return found, "htmldate"
    if dateline is not None:
        return dateline, "dateline"
    return None, None


def _htmldate(tree: HtmlElement, url: str, fetched_at: dt.datetime) -> str | None:
    from htmldate import find_date as htmldate_find_date

    try:
        return htmldate_find_date(tree, extensive_search=True, original_date=True, url=url,
                                  max_date=fetched_at.date().isoformat())
    except Exception:  # htmldate raises on odd pages; a missing date is not an extraction failure
        logger.debug("htmldate failed on %s", url)
        return None


def _written_as_initials(tree: HtmlElement, author: str) -> bool:
    """True when the page writes the byline element that ``author`` comes from as initials codes: lower case,
    short ("srf/hosb;kesm"). A name in lower case that CSS capitalises ("rina lestari") is not one."""
    first = re.split(r"[\s,;/]+", author.strip())[0].casefold()
    texts = [_text_of(element) for element in tree.xpath(
        "//body//*[@itemprop='author' or contains(@class, 'author') or contains(@class, 'byline')]")]
    texts = [text for text in texts if first and first in text.casefold()]
    return bool(texts) and all(
        text == text.lower() and all(len(code) <= 4 for code in re.split(r"[\s,;/]+", text) if code)
        for text in texts)


def _trafilatura_metadata(tree: HtmlElement) -> Document:
    """trafilatura's metadata (meta tags, JSON-LD, title, author, site name, categories, tags) without htmldate."""
    metadata = examine_meta(tree)
    if metadata.author and " " not in metadata.author:
        metadata.author = None
    try:
        metadata = extract_meta_json(tree, metadata)
    except Exception:  # trafilatura's JSON-LD reader has bugs on odd data
        logger.debug("trafilatura JSON-LD reader failed")
    if not metadata.title:
        metadata.title = extract_title(tree)
    if not metadata.author:
        metadata.author = extract_author(tree)
        if metadata.author and _written_as_initials(tree, metadata.author):
            metadata.author = None  # initials codes ("srf/hosb;kesm") that trafilatura capitalised into names
    if not metadata.sitename:
        metadata.sitename = extract_sitename(tree)
    if metadata.sitename:
        metadata.sitename = metadata.sitename.lstrip("@")
    if not metadata.categories:
        metadata.categories = extract_catstags("category", tree)
    if not metadata.tags:
        metadata.tags = extract_catstags("tag", tree)
    return metadata


# ----------------------------------------------------------------------------------------- text


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


def _extract_text(tree: HtmlElement, url: str) -> Document | None:
    """trafilatura's reading of the prepared page, its text with the story's sub-headings."""
    subheadings = _subheadings(tree)
    document = bare_extraction(tree, url=url)
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


# ----------------------------------------------------------------------------------------- public API


def extract_article(html: str | bytes, url: str, source: SourceConfig | None = None, *,
                    fetched_at: dt.datetime | None = None, more_pages: list[str | bytes] | None = None
                    ) -> Article:
    """The article on one page (``more_pages``: the HTML of pages 2..N of the same story, stitched in).

    Raises :class:`ExtractionError` when the page holds no readable story.
    """
    fetched_at = fetched_at or dt.datetime.now(dt.timezone.utc)
    if fetched_at.tzinfo is None:
        raise ValueError("fetched_at must be timezone-aware")
    zone = source.zone if source is not None else None
    try:
        tree = parse_html(html)
    except (ValueError, etree.ParserError) as error:
        raise ExtractionError(f"{url}: not an HTML page ({error})") from None
    if tree is None:
        raise ExtractionError(f"{url}: empty or unreadable HTML")

    facts = _PageFacts(meta=_read_meta(tree), jsonld=_read_jsonld(tree))
    if zone is None:
        zone = _page_zone(facts)
    # Whether naive times on the page are known to be in ``zone``: the source's zone, an offset the page states,
    # or an Indonesian page (Jakarta time is then the safe guess); else Jakarta is a mere default.
    zone_known = zone is not None or _language(tree, facts, None) == "id"
    zone = zone or JAKARTA
    canonical = canonical_url(url, tree)
    related, captions = _prepare_for_trafilatura(tree, url)

    metadata = _trafilatura_metadata(tree)
    document = _extract_text(tree, url)
    if document is None or not (document.text or "").strip():
        raise ExtractionError(f"{url}: no article text found")
    site_name = _site_name(facts, metadata.sitename)
    site_words = _site_words(site_name, url)
    title, headline = _choose_title(tree, facts, metadata.title, site_words)
    title_marked_paid = bool(title and _TITLE_PAID_MARK.search(title))
    if title_marked_paid:
        title = _TITLE_PAID_MARK.sub("", title).strip() or title

    if title:
        # "<headline> <address>" in a box styled as a caption is a share widget's text.
        captions = [caption for caption in captions
                    if _normalize_title(_TRAILING_URL.sub("", caption)) != _normalize_title(title)]
    link_texts = _link_texts(tree)
    text, inline_related = _clean_text(document.text, title, link_texts,
                                       _text_of(headline) if headline is not None else None)
    related.extend(title for title in inline_related if title not in related)
    if more_pages:
        text = _stitch(text, [_page_text(page, url, title) for page in more_pages])
    if captions and sum(len(c.split()) for c in captions) >= 20 and (
            len(text.split()) < 50 and sum(len(c.split()) for c in captions) > len(text.split())
            or _link_share(text, link_texts) >= 0.5):
        # A photo story: the captions are the story (what else the page offers is short or mostly links).
        text = "\n".join(captions)
    if not text:
        raise ExtractionError(f"{url}: no article text left after removing boilerplate")

    byline = None
    credit = credit_line(text)
    if credit:
        byline = credit
        text = text[: text.rfind(credit)].rstrip()

    around_headline = _headline_texts(headline)
    authors, editors = _authors(facts, metadata.author, around_headline.after, document.text, site_words)
    visible, visible_modified = _visible_byline_dates(around_headline, zone, fetched_at)
    published, date_source = _choose_published(facts, tree, visible, url, text, zone, fetched_at, zone_known)
    published_at = published.value if published else None
    modified, _ = _meta_date(facts, _META_MODIFIED, "dateModified", zone, fetched_at)
    modified = modified or visible_modified
    modified_at = modified.value if modified else None
    if modified_at is not None and published_at is not None and modified_at < published_at:
        modified_at = None

    section = _section(facts, metadata.categories)
    tags = _tags(facts, metadata.tags)
    article = Article(
        url=url,
        canonical_url=canonical,
        title=title,
        text=text,
        authors=authors,
        editors=editors,
        published_at=published_at,
        modified_at=modified_at,
        date_source=date_source,
        published_time_known=published.has_time if published else None,
        language=_language(tree, facts, source),
        site_name=site_name,
        section=section,
        tags=tags,
        captions=captions,
        related=related,
        byline=byline,
        pages=1 + len(more_pages or []),
    )
    article.is_advertorial = title_marked_paid or _is_advertorial(article, facts)
    return article


def _site_name(facts: _PageFacts, trafilatura_site: str | None) -> str | None:
    publisher = _jsonld_value(facts, "publisher")
    if isinstance(publisher, list) and publisher:
        publisher = publisher[0]
    name = facts.meta.get("og:site_name") or (publisher.get("name") if isinstance(publisher, dict) else None) \
        or trafilatura_site
    if isinstance(name, str) and re.match(r"^(?:https?:|www\.|@)", name.strip()):
        name = trafilatura_site if trafilatura_site and not re.match(r"^(?:https?:|www\.)", trafilatura_site) else None
    return name.strip() if isinstance(name, str) and name.strip() else None


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


def _section(facts: _PageFacts, categories: list[str] | None) -> str | None:
    value = _jsonld_value(facts, "articleSection") or facts.meta.get("article:section")
    if isinstance(value, list):
        value = value[0] if value else None
    if not value and categories:
        value = categories[0]
    return str(value).strip() or None if value else None


def _tags(facts: _PageFacts, trafilatura_tags: list[str] | None) -> list[str]:
    value = _jsonld_value(facts, "keywords") or facts.meta.get("news_keywords") or facts.meta.get("keywords")
    tags: list[str] = []
    if isinstance(value, list):
        tags = [str(item).strip() for item in value]
    elif isinstance(value, str):
        tags = [item.strip() for item in value.split(",")]
    tags = [tag for tag in tags if tag]
    if not tags and trafilatura_tags:
        tags = [tag.strip() for tag in trafilatura_tags if tag.strip()]
    return list(dict.fromkeys(tags))


def _language(tree: HtmlElement, facts: _PageFacts, source: SourceConfig | None) -> str | None:
    value = tree.get("lang") or facts.meta.get("og:locale") or facts.meta.get("content-language") \
        or _jsonld_value(facts, "inLanguage")
    if isinstance(value, str) and value.strip():
        return re.split(r"[-_]", value.strip())[0].lower()
    return source.language if source is not None else None


def _is_advertorial(article: Article, facts: _PageFacts) -> bool:
    if _ADVERTORIAL_URL.search(urlsplit(article.url).path) or _ADVERTORIAL_URL.search(
            urlsplit(article.canonical_url).path):
        return True
    if article.byline and is_advertorial_credit(article.byline):
        return True
    labels = " | ".join([article.section or "", *article.tags, facts.meta.get("article:section", "")])
    if _ADVERTORIAL_WORDS.search(labels) or re.search(r"(?:^|\|)\s*adv\s*(?:\||$)", labels, re.I):
        return True
    if article.title and re.match(r"^\s*[\[(]?(?:adv|advertorial|pariwara)\b", article.title, re.I):
        return True
    head, tail = article.text[:200], article.text[-300:]
    if re.match(r"^\s*(?:advertorial|pariwara|adv\b)", head, re.I) or _ADVERTORIAL_MARK.search(tail):
        return True
    return False


# ----------------------------------------------------------------------------------------- continuation pages

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
        target = urljoin(url, href.strip())
        if normalize_url(target) != base and not _page_number(target, url):
            continue
        text = _text_of(anchor)
        if _SHOW_ALL.search(target) or (_SHOW_ALL_TEXT.search(text) and normalize_url(target) == base):
            return [target.split("#")[0]]
        number = _page_number(target, url)
        if number and number >= 2:
            pages.setdefault(number, target.split("#")[0])
    if not pages:
        for anchor in tree.xpath("//article//a[@rel='next'] | //*[contains(@class,'content') or "
                                 "contains(@class,'article')]//a[@rel='next']"):
            href = anchor.get("href")
            if href:
                target = urljoin(url, href.strip())
                if same_site(target, url) and target.split("#")[0] != url:
                    return [target.split("#")[0]]
        return []
    current = _page_number(url, url) or 1
    return [pages[number] for number in sorted(pages) if number > current]
