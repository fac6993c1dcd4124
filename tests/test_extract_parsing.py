"""crawler.extract.tree's own reading of a page is trafilatura's load_html with another parser (element classes
chosen in C): the same tree for every kind of input, and the text helper's shortcut is the regex it replaced."""

from __future__ import annotations

import gzip
import re
import sys
from pathlib import Path

import pytest
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from crawler.extract.tree import _load_html, parse_html, squash_spaces

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_PAGES = Path(ROOT.parent / "shared" / "data" / "extraction-dev" / "pages")

ODD_INPUTS = {
    "bytes with an encoding declaration": '<?xml version="1.0" encoding="utf-8"?><html><body><p>Samarinda — '
                                          'Diskominfo Kaltim</p></body></html>'.encode(),
    "str with an encoding declaration": '<?xml version="1.0" encoding="utf-8"?><html><body><p>Balikpapan</p>'
                                        '</body></html>',
    "latin-1 bytes": "<html><body><p>Kabupaten Paser - café</p></body></html>".encode("latin-1"),
    "a fragment": "<p>hanya satu paragraf</p>",
    "not HTML at all": "{\"json\": true, \"tidak\": \"html\"}",
    "comments and processing instructions": "<html><body><!-- iklan --><?php x ?><p>Teks</p></body></html>",
    "broken markup": "<html><body><div><p>Pertama<p>Kedua</div></span><table><td>sel</body>",
    "forms": "<html><body><form><input name=q value=cari><select><option>1</select><label>L</label>"
             "<textarea>t</textarea></form><p>Berita</p></body></html>",
    "empty": "",
}


def _pages() -> list[tuple[str, str | bytes]]:
    pages: list[tuple[str, str | bytes]] = list(ODD_INPUTS.items())
    pages += [(path.name, path.read_bytes()) for path in sorted((ROOT / "tests" / "data").rglob("*.html"))]
    if REFERENCE_PAGES.is_dir():
        pages += [(path.name, gzip.open(path).read()) for path in sorted(REFERENCE_PAGES.glob("*.html.gz"))[:40]]
    return pages


def _serialised(tree: HtmlElement | None) -> bytes | None:
    return None if tree is None else etree.tostring(tree, encoding="utf-8", method="html")


@pytest.mark.parametrize(("name", "markup"), _pages(), ids=[name for name, _ in _pages()])
def test_the_tree_is_trafilaturas(name: str, markup: str | bytes) -> None:
    ours, theirs = _load_html(markup), load_html(markup)
    assert _serialised(ours) == _serialised(theirs), name
    if ours is not None:
        assert all(isinstance(element, HtmlElement) for element in ours.iter(tag=etree.Element))


def test_elements_are_html_elements_with_their_methods() -> None:
    tree = parse_html("<html><body><form><input name=q></form><div class=a><p>Satu <b>dua</b></p></div>"
                      "<!-- x --></body></html>")
    (paragraph,) = tree.xpath("//p")
    assert type(paragraph) is HtmlElement and paragraph.text_content() == "Satu dua"
    assert type(tree.xpath("//input")[0]) is HtmlElement  # lxml.html would make an InputElement
    assert paragraph.getparent().classes == {"a"}


@pytest.mark.parametrize("text", ["", "   ", "satu", "  satu  dua\n\ttiga  ", "a\u00a0b\u2003c\u3000d\u2028e",
                                  "\u200bzero-width is not a space\u200b", "x\x1c\x1d\x1e\x1fy", "\r\n\x0b\x0c\x85"])
def test_squash_spaces_is_the_regex(text: str) -> None:
    assert squash_spaces(text) == re.sub(r"\s+", " ", text).strip()


def test_squash_spaces_and_the_regex_agree_on_every_whitespace_character() -> None:
    regex = {chr(code) for code in range(sys.maxunicode + 1) if re.fullmatch(r"\s", chr(code))}
    assert regex == {chr(code) for code in range(sys.maxunicode + 1) if chr(code).isspace()}
    assert all(squash_spaces(f"a{space}{space}b") == "a b" for space in regex)
