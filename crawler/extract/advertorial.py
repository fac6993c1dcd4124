"""Paid content: whether an extracted article is an advertorial (the URL, a credit line, the section or tags, a
"(adv)" mark in the title or at the end of the text), and the paid-content mark a title may carry.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from crawler.article import Article
from crawler.bylines import is_advertorial_credit
from crawler.extract.facts import _PageFacts

_ADVERTORIAL_WORDS = re.compile(
    r"\b(?:advertorial|pariwara|sponsored(?:\s+content)?|konten\s+bersponsor|berita\s+bersponsor|"
    r"artikel\s+bersponsor|kerja\s*sama\s+(?:media|publikasi)|paid\s+content|native\s+ad)\b",
    re.IGNORECASE,
)
_ADVERTORIAL_URL = re.compile(r"/(?:adv|advertorial|pariwara|sponsored|bersponsor|paid-content)(?:/|-|$)", re.I)
_ADVERTORIAL_MARK = re.compile(r"\((?:[^()]{0,60}/)?\s*adv\s*(?:/[^()]{0,40})?\)|\[\s*adv\s*\]", re.IGNORECASE)

# "(adv)", "[Advertorial]" before or after a headline: a paid-content flag, not part of the headline.
_TITLE_PAID_MARK = re.compile(
    r"^\s*[\[(]\s*(?:adv|advertorial|pariwara|sponsored)\s*[\])]\s*[-:|]?\s*|"
    r"\s*[-|]?\s*[\[(]\s*(?:adv|advertorial|pariwara|sponsored)\s*[\])]\s*$",
    re.IGNORECASE,
)


def _is_advertorial(article: Article, facts: _PageFacts) -> bool:
    if _ADVERTORIAL_URL.search(urlsplit(article.url).path) or _ADVERTORIAL_URL.search(
            urlsplit(article.canonical_url).path):
        return True
    if article.byline and is_advertorial_credit(article.byline):
        return True
    labels = " | ".join([article.section or "", *article.tags, facts.meta.get("article:section", "")])
    if _ADVERTORIAL_WORDS.search(labels) or re.search(r"(?:^|\|)\s*adv\s*(?:\||$)", labels, re.I):
        return True
    if article.title and re.match(r"^\s*[\[(]?(?:adv|advertorial|pariwara)\b", article.title, re.I):
        return True
    head, tail = article.text[:200], article.text[-300:]
    if re.match(r"^\s*(?:advertorial|pariwara|adv\b)", head, re.I) or _ADVERTORIAL_MARK.search(tail):
        return True
    return False
