"""Which text encoding a fetched page is really in, when its HTTP header says one thing and its bytes another.

Pure: bytes and the header's charset in, an encoding name (or None: keep Scrapy's own decoding) out. Scrapy's
rules are the base (a byte-order mark, then the ``Content-Type`` charset, then ``<meta charset>``, then a
guess). They trust the header, and a single-byte charset such as koi8-r or windows-1252 decodes any bytes
without an error, so a UTF-8 page served as ``charset=koi8-r`` is stored as mojibake, silently. So: a BOM
decides; a header charset is believed only when the bytes agree with it (they decode strictly, UTF-8 bytes
are not passed off as a single-byte charset, UTF-16 comes with the NUL bytes UTF-16 text has); when they
disagree, the page's own ``<meta charset>`` decides if the bytes decode with it, else charset-normalizer's
best guess.
"""

from __future__ import annotations

import codecs
import re

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_:.+-]+)""", re.I)
_NON_ASCII_UTF8 = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def _decodes(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _agrees(body: bytes, encoding: str) -> bool:
    """Whether ``body`` plausibly is in ``encoding`` (not merely decodable with it)."""
    if encoding.startswith(("utf-16", "utf-32")):
        # UTF-16 markup is half NUL bytes; UTF-8 or ASCII bytes that happen to pair up are not UTF-16.
        return body[:2048].count(b"\x00") * 4 >= min(len(body), 2048) and _decodes(body, encoding)
    if encoding == "utf-8":
        return _decodes(body, encoding)
    if not _decodes(body, encoding):
        return False
    # A single-byte (or legacy multi-byte) charset accepts UTF-8's bytes too: valid UTF-8 with multi-byte
    # sequences is UTF-8, whatever the header says.
    return not (_NON_ASCII_UTF8.search(body) and _decodes(body, "utf-8"))


def meta_charset(body: bytes) -> str | None:
    """The codec named by the page's ``<meta charset>`` / ``http-equiv`` in its first 4 KB, if it is known."""
    match = _META_CHARSET.search(body[:4096])
    return _codec(match.group(1).decode("ascii", "replace")) if match else None


def page_encoding(body: bytes, header_charset: str | None) -> str | None:
    """The encoding to decode ``body`` with, or None when Scrapy's own choice (header first) is right."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return None  # Scrapy (w3lib) honours a BOM first already
    declared = _codec(header_charset)
    if declared is None or _agrees(body, declared):
        return None
    meta = meta_charset(body)
    if meta is not None and meta != declared and _agrees(body, meta):
        return meta
    if _decodes(body, "utf-8"):
        return "utf-8"
    from charset_normalizer import from_bytes  # only for the rare page whose header and meta both mislead

    best = from_bytes(body[:200_000]).best()
    return _codec(best.encoding) if best is not None else None
