"""Direct quotes: speaker from Indonesian attribution patterns, agency from appositives."""

from __future__ import annotations

import pytest

from crawler.article import Article
from crawler.config import load_entities
from crawler.mentions import Matcher
from crawler.quotes import find_quotes, quote_spans


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_entities())


def quotes(matcher: Matcher, text: str):
    article = Article(url="u", canonical_url="u", text=text)
    return [(q.text, q.speaker, q.entity_id) for q in find_quotes(article, matcher.find(article))]


def test_quotes_after_verb_with_appositive_agency(matcher) -> None:
    text = ("Kepala Diskominfo Kaltim, Muhammad Faisal, membuka acara.\n"
            "\"Kami ingin semua OPD siap,\" ujar Faisal.")
    assert quotes(matcher, text) == [("Kami ingin semua OPD siap,", "Muhammad Faisal", "diskominfo-kaltim")]


def test_quotes_nya_refers_to_last_speaker(matcher) -> None:
    text = ("Kapolda Kaltim Irjen Pol Endar Priantoro meninjau pos.\n"
            "\"Semua jalur aman,\" jelasnya.")
    assert quotes(matcher, text) == [("Semua jalur aman,", "Irjen Pol Endar Priantoro", "polda-kaltim")]


def test_quotes_agency_inside_the_attribution(matcher) -> None:
    text = "“Anggaran sudah siap,” kata Kepala BPBD Samarinda Suwarso."
    assert quotes(matcher, text) == [("Anggaran sudah siap,", "Suwarso", "bpbd-samarinda")]


def test_quotes_before_the_quote(matcher) -> None:
    text = "Menurut Hasyim, \"pembahasan selesai pekan depan.\" Ia lalu pergi."
    assert quotes(matcher, text) == [("pembahasan selesai pekan depan.", "Hasyim", None)]
    text = "Ketua DPRD Kaltim Hasanuddin Mas'ud mengatakan, \"Paripurna digelar besok.\""
    assert quotes(matcher, text) == [("Paripurna digelar besok.", "Hasanuddin Mas'ud", "dprd-kaltim")]


def test_quotes_scare_quotes_are_not_quotes() -> None:
    assert quote_spans('Program "Gratispol" diluncurkan.') == [(8, 19)]
    article = Article(url="u", canonical_url="u", text='Program "Gratispol" diluncurkan.')
    assert find_quotes(article, []) == []
