"""The headline: every statement of it on the page (``<h1>``s, JSON-LD, og:title, twitter:title, <title>, site
names stripped), the vote between them (:func:`vote_title`), and the element that shows it, where the byline is
looked for next.
"""

from __future__ import annotations

import html as html_lib
import re
import unicodedata

from lxml.html import HtmlElement

from crawler.extract.boilerplate import _BOILERPLATE_START, _READ_ALSO_TEXT
from crawler.extract.cleaning import _drop_scripts
from crawler.extract.facts import _jsonld_titles, _PageFacts, _read_meta, _section, _site_name
from crawler.extract.jsonld import _read_jsonld
from crawler.extract.sitenames import _is_site_segment, _site_words, _strip_site_name, _strip_trailing_section
from crawler.extract.tree import _HEADINGS, _NOT_HEADLINE_PLACES, _normalize_title, _text_of, parse_html


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
