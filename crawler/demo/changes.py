"""The demo site's clock: what each outlet edits, removes and adds when a test moves it to a later epoch.

Epoch 0 is the site as generated (its pages are exactly those of a site without a clock). Epoch ``n`` is
``n * EPOCH_STEP`` later: its ``now()`` has moved, the header date and the rotating ad in every page have
changed (neither is an edit), and from epoch 1 on every healthy outlet has

- ``headline``: one story's headline corrected (an old story where the outlet's discovery gives a lastmod, so
  only that lastmod can reveal it; a young one where it does not, found by the refetch schedule);
- ``paragraph``: one young story's body paragraph rewritten, an agency mention in it taken out;
- ``removed``: its newest story taken down (410);
- ``added``: two new stories published since.

"Young" means published within the 72 hours before ``anchor`` (the epoch-0 ``now``), so that a crawl at
``anchor`` and another at epoch 1 catch it with the default refetch schedule (1 h, 6 h, 24 h, 72 h). The
record (:meth:`OutletChanges.records`) says exactly which URL changed how; the end-to-end test compares.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from crawler.demo.agencies import AgencyBook
from crawler.demo.stories import Paragraph, Piece, Story, StoryGenerator, audit_story, plain

EPOCH_STEP = dt.timedelta(days=2)
YOUNG = dt.timedelta(hours=72)
# The anchor is the morning after the newest stories (all published 07:00-22:00 local).
ANCHOR_TIME = dt.time(6, 0)
HEADLINE_CORRECTION = ", Ini Klarifikasinya"
NEUTRAL_AGENCY = "instansi terkait"
ADDED_PER_OUTLET = 2


def anchor_for(end_date: dt.date, zone: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(end_date + dt.timedelta(days=1), ANCHOR_TIME, zone)


@dataclass
class OutletChanges:
    """What one outlet looks like at epochs >= 1, relative to its generated stories."""

    edited: dict[int, Story] = field(default_factory=dict)  # story index -> the edited story
    edits: dict[int, dict[str, Any]] = field(default_factory=dict)  # story index -> what changed
    removed: set[int] = field(default_factory=set)
    added: list[Story] = field(default_factory=list)

    def visible(self, stories: list[Story]) -> list[Story]:
        return [self.edited.get(story.index, story) for story in stories
                if story.index not in self.removed] + self.added


def _young(stories: list[Story], anchor: dt.datetime) -> list[Story]:
    return [story for story in stories if anchor - YOUNG < story.published_at < anchor]


def _removable_mention(story: Story) -> tuple[int, int] | None:
    """(paragraph, piece) of a body mention stated by name, outside quotes, of an agency that the text never
    refers to by a bare form (which would need the name before it to be resolved)."""
    text_pieces = [(number, index, piece) for number, paragraph in enumerate(story.paragraphs)
                   if paragraph.kind != "related" for index, piece in enumerate(paragraph.pieces)]
    for number, index, piece in text_pieces:
        if story.paragraphs[number].kind != "body" or not piece.entity_id or piece.resolution != "name" \
                or piece.quoted:
            continue
        if not any(p.entity_id == piece.entity_id and p.resolution != "name" for _, _, p in text_pieces):
            return number, index
    return None


def plan_outlet_changes(outlet: Any, book: AgencyBook, *, seed: int, anchor: dt.datetime,
                        lastmod_in_discovery: bool) -> OutletChanges:
    """Choose and write one outlet's epoch-1 changes (deterministic for a given site)."""
    changes = OutletChanges()
    stories = outlet.stories
    young = sorted(_young(stories, anchor), key=lambda story: story.published_at)
    edit_time = anchor + EPOCH_STEP - dt.timedelta(hours=2)
    if young:
        changes.removed.add(young[-1].index)
    candidates = [story for story in reversed(young[:-1]) if _removable_mention(story) is not None]
    if candidates:
        story = copy.deepcopy(candidates[0])
        number, index = _removable_mention(story)  # type: ignore[misc]
        paragraph = story.paragraphs[number]
        removed = paragraph.pieces[index]
        pieces = list(paragraph.pieces)
        pieces[index] = Piece(NEUTRAL_AGENCY)
        story.paragraphs[number] = Paragraph(paragraph.kind, pieces, paragraph.link_to, paragraph.label)
        story.modified_at = edit_time
        changes.edited[story.index] = story
        changes.edits[story.index] = {"edit": "paragraph", "removed_mentions": [
            {"entity_id": removed.entity_id, "surface": removed.text, "field": "text", "zone": "body"}]}
    pool = [story for story in stories if story.index not in changes.removed and story.index not in changes.edited]
    # Where discovery gives a lastmod the corrected story is an old one (only the lastmod reveals it); elsewhere a
    # young one, which the refetch schedule brings back.
    headline_pool = [story for story in pool
                     if (anchor - YOUNG < story.published_at < anchor) != lastmod_in_discovery]
    if headline_pool:
        story = copy.deepcopy(headline_pool[len(headline_pool) // 2])
        story.title = [*story.title, Piece(HEADLINE_CORRECTION)]
        story.modified_at = edit_time
        changes.edited[story.index] = story
        changes.edits[story.index] = {"edit": "headline", "previous_title": plain(stories[story.index].title)}
    changes.added = _new_stories(outlet, book, seed=seed, day=(anchor + EPOCH_STEP).date() - dt.timedelta(days=1))
    for story in changes.edited.values():
        audit_story(story, book)
    return changes


def _new_stories(outlet: Any, book: AgencyBook, *, seed: int, day: dt.date) -> list[Story]:
    """Stories published on ``day`` (after the anchor), numbered after the outlet's own."""
    fresh = StoryGenerator(book, outlet.style, seed=seed + 1, start=day, end=day,
                           per_day=ADDED_PER_OUTLET).generate()
    base = len(outlet.stories)
    slugs = {story.slug for story in outlet.stories}
    for story in fresh:
        story.index += base
        story.number = outlet.style.first_number + story.index * 7
        while story.slug in slugs:
            story.slug += "-baru"
        slugs.add(story.slug)
        for paragraph in story.paragraphs:
            if paragraph.link_to is not None:
                paragraph.link_to += base
    return fresh


def change_records(outlet: Any, changes: OutletChanges, epoch: int) -> list[dict[str, Any]]:
    """The record of what changed at ``epoch`` (nothing before epoch 1), with the URLs a crawl stores."""
    if epoch < 1:
        return []
    records: list[dict[str, Any]] = []
    base = {story.index: story for story in outlet.base_stories}
    for index, story in sorted(changes.edited.items()):
        records.append({"outlet": outlet.key, "change": "edited", "url": outlet.article_url(story),
                        "title": story.title_text, "previous_title": base[index].title_text, **changes.edits[index]})
    for index in sorted(changes.removed):
        story = base[index]
        records.append({"outlet": outlet.key, "change": "removed", "url": outlet.article_url(story),
                        "title": story.title_text})
    for story in changes.added:
        records.append({"outlet": outlet.key, "change": "added", "url": outlet.article_url(story),
                        "title": story.title_text})
    return records
