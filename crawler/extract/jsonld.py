"""JSON-LD: the article nodes of a page's ``application/ld+json`` scripts (``@graph``, ``mainEntity`` …
followed), CDATA and comment wrappers and trailing commas tolerated, the article's own node first.
"""

from __future__ import annotations

import json
import re
from typing import Any

from lxml.html import HtmlElement

_JSONLD_WRAPPER = re.compile(r"^\s*(?://\s*)?(?:<!\[CDATA\[|<!--)|(?://\s*)?(?:\]\]>|-->)\s*$")
_JSONLD_ARTICLE_TYPES = {
    "newsarticle", "article", "reportagenewsarticle", "blogposting", "analysisnewsarticle", "opinionnewsarticle",
    "backgroundnewsarticle", "reviewnewsarticle", "liveblogposting", "report", "scholarlyarticle",
    "techarticle", "socialmediaposting", "webpage", "videoobject", "creativework", "advertisercontentarticle",
    "satiricalarticle", "medicalscholarlyarticle", "askpublicnewsarticle",
}


def _walk_jsonld(node: Any, found: list[dict[str, Any]]) -> None:
    if isinstance(node, list):
        for item in node:
            _walk_jsonld(item, found)
    elif isinstance(node, dict):
        types = node.get("@type")
        types = [types] if isinstance(types, str) else (types or [])
        if any(isinstance(kind, str) and kind.lower() in _JSONLD_ARTICLE_TYPES for kind in types):
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
        except ValueError:
            try:  # trailing commas and stray control characters are common
                data = json.loads(re.sub(r",\s*([}\]])", r"\1", text.replace("\n", " ")), strict=False)
            except ValueError:
                continue
        _walk_jsonld(data, found)

    def rank(node: dict[str, Any]) -> int:
        if _jsonld_types(node) & {"webpage", "videoobject", "creativework"}:
            return 2
        return 0 if "headline" in node or "datePublished" in node else 1

    return sorted(found, key=rank)


def _jsonld_types(node: dict[str, Any]) -> set[str]:
    """A JSON-LD node's ``@type``s, lower-cased."""
    kinds = node.get("@type")
    kinds = [kinds] if isinstance(kinds, str) else (kinds or [])
    return {str(kind).lower() for kind in kinds}
