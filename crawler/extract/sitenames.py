"""Site names in titles: the words that name a site (its host, its declared name) and stripping them — and a
date or the page's section — from the ends of a title ("Headline - Kompas.com", "… | hessenschau.de |
Wirtschaft").
"""

from __future__ import annotations

import re
import unicodedata

from crawler.extract.tree import _normalize_title
from crawler.urls import site_host

# Between a headline and a site name, section or date: " - ", " | ", "|", " :: ", a colon right after a domain
# name ("KapanLagi.com: …"), and the full-width "：" / "｜" of Chinese and Japanese titles. Only segments that are a
# site name or a date are ever dropped, so a split inside a headline costs nothing.
_TITLE_SEPARATORS = re.compile(
    r"\s+[-|–—:»·•/]+\s+|\s*\|\s*|\s+::\s+|(?:(?<=\.com)|(?<=\.id)|(?<=\.net)|(?<=\.org)):\s+|\s*[：｜]\s*",
    re.IGNORECASE,
)
_DATE_SEGMENT = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$")


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
