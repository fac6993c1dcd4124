"""A mention's snippet: the words around it, ``SNIPPET_CHARS`` characters either side, whitespace collapsed,
with "…" where the field goes on."""

from __future__ import annotations

from collections.abc import Callable

SNIPPET_CHARS = 80


def _snippet(text: str, start: int, end: int) -> str:
    left = max(0, start - SNIPPET_CHARS)
    right = min(len(text), end + SNIPPET_CHARS)
    snippet = " ".join(text[left:right].split())
    return ("…" if left else "") + snippet + ("…" if right < len(text) else "")


def _plain_spaces(text: str) -> bool:
    """Whether the only whitespace in ``text`` is spaces and newlines (then :func:`_plain_snippet` applies): an
    ASCII text without the other ASCII whitespace, tested one by one (a generator over them cost more)."""
    return text.isascii() and not ("\t" in text or "\r" in text or "\x0b" in text or "\x0c" in text
                                   or "\x1c" in text or "\x1d" in text or "\x1e" in text or "\x1f" in text)


def _plain_snippet(text: str, start: int, end: int) -> str:
    """:func:`_snippet` of a text whose only whitespace is spaces and newlines: with the newlines made spaces, a
    window without two spaces in a row is its own words joined by one space, less the spaces at its ends."""
    left = max(0, start - SNIPPET_CHARS)
    right = min(len(text), end + SNIPPET_CHARS)
    window = text[left:right].replace("\n", " ")
    snippet = window.strip(" ") if "  " not in window else " ".join(window.split())
    return ("…" if left else "") + snippet + ("…" if right < len(text) else "")



def snippet_maker(text: str) -> Callable[[int, int], str]:
    """``snippet(start, end)`` for the mentions of one field: :func:`_snippet`, or the same made cheaper when the
    field's whitespace allows (newlines made spaces once per field, not once per mention)."""
    if not _plain_spaces(text):
        return lambda start, end: _snippet(text, start, end)
    flat = text.replace("\n", " ")
    if "  " in flat:
        return lambda start, end: _plain_snippet(text, start, end)
    size = len(text)

    def snippet(start: int, end: int) -> str:
        # No window of a text without two spaces in a row has two: _plain_snippet's window.strip(" "). One
        # f-string per case builds the snippet in one go (every mention has one).
        right = end + SNIPPET_CHARS
        if start > SNIPPET_CHARS:
            if right < size:
                return f"…{flat[start - SNIPPET_CHARS:right].strip(' ')}…"
            return f"…{flat[start - SNIPPET_CHARS:].strip(' ')}"
        if right < size:
            return f"{flat[:right].strip(' ')}…"
        return flat.strip(" ")

    return snippet
