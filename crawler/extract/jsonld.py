"""JSON-LD: the article nodes of a page's ``application/ld+json`` scripts (``@graph``, ``mainEntity`` …
followed), CDATA and comment wrappers and trailing commas tolerated, the article's own node first. Odd data is
skipped, never the article: a script that cannot be read (also one nested too deep for the JSON reader), values
nested deeper than ``_MAX_DEPTH`` and ``@type``s that are not text.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from lxml.html import HtmlElement

logger = logging.getLogger(__name__)

_JSONLD_WRAPPER = re.compile(r"^\s*(?://\s*)?(?:<!\[CDATA\[|<!--)|(?://\s*)?(?:\]\]>|-->)\s*$")
_JSONLD_ARTICLE_TYPES = {
    "newsarticle", "article", "reportagenewsarticle", "blogposting", "analysisnewsarticle", "opinionnewsarticle",
    "backgroundnewsarticle", "reviewnewsarticle", "liveblogposting", "report", "scholarlyarticle",
    "techarticle", "socialmediaposting", "webpage", "videoobject", "creativework", "advertisercontentarticle",
    "satiricalarticle", "medicalscholarlyarticle", "askpublicnewsarticle",
}
# Levels of JSON-LD kept: schema.org data a page states about an article is a few levels deep. Deeper values are
# dropped, so that the readers after this one (authors, sections, the walk below) never recurse without end.
_MAX_DEPTH = 32


def _walk_jsonld(node: Any, found: list[dict[str, Any]]) -> None:
    if isinstance(node, list):
        for item in node:
            _walk_jsonld(item, found)
    elif isinstance(node, dict):
        if _jsonld_types(node) & _JSONLD_ARTICLE_TYPES:
            found.append(node)
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
            if key in node and isinstance(node[key], (list, dict)):
                _walk_jsonld(node[key], found)


def _read_jsonld(tree: HtmlElement) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for script in tree.xpath("//script[contains(translate(@type,'JSONLD','jsonld'),'ld+json')]"):
        # Some CMSs wrap the data in a CDATA section or an HTML comment ("//<![CDATA[ … //]]>").
        text = _JSONLD_WRAPPER.sub("", (script.text or "").strip())
        if not text:
            continue
        try:
            data = json.loads(text, strict=False)
        except RecursionError:
            logger.debug("JSON-LD nested too deep to read: skipped")
            continue
        except ValueError:
            try:  # trailing commas and stray control characters are common
                data = json.loads(re.sub(r",\s*([}\]])", r"\1", text.replace("\n", " ")), strict=False)
            except (ValueError, RecursionError):
                continue
        _walk_jsonld(_pruned(data, _MAX_DEPTH), found)

    def rank(node: dict[str, Any]) -> int:
        if _jsonld_types(node) & {"webpage", "videoobject", "creativework"}:
            return 2
        return 0 if "headline" in node or "datePublished" in node else 1

    return sorted(found, key=rank)


def _pruned(value: Any, levels: int) -> Any:
    """``value`` with what lies more than ``levels`` deep dropped (None in its place)."""
    if isinstance(value, dict):
        return {key: _pruned(item, levels - 1) for key, item in value.items()} if levels > 0 else None
    if isinstance(value, list):
        return [_pruned(item, levels - 1) for item in value] if levels > 0 else None
    return value


def _jsonld_types(node: dict[str, Any]) -> set[str]:
    """A JSON-LD node's ``@type``s, lower-cased; a type that is not text (``5``, ``true``) is none."""
    kinds = node.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return {kind.lower() for kind in kinds if isinstance(kind, str)}
