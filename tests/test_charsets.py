"""Decoding pages whose charset header lies (#17): the bytes, a BOM and the page's own meta charset decide."""

from __future__ import annotations

import codecs

import pytest

from crawler.charsets import page_encoding

SENTENCE = "Gubernur menyebut anggaran “Rp1,5 miliar” — café rakyat dibuka."
UTF8_PAGE = (f'<html><head><meta charset="utf-8"><title>Berita</title></head><body><p>{SENTENCE}</p>'
             "</body></html>").encode("utf-8")


@pytest.mark.parametrize("header", ["koi8-r", "windows-1252", "utf-16", "iso-8859-1", "shift_jis"])
def test_utf8_bytes_under_a_wrong_header_decode_as_utf8(header):
    encoding = page_encoding(UTF8_PAGE, header)
    assert encoding == "utf-8"
    assert SENTENCE in UTF8_PAGE.decode(encoding)


@pytest.mark.parametrize("header", ["utf-8", "UTF8", None, "no-such-charset"])
def test_a_true_or_missing_header_keeps_scrapys_decoding(header):
    assert page_encoding(UTF8_PAGE, header) is None


def test_a_true_single_byte_header_is_believed():
    page = "<html><body><p>Café naïve, 5 €</p></body></html>".encode("cp1252")
    assert page_encoding(page, "windows-1252") is None


def test_the_meta_charset_decides_when_the_header_disagrees():
    page = '<html><head><meta charset="windows-1252"></head><body><p>Café naïve</p></body></html>'.encode("cp1252")
    assert page_encoding(page, "utf-8") == "cp1252"


def test_a_bom_wins_and_real_utf16_is_believed():
    assert page_encoding(codecs.BOM_UTF8 + UTF8_PAGE, "koi8-r") is None  # Scrapy honours the BOM
    utf16 = "<html><body><p>Samarinda</p></body></html>".encode("utf-16-le")
    assert page_encoding(utf16, "utf-16-le") is None


def test_no_meta_and_not_utf8_falls_back_to_a_guess():
    page = ("<html><body><p>" + "Пресс-служба губернатора сообщила о новом проекте. " * 20
            + "</p></body></html>").encode("koi8-r")
    encoding = page_encoding(page, "utf-8")
    assert encoding is not None and "губернатора" in page.decode(encoding)
