"""Every article page of the demo news site, fetched over loopback and extracted, against the site's truth
record: title, published_at (exact, aware, same instant) and the advertorial flag; multi-page stories are
followed with find_continuation_pages and stitched into one article under one canonical URL."""

from __future__ import annotations

import datetime as dt
import urllib.request


from crawler.config import SourceConfig
from crawler.extract import extract_article, find_continuation_pages
from crawler.urls import canonical_url


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:  # loopback only: the demo site
        return response.read()


def demo_articles(site):
    truth = site.truth()
    for outlet in truth["outlets"]:
        source = SourceConfig(key=outlet["key"], name=outlet["name"], home_url=outlet["home_url"],
                              timezone=outlet["timezone"])
        for article in outlet["articles"]:
            yield source, article


def extract_demo(source: SourceConfig, expected: dict):
    url = expected["url"]
    html = fetch(url)
    fetched_at = dt.datetime.now(dt.timezone.utc)
    pages = find_continuation_pages(html, url)
    more = [fetch(page) for page in pages]
    if len(pages) == 1 and "all" in pages[0]:  # the single-page variant replaces the first page
        html, more = more[0], []
    return extract_article(html, url, source, fetched_at=fetched_at, more_pages=more)


def test_extract_demo_every_article_matches_truth(news_site):
    mismatches = []
    checked = 0
    for source, expected in demo_articles(news_site):
        article = extract_demo(source, expected)
        checked += 1
        published = dt.datetime.fromisoformat(expected["published_at"])
        problems = []
        if article.title != expected["title"]:
            problems.append(f"title {article.title!r} != {expected['title']!r}")
        if article.published_at is None or article.published_at != published or \
                article.published_at.utcoffset() is None:
            problems.append(f"published_at {article.published_at} ({article.date_source}) != {published}")
        if expected.get("modified_at") and article.modified_at != dt.datetime.fromisoformat(expected["modified_at"]):
            problems.append(f"modified_at {article.modified_at} != {expected['modified_at']}")
        if article.is_advertorial != expected["is_advertorial"]:
            problems.append(f"is_advertorial {article.is_advertorial} != {expected['is_advertorial']}")
        if expected.get("canonical_url") and canonical_url(article.canonical_url) != \
                canonical_url(expected["canonical_url"]):
            problems.append(f"canonical {article.canonical_url} != {expected['canonical_url']}")
        if "Baca juga" in article.text or "BACA JUGA" in article.text:
            problems.append("'Baca juga' left in the text")
        if problems:
            mismatches.append(f"{expected['url']}: " + "; ".join(problems))
    assert checked > 0
    assert not mismatches, f"{len(mismatches)} of {checked} demo articles differ:\n" + "\n".join(mismatches[:20])
