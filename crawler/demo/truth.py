"""The truth record: what a perfect crawl + extraction + matching of the demo site must find.

Mentions and traps are read straight off a story's pieces, in document order, with the field of
``crawler.article.Article`` they belong to and the zone ``crawler.article.Mention`` records:

==========================  =========  =======
where the piece stands      field      zone
==========================  =========  =======
headline                    title      title
first paragraph             text       lead
other paragraphs            text       body
inside a direct quote       text       quote
photo caption and credit    caption    caption
inline "Baca juga" link     related    related
tag list                    tags       tag
advertorial credit line     byline     byline
==========================  =========  =======

Related-news boxes and sidebars only ever show titles that name no agency, so they add nothing here.

``tone`` gives each article's tone toward every agency it counts: what its topic says (see ``Topic.tones`` in
:mod:`crawler.demo.topics`; the planted :data:`~crawler.demo.topics.TONE_TOPICS` stories are clearly negative
or positive toward their agency), neutral otherwise; ``{}`` for the stories no topic wrote (press releases and
their pickups, the alert demo's stories), whose tone nobody labelled.
"""

from __future__ import annotations

from typing import Any

from crawler.demo.stories import Piece, Story


def _walk(story: Story) -> list[tuple[Piece, str, str]]:
    """Every piece of the story with its (field, zone), in document order."""
    placed: list[tuple[Piece, str, str]] = [(piece, "title", "title") for piece in story.title]
    for paragraph in story.paragraphs:
        for piece in paragraph.pieces:
            if paragraph.kind == "related":
                placed.append((piece, "related", "related"))
            elif piece.quoted:
                placed.append((piece, "text", "quote"))
            else:
                placed.append((piece, "text", "lead" if paragraph.kind == "lead" else "body"))
    placed += [(piece, "caption", "caption") for piece in story.caption]
    placed += [(piece, "tags", "tag") for piece in story.tags]
    placed += [(piece, "byline", "byline") for piece in story.byline]
    return placed


def story_mentions(story: Story) -> list[dict[str, str]]:
    return [{"entity_id": piece.entity_id, "surface": piece.text, "field": field, "zone": zone,
             "resolution": piece.resolution}
            for piece, field, zone in _walk(story) if piece.entity_id]


def story_tone(story: Story) -> dict[str, str]:
    """The story's tone toward each agency it counts (title, lead, body, quote): negative, neutral or positive.

    Only stories written from a :class:`~crawler.demo.topics.Topic` declare their tone; the press office's releases
    and pickups and the alert demo's stories do not, and get ``{}`` (unlabelled, not "neutral")."""
    if "tone" not in story.flags:
        return {}
    planted = story.flags.get("tone") or {}
    counted = [piece.entity_id for piece, _field, zone in _walk(story)
               if piece.entity_id and zone in ("title", "lead", "body", "quote")]
    return {entity_id: str(planted.get(entity_id, "neutral")) for entity_id in dict.fromkeys(counted)}  # type: ignore[union-attr]


def story_traps(story: Story) -> list[dict[str, str]]:
    return [{"kind": piece.trap, "surface": piece.text, "field": field, "zone": zone}
            for piece, field, zone in _walk(story) if piece.trap]


def summarize(truth: dict[str, Any]) -> dict[str, int]:
    """Counts for reports: outlets, articles, pages, mentions, traps, faults."""
    outlets = truth["outlets"]
    articles = [article for outlet in outlets for article in outlet["articles"]]
    return {
        "outlets": len(outlets),
        "articles": len(articles),
        "article_pages": sum(article["pages"] for article in articles),
        "mentions": sum(len(article["mentions"]) for article in articles),
        "traps": sum(len(article["traps"]) for article in articles) + sum(len(o["traps"]) for o in outlets),
        "faults": sum(len(outlet["faults"]) for outlet in outlets),
    }
