"""Tone of coverage: is an article negative, neutral or positive toward each agency it names, and why.

``ToneScorer(entities).assess(article, mentions)`` takes an extracted :class:`~crawler.article.Article` and the
matcher's :class:`~crawler.article.Mention` records for it and returns an :class:`ArticleTone`: one
:class:`EntityTone` per agency with a counted mention (tone, score in [-1, 1], the negative and positive weight
behind it, and the sentence(s) that decided it), and one :class:`MentionTone` per counted mention (the tone of the
sentence that mention stands in). Pure: no Scrapy, no database; the lexicon is a data file of this package
(``lexicon.yaml``), read once per process, nothing is downloaded. How sentences are judged is in
:mod:`crawler.tone.scoring`; the words are in the lexicon.

The agency must be the *target*, not just present: "Polda Kaltim menangkap pejabat korup" is neutral for Polda
Kaltim, "warga mengkritik Diskominfo" negative for Diskominfo, "DPRD mengkritik Pemkot" negative for the Pemkot
and neutral for the DPRD.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from crawler.article import Article, Mention
from crawler.config import EntityConfig
from crawler.mentions import COUNTED_ZONES
from crawler.tone.lexicon import Lexicon, bundled_lexicon
from crawler.tone.model import NEGATIVE_OVERRIDE, TextModel, bundled_model, features
from crawler.tone.scoring import EntityVerdict, Sentence, ToneRules, split_sentences

Tone = Literal["negative", "neutral", "positive"]
TONES: tuple[Tone, ...] = ("negative", "neutral", "positive")
EVIDENCE_CHARS = 400


@dataclass(frozen=True)
class EntityTone:
    """Tone toward one agency in one article."""

    entity_id: str
    tone: Tone
    score: float  # tanh(positive - negative): -1 very negative … +1 very positive
    negative: float  # summed weight of the criticism aimed at the agency
    positive: float  # summed weight of the praise
    evidence: tuple[str, ...] = ()  # the sentence(s) that decided it (empty when neutral)


@dataclass(frozen=True)
class MentionTone:
    """Tone of the sentence one counted mention stands in, toward that mention's agency."""

    entity_id: str
    field: str
    start: int
    tone: Tone
    score: float
    sentence: str


@dataclass(frozen=True)
class ArticleTone:
    entities: tuple[EntityTone, ...]
    mentions: tuple[MentionTone, ...]

    def of(self, entity_id: str) -> EntityTone | None:
        return next((item for item in self.entities if item.entity_id == entity_id), None)


def _clip(sentence: str) -> str:
    sentence = " ".join(sentence.split())
    return sentence if len(sentence) <= EVIDENCE_CHARS else sentence[:EVIDENCE_CHARS - 1] + "…"


_BUNDLED = object()


class ToneScorer:
    """Scores tone with the packaged lexicon (or another :class:`Lexicon`) and the packaged text model, which only
    turns a neutral verdict negative (:mod:`crawler.tone.model`; ``text_model=None``: the rules alone). Cheap to
    build and to pickle."""

    def __init__(self, entities: Iterable[EntityConfig] = (), lexicon: Lexicon | None = None,
                 text_model: TextModel | None | object = _BUNDLED) -> None:
        self.kinds = {entity.id: entity.kind for entity in entities}
        self.lexicon = lexicon or bundled_lexicon()
        self._rules = ToneRules(self.lexicon, self.kinds)
        self.text_model: TextModel | None = bundled_model() if text_model is _BUNDLED else text_model  # type: ignore

    def __reduce__(self):
        return (_rebuild, (self.kinds, self.text_model is not None))

    def assess(self, article: Article, mentions: Sequence[Mention]) -> ArticleTone:
        counted = [m for m in mentions if m.zone in COUNTED_ZONES]
        entity_ids = list(dict.fromkeys(m.entity_id for m in counted))
        if not entity_ids:
            return ArticleTone((), ())
        sentences = split_sentences(article)
        read: set[tuple[str, int]] = set()
        judgements = self._rules.judge(article, counted, sentences, read)
        verdicts = self._rules.decide(judgements, entity_ids)
        if self.text_model is not None:
            judged = {j.entity_id for j in judgements}
            for verdict in verdicts.values():
                # only where the rules had nothing to read about the agency: what they did read (a cancelled "tidak
                # mangkrak", a mask, an actor's verb, a weak praise) they read with a scope the model does not have
                if (verdict.tone == "neutral" and verdict.entity_id not in judged
                        and self._rules.silent_about(verdict.entity_id, sentences, counted, read)):
                    self._model_override(article, counted, sentences, verdict)
        entities = tuple(EntityTone(v.entity_id, v.tone, v.score, v.negative, v.positive,  # type: ignore[arg-type]
                                    tuple(_clip(s.text) for s in v.evidence)) for v in verdicts.values())
        per_mention = []
        for mention in counted:
            if mention.field not in ("title", "text"):
                continue
            sentence = next((s for s in sentences if s.field == mention.field and s.start <= mention.start < s.end),
                            None)
            own = [j for j in judgements if sentence is not None and j.entity_id == mention.entity_id
                   and j.sentence.field == sentence.field and j.sentence.start == sentence.start]
            single = self._rules.decide(own, [mention.entity_id])[mention.entity_id]
            per_mention.append(MentionTone(mention.entity_id, mention.field, mention.start,
                                           single.tone, single.score,  # type: ignore[arg-type]
                                           _clip(sentence.text) if sentence else ""))
        return ArticleTone(entities, tuple(per_mention))


    def _model_override(self, article: Article, counted: Sequence[Mention], sentences: list[Sentence],
                        verdict: EntityVerdict) -> None:
        """A neutral verdict the text model reads as negative with probability ≥ NEGATIVE_OVERRIDE becomes negative;
        its score is minus that probability, its evidence the first sentence naming the agency."""
        slots = features(sentences, counted, verdict.entity_id, article)
        negative = float(self.text_model.probabilities(slots)[0])  # type: ignore[union-attr]
        if negative < NEGATIVE_OVERRIDE:
            return
        verdict.tone, verdict.score = "negative", -round(negative, 3)
        verdict.evidence = [s for s in sentences if any(
            m.entity_id == verdict.entity_id and m.field == s.field and s.start <= m.start < s.end for m in counted)][:1]


def _rebuild(kinds: dict[str, str], with_model: bool = True) -> ToneScorer:
    scorer = ToneScorer(text_model=_BUNDLED if with_model else None)
    scorer.kinds = dict(kinds)
    scorer._rules = ToneRules(scorer.lexicon, scorer.kinds)
    return scorer


__all__ = ["TONES", "ArticleTone", "EntityTone", "MentionTone", "Tone", "ToneScorer"]
