"""A mention's snippet: the words around it, ``SNIPPET_CHARS`` characters either side, whitespace collapsed,
with "…" where the field goes on."""

from __future__ import annotations

SNIPPET_CHARS = 80


def _snippet(text: str, start: int, end: int) -> str:
    left = max(0, start - SNIPPET_CHARS)
    right = min(len(text), end + SNIPPET_CHARS)
    snippet = " ".join(text[left:right].split())
    return ("…" if left else "") + snippet + ("…" if right < len(text) else "")


_OTHER_ASCII_SPACES = ("\t", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f")


def _plain_spaces(text: str) -> bool:
    """Whether the only whitespace in ``text`` is spaces and newlines (then :func:`_plain_snippet` applies)."""
    return text.isascii() and not any(space in text for space in _OTHER_ASCII_SPACES)


def _plain_snippet(text: str, start: int, end: int) -> str:
    """:func:`_snippet` of a text whose only whitespace is spaces and newlines: with the newlines made spaces, a
    window without two spaces in a row is its own words joined by one space, less the spaces at its ends."""
    left = max(0, start - SNIPPET_CHARS)
    right = min(len(text), end + SNIPPET_CHARS)
    window = text[left:right].replace("\n", " ")
    snippet = window.strip(" ") if "  " not in window else " ".join(window.split())
    return ("…" if left else "") + snippet + ("…" if right < len(text) else "")

