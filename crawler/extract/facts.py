"""What the page states about itself before trafilatura runs: :class:`_PageFacts` (meta tags and JSON-LD
nodes) and its lookups (loose meta names, JSON-LD values and titles), and the descriptors read from them — site
name, section, tags, language, the canonical address — plus trafilatura's own metadata reading without htmldate.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement
from trafilatura.metadata import (
    examine_meta,
    extract_author,
    extract_catstags,
    extract_meta_json,
    extract_sitename,
    extract_title,
)
from trafilatura.settings import Document

from crawler.config import SourceConfig
from crawler.extract.jsonld import _jsonld_types
from crawler.extract.tree import _text_of
from crawler.urls import canonical_url

logger = logging.getLogger(__name__)


_META_PUBLISHED = (
    "article:published_time", "og:article:published_time", "datepublished", "publishdate", "publish-date",
    "publish_date", "pubdate", "dc.date.issued", "dc.date", "dcterms.date", "date", "sailthru.date",
    "parsely-pub-date", "dtk:publishdate", "content_publisheddate", "article.published", "cxenseparse:recs:publishtime",
    "og:published_time", "published_time", "publication_date", "article_date_original", "originalpublicationdate",
    "dcterms.created", "created", "citation_publication_date", "release_date",
)
_META_MODIFIED = (
    "article:modified_time", "og:updated_time", "datemodified", "dc.date.modified", "dcterms.modified",
    "last-modified", "lastmod", "og:article:modified_time", "article.updated", "modified_time", "updated_time",
)


@dataclass
class _PageFacts:
    """What Pantau reads from the page's structured data (JSON-LD and meta tags) before trafilatura runs."""

    meta: dict[str, str] = field(default_factory=dict)
    jsonld: list[dict[str, Any]] = field(default_factory=list)
    compact_meta: dict[str, str] | None = None  # meta names without punctuation, built on first use


def _read_meta(tree: HtmlElement) -> dict[str, str]:
    meta: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop") or element.get("http-equiv")
        content = element.get("content")
        if key and content and content.strip():
            meta.setdefault(key.strip().lower(), content.strip())
    for element in tree.xpath("//*[@itemprop='datePublished' or @itemprop='dateModified'][not(self::meta)]"):
        value = element.get("datetime") or element.get("content") or element.text_content()
        if value and value.strip():
            meta.setdefault(element.get("itemprop").lower(), value.strip())
    return meta


def _jsonld_value(facts: _PageFacts, key: str) -> Any:
    for node in facts.jsonld:
        if node.get(key):
            return node[key]
    return None


def _jsonld_titles(facts: _PageFacts) -> list[Any]:
    """The article's titles in its JSON-LD: its ``headline`` and its ``name``. Publishers fill either or both, and
    where they differ the name is as much their title as the headline (trafilatura reads an Article's name
    first); a name that is not a headline (an id, the publisher) finds no other statement to agree with."""
    article = next((node for node in facts.jsonld if node.get("headline")), None)
    if article is None:
        article = next((node for node in facts.jsonld
                        if any(kind.endswith(("article", "posting")) for kind in _jsonld_types(node))), None)
    if article is None:
        return []
    return [article.get("headline"), article.get("name")]


def _compact_key(key: str) -> str:
    return re.sub(r"[^a-z0-9]", "", key.lower())


def _meta_value(facts: _PageFacts, key: str) -> str | None:
    """A meta tag's content, matching names loosely ("article:published:time" = "article:published_time")."""
    value = facts.meta.get(key)
    if value is None:
        if facts.compact_meta is None:
            facts.compact_meta = {}
            for name, content in facts.meta.items():
                facts.compact_meta.setdefault(_compact_key(name), content)
        value = facts.compact_meta.get(_compact_key(key))
    return value


def _written_as_initials(tree: HtmlElement, author: str) -> bool:
    """True when the page writes the byline element that ``author`` comes from as initials codes: lower case,
    short ("srf/hosb;kesm"). A name in lower case that CSS capitalises ("rina lestari") is not one."""
    first = re.split(r"[\s,;/]+", author.strip())[0].casefold()
    texts = [_text_of(element) for element in tree.xpath(
        "//body//*[@itemprop='author' or contains(@class, 'author') or contains(@class, 'byline')]")]
    texts = [text for text in texts if first and first in text.casefold()]
    return bool(texts) and all(
        text == text.lower() and all(len(code) <= 4 for code in re.split(r"[\s,;/]+", text) if code)
        for text in texts)


def _trafilatura_metadata(tree: HtmlElement) -> Document:
    """trafilatura's metadata (meta tags, JSON-LD, title, author, site name, categories, tags) without htmldate."""
    metadata = examine_meta(tree)
    if metadata.author and " " not in metadata.author:
        metadata.author = None
    try:
        metadata = extract_meta_json(tree, metadata)
    except Exception:  # trafilatura's JSON-LD reader has bugs on odd data
        logger.debug("trafilatura JSON-LD reader failed")
    if not metadata.title:
        metadata.title = extract_title(tree)
    if not metadata.author:
        metadata.author = extract_author(tree)
        if metadata.author and _written_as_initials(tree, metadata.author):
            metadata.author = None  # initials codes ("srf/hosb;kesm") that trafilatura capitalised into names
    if not metadata.sitename:
        metadata.sitename = extract_sitename(tree)
    if metadata.sitename:
        metadata.sitename = metadata.sitename.lstrip("@")
    if not metadata.categories:
        metadata.categories = extract_catstags("category", tree)
    if not metadata.tags:
        metadata.tags = extract_catstags("tag", tree)
    return metadata


def _canonical_url(url: str, tree: HtmlElement) -> str:
    """The page's canonical address (:func:`crawler.urls.canonical_url`); a canonical link no URL parser reads
    (``https://host:80x/``, ``http://[broken``) is skipped, and then the page's own address is its key."""
    try:
        return canonical_url(url, tree)
    except ValueError:
        logger.debug("unreadable canonical link on %s: skipped", url)
    try:
        return canonical_url(url)
    except ValueError:
        return url


def _site_name(facts: _PageFacts, trafilatura_site: str | None) -> str | None:
    publisher = _jsonld_value(facts, "publisher")
    if isinstance(publisher, list) and publisher:
        publisher = publisher[0]
    name = facts.meta.get("og:site_name") or (publisher.get("name") if isinstance(publisher, dict) else None) \
        or trafilatura_site
    if isinstance(name, str) and re.match(r"^(?:https?:|www\.|@)", name.strip()):
        name = trafilatura_site if trafilatura_site and not re.match(r"^(?:https?:|www\.)", trafilatura_site) else None
    return name.strip() if isinstance(name, str) and name.strip() else None


def _section(facts: _PageFacts, categories: list[str] | None) -> str | None:
    value = _jsonld_value(facts, "articleSection") or facts.meta.get("article:section")
    if isinstance(value, list):
        value = value[0] if value else None
    if not value and categories:
        value = categories[0]
    return str(value).strip() or None if value else None


def _tags(facts: _PageFacts, trafilatura_tags: list[str] | None) -> list[str]:
    value = _jsonld_value(facts, "keywords") or facts.meta.get("news_keywords") or facts.meta.get("keywords")
    tags: list[str] = []
    if isinstance(value, list):
        tags = [str(item).strip() for item in value]
    elif isinstance(value, str):
        tags = [item.strip() for item in value.split(",")]
    tags = [tag for tag in tags if tag]
    if not tags and trafilatura_tags:
        tags = [tag.strip() for tag in trafilatura_tags if tag.strip()]
    return list(dict.fromkeys(tags))


def _language(tree: HtmlElement, facts: _PageFacts, source: SourceConfig | None) -> str | None:
    value = tree.get("lang") or facts.meta.get("og:locale") or facts.meta.get("content-language") \
        or _jsonld_value(facts, "inLanguage")
    if isinstance(value, str) and value.strip():
        return re.split(r"[-_]", value.strip())[0].lower()
    return source.language if source is not None else None
