"""Reading a sitemap whatever state it is in: every good entry kept, and a word on what was wrong with it.

Pure: bytes in, :class:`SitemapRead` out. lxml, with the options of Scrapy's own sitemap reader (entities
never resolved, recovery on), reads a sound sitemap. A damaged one — an element nested deeper than lxml allows, broken markup
half-way, an entity bomb (``<!DOCTYPE … <!ENTITY …>``, never expanded here) — loses the entries after the
damage in lxml's recovery, so the raw text is also scanned for ``<url>``/``<sitemap>`` blocks, and when that finds
more entries they are used and ``problem`` says why. Gzipped bodies are inflated with a size limit.
"""

from __future__ import annotations

import gzip
import html
import io
import re
import struct
import zlib
from dataclasses import dataclass, field

from lxml import etree

_BLOCK = re.compile(rb"<(?:[\w.-]+:)?(url|sitemap)\b[^>]*>(.*?)</(?:[\w.-]+:)?\1\s*>", re.S | re.I)
_LOC = re.compile(rb"<(?:[\w.-]+:)?loc\b[^>]*>\s*(?:<!\[CDATA\[)?\s*([^<\]]*?)\s*(?:\]\]>)?\s*</(?:[\w.-]+:)?loc",
                  re.S | re.I)
_LASTMOD = re.compile(rb"<(?:[\w.-]+:)?lastmod\b[^>]*>\s*([^<]*?)\s*</", re.S | re.I)
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.I)
_ABSOLUTE = re.compile(r"https?://[^\s&]", re.I)
_INDEX_ROOT = re.compile(rb"<(?:[\w.-]+:)?sitemapindex\b", re.I)
# Where a _BLOCK can start: at most one block starts at each of these tags, so they bound the blocks' count.
_OPENING_TAG = re.compile(rb"<(?:[\w.-]+:)?(?:url|sitemap)\b", re.I)


class SitemapError(ValueError):
    """The body is not a sitemap at all (or inflates past the size limit); ``str()`` says which."""


@dataclass
class SitemapEntry:
    loc: str
    lastmod: str | None = None


@dataclass
class SitemapRead:
    type: str  # "urlset" or "sitemapindex"
    entries: list[SitemapEntry] = field(default_factory=list)
    problem: str | None = None  # set when the sitemap was damaged but entries could still be read


def inflate(body: bytes, max_size: int) -> tuple[bytes, str | None]:
    """``body``, gunzipped when it starts with the gzip magic, never past ``max_size`` bytes (0: no limit), and
    a word when the gzip stream was cut short (what inflated is kept)."""
    if body[:2] != b"\x1f\x8b":
        return body, None
    stream = gzip.GzipFile(fileobj=io.BytesIO(body))
    output = io.BytesIO()
    while True:
        try:
            chunk = stream.read1(65536)
        except (OSError, EOFError, struct.error, zlib.error) as error:
            if output.tell():  # a truncated tail: keep what inflated (Scrapy's gunzip does the same)
                return output.getvalue(), f"truncated or corrupt gzip ({error or type(error).__name__})"
            raise SitemapError(f"corrupt gzip ({error or type(error).__name__})") from None
        if not chunk:
            break
        output.write(chunk)
        if max_size and output.tell() > max_size:
            raise SitemapError(f"gzip body inflates past the {max_size} byte limit (DOWNLOAD_MAXSIZE)")
    return output.getvalue(), None


def read_sitemap(body: bytes, max_size: int = 0) -> SitemapRead:
    """The entries of a sitemap or sitemap index in ``body`` (gzipped or not)."""
    body, gzip_problem = inflate(body, max_size)
    kind, parsed = _parse(body)
    # The raw scan can only find more entries than lxml when the body has more <url>/<sitemap> tags than lxml
    # read entries: counting the tags (a tenth of the scan's cost) spares a sound sitemap the scan.
    scanned = _scan(body) if len(_OPENING_TAG.findall(body)) > len(parsed) else []
    problems = [gzip_problem] if gzip_problem else []
    if _ENTITY_DECLARATION.search(body[:65536]):
        problems.append("sitemap declares XML entities (not expanded)")
    if len(scanned) > len(parsed):
        problems.append(f"damaged sitemap XML: {len(scanned) - len(parsed)} of {len(scanned)} entries read from "
                        "the raw text past the damage")
        parsed = scanned
        kind = "sitemapindex" if _INDEX_ROOT.search(body[:65536]) else "urlset"
    if kind not in ("urlset", "sitemapindex"):
        raise SitemapError("not a sitemap (malformed XML)")
    return SitemapRead(kind, parsed, "; ".join(problems) or None)


def _local_name(element: etree._Element) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _parse(body: bytes) -> tuple[str | None, list[SitemapEntry]]:
    """The root element's name and the entries lxml reads. Only "end" events: an entry is complete there, and
    the root (the first element started) is known once the parse is done."""
    entries: list[SitemapEntry] = []
    try:
        events = etree.iterparse(io.BytesIO(body), events=("end",), recover=True, remove_comments=True,
                                 resolve_entities=False, remove_blank_text=True, collect_ids=False,
                                 remove_pis=True, no_network=True)
        for _, element in events:
            if _local_name(element) not in ("url", "sitemap"):
                continue
            loc = lastmod = ""
            for child in element:  # the last <loc> (<lastmod>) of an entry counts
                name = _local_name(child)
                if name == "loc":
                    loc = (child.text or "").strip()
                elif name == "lastmod":
                    lastmod = (child.text or "").strip()
            if loc:
                entries.append(SitemapEntry(loc, lastmod or None))
            element.clear()
    except (etree.XMLSyntaxError, ValueError):
        return _parse_with_start_events(body)
    return (_local_name(events.root) if events.root is not None else None), entries


def _parse_with_start_events(body: bytes) -> tuple[str | None, list[SitemapEntry]]:
    """:func:`_parse` for a body lxml gives up on part-way: the root's name from its "start" event (the parse
    never ends), and the entries read before the error."""
    kind: str | None = None
    entries: list[SitemapEntry] = []
    try:
        events = etree.iterparse(io.BytesIO(body), events=("start", "end"), recover=True, remove_comments=True,
                                 resolve_entities=False, remove_blank_text=True, collect_ids=False,
                                 remove_pis=True, no_network=True)
        for event, element in events:
            if kind is None:
                kind = _local_name(element)
            if event != "end" or _local_name(element) not in ("url", "sitemap"):
                continue
            fields = {_local_name(child): (child.text or "").strip() for child in element
                      if _local_name(child) in ("loc", "lastmod")}
            if fields.get("loc"):
                entries.append(SitemapEntry(fields["loc"], fields.get("lastmod") or None))
            element.clear()
    except (etree.XMLSyntaxError, ValueError):
        pass
    return kind, entries


def _scan(body: bytes) -> list[SitemapEntry]:
    entries = []
    for match in _BLOCK.finditer(body):
        loc = _LOC.search(match.group(2))
        location = html.unescape(loc.group(1).decode("utf-8", "replace")).strip() if loc else ""
        if not _ABSOLUTE.match(location):  # an unexpanded entity or junk, not an address
            continue
        lastmod = _LASTMOD.search(match.group(2))
        entries.append(SitemapEntry(location,
                                    lastmod.group(1).decode("utf-8", "replace") if lastmod else None))
    return entries
