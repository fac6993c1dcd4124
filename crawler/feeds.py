"""Reading an RSS 2.0, RSS 1.0 (RDF) or Atom feed: the article links it lists and when each was last updated.

Pure: bytes in, :class:`FeedRead` out. feedparser does the reading (every feed dialect, RFC 822 and W3C dates,
a lenient second parser for damaged feeds). It is always handed a byte stream, never a string: a string that
looks like a URL or a path would make feedparser fetch it or open the file.

Entities: the document type declaration (``<!DOCTYPE … [<!ENTITY …>]>``) is cut out before feedparser sees the
feed, so no entity a feed declares is ever expanded — no external entity naming a local file or URL is read, and
no billion-laughs chain grows. feedparser would already refuse most of these on its own (it drops declarations
that reference other entities, and expat neither loads external entities there nor lets an entity chain amplify
past its limit), but only for declarations that start a line and only with expat ≥ 2.4; cutting the declaration
does not depend on either. A reference to an entity the feed declared is then left as text. A feed in UTF-16 or
UTF-32 (by its byte-order mark, or by the zero bytes around its first ``<``) is transcoded to UTF-8 first, so
the declaration is found in it too: uncut, a billion-laughs feed in UTF-16 held feedparser 3–5 s and ~80 MB
while expat expanded it up to its amplification limit (found by bench/fuzz.py's ``feeds`` target).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import time
import xml.sax
from dataclasses import dataclass, field

import feedparser

from crawler.freshness import parse_lastmod

# The start of the root element: the prolog (XML declaration, comments, DOCTYPE) is what comes before it.
_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_]")
_DOCTYPE = re.compile(rb"<!DOCTYPE\b", re.I)
# An HTML page where a feed was expected (a site without a feed answering /feed/ with its home page).
_HTML_ROOT = re.compile(rb"^(?:\s|<\?xml[^>]*>|<!--.*?-->|<!DOCTYPE\s+html[^>]*>)*<html\b", re.I | re.S)


_WIDE_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe", "utf-16-le"),
              (b"\xfe\xff", "utf-16-be"))
_ENCODING_DECLARATION = re.compile(r"""^(\s*<\?xml[^>]*?\bencoding\s*=\s*)(["'])[^"']*\2""")


class FeedError(ValueError):
    """The body is not a feed at all; ``str()`` says why."""


@dataclass
class FeedEntry:
    link: str
    updated: dt.datetime | None = None  # aware UTC: the entry's updated/modified date, when it gives one


@dataclass
class FeedRead:
    entries: list[FeedEntry] = field(default_factory=list)
    problem: str | None = None  # set when the feed was damaged but entries could still be read
    is_html: bool = False  # an HTML page, not a feed: no entries and no error


def _wide_encoding(body: bytes) -> tuple[str, int] | None:
    """The UTF-16/32 codec ``body`` is in and the length of its byte-order mark, or None (an 8-bit encoding)."""
    for bom, codec in _WIDE_BOMS:
        if body.startswith(bom):
            return codec, len(bom)
    head = body[:4]
    if len(head) < 4:
        return None
    if head[0] and head[1:] == b"\x00\x00\x00":
        return "utf-32-le", 0
    if head[:3] == b"\x00\x00\x00" and head[3]:
        return "utf-32-be", 0
    if head[0] and head[2] and not head[1] and not head[3]:
        return "utf-16-le", 0
    if head[1] and head[3] and not head[0] and not head[2]:
        return "utf-16-be", 0
    return None


def as_utf8(body: bytes) -> tuple[bytes, bool]:
    """``body`` in UTF-8 (its XML declaration saying so) when it was in UTF-16 or UTF-32; whether it was."""
    wide = _wide_encoding(body)
    if wide is None:
        return body, False
    codec, bom = wide
    text = body[bom:].decode(codec, "replace")
    return _ENCODING_DECLARATION.sub(r'\1"utf-8"', text, count=1).encode("utf-8"), True


def without_doctype(body: bytes) -> bytes:
    """``body`` with the document type declaration of its prolog (internal subset included) removed.

    The declaration is scanned rather than matched with one pattern: an entity's value may hold ``]`` or ``>``
    inside its quotes, which must not end the declaration early."""
    first = _FIRST_ELEMENT.search(body)
    prolog_end = first.start() if first else len(body)
    start_match = _DOCTYPE.search(body, 0, prolog_end)
    if start_match is None:
        return body
    position, depth, quote = start_match.end(), 0, 0
    while position < len(body):
        byte = body[position]
        if quote:
            if byte == quote:
                quote = 0
        elif byte in b"\"'":
            quote = byte
        elif byte == ord("["):
            depth += 1
        elif byte == ord("]"):
            depth = max(0, depth - 1)
        elif byte == ord(">") and depth == 0:
            return body[:start_match.start()] + body[position + 1:]
        position += 1
    return body[:start_match.start()]  # never closed: nothing after it is a feed


def read_feed(body: bytes, url: str, content_type: str | None = None) -> FeedRead:
    """The entries of the feed ``body`` fetched from ``url`` (links as the feed gives them, maybe relative).

    Raises :class:`FeedError` when the body is neither a feed nor an HTML page; a damaged feed whose lenient
    reading still finds entries is returned with ``problem`` set."""
    body, transcoded = as_utf8(body)
    if _HTML_ROOT.match(body[:4096]):
        return FeedRead(is_html=True)
    headers = {"content-location": url}
    if content_type:
        # A charset in the header would now be wrong: the bytes are UTF-8.
        headers["content-type"] = content_type.split(";")[0] + "; charset=utf-8" if transcoded else content_type
    try:
        parsed = feedparser.parse(io.BytesIO(without_doctype(body)), response_headers=headers,
                                  sanitize_html=False, resolve_relative_uris=False)
    except Exception as error:  # noqa: BLE001 - the lenient parser trips over some damage (KeyError 'links')
        raise FeedError(f"not a feed (unreadable even leniently: {type(error).__name__}: {error})") from error
    entries = [FeedEntry(link, _updated(entry)) for entry in parsed.entries if (link := _alternate_link(entry))]
    damage = _damage(parsed)
    if not entries and damage:
        raise FeedError(f"not a feed ({damage})")
    if not entries and not parsed.get("version"):
        raise FeedError("not a feed (no RSS, RDF or Atom root element)")
    return FeedRead(entries=entries, problem=f"damaged feed, read leniently ({damage})" if damage else None)


def _alternate_link(entry: feedparser.FeedParserDict) -> str | None:
    """The entry's page: its first ``rel="alternate"`` link (feedparser counts a link without ``rel`` as one),
    never a ``self``, ``edit``, ``replies`` or enclosure link."""
    for link in entry.get("links") or []:
        if link.get("rel", "alternate") == "alternate" and (href := (link.get("href") or "").strip()):
            return href
    return None


def _updated(entry: feedparser.FeedParserDict) -> dt.datetime | None:
    """When the entry says it was last updated (Atom ``updated``, ``dc:modified``, ``dcterms:modified``,
    ``dc:date``), as aware UTC; None when it gives none (an RSS ``pubDate`` alone is not an update date)."""
    # Read past FeedParserDict's lookup, which falls back to the publication date when there is no update
    # date (with a DeprecationWarning): a publication date says nothing about a later edit.
    stamp: time.struct_time | None = dict.get(entry, "updated_parsed")
    if stamp is not None:
        try:
            return dt.datetime(*stamp[:6], tzinfo=dt.timezone.utc)
        except (ValueError, OverflowError):
            pass
    return parse_lastmod(dict.get(entry, "updated"))


def _damage(parsed: feedparser.FeedParserDict) -> str | None:
    """Why the strict XML reading failed, or None. feedparser also sets ``bozo`` for a wrong declared charset
    or a non-XML content type; those are not damage to the feed's structure."""
    if not parsed.get("bozo"):
        return None
    error = parsed.get("bozo_exception")
    if isinstance(error, xml.sax.SAXException):
        return f"malformed XML: {error.getMessage() if hasattr(error, 'getMessage') else error}"
    return None
