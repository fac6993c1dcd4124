"""The packaged Indonesian tone lexicon (``lexicon.yaml`` beside this module), loaded and compiled once.

The YAML file says which words judge a body and how (its header documents the fields); this module turns it
into regular expressions and word sets. A broken lexicon is a packaging bug, so errors here name the file and
the entry and are raised, not logged.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

import yaml

from crawler.tone.morphology import forms

# "neutral" groups are masks: phrases that contain a cue word but judge nobody ("pencegahan korupsi", "paling
# lambat"); found like cues, longest first, they keep the shorter cue inside them from being read.
Polarity = Literal["negative", "positive", "neutral"]
Role = Literal["subject", "object"]

LEXICON_FILE = "lexicon.yaml"


class LexiconError(ValueError):
    """The tone lexicon file is malformed."""


@dataclass(frozen=True)
class CueGroup:
    polarity: Polarity
    role: Role
    weight: float
    reach: int | None
    kepada: bool
    pattern: re.Pattern[str]
    family: str = ""  # a named concept ("non-response", "equipment-failure"); bench/tone.py --rotate may drop it
    possessor: bool = False  # a nominal ("lambannya", "kegagalan"): the body right after it owns the failing


@dataclass(frozen=True)
class Lexicon:
    cues: tuple[CueGroup, ...]
    actor_verbs: re.Pattern[str]
    adverbs: frozenset[str]
    negators: frozenset[str]
    concessive: frozenset[str]
    concessive_weight: float
    contrast: frozenset[str]
    contrast_weight: float
    anaphors: dict[str, re.Pattern[str]]  # entity kind (or "any") -> words that refer back to such a body
    action_anaphor: re.Pattern[str]
    possessors: frozenset[str]  # "kebijakan X …": X names whose action it is, not the clause's subject
    zone_weights: dict[str, float]
    inherited_weight: float
    min_decision: float = 0.5  # the least summed weight that makes a story negative or positive
    rules: frozenset[str] = frozenset()  # optional scope rules switched on (scoring.py: possessor)
    any_cue: re.Pattern[str] = re.compile(r"(?!)")  # every cue group's patterns in one: no match, no cue
    irrealis: frozenset[str] = frozenset()  # "ditargetkan", "akan": what follows in the clause has not happened yet
    irrealis_families: frozenset[str] = frozenset()  # the outcome families whose cues a plan or target cancels


_TIDAK = re.compile(r"(?<![\w|(])tidak ")


def _alternation(patterns: list[str], where: str) -> re.Pattern[str]:
    """One pattern for a list. Matched against lower-cased text (IGNORECASE makes Python's re several times
    slower on long alternations), so the lexicon's own letters must be lower case."""
    # Longest first, so that "dinilai gagal" wins over "gagal" at the same place.
    # "tidak" and "tak" are the same word in news writing: a pattern written with one matches both.
    ordered = sorted((_TIDAK.sub("(?:tidak|tak) ", str(p).strip().lower()) for p in patterns), key=len, reverse=True)
    try:
        for pattern in ordered:
            re.compile(pattern)
        return _compiled(ordered)
    except re.error as error:
        raise LexiconError(f"{LEXICON_FILE}: {where}: bad pattern ({error})") from None


# A leading group of plain words, optionally optional: "(?:tidak|tak) …", "(?:menjadi )?sorotan".
_LEADING_GROUP = re.compile(r"\(\?:([^()|\\]*(?:\|[^()|\\]*)*)\)(\?)?")


def _literal_first(alternative: str) -> list[str] | None:
    """The alternative as alternatives that each start with a plain letter, in the order the regex engine tries
    them ("(?:tidak|tak) x" → "tidak x", "tak x"; "(?:a )?b" → "a b", "b"); None when it cannot be written so."""
    if (alternative[:1].isalnum() or alternative[:1] == " ") and alternative[1:2] not in ("?", "*", "+", "{"):
        return [alternative]
    match = _LEADING_GROUP.match(alternative)
    if match is None:
        return None
    rest = alternative[match.end():]
    if rest[:1] in ("?", "*", "+", "{"):
        return None
    written: list[str] = []
    for word in match.group(1).split("|") + ([""] if match.group(2) else []):
        if not word + rest:
            return None
        expanded = _literal_first(word + rest)
        if expanded is None:
            return None
        written += expanded
    return written


def _compiled(ordered: list[str]) -> re.Pattern[str]:
    r"""``(?<![\w-])(?:a|b|…)(?![\w-])``, the same matches, written so that Python's re does less: when every
    alternative can start with a plain letter, as ``[first letters](?<![\w-].)(?:(?<=k)(?:…)|…)(?![\w-])`` with the
    alternatives under each first letter factored by their next letters like a trie (:func:`_factored`). A leading
    character set lets the engine's search skip every position whose letter starts no alternative (a leading
    look-behind made it try every position), and the trie tries at a position only the alternatives that share
    its letters, where a plain alternation tries hundreds one by one — the tone scan's main cost. Alternatives that
    share a prefix keep their order and those in different branches cannot both match, so each match is the one
    the plain alternation finds."""
    plain = r"(?<![\w-])(?:%s)(?![\w-])" % "|".join(ordered)
    if not ordered:
        return re.compile(plain)
    written: list[str] = []
    for alternative in ordered:
        expanded = _literal_first(alternative)
        if expanded is None:
            return re.compile(plain)
        written += expanded
    letters = list(dict.fromkeys(alternative[0] for alternative in written))
    buckets = "|".join("(?<=%s)%s" % (re.escape(letter), _factored([a[1:] for a in written if a[0] == letter]))
                       for letter in letters)
    return re.compile(r"[%s](?<![\w-].)(?:%s)(?![\w-])" % ("".join(re.escape(letter) for letter in letters), buckets))


def _factored(rests: list[str], depth: int = 0) -> str:
    """The alternation of ``rests`` (in order) as a trie on their leading letters, when every one of them is
    non-empty and starts (after expanding a leading word group) with a plain letter; else the plain alternation."""
    plain = "(?:%s)" % "|".join(rests)
    if depth >= 12 or len(rests) < 2:
        return plain
    written: list[str] = []
    for rest in rests:
        expanded = _literal_first(rest) if rest else None
        if expanded is None or any(not item or not (item[0].isalnum() or item[0] == " ") for item in expanded):
            return plain
        written += expanded
    heads = list(dict.fromkeys(item[0] for item in written))
    if len(heads) == 1 and len(written) == len(rests) and written == rests and all(len(item) == 1 for item in written):
        return plain
    branches = []
    for head in heads:
        tails = [item[1:] for item in written if item[0] == head]
        if any(not tail for tail in tails):
            branches.append(re.escape(head) + "(?:%s)" % "|".join(tails))  # one ends here: keep their order
        else:
            branches.append(re.escape(head) + _factored(tails, depth + 1))
    return "(?:%s)" % "|".join(branches)


def _words(values: Any) -> frozenset[str]:
    return frozenset(str(value).lower() for value in values or ())


def parse_lexicon(data: dict[str, Any], without: frozenset[str] = frozenset()) -> Lexicon:
    """The lexicon from its YAML data; ``without`` names families left out (for bench/tone.py --rotate)."""
    groups = []
    every_pattern: list[str] = []
    for number, group in enumerate(data.get("cues") or (), 1):
        where = f"cues group {number}"
        if group.get("polarity") not in ("negative", "positive", "neutral") or group.get("role") not in ("subject",
                                                                                                        "object"):
            raise LexiconError(f"{LEXICON_FILE}: {where}: polarity must be negative|positive|neutral, "
                               "role subject|object")
        if not group.get("patterns"):
            raise LexiconError(f"{LEXICON_FILE}: {where}: no patterns")
        if str(group.get("family", "")) in without:
            continue
        every_pattern += [str(pattern) for pattern in group["patterns"]]
        groups.append(CueGroup(polarity=group["polarity"], role=group["role"],
                               weight=float(group.get("weight", 1.0)), reach=group.get("reach"),
                               kepada=bool(group.get("kepada", False)),
                               pattern=_alternation(group["patterns"], where),
                               family=str(group.get("family", "")), possessor=bool(group.get("possessor", False))))
    for number, group in enumerate(data.get("roots") or (), 1):
        if str(group.get("family", "")) not in without:
            made, words = _root_groups(group, f"roots group {number}")
            groups += made
            every_pattern += words
    anaphors = {kind: _alternation(words, f"anaphors.{kind}") for kind, words in (data.get("anaphors") or {}).items()}
    nouns = "|".join(re.escape(str(noun)) for noun in data.get("action_nouns") or ())
    return Lexicon(
        cues=tuple(groups),
        actor_verbs=_alternation(data.get("actor_verbs") or [], "actor_verbs"),
        adverbs=_words(data.get("adverbs")), negators=_words(data.get("negators")),
        concessive=_words(data.get("concessive")), concessive_weight=float(data.get("concessive_weight", 0.4)),
        contrast=_words(data.get("contrast")), contrast_weight=float(data.get("contrast_weight", 1.3)),
        anaphors=anaphors,
        possessors=frozenset(str(noun).lower() for noun in data.get("action_nouns") or () if " " not in str(noun)),
        action_anaphor=re.compile(r"(?<![\w-])(?:%s)(?:nya)? (?:tersebut|itu|ini)(?![\w-])" % nouns.lower()),
        zone_weights={str(k): float(v) for k, v in (data.get("zone_weights") or {}).items()},
        inherited_weight=float(data.get("inherited_weight", 0.8)),
        min_decision=float(data.get("min_decision", 0.5)),
        rules=frozenset(str(rule) for rule in data.get("rules") or () if f"rule:{rule}" not in without),
        any_cue=_alternation(every_pattern, "cues") if every_pattern else re.compile(r"(?!)"),
        irrealis=_words(data.get("irrealis")), irrealis_families=_words(data.get("irrealis_families")),
    )


def _root_groups(group: dict[str, Any], where: str) -> tuple[list[CueGroup], list[str]]:
    """A ``roots`` group: each root with the codes of its affixed forms (crawler/tone/morphology.py); the passive
    and noun forms become a subject-role group, the active ones an object-role group."""
    if group.get("polarity") not in ("negative", "positive", "neutral") or not isinstance(group.get("words"), dict):
        raise LexiconError(f"{LEXICON_FILE}: {where}: needs polarity negative|positive|neutral and words: "
                           "{root: [form codes]}")
    subject: list[str] = []
    objects: list[str] = []
    for root, codes in group["words"].items():
        try:
            made = forms(str(root), list(codes or ()))
        except ValueError as error:
            raise LexiconError(f"{LEXICON_FILE}: {where}: {error}") from None
        subject += made[0]
        objects += made[1]
    common = dict(polarity=group["polarity"], weight=float(group.get("weight", 1.0)), reach=group.get("reach"),
                  kepada=bool(group.get("kepada", False)), family=str(group.get("family", "")),
                  possessor=bool(group.get("possessor", False)))
    made_groups = []
    if subject:
        made_groups.append(CueGroup(role="subject", pattern=_alternation(subject, where), **common))
    if objects:
        made_groups.append(CueGroup(role="object", pattern=_alternation(objects, where), **common))
    return made_groups, subject + objects


def bundled_lexicon_data() -> dict[str, Any]:
    """The shipped lexicon's YAML data, before compiling (bench/tone.py --rotate varies it)."""
    text = resources.files("crawler.tone").joinpath(LEXICON_FILE).read_text(encoding="utf-8")
    return yaml.safe_load(text)


@functools.cache
def bundled_lexicon() -> Lexicon:
    """The lexicon shipped in this package (read once per process)."""
    return parse_lexicon(bundled_lexicon_data())
