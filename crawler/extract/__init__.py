"""Article extraction: one news page (or one multi-page story) in, one :class:`~crawler.article.Article` out.

trafilatura (``bare_extraction``) finds the text and the usual metadata; Pantau then fixes what it gets wrong on
Indonesian news. :func:`extract_article` runs the steps in this order, on one lxml tree parsed once and shared:

1. :mod:`.tree` parses the page (:func:`parse_html`); an unreadable page is an :class:`ExtractionError`.
2. :mod:`.facts` and :mod:`.jsonld` read what the page states about itself (meta tags, JSON-LD) before the tree
   is touched; :mod:`.dates` takes the zone for naive times from its stamps when the source gives none.
3. :mod:`.cleaning` prepares the tree for trafilatura: scripts and embeds out, "Baca juga" links and related boxes
   out (titles kept in ``related``), :mod:`.captions` taken apart, link lists and teasers dropped, split bodies
   joined, loose text wrapped (the canonical URL is read before, while the page is whole).
4. :mod:`.facts` reads trafilatura's metadata and :mod:`.body` trafilatura's text (sub-headings put back).
5. :mod:`.title` votes the headline among the page's statements of it (:mod:`.sitenames` strips site names) and
   finds the element that shows it; :mod:`.advertorial` takes a paid-content mark off it.
6. :mod:`.body` cleans the text line by line and stitches in pages 2..N (``more_pages``); a photo story keeps its
   captions as text; a closing credit goes to ``byline``.
7. :mod:`.bylines` reads the texts around the headline: the authors and editors; :mod:`.dates` the publication
   and modification times from the byline, JSON-LD/meta, the URL, datelines, htmldate.
8. :mod:`.facts` gives site name, section, tags and language; :mod:`.advertorial` flags paid content.

:mod:`.pages` finds a story's continuation pages (:func:`find_continuation_pages`) for the caller to fetch. Pure:
no Scrapy, no database, no network.
"""

from __future__ import annotations

import datetime as dt
import logging

from lxml import etree

from crawler.article import Article
from crawler.bylines import credit_line
from crawler.config import SourceConfig
from crawler.dates import JAKARTA
from crawler.extract.advertorial import _TITLE_PAID_MARK, _is_advertorial
from crawler.extract.body import _clean_text, _extract_text, _link_share, _link_texts, _page_text, _stitch
from crawler.extract.boilerplate import _TRAILING_URL
from crawler.extract.bylines import _authors, _headline_texts
from crawler.extract.cleaning import _drop_teasers, _prepare_for_trafilatura
from crawler.extract.dates import _choose_published, _meta_date, _page_zone, _visible_byline_dates
from crawler.extract.facts import (
    _META_MODIFIED,
    _canonical_url,
    _language,
    _PageFacts,
    _read_meta,
    _section,
    _site_name,
    _tags,
    _trafilatura_metadata,
)
from crawler.extract.jsonld import _read_jsonld
from crawler.extract.pages import find_continuation_pages, is_single_page_url
from crawler.extract.sitenames import _site_words, _strip_site_name
from crawler.extract.title import _choose_title, _headline_text, title_evidence, vote_title
from crawler.extract.tree import ExtractionError, _normalize_title, _text_of, parse_html

__all__ = [
    "ExtractionError", "extract_article", "find_continuation_pages", "is_single_page_url", "parse_html",
    "title_evidence", "vote_title",
    # Helpers tests import from here, as before the package split.
    "_clean_text", "_drop_teasers", "_headline_text", "_site_words", "_strip_site_name", "_text_of",
]

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())


def extract_article(html: str | bytes, url: str, source: SourceConfig | None = None, *,
                    fetched_at: dt.datetime | None = None, more_pages: list[str | bytes] | None = None
                    ) -> Article:
    """The article on one page (``more_pages``: the HTML of pages 2..N of the same story, stitched in).

    Raises :class:`ExtractionError` when the page holds no readable story.
    """
    fetched_at = fetched_at or dt.datetime.now(dt.timezone.utc)
    if fetched_at.tzinfo is None:
        raise ValueError("fetched_at must be timezone-aware")
    zone = source.zone if source is not None else None
    try:
        tree = parse_html(html)
    except (ValueError, etree.ParserError) as error:
        raise ExtractionError(f"{url}: not an HTML page ({error})") from None
    if tree is None:
        raise ExtractionError(f"{url}: empty or unreadable HTML")

    facts = _PageFacts(meta=_read_meta(tree), jsonld=_read_jsonld(tree))
    if zone is None:
        zone = _page_zone(facts)
    # Whether naive times on the page are known to be in ``zone``: the source's zone, an offset the page states,
    # or an Indonesian page (Jakarta time is then the safe guess); else Jakarta is a mere default.
    zone_known = zone is not None or _language(tree, facts, None) == "id"
    zone = zone or JAKARTA
    canonical = _canonical_url(url, tree)
    related, captions = _prepare_for_trafilatura(tree, url)

    metadata = _trafilatura_metadata(tree)
    document = _extract_text(tree, url)
    if document is None or not (document.text or "").strip():
        raise ExtractionError(f"{url}: no article text found")
    site_name = _site_name(facts, metadata.sitename)
    site_words = _site_words(site_name, url)
    title, headline = _choose_title(tree, facts, metadata.title, site_words)
    title_marked_paid = bool(title and _TITLE_PAID_MARK.search(title))
    if title_marked_paid:
        title = _TITLE_PAID_MARK.sub("", title).strip() or title

    if title:
        # "<headline> <address>" in a box styled as a caption is a share widget's text.
        captions = [caption for caption in captions
                    if _normalize_title(_TRAILING_URL.sub("", caption)) != _normalize_title(title)]
    link_texts = _link_texts(tree)
    text, inline_related = _clean_text(document.text, title, link_texts,
                                       _text_of(headline) if headline is not None else None)
    related.extend(title for title in inline_related if title not in related)
    if more_pages:
        text = _stitch(text, [_page_text(page, url, title) for page in more_pages])
    if captions and sum(len(c.split()) for c in captions) >= 20 and (
            len(text.split()) < 50 and sum(len(c.split()) for c in captions) > len(text.split())
            or _link_share(text, link_texts) >= 0.5):
        # A photo story: the captions are the story (what else the page offers is short or mostly links).
        text = "\n".join(captions)
    if not text:
        raise ExtractionError(f"{url}: no article text left after removing boilerplate")

    byline = None
    credit = credit_line(text)
    if credit:
        byline = credit
        text = text[: text.rfind(credit)].rstrip()

    around_headline = _headline_texts(headline)
    authors, editors = _authors(facts, metadata.author, around_headline.after, document.text, site_words)
    visible, visible_modified = _visible_byline_dates(around_headline, zone, fetched_at)
    published, date_source = _choose_published(facts, tree, visible, url, text, zone, fetched_at, zone_known)
    published_at = published.value if published else None
    modified, _ = _meta_date(facts, _META_MODIFIED, "dateModified", zone, fetched_at)
    modified = modified or visible_modified
    modified_at = modified.value if modified else None
    if modified_at is not None and published_at is not None and modified_at < published_at:
        modified_at = None

    section = _section(facts, metadata.categories)
    tags = _tags(facts, metadata.tags)
    article = Article(
        url=url,
        canonical_url=canonical,
        title=title,
        text=text,
        authors=authors,
        editors=editors,
        published_at=published_at,
        modified_at=modified_at,
        date_source=date_source,
        published_time_known=published.has_time if published else None,
        language=_language(tree, facts, source),
        site_name=site_name,
        section=section,
        tags=tags,
        captions=captions,
        related=related,
        byline=byline,
        pages=1 + len(more_pages or []),
    )
    article.is_advertorial = title_marked_paid or _is_advertorial(article, facts)
    return article
