"""Direct quotes in Indonesian news text, with their speaker and the speaker's agency.

Indonesian reporting attributes a quote after it (`"…," ujar Hasyim.`, `"…," jelasnya.`, `"…," kata Kepala
Diskominfo Kaltim Muhammad Faisal.`) or before it (`Faisal mengatakan, "…"`, `Menurut Faisal, "…"`). A
verb with -nya or "dia"/"ia"/"beliau" refers back to the last named speaker. The agency comes from an
appositive that names a body next to the person ("Kepala Diskominfo Kaltim, Muhammad Faisal, …";
"Muhammad Faisal, Kepala Diskominfo Kaltim"; "Kapolda Kaltim Irjen Pol Nanang Avianto"), using the
mentions that :class:`crawler.mentions.Matcher` found; a later "Faisal" is the same person as an earlier
"Muhammad Faisal". ``Quote.start``/``end`` index ``article.text`` and cover the quoted words without the
quotation marks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from crawler.article import Article, Mention, Quote

ATTRIBUTION_VERBS = ("kata", "ujar", "ucap", "ungkap", "jelas", "terang", "tutur", "tambah", "imbuh", "beber",
                     "tegas", "tandas", "pungkas", "papar", "sebut", "tukas", "lanjut", "sambung", "tulis",
                     "seru", "harap", "pinta", "akui", "katakan")
LEADING_VERBS = ("mengatakan", "menjelaskan", "menegaskan", "menyampaikan", "mengungkapkan", "menuturkan",
                 "menambahkan", "menyebut", "menyebutkan", "berkata", "berujar", "memaparkan", "membeberkan",
                 "mengaku", "menerangkan", "mengingatkan", "berharap", "menilai", "menyatakan")
_PRONOUNS = ("dia", "ia", "beliau")

# A capitalised run of words: a person's name with ranks and titles ("Irjen Pol Nanang Avianto").
_NAME = r"[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|bin|binti|van|de))*"
_AFTER = re.compile(
    r"\s*,?\s*(?P<verb>%s)(?P<nya>nya)?\b(?:\s+(?P<pronoun>%s)\b)?(?:\s+(?P<name>%s))?"
    % ("|".join(ATTRIBUTION_VERBS), "|".join(_PRONOUNS), _NAME))
_BEFORE = re.compile(r"(?:(?P<name>%s)|(?P<pronoun>[Dd]ia|[Ii]a|[Bb]eliau))\s+(?:pun\s+|juga\s+|kembali\s+)?"
                     r"(?:%s)(?:\s+bahwa)?\s*[,:]?\s*$" % (_NAME, "|".join(LEADING_VERBS)))
_MENURUT = re.compile(r"Menurut\s+(?P<name>%s)\s*,\s*$" % _NAME)
# What _BEFORE needs at the end of the line before a quote, once trailing spaces and one "," or ":" are gone:
# a leading verb (or "bahwa" after one). Lines that end otherwise (most) skip its search.
_BEFORE_ENDINGS = (*LEADING_VERBS, "bahwa")
# A name next to an agency mention: right after it ("Kepala Diskominfo Kaltim, Muhammad Faisal") ...
_NAME_AFTER = re.compile(r"\s*,?\s*(%s)" % _NAME)
# ... or before it ("Muhammad Faisal, Kepala Diskominfo Kaltim"), in the 120 characters before the mention.
_NAME_BEFORE = re.compile(r"(%s)\s*,\s*(?:selaku\s+|sebagai\s+)?(?:[A-Z][\w.]*\s+){0,4}$" % _NAME)
# _NAME_BEFORE's part after its comma. Neither part has a comma, so _NAME_BEFORE's comma is the last one of the
# window; a window whose text after its last comma does not match this cannot match _NAME_BEFORE (most do not).
_NAME_BEFORE_TAIL = re.compile(r"\s*(?:selaku\s+|sebagai\s+)?(?:[A-Z][\w.]*\s+){0,4}$")
_WORD_RUN = re.compile(r"\S+")
# Words that start a capitalised run but are no part of a name.
_NOT_NAME = {"kepala", "ketua", "wakil", "sekretaris", "kabid", "kasubag", "kadis", "plt", "plh", "pj",
             "gubernur", "wagub", "bupati", "wali", "walikota", "menteri", "direktur", "koordinator", "staf",
             "anggota", "juru", "bicara", "kabag", "kasi", "camat", "lurah", "selaku", "yang", "dan", "di",
             "saat", "ketika", "dalam", "usai", "sebelumnya", "sementara", "namun", "adapun"}
_RANKS = {"irjen", "brigjen", "kombes", "akbp", "kompol", "akp", "iptu", "ipda", "pol", "dr", "dr.", "h.",
          "hj.", "ir.", "prof.", "drs.", "kapten", "letkol", "kolonel", "mayjen", "aiptu", "bripka"}


_QUOTE = re.compile(r'"[^"\n]*"|“[^”"\n]*[”"]')


def quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every direct quote in ``text``, quotation marks included; quotes never cross paragraphs.

    The matches of ``_QUOTE`` longer than three characters, found with ``str.find`` (the regex's search tries
    every position of the text; the matcher zones every article's text)."""
    spans: list[tuple[int, int]] = []
    find = text.find
    position = 0
    straight, curly = find('"'), find("“")
    while straight >= 0 or curly >= 0:
        if curly < 0 or 0 <= straight < curly:
            start = straight  # '"[^"\n]*"'
            close = find('"', start + 1)
            newline = find("\n", start + 1, close if close >= 0 else len(text))
            end = close + 1 if close >= 0 and newline < 0 else -1
        else:
            start = curly  # '“[^”"\n]*[”"]'
            closes = [at for at in (find("”", start + 1), find('"', start + 1)) if at >= 0]
            close = min(closes) if closes else -1
            newline = find("\n", start + 1, close if close >= 0 else len(text))
            end = close + 1 if close >= 0 and newline < 0 else -1
        if end < 0:
            position = start + 1
        else:
            if end - start > 3:
                spans.append((start, end))
            position = end
        if straight < position:
            straight = find('"', position)
        if curly < position:
            curly = find("“", position)
    return spans


@dataclass
class _Person:
    position: int
    name: str
    entity_id: str | None


def _clean_name(raw: str | None) -> str | None:
    if not raw:
        return None
    words = raw.strip(" ,.").split()
    while words and words[0].lower().strip(",") in _NOT_NAME:
        words.pop(0)
    while words and words[-1].lower() in _NOT_NAME:
        words.pop()
    name = " ".join(words).strip(" ,.")
    return name or None


def _speaker_in_run(text: str, start: int, end: int, mentions: Sequence[Mention]) -> tuple[str | None, str | None]:
    """Speaker and agency in a capitalised run: "Kepala BPBD Samarinda Suwarso" -> ("Suwarso", bpbd-samarinda)."""
    inside = [m for m in mentions if m.field == "text" and start <= m.start < end]
    if inside:
        return _clean_name(text[inside[-1].end:end]), inside[-1].entity_id
    return _clean_name(text[start:end]), None


def _sentence_cut(text: str, start: int, end: int) -> int:
    """End of a capitalised run cut at a sentence end ("Faisal. Diskominfo …" -> "Faisal")."""
    for word in _WORD_RUN.finditer(text, start, end):
        value = word.group()
        if value.endswith(".") and len(value) > 3 and value.lower() not in _RANKS:
            return word.end() - 1
    return end


def _bare_name(name: str) -> str:
    """A name without ranks and honorifics, for matching "Faisal" to "Muhammad Faisal"."""
    return " ".join(word for word in name.split() if word.lower() not in _RANKS)


def _introductions(text: str, mentions: Sequence[Mention]) -> list[_Person]:
    """People named right next to an agency: "Kepala Diskominfo Kaltim, Muhammad Faisal" and the reverse."""
    people: list[_Person] = []
    for mention in mentions:
        if mention.field != "text":
            continue
        after = _NAME_AFTER.match(text, mention.end)  # the pattern has no anchor: as matching text[end:]
        if after:
            name = _clean_name(after.group(1))
            if name and len(name) > 2:
                people.append(_Person(after.start(1), name, mention.entity_id))
        window = text[max(0, mention.start - 120):mention.start]
        comma = window.rfind(",")
        before = (_NAME_BEFORE.search(window) if comma >= 0 and _NAME_BEFORE_TAIL.match(window, comma + 1)
                  else None)
        if before:
            name = _clean_name(before.group(1))
            if name and len(name) > 2:
                people.append(_Person(mention.start - 1, name, mention.entity_id))
    return sorted(people, key=lambda person: person.position)


def find_quotes(article: Article, mentions: Sequence[Mention]) -> list[Quote]:
    """Direct quotes in ``article.text`` with speaker and, when an appositive names it, the speaker's agency."""
    text = article.text or ""
    spans = quote_spans(text)
    if not spans:
        return []
    # The people introduced next to an agency, and then each quote's speaker: looked for only once a quote has
    # a speaker or a pronoun to resolve.
    known: list[_Person] | None = None
    quotes: list[Quote] = []
    last_speaker: _Person | None = None
    for start, end in spans:
        inner_start, inner_end = start + 1, end - 1
        content = text[inner_start:inner_end].strip().rstrip(",")
        if len(content.split()) < 2:
            continue  # a scare-quoted word, not a quote
        speaker: str | None = None
        agency: str | None = None
        pronoun = False
        after = _AFTER.match(text, end)
        line_start = text.rfind("\n", 0, start) + 1
        before_text = text[line_start:start]
        if after:
            if after.group("nya") or after.group("pronoun"):
                pronoun = True
            else:
                run_start = after.start("name") if after.group("name") else None
                run_end = _sentence_cut(text, run_start, after.end("name")) if run_start is not None else None
                if run_start is not None:
                    speaker, agency = _speaker_in_run(text, run_start, run_end, mentions)
        if speaker is None and not pronoun:
            # Both patterns end the line: a search only where its ending can match.
            stripped = before_text.rstrip()
            ending = stripped[:-1].rstrip() if stripped.endswith((",", ":")) else stripped
            before = _BEFORE.search(before_text) if ending.endswith(_BEFORE_ENDINGS) else None
            if before is None and stripped.endswith(",") and "Menurut" in before_text:
                before = _MENURUT.search(before_text)
            if before:
                if before.groupdict().get("pronoun"):
                    pronoun = True
                else:
                    offset = line_start + before.start("name")
                    speaker, agency = _speaker_in_run(text, offset, line_start + before.end("name"), mentions)
        if pronoun or speaker:
            if known is None:
                known = _introductions(text, mentions)
            if pronoun and speaker is None:
                candidates = [person for person in known if person.position < start]
                if last_speaker is not None:
                    candidates.append(last_speaker)
                if candidates:
                    latest = max(candidates, key=lambda person: person.position)
                    speaker, agency = latest.name, latest.entity_id
            if speaker:
                full = _resolve_person(speaker, known)
                if full is not None:
                    speaker = full.name
                    agency = agency or full.entity_id
                last_speaker = _Person(end, speaker, agency)
                known.append(last_speaker)
        quotes.append(Quote(text=text[inner_start:inner_end], start=inner_start, end=inner_end,
                            speaker=speaker, entity_id=agency))
    return quotes


def _resolve_person(name: str, known: list[_Person]) -> _Person | None:
    """The earlier, fuller mention of the person called ``name`` ("Faisal" -> "Muhammad Faisal")."""
    bare = _bare_name(name).lower().split()
    if not bare:
        return None
    best: _Person | None = None
    for person in known:
        words = _bare_name(person.name).lower().split()
        if words == bare or (set(bare) <= set(words)):
            if best is None or (person.entity_id and not best.entity_id) or len(words) > len(best.name.split()):
                best = person
    return best
