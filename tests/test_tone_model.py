"""The text model beside the tone rules (crawler/tone/model.py): the shipped weights are what the training script
makes from the development sets, the model speaks only where the rules had nothing to read, and a scorer keeps its
model through pickling (the analysis workers receive it that way)."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest

from crawler.article import Article
from crawler.config import load_entities
from crawler.mentions import COUNTED_ZONES, Matcher
from crawler.tone import ToneScorer
from crawler.tone import model as text_model
from crawler.tone.evaluation import load_labelled
from crawler.tone.scoring import split_sentences

DATA = Path(__file__).resolve().parent / "data" / "tone"


@pytest.fixture(scope="module")
def toolkit():
    entities = load_entities()
    return entities, Matcher(entities)


def tone_of(scorer: ToneScorer, matcher: Matcher, text: str) -> dict[str, str]:
    article = Article(url="u", canonical_url="u", text=text)
    return {item.entity_id: item.tone for item in scorer.assess(article, matcher.find(article)).entities}


def test_shipped_model_is_what_the_training_script_makes(toolkit):
    entities, matcher = toolkit
    ids = {entity.id for entity in entities}
    assert "heldout4" not in text_model.TRAINING_SETS  # the blind set is never trained on
    records = [r for name in text_model.TRAINING_SETS for r in load_labelled(DATA / f"{name}.jsonl", ids)]
    retrained = text_model.train(text_model.training_examples(records, matcher, split_sentences))
    shipped = text_model.TextModel.load()
    assert np.array_equal(retrained.slots, shipped.slots)
    np.testing.assert_allclose(retrained.weights, shipped.weights, atol=1e-5)
    np.testing.assert_allclose(retrained.bias, shipped.bias, atol=1e-5)


def test_model_turns_silent_neutral_into_negative_only(toolkit):
    entities, matcher = toolkit
    with_model, rules_only = ToneScorer(entities), ToneScorer(entities, text_model=None)
    # plain facts that reflect badly, no lexicon word: the rules say neutral, the model negative
    implicit = ("Sudah delapan bulan guru honorer di pedalaman Berau menunggu kejelasan tunjangan dari Disdikbud "
                "Kaltim, dan sebagian memilih berhenti mengajar.")
    assert rules_only.assess(*_read(matcher, implicit)).of("disdikbud-kaltim").tone == "neutral"
    assert tone_of(with_model, matcher, implicit)["disdikbud-kaltim"] == "negative"
    verdict = with_model.assess(*_read(matcher, implicit)).of("disdikbud-kaltim")
    assert -1.0 <= verdict.score <= -text_model.NEGATIVE_OVERRIDE and verdict.evidence
    # where the rules read something (a cancelled criticism, a mask, an actor's verb) they keep their verdict
    for text, entity_id in (("Pemprov Kaltim menegaskan proyek jalan itu tidak mangkrak.", "pemprov-kaltim"),
                            ("Kebakaran tidak sampai meluas, kata BPBD Kaltim.", "bpbd-kaltim"),
                            ("Seorang kontraktor diperiksa Kejati Kaltim dalam kasus suap proyek jalan.",
                             "kejati-kaltim")):
        assert tone_of(with_model, matcher, text)[entity_id] == "neutral", text
    # a routine announcement stays neutral, praise stays positive
    assert tone_of(with_model, matcher, "Dinkes Kaltim menggelar rapat koordinasi dengan puskesmas se-Samarinda.")[
        "dinkes-kaltim"] == "neutral"
    assert tone_of(with_model, matcher, "Pemkab Kutim meraih penghargaan dari Kemendagri.")["pemkab-kutim"] == "positive"


def test_scorer_keeps_or_leaves_its_model_through_pickling(toolkit):
    entities, matcher = toolkit
    assert pickle.loads(pickle.dumps(ToneScorer(entities))).text_model is not None
    assert pickle.loads(pickle.dumps(ToneScorer(entities, text_model=None))).text_model is None


def _read(matcher: Matcher, text: str):
    article = Article(url="u", canonical_url="u", text=text)
    return article, [m for m in matcher.find(article) if m.zone in COUNTED_ZONES]
