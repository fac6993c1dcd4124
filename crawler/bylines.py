"""Who wrote a story: author and editor names from bylines, meta tags and JSON-LD.

Indonesian pages write ``Penulis: X | Editor: Y``, ``Reporter : X``, ``Koresponden: X``, ``Pewarta: X``,
``Kontributor X``; credits such as ``(diskominfo/cha/mgm)`` or ``(ant/adv)`` and desk names ("Redaksi",
"Humas DPRD Kaltim", "ANTARA") are not people. This module owns telling names from those, splitting lists of
names (``A, B dan C``, ``A; B``) while keeping ``Surname, Given`` as one person, and finding credit lines.
"""

from __future__ import annotations

import re
import unicodedata

# Labels that introduce writers and editors in a byline.
AUTHOR_LABELS = r"penulis|reporter|wartawan|koresponden|pewarta|kontributor|jurnalis|laporan|ditulis\s+oleh|oleh|" \
                r"author|written\s+by|by|von|par|por|autor|door|af"
EDITOR_LABELS = r"editor|redaktur|penyunting|editing|penyelaras|redaktur\s+pelaksana"
# A label starts a byline segment, or is followed by a colon anywhere ("… | Penulis: X").
_LABELLED = re.compile(
    rf"(?:^|[|\n•·]\s*)(?P<label>{EDITOR_LABELS}|{AUTHOR_LABELS})\s*[:：]?\s+(?P<names>[^|\n•·]+)"
    rf"|(?<![\w])(?P<colon_label>{EDITOR_LABELS}|{AUTHOR_LABELS})\s*[:：]\s*(?P<colon_names>[^|\n•·]+)",
    re.IGNORECASE,
)
# Where a run of names stops: the next label, a date, a separator.
_NAMES_END = re.compile(
    rf"\s*(?:\b(?:{EDITOR_LABELS}|{AUTHOR_LABELS}|foto|fotografer|sumber|publikasi|dipublikasikan|diperbarui|"
    r"update|senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu)\b\s*:?|\d|\s[-–—]\s|[|•·/(])",
    re.IGNORECASE,
)
# Desks, agencies and outlets that sign stories but are not people.
_NOT_PEOPLE = re.compile(
    r"^(?:redaksi|admin(?:istrator)?|tim\b|team\b|humas\b|diskominfo|kominfo|antara|ant|adv|advertorial|"
    r"pariwara|rilis|release|press|siaran|web\s*admin|editor|reporter|penulis|kontributor|staff|staf\b|"
    r"newsroom|desk|wire|reuters|afp|ap\b|dpa\b|sid\b|kna\b|epd\b|pr\b|rls\b|sumber)",
    re.IGNORECASE,
)
# Words that make a signature an organisation rather than a person.
_ORGANISATION_WORD = re.compile(
    r"\b(?:media|news|berita|online|cyber|group|grup|network|digital|redaksi|newsroom|staff|staf|desk|tv|"
    r"television|radio|press|pers|agency|agensi|kantor|dinas|humas|pemprov|pemkot|pemkab|dprd|polda|polres|"
    r"indonesia|official|admin|editorial|team|tim|contributors?|correspondents?|reporters|writers)\b",
    re.IGNORECASE,
)
_CREDIT_LINE = re.compile(r"\(\s*([A-Za-z][\w .,&'-]{0,60}(?:/[\w .,&'…-]{0,40})+)\s*\)\s*$")
_ADV_CREDIT = re.compile(r"(?:^|/)\s*(?:adv|advertorial|pariwara|adv\.)\s*(?:/|$)", re.IGNORECASE)


def clean_name(name: str) -> str:
    """A name without surrounding punctuation, labels, ``@`` handles and repeated whitespace."""
    name = unicodedata.normalize("NFKC", name)
    name = re.sub(r"\s+", " ", name).strip(" \t,;:-–—|/·•.()[]\"'")
    name = re.sub(rf"^(?:{AUTHOR_LABELS}|{EDITOR_LABELS}|autor|autorin)\b\s*[:：]?\s*", "", name,
                  flags=re.IGNORECASE)
    name = re.sub(r"\s*\([^)]*\)?$", "", name)  # "Elena Oberholzer (obe)": initials in brackets
    return name.strip(" \t,;:-–—|/·•.")


def is_person_name(name: str) -> bool:
    """True when ``name`` looks like a person's name rather than a desk, agency, initials code or URL."""
    if not name or len(name) < 3 or len(name) > 60:
        return False
    if "/" in name or "@" in name or "http" in name.lower() or re.search(r"\.(?:com|id|co|net|org)\b", name.lower()):
        return False
    if _NOT_PEOPLE.match(name):
        return False
    words = name.split()
    if _ORGANISATION_WORD.search(name):
        return False
    if len(words) > 6:
        return False
    if re.search(r"\d", name):
        return False
    # Initials codes such as "cha", "mgm" are lower-case; real names are capitalised somewhere.
    if name.islower():
        return False
    if len(words) == 1 and name.isupper() and len(name) <= 5:
        return False
    return True


def split_names(value: str) -> list[str]:
    """Names in a list such as ``A, B dan C`` or ``A; B``; ``Surname, Given`` stays one person."""
    value = re.sub(r"\s+", " ", value).strip()
    if not value:
        return []
    parts = re.split(r"\s*;\s*|\s+(?:dan|and|und|et|y|og|och|en|&)\s+|\s*&\s*", value)
    names: list[str] = []
    for part in parts:
        pieces = [piece.strip() for piece in part.split(",") if piece.strip()]
        if len(pieces) == 2 and all(len(piece.split()) <= 2 for piece in pieces) and \
                len(pieces[1].split()) == 1 and len(parts) == 1 and not _looks_like_full_name(pieces[1]):
            names.append(part.strip())  # "Surname, Given"
        else:
            names.extend(pieces)
    return [name for name in (clean_name(name) for name in names) if name]


def _looks_like_full_name(text: str) -> bool:
    return len(text.split()) >= 2


def _name_key(name: str) -> str:
    return re.sub(r"[\s\-‐.]+", " ", name.casefold()).strip()


def unique_names(names: list[str]) -> list[str]:
    """Declared author names (JSON-LD, meta) kept as the publisher wrote them, minus junk and duplicates."""
    seen: set[str] = set()
    kept: list[str] = []
    for name in names:
        name = clean_name(name)
        key = _name_key(name)
        if name and key not in seen and len(name) <= 80 and len(name.split()) <= 8 and \
                not re.search(r"https?:|\d{3,}", name):
            seen.add(key)
            kept.append(name)
    return kept


def unique_people(names: list[str]) -> list[str]:
    """``names`` without non-people and duplicates (compared case-insensitively), in their order."""
    seen: set[str] = set()
    kept: list[str] = []
    for name in names:
        name = clean_name(name)
        key = _name_key(name)
        if is_person_name(name) and key not in seen:
            seen.add(key)
            kept.append(name)
    return kept


def parse_byline(text: str) -> tuple[list[str], list[str]]:
    """Authors and editors named in a byline text such as ``Penulis: Ahmad | Editor: Budi``."""
    authors: list[str] = []
    editors: list[str] = []
    for match in _LABELLED.finditer(text):
        label = (match.group("label") or match.group("colon_label")).lower()
        names = match.group("names") or match.group("colon_names")
        end = _NAMES_END.search(names, 1)
        if end:
            names = names[:end.start()]
        found = split_names(names)
        if re.fullmatch(EDITOR_LABELS, label):
            editors.extend(found)
        else:
            authors.extend(found)
    return unique_people(authors), unique_people(editors)


_LABEL_ONLY = re.compile(rf"^\s*(?:{EDITOR_LABELS}|{AUTHOR_LABELS})\s*[:：]?\s*$", re.IGNORECASE)
# Not the one- and two-letter "y", "et", "og", "en": alone in an element they are as often a language switch.
_JOINER_ONLY = re.compile(r"^\s*(?:[,;&]|dan|and|und)\s*$", re.IGNORECASE)


def byline_text(pieces: list[str]) -> str:
    """The texts of a byline block joined into one line for :func:`parse_byline`, pieces apart by ``|``; a label
    set in an element of its own (``<span>von</span><a>Dr. Max Kolter</a>``, ``<b>Penulis</b> Ahmad``) stays
    with the names that follow it, and names linked one by one stay one list (``<a>A</a>, <a>B</a> dan
    <a>C</a>``)."""
    line, glue_next = "", False
    for piece in pieces:
        if not line:
            line = piece
        elif glue_next or _JOINER_ONLY.match(piece):
            line += " " + piece
        else:
            line += " | " + piece
        glue_next = bool(_LABEL_ONLY.match(piece) or _JOINER_ONLY.match(piece))
    return line


def credit_line(text: str) -> str | None:
    """The bracketed credit that ends a story, e.g. ``(Humas DPRD Kaltim/adv/cha)``, or None."""
    match = _CREDIT_LINE.search(text[-200:])
    return match.group(0).strip() if match else None


def is_advertorial_credit(credit: str) -> bool:
    """True for credits that mark paid content: ``(adv)``, ``(…/adv/…)``, ``(advertorial)``."""
    inner = credit.strip().strip("()")
    return bool(_ADV_CREDIT.search(inner)) or inner.lower() in {"adv", "advertorial", "pariwara"}
