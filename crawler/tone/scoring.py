"""The rules that turn an article's sentences and agency mentions into tone toward each agency.

One sentence at a time (the title is a sentence of its own; captions, tags, "Baca juga" lines and credits are
not read):

1. **Cues.** The lexicon's patterns (and the forms its roots generate) are found in the sentence, longest first,
   without overlaps; a mask ("pencegahan korupsi", "paling lambat") is found the same way and judges nobody.
2. **Target.** Each cue judges at most one agency, found from the matcher's mention offsets:
   a *subject* cue ("dikritik", "mangkrak", "meraih penghargaan") judges the agency named before it in its
   clause, or the first one after it when none is named before; an *object* cue ("mengkritik",
   "mengapresiasi") judges the agency named right after it, never the critic before it. An agency that is the
   subject of an actor verb ("Polda Kaltim menangkap …", "BPK menemukan …") is doing something to someone else:
   cues after that verb judge the agencies named after the verb (its objects), not the actor. An agency after
   "kepada/ke/dengan" is the addressee ("warga mengeluh kepada DPRD"), judged only by cues that govern kepada
   ("apresiasi kepada Polda"). Crime words ("korupsi", "tersangka") judge an agency only when written within a
   few words of its name (place words do not count), and never across that agency's own verb. An apposition
   ("Komdigi, <name>, mengatakan") keeps the agency the verb's subject; an agency after an action noun
   ("kebijakan Komdigi memblokir … dikritik") is whose action is judged, not an actor.
3. **Reference.** A clause or sentence that names no agency but refers back to one ("dewan", "kementerian",
   "pihaknya", "langkah tersebut") passes its cues to that agency, at ``inherited_weight``. A contrast clause
   ("…, namun pencairannya tersendat") or the main clause after a leading concession that names no agency is
   about the sentence's subject.
4. **Scope.** A negator right before a cue, or before up to two carrier words ("tidak ditemukan pelanggaran",
   "tidak ada lagi keluhan"), cancels a criticism and turns
   praise into criticism ("tidak transparan"); a concessive clause ("meski sempat dikritik, …") counts
   ``concessive_weight``; a clause after a contrast ("namun", "tetapi", "sayangnya") counts ``contrast_weight``.
   Titles and leads weigh more (``zone_weights``).
5. **Decision.** Per agency, the negative and positive weights are summed: negative when there is criticism and
   it is at least as strong as the praise (a missed negative story is the costly error), positive when praise
   outweighs it, neutral otherwise. The score is ``tanh(positive - negative)``, and the sentences that
   contributed most to the winning side are the evidence.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from crawler.article import Article, Mention
from crawler.mentions import COUNTED_ZONES, paragraph_zones
from crawler.tone.lexicon import CueGroup, Lexicon

_TOKEN = re.compile(r"\w+(?:[-']\w+)*")
# A sentence ends at . ! ? (and a closing quote) before a capital, a digit or an opening quote.
_SENTENCE_END = re.compile(r"[.!?]+[\"”’']?(?=\s+[\"“'‘(]?[A-Z0-9])")
_ABBREVIATIONS = frozenset({"rp", "no", "jl", "jln", "dr", "drs", "dra", "ir", "h", "hj", "st", "kec", "kab", "kel",
                            "prov", "bpk", "sdr", "prof", "kh", "tgl", "hlm", "mr", "ny", "tn", "a", "s", "m"})
_ADDRESSEE = frozenset({"kepada", "ke", "pada", "dengan", "bersama", "hadapan"})
_ADDRESSEE_FILLER = frozenset({"anggota", "pimpinan", "ketua", "para", "jajaran", "pihak", "komisi", "i", "ii", "iii",
                               "iv", "di"})
# Words that may stand between a crime word and the body it belongs to ("korupsi di lingkungan Pemkab X").
_LINK_AFTER = frozenset({"di", "lingkungan", "tubuh", "internal", "jajaran", "kalangan", "pejabat", "oknum",
                         "pegawai", "anggota", "sejumlah", "pada", "seorang"})
# Words of a place phrase between a body's name and a crime word; they do not count toward the word's reach.
_PLACE_WORDS = frozenset({"desa", "kelurahan", "kecamatan", "kabupaten", "kota", "wilayah", "daerah", "kampung",
                          "beberapa", "dari", "milik", "yang", "setempat"})
# Words through which a negator still reaches the cue after them.
_NEGATION_CARRIERS = frozenset({"ada", "pernah", "juga", "lagi", "terlalu", "begitu", "sampai", "pula", "terjadi",
                                "ditemukan", "menemukan", "terdapat", "mengalami", "satu", "pun", "sedikit",
                                "banyak", "terlihat", "tampak", "sama", "sekali", "menerima", "diterima",
                                "mendapat", "ditemui", "perlu", "harus", "usah", "akan", "temuan", "indikasi",
                                "bukti", "karena", "akibat", "disebabkan"})
_OBJECT_REACH = 6
# Words joining bodies named together as one subject ("Polres Kukar dan Polres Kutim mendapat rapor merah").
_COORDINATORS = frozenset({"dan", "serta", "maupun", "beserta"})
# A body right after a passive verb is its agent, the one acting ("diperiksa KPK", "dikembangkan Bawaslu"):
# words starting with "di" that are no passive verb.
_PASSIVE = re.compile(r"di[a-z]{3,}")
_NOT_PASSIVE = frozenset({"dia", "diri", "dini", "dinas", "direktur", "direksi", "dirjen", "dirut", "diskusi", "digital",
                          "dinding", "disiplin", "distrik", "divisi", "diklat", "dialog", "diaspora", "diesel"})
# Words of an official's description between an enforcement verb and the body the official belongs to
# ("mengamankan tujuh orang, termasuk seorang kepala dinas di lingkungan Pemkab X"): they do not count toward reach.
_OFFICIAL_WORDS = _LINK_AFTER | _PLACE_WORDS | frozenset({
    "mantan", "termasuk", "kepala", "kadis", "staf", "bendahara", "sekretaris", "kabid", "kasi", "camat", "lurah",
    "orang", "dinas", "bidang", "bagian", "pejabat", "aparatur", "asn", "pns", "honorer", "oknum", "dua", "tiga",
    "empat", "lima", "beberapa", "kantor", "ruang", "ruangan", "gedung", "sejumlah", "para"})


@dataclass(frozen=True)
class Sentence:
    field: str  # "title" or "text"
    start: int  # offsets into the article field's text
    end: int
    text: str
    zone: str  # title | lead | body
    paragraph: int  # -1 for the title


@dataclass
class _Token:
    start: int
    end: int
    lower: str


@dataclass
class _Named:
    entity_id: str
    first: int  # token span [first, last)
    last: int
    mention: Mention | None = None


@dataclass
class Judgement:
    """One cue's verdict on one agency in one sentence."""

    entity_id: str
    polarity: int  # -1 or +1; 0 for a criticism the scope rules cancelled (weight 0)
    weight: float
    cue: str
    sentence: Sentence
    family: str = ""  # the cue group's named family, if any (bench/tone.py --rotate counts where each one fires)


@dataclass
class EntityVerdict:
    entity_id: str
    tone: str
    score: float
    negative: float
    positive: float
    evidence: list[Sentence] = field(default_factory=list)


def split_sentences(article: Article) -> list[Sentence]:
    """The title and the story's own paragraphs (lead, body) cut into sentences, with offsets."""
    sentences: list[Sentence] = []
    if article.title and article.title.strip():
        sentences.append(Sentence("title", 0, len(article.title), article.title, "title", -1))
    for number, (start, end, zone) in enumerate(paragraph_zones(article.text)):
        if zone not in ("lead", "body"):
            continue
        sentences += _cut(article.text, start, end, zone, number)
    return sentences


def _cut(text: str, start: int, end: int, zone: str, paragraph: int) -> list[Sentence]:
    pieces: list[Sentence] = []
    position = start
    for match in _SENTENCE_END.finditer(text, start, end):
        before = text[position:match.start()].split()
        if before and before[-1].lower().strip("(\"'") in _ABBREVIATIONS:
            continue
        pieces.append(Sentence("text", position, match.end(), text[position:match.end()], zone, paragraph))
        position = match.end()
        while position < end and text[position].isspace():
            position += 1
    if text[position:end].strip():
        pieces.append(Sentence("text", position, end, text[position:end], zone, paragraph))
    return [piece for piece in pieces if piece.text.strip()]


class ToneRules:
    """Applies a :class:`Lexicon` to sentences; ``kinds`` maps entity ids to their kind (for "dewan" etc.)."""

    def __init__(self, lexicon: Lexicon, kinds: Mapping[str, str]) -> None:
        self.lexicon = lexicon
        self.kinds = dict(kinds)

    # ------------------------------------------------------------------------------------------ one article

    def judge(self, article: Article, mentions: Sequence[Mention], sentences: list[Sentence] | None = None,
              read: set[tuple[str, int]] | None = None) -> list[Judgement]:
        """The judgements of every cue on the agencies it reaches. ``read``, when given, collects the sentences
        naming an agency in which the rules found something to read (a cue, a mask, an actor verb): (field, start)."""
        counted = [m for m in mentions if m.zone in COUNTED_ZONES and m.field in ("title", "text")]
        judgements: list[Judgement] = []
        focus: str | None = None  # the agency the story was last about (subject of the last naming sentence)
        recent: list[str] = []  # entity ids in the order last named
        paragraph_focus: dict[int, str] = {}
        if sentences is None:
            sentences = split_sentences(article)
        in_paragraph: dict[int, set[str]] = {}
        in_sentence = [[m for m in counted if m.field == sentence.field and sentence.start <= m.start < sentence.end]
                       for sentence in sentences]
        for sentence, inside in zip(sentences, in_sentence):
            in_paragraph.setdefault(sentence.paragraph, set()).update(m.entity_id for m in inside)
        for sentence, inside in zip(sentences, in_sentence):
            named_here = in_paragraph.get(sentence.paragraph, set())
            tokens = [_Token(t.start(), t.end(), t.group().lower()) for t in _TOKEN.finditer(sentence.text)]
            if not tokens:
                continue
            named = [self._named(m, sentence, tokens) for m in sorted(inside, key=lambda m: m.start)]
            context = _Context(focus=paragraph_focus.get(sentence.paragraph) if sentence.zone != "title" else None,
                               article_focus=focus, recent=list(recent),
                               only=next(iter(named_here)) if len(named_here) == 1 else None)
            judgements += self._sentence(sentence, tokens, named, context, read)
            if named:
                subject = next((n for n in named if self._addressee(tokens, n) is None), named[0])
                focus = paragraph_focus[sentence.paragraph] = subject.entity_id
                for item in named:
                    if item.entity_id in recent:
                        recent.remove(item.entity_id)
                    recent.append(item.entity_id)
        return judgements

    def decide(self, judgements: Sequence[Judgement], entity_ids: Sequence[str]) -> dict[str, EntityVerdict]:
        verdicts: dict[str, EntityVerdict] = {}
        minimum = self.lexicon.min_decision
        for entity_id in entity_ids:
            own = [j for j in judgements if j.entity_id == entity_id]
            negative = sum(j.weight for j in own if j.polarity < 0)
            positive = sum(j.weight for j in own if j.polarity > 0)
            if negative >= minimum and negative >= positive:
                tone, side = "negative", -1
            elif positive >= minimum and positive > negative:
                tone, side = "positive", 1
            else:
                tone, side = "neutral", 0
            by_sentence: dict[tuple[str, int], tuple[float, Sentence]] = {}
            for j in own:
                if side and j.polarity == side:
                    key = (j.sentence.field, j.sentence.start)
                    total = by_sentence.get(key, (0.0, j.sentence))[0] + j.weight
                    by_sentence[key] = (total, j.sentence)
            evidence = [s for _, s in sorted(by_sentence.values(), key=lambda pair: (-pair[0], pair[1].field != "title",
                                                                                      pair[1].start))[:2]]
            verdicts[entity_id] = EntityVerdict(entity_id, tone, round(math.tanh(positive - negative), 3),
                                                round(negative, 3), round(positive, 3), evidence)
        return verdicts

    def silent_about(self, entity_id: str, sentences: Sequence[Sentence], mentions: Sequence[Mention],
                     read: set[tuple[str, int]] | None = None) -> bool:
        """True when no sentence naming the agency holds any lexicon pattern (cue or mask) or actor verb: the rules
        had nothing to read there, so whatever they decided is no reading of that text (crawler/tone/model.py).
        ``read``: what :meth:`judge` collected, so that the sentences are not searched again."""
        for sentence in sentences:
            if any(m.entity_id == entity_id and m.field == sentence.field and sentence.start <= m.start < sentence.end
                   for m in mentions):
                if read is not None:
                    if (sentence.field, sentence.start) in read:
                        return False
                    continue
                lowered = _lowered(sentence.text)
                if self.lexicon.any_cue.search(lowered) or self.lexicon.actor_verbs.search(lowered):
                    return False
        return True

    # ------------------------------------------------------------------------------------------ one sentence

    @staticmethod
    def _named(mention: Mention, sentence: Sentence, tokens: list[_Token]) -> _Named:
        start, end = mention.start - sentence.start, mention.end - sentence.start
        first = next((i for i, t in enumerate(tokens) if t.end > start), len(tokens))
        last = next((i for i, t in enumerate(tokens) if t.start >= end), len(tokens))
        return _Named(mention.entity_id, first, max(last, first + 1), mention)

    def _sentence(self, sentence: Sentence, tokens: list[_Token], named: list[_Named],
                  context: _Context, read: set[tuple[str, int]] | None = None) -> list[Judgement]:
        lexicon = self.lexicon
        lowered = _lowered(sentence.text)
        if not named and context.only is None and not self._may_refer(lowered, tokens, context):
            return []  # nothing here can be attributed to an agency: skip the cue search, the costly part
        token_at = _token_index(tokens)
        cues = self._cues(lowered, token_at)
        if read is not None and named and (cues or lexicon.actor_verbs.search(lowered)):
            read.add((sentence.field, sentence.start))
        if not cues:
            return []
        clauses, clause_weight = self._clauses(sentence.text, tokens)
        actors = [token_at(m.start()) for m in lexicon.actor_verbs.finditer(lowered)]
        actors += [first for first, _, group, _ in cues if group.role == "object" and group.polarity != "neutral"]
        base = lexicon.zone_weights.get(sentence.zone, 1.0)
        judgements = []
        remedied = -1  # the end of the last remedy cue ("memberantas pungli"), whose trouble is the fixed one's
        for first, last, group, text in cues:
            if group.polarity == "neutral":
                continue  # a mask: it only keeps the cue word inside it from being read ("pencegahan korupsi")
            if group.family in lexicon.irrealis_families and any(
                    t.lower in lexicon.irrealis for t, c in zip(tokens[:first], clauses) if c == clauses[first]):
                continue  # a plan or target, not yet an outcome ("ditargetkan menikmati … berkat kolaborasi …")
            if group.family in ("remedy", "zero-trouble"):
                remedied = last
            elif (0 <= remedied <= first and group.polarity == "negative" and clauses[remedied - 1] == clauses[first]
                  and (first - remedied <= 2 or any(t.lower == "yang" for t in tokens[remedied:first]))):
                # "memberantas pungli yang lama dikeluhkan sopir", "nol kasus gizi buruk": the trouble named is the
                # one removed or counted zero
                continue
            polarity = -1 if group.polarity == "negative" else 1
            if self._negated(tokens, first):
                # a cancelled criticism ("tidak mangkrak") is kept at polarity 0 and no weight: the rules did read
                # that sentence, and the text model (crawler/tone/model.py) must not read it over again
                polarity = 0 if polarity < 0 else -1
            weight = 0.0 if polarity == 0 else group.weight * base * clause_weight[first]
            if any(t.lower in ("sempat", "pernah") for t in tokens[max(0, first - 2):first]):
                weight *= lexicon.concessive_weight  # a past trouble ("yang sempat tertunda"), not the news
            targets, inherited = self._targets(sentence.text, tokens, named, clauses, actors, first, last, group,
                                               context)
            for entity_id in targets:
                judgements.append(Judgement(entity_id, polarity,
                                            weight * (lexicon.inherited_weight if inherited else 1.0), text, sentence,
                                            group.family))
        return judgements

    def _may_refer(self, lowered: str, tokens: list[_Token], context: _Context) -> bool:
        lexicon = self.lexicon
        if context.focus and tokens[0].lower in lexicon.contrast:
            return True
        return bool(lexicon.action_anaphor.search(lowered)) or any(
            pattern.search(lowered) for pattern in lexicon.anaphors.values())

    def _cues(self, text: str, token_at: Callable[[int], int]) -> list[tuple[int, int, CueGroup, str]]:
        if self.lexicon.any_cue.search(text) is None:
            return []  # one scan for every group's words at once: no group can match where none of them does
        found = [(m.start(), m.end(), group) for group in self.lexicon.cues for m in group.pattern.finditer(text)]
        found.sort(key=lambda item: (-(item[1] - item[0]), item[0]))
        taken: list[tuple[int, int, CueGroup]] = []
        for start, end, group in found:
            if all(end <= s or start >= e for s, e, _ in taken):
                taken.append((start, end, group))
        taken.sort(key=lambda item: item[0])
        return [(token_at(start), token_at(end - 1) + 1, group, text[start:end]) for start, end, group in taken]

    def _clauses(self, text: str, tokens: list[_Token]) -> tuple[list[int], list[float]]:
        """Clause number and weight of each token. A contrast word after a comma or semicolon opens a clause
        that weighs ``contrast_weight``; a sentence opening with a concession ("Meski …,") has that concession
        end at its first comma; "memang" early in a clause makes the clause a concession."""
        lexicon = self.lexicon
        clause_of: list[int] = []
        weights: list[float] = []
        clause, weight = 0, 1.0
        leading_concession = bool(tokens) and tokens[0].lower in lexicon.concessive
        if leading_concession:
            weight = lexicon.concessive_weight
        elif tokens and tokens[0].lower in lexicon.contrast:
            weight = lexicon.contrast_weight
        clause_start = 0
        for index, token in enumerate(tokens):
            gap = text[tokens[index - 1].end:token.start] if index else ""
            if index and ("," in gap or ";" in gap):
                if token.lower in lexicon.contrast or token.lower in ("sedangkan", "sementara", "padahal"):
                    clause, weight, clause_start = clause + 1, lexicon.contrast_weight, index
                elif token.lower in lexicon.concessive:
                    clause, weight, clause_start = clause + 1, lexicon.concessive_weight, index
                elif leading_concession and clause == 0:
                    clause, weight, clause_start = clause + 1, 1.0, index
            elif index - clause_start < 5 and token.lower == "memang":
                weight = lexicon.concessive_weight
            clause_of.append(clause)
            weights.append(weight)
        return clause_of, weights

    def _negated(self, tokens: list[_Token], first: int) -> bool:
        negators = self.lexicon.negators
        if tokens[first].lower in negators:
            return False  # the cue is a negated phrase itself ("tidak transparan")
        # A negator right before the cue, or before up to two words that only carry it over ("tidak ada lagi
        # keluhan", "tidak ditemukan kecurangan", "belum pernah terjadi pelanggaran").
        index = first - 1
        for _ in range(3):
            if index < 0:
                return False
            if tokens[index].lower in negators:
                return True
            if tokens[index].lower not in _NEGATION_CARRIERS:
                return False
            index -= 1
        return False

    def _addressee(self, tokens: list[_Token], item: _Named) -> int | None:
        """The index of "kepada/ke/dengan …" before ``item`` when it is the sentence's addressee ("warga mengadu
        ke DPRD"), else None. After a passive verb the body handles the matter ("izin yang diajukan ke DPMPTSP")."""
        index = item.first - 1
        while index >= 0 and tokens[index].lower in _ADDRESSEE_FILLER and item.first - index <= 3:
            index -= 1
        if index < 0 or tokens[index].lower not in _ADDRESSEE:
            return None
        if index and tokens[index - 1].lower.startswith("di") and len(tokens[index - 1].lower) > 5:
            return None
        return index

    def _actor_verb(self, tokens: list[_Token], item: _Named, actors: list[int], before: int,
                    text: str | None = None) -> int | None:
        """The actor verb that ``item`` is the subject of, before token ``before``; None when it is no actor."""
        for verb in sorted(a for a in actors if item.last <= a < before):
            between = [t.lower for t in tokens[item.last:verb]]
            if text is not None and between and verb - item.last <= 8:
                # an apposition between the body and its verb ("Komdigi, Budi Santoso, mengatakan …")
                gap = text[tokens[item.last - 1].end:tokens[verb].start]
                if gap.lstrip().startswith(",") and gap.rstrip().endswith(","):
                    return verb
            if all(word in self.lexicon.adverbs or word == "yang" or word in self.lexicon.negators for word in between):
                return verb
            return None
        return None

    def _targets(self, text: str, tokens: list[_Token], named: list[_Named], clauses: list[int], actors: list[int],
                 first: int, last: int, group: CueGroup, context: _Context) -> tuple[list[str], bool]:
        clause = clauses[first]
        same = [n for n in named if clauses[min(n.first, len(clauses) - 1)] == clause]

        def usable(item: _Named) -> bool:
            preposition = self._addressee(tokens, item)
            # a preposition inside the cue itself ("kecewa dengan X") makes X the object, not an addressee
            # praise "kepada X" is for X; criticism of things told "kepada X" is not about X
            return (group.kepada or group.polarity == "positive" or preposition is None
                    or first <= preposition < last)

        rules = self.lexicon.rules
        if group.possessor and "possessor" in rules:
            # a failing nominal owned by the body right after it: "lambannya Dinas PUPR menangani", "kegagalan
            # Pemkot", "buruknya pelayanan Dinkes" — whatever verb follows, the failing is that body's
            owner = next((n for n in same if last <= n.first <= last + 2 and usable(n)), None)
            if owner is not None:
                return [owner.entity_id], False
        if group.role == "object":
            if group.reach is not None:
                # an enforcement verb reaches the body its object belongs to through an official's description
                after = [n for n in same if n.first >= last and usable(n) and sum(
                    t.lower not in _OFFICIAL_WORDS for t in tokens[last:n.first]) <= group.reach]
                return ([after[0].entity_id] if after else []), False
            after = [n for n in same if n.first >= last and n.first - last <= _OBJECT_REACH and usable(n)]
            if after:
                return [after[0].entity_id], False
        else:
            # A crime word does not reach back to the agent of a passive verb ("diperiksa KPK sebagai saksi dalam
            # perkara suap"); other cues do: "program yang dijalankan Dinas X menuai kritik" judges Dinas X.
            before = [n for n in same if n.last <= first and usable(n)
                      and not (group.reach is not None and self._agent(tokens, n))]
            if before:
                subject = before[-1]
                # A negated predicate ("… belum juga terealisasi") judges the subject whatever verbs stand between;
                # praise after an actor's verb is still the actor's ("Pemkot menuntaskan proyek lebih cepat").
                # "Kebijakan Komdigi memblokir … dikritik": the body names whose action it is; the criticism is of
                # that action, so its verb does not make the body an actor on someone else.
                possessed = subject.first > 0 and tokens[subject.first - 1].lower in self.lexicon.possessors
                verb = None if (tokens[first].lower in self.lexicon.negators or group.polarity == "positive"
                                or possessed) else self._actor_verb(tokens, subject, actors, first, text)
                # a crime word after a verb of the body's own ("Komdigi, <juru bicara>, mengatakan pola penipuan")
                # is what the body speaks or acts about, even when a name stands between
                if group.reach is not None and verb is None and any(subject.last <= a < first for a in actors):
                    return [], False
                if verb is None:
                    # words of place and linking ("Kemensos di sejumlah desa di Paser diduga …") do not count
                    distance = sum(t.lower not in _LINK_AFTER and t.lower not in _PLACE_WORDS
                                   for t in tokens[subject.last:first])
                    if group.reach is None or distance <= group.reach:
                        return [n.entity_id for n in self._coordinated(text, tokens, before)], False
                elif verb is not None:
                    # the actor acts on someone: the cue judges the agency its verb acts on, if one is named
                    objects = [n for n in named if n.first > verb and n is not subject and usable(n)
                               and self._actor_verb(tokens, n, actors, len(tokens)) is None]
                    return [n.entity_id for n in objects[:1]], False
            # the agent of a passive verb after the cue is the one acting ("diperiksa KPK", "pelanggaran yang
            # dikembangkan Bawaslu"), not the one judged
            after = [n for n in same if n.first >= last and usable(n) and not self._agent(tokens, n)]
            if after and (group.reach is None or (after[0].first - last <= group.reach and all(
                    t.lower in _LINK_AFTER for t in tokens[last:after[0].first]))):
                return [after[0].entity_id], False
            if after or (any(n.last <= first for n in same) and group.reach is None):
                return [], False
        # No agency named where the cue can reach: a word that refers back to one.
        # an active verb's object is after it: only a referring word there is its object ("memprotes langkah
        # tersebut"), not one before it ("Penetapan ini disambut aktivis yang melaporkan kasus")
        referred = self._referred(text, tokens, clauses, clause, named, context, crime=group.reach is not None,
                                  from_token=first + 1 if group.role == "object" else 0)
        if referred is None:
            return [], False
        entity_id, inherited = referred
        return [entity_id], inherited

    @staticmethod
    def _agent(tokens: list[_Token], item: _Named) -> bool:
        """Whether ``item`` is the agent of a passive verb right before it ("diperiksa KPK sebagai saksi"). In a
        relative clause the body owns the thing judged ("antrean di RSUD yang dikelola Dinkes"): no agent."""
        index = item.first - 1
        word = tokens[index].lower if index >= 0 else ""
        if not _PASSIVE.fullmatch(word) or word in _NOT_PASSIVE:
            return False
        return index == 0 or tokens[index - 1].lower != "yang"

    @staticmethod
    def _coordinated(text: str, tokens: list[_Token], before: list[_Named]) -> list[_Named]:
        """The subject (the last of ``before``) with the bodies joined to it by "dan", "serta" or a comma
        ("Polres Kukar, Polres Berau dan Polres Kutim mendapat rapor merah")."""
        joined = [before[-1]]
        for item in reversed(before[:-1]):
            between = tokens[item.last:joined[-1].first]
            comma = not between and "," in text[tokens[item.last - 1].end:tokens[joined[-1].first].start]
            if not (comma or (len(between) == 1 and between[0].lower in _COORDINATORS)):
                break
            joined.append(item)
        return joined[::-1]

    def _referred(self, text: str, tokens: list[_Token], clauses: list[int], clause: int, named: list[_Named],
                  context: _Context, crime: bool = False, from_token: int = 0) -> tuple[str, bool] | None:
        lexicon = self.lexicon
        clause_tokens = [i for i, c in enumerate(clauses) if c == clause]
        span = (tokens[max(clause_tokens[0], min(from_token, clause_tokens[-1]))].start, tokens[clause_tokens[-1]].end)
        # Agency names themselves ("Dewan Perwakilan Rakyat Daerah …") are not words that refer back.
        masked = list(text)
        for item in named:
            for token in tokens[item.first:item.last]:
                masked[token.start:token.end] = "_" * (token.end - token.start)
        part = _lowered("".join(masked[span[0]:span[1]]))
        candidates = [n.entity_id for n in named] + [e for e in reversed(context.recent)]
        for kind, pattern in lexicon.anaphors.items():
            if not pattern.search(part):
                continue
            if kind == "any":
                chosen = named[0].entity_id if named else context.focus
            else:
                chosen = next((e for e in candidates if self.kinds.get(e) == kind), None)
            if chosen:
                return chosen, not named
        if lexicon.action_anaphor.search(part):
            chosen = named[0].entity_id if named else (context.focus or context.article_focus)
            if chosen:
                return chosen, not named
        if not named and context.focus and tokens[clause_tokens[0]].lower in lexicon.contrast:
            return context.focus, True
        opened_by_concession = tokens[0].lower in lexicon.concessive and clause == 1
        if named and clause and (tokens[clause_tokens[0]].lower in lexicon.contrast or opened_by_concession):
            # "X memang …, namun pencairannya tersendat", "Meski X mengklaim …, pasien mengaku …": a contrast
            # clause, or the main clause after a concession, naming no body is about the sentence's subject (the
            # first body named, unless only an addressee)
            subject = next((n for n in named if self._addressee(tokens, n) is None), None)
            if subject is not None and not crime:
                return subject.entity_id, False
        if not named and context.only is not None and not crime:
            return context.only, True  # the one agency its paragraph names (a quote's complaint, "Faktanya …")
        return None


@dataclass
class _Context:
    focus: str | None  # the agency this paragraph was last about
    article_focus: str | None
    recent: list[str]
    only: str | None = None  # the one agency the paragraph names anywhere (None: none or several)


def _lowered(text: str) -> str:
    """Lower case with the same offsets (the rare letters whose lower case is longer are left as they are)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(char.lower() if len(char.lower()) == 1 else char for char in text)


def _token_index(tokens: list[_Token]) -> Callable[[int], int]:
    starts = [t.start for t in tokens]

    def token_at(offset: int) -> int:
        return max(0, bisect.bisect_right(starts, offset) - 1)

    return token_at
