"""The demo site's stories as structured records, and the seeded generator that writes them.

A :class:`Story` is built from :class:`Piece` runs of text; a piece that names an agency carries its entity id
(and whether it sits inside a direct quote), a piece that is a trap carries the trap's kind. Outlets render the
same pieces to HTML, and the truth record is read off the pieces, so the two can never disagree. Generation is
deterministic: one ``random.Random`` per outlet, seeded from the site seed and the outlet key.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from crawler.demo import vocabulary as words
from crawler.demo.agencies import Agency, AgencyBook
from crawler.demo.topics import (
    FILLER, JOB_TITLES, QUOTE_VERBS_BACK, QUOTE_VERBS_NAMED, SUBSTRING_TRAPS, TONE_TOPICS, TOPICS, TRAPS, Topic,
)

ParagraphKind = Literal["lead", "body", "quote", "related"]


@dataclass(frozen=True)
class Piece:
    text: str
    entity_id: str | None = None
    resolution: Literal["name", "context"] = "name"
    quoted: bool = False
    trap: str | None = None


def plain(pieces: list[Piece]) -> str:
    return "".join(piece.text for piece in pieces)


@dataclass
class Paragraph:
    kind: ParagraphKind
    pieces: list[Piece]
    link_to: int | None = None  # for "Baca juga" lines: index of the linked story in the outlet
    label: str = "Baca juga:"

    @property
    def text(self) -> str:
        return plain(self.pieces)


@dataclass
class Story:
    """One article of one outlet, before rendering."""

    index: int  # position in the outlet's list, oldest first
    number: int  # numeric id (custom CMS URLs)
    slug: str
    topic: str
    section: str
    published_at: dt.datetime  # aware, in the outlet's zone
    modified_at: dt.datetime | None
    title: list[Piece]
    paragraphs: list[Paragraph]
    caption: list[Piece]
    tags: list[Piece]
    authors: list[str]
    editor: str
    is_advertorial: bool = False
    byline: list[Piece] = field(default_factory=list)  # an advertorial credit such as "(Humas DPRD Kaltim/adv/rin)"
    pages: int = 1
    page_starts: list[int] = field(default_factory=lambda: [0])  # paragraph index where each page starts
    flags: dict[str, object] = field(default_factory=dict)

    @property
    def title_text(self) -> str:
        return plain(self.title)

    @property
    def has_mentions(self) -> bool:
        return any(piece.entity_id for piece in self.title)


@dataclass(frozen=True)
class OutletStyle:
    """What the generator needs to know about an outlet to write for it."""

    key: str
    timezone: str
    dateline: str  # "DIKSINUSA.CO" -> lead starts "DIKSINUSA.CO - "
    scope: Literal["regional", "national"]
    advertorial_share: float = 0.1
    multipage_share: float = 0.0
    related_share: float = 0.7  # share of stories with inline "Baca juga" lines
    first_number: int = 10_000


class AuditError(AssertionError):
    """Generated text contains an agency name the generator did not plant (a template bug)."""


class StoryWriter:
    """Writes one story: fills a topic's templates with agencies, people and places, planting mentions."""

    _PLACEHOLDER = re.compile(r"\{([A-Za-z]+(?:\.short)?)\}")

    def __init__(self, rng: random.Random, book: AgencyBook, published_at: dt.datetime, style: OutletStyle,
                 agencies: dict[str, Agency]) -> None:
        self.rng, self.book, self.published_at, self.style = rng, book, published_at, style
        self.agencies = agencies  # role letter -> agency
        self.named_in_text: set[str] = set()
        day = published_at.date()
        self.values = {
            "P": rng.choice(words.OFFICIALS), "Q": rng.choice(words.OFFICIALS), "R": rng.choice(words.RESIDENTS),
            "CITY": rng.choice(words.CITIES), "DISTRICT": rng.choice(words.DISTRICTS),
            "VILLAGE": rng.choice(words.VILLAGES), "VENUE": rng.choice(words.VENUES),
            "DATE": words.body_dateline(day, with_year=rng.random() < 0.3), "N": str(rng.randint(3, 48)),
            "RP": f"Rp {rng.randint(2, 95)},{rng.randint(1, 9)} miliar", "YEAR": str(day.year),
        }
        home = agencies.get("A")
        if home is not None and home.region in words.REGION_PLACES:
            city, districts = words.REGION_PLACES[home.region]
            self.values["CITY"], self.values["DISTRICT"] = city, rng.choice(districts)
        if "M" in agencies and "A" not in agencies:  # a ministry's own event happens in the capital
            self.values["VENUE"] = rng.choice(words.NATIONAL_VENUES)
        for role, agency in agencies.items():
            self.values["J" + role] = JOB_TITLES.get(agency.kind, "Kepala")
        bares = [agency.bare for agency in agencies.values() if agency.bare]
        self.unique_bare = {role: agency.bare for role, agency in agencies.items()
                            if agency.bare and bares.count(agency.bare) == 1}

    def fill(self, template: str, *, zone: Literal["title", "text"], quoted: bool = False) -> list[Piece]:
        """Turn a template into pieces; agency placeholders become planted mentions."""
        pieces: list[Piece] = []
        position = 0
        for match in self._PLACEHOLDER.finditer(template):
            if match.start() > position:
                pieces.append(Piece(template[position:match.start()], quoted=quoted))
            pieces.extend(self._expand(match.group(1), zone=zone, quoted=quoted))
            position = match.end()
        if position < len(template):
            pieces.append(Piece(template[position:], quoted=quoted))
        return _merge(pieces)

    def _expand(self, name: str, *, zone: str, quoted: bool) -> list[Piece]:
        role, _, variant = name.partition(".")
        if role in self.agencies:
            agency = self.agencies[role]
            if zone == "text" and not variant and role not in self.named_in_text:
                surface = agency.surfaces[0] if self.rng.random() < 0.7 else self.rng.choice(agency.surfaces)
            else:
                surface = self.rng.choice(agency.short_surfaces)
            if zone == "text":
                self.named_in_text.add(role)
            return [Piece(surface, agency.id, "name", quoted)]
        if role in ("a", "b") and role.upper() in self.agencies:
            upper = role.upper()
            if upper in self.unique_bare and upper in self.named_in_text:
                return [Piece(self.unique_bare[upper], self.agencies[upper].id, "context", quoted)]
            return self._expand(upper + ".short", zone=zone, quoted=quoted)
        if name in self.values:
            return [Piece(self.values[name], quoted=quoted)]
        raise KeyError(f"template placeholder {{{name}}} has no value")

    def quote(self, template: str, speaker: str | None) -> Paragraph:
        inner = self.fill(template, zone="text", quoted=True)
        if speaker:
            tail = f'," {self.rng.choice(QUOTE_VERBS_NAMED)} {speaker}.'
        else:
            tail = f'," {self.rng.choice(QUOTE_VERBS_BACK)}.'
        return Paragraph("quote", [Piece('"'), *inner, Piece(tail)])


def _merge(pieces: list[Piece]) -> list[Piece]:
    """Join neighbouring plain pieces so the structure stays small."""
    merged: list[Piece] = []
    for piece in pieces:
        if merged and not piece.entity_id and not piece.trap and not merged[-1].entity_id and not merged[-1].trap \
                and merged[-1].quoted == piece.quoted:
            merged[-1] = Piece(merged[-1].text + piece.text, quoted=piece.quoted)
        else:
            merged.append(piece)
    return merged


class StoryGenerator:
    """All stories of one outlet between ``start`` and ``end`` (inclusive), oldest first."""

    def __init__(self, book: AgencyBook, style: OutletStyle, *, seed: int, start: dt.date, end: dt.date,
                 per_day: float, extra_days: list[dt.date] | None = None, tone_stories: bool = False) -> None:
        self.book, self.style = book, style
        self.tone_stories = tone_stories  # end with one story of each TONE_TOPICS topic (the site's own outlets)
        self.seed = seed
        self.rng = random.Random(f"{seed}:{style.key}")
        self.zone = zoneinfo.ZoneInfo(style.timezone)
        self.start, self.end, self.per_day = start, end, per_day
        self.extra_days = extra_days or []

    def _publication_times(self) -> list[dt.datetime]:
        """Seeded publication times: ``per_day`` a day on average, between 07:00 and 22:00 local time."""
        times: list[dt.datetime] = []
        days = sorted(set(self.extra_days)) + [self.start + dt.timedelta(days=offset)
                                               for offset in range((self.end - self.start).days + 1)]
        carry = 0.0
        for day in days:
            carry += self.per_day
            count = int(carry)
            carry -= count
            for minute in sorted(self.rng.sample(range(7 * 60, 22 * 60), count)):
                second = self.rng.randint(0, 59)
                times.append(dt.datetime.combine(day, dt.time(minute // 60, minute % 60, second), self.zone))
        return times

    def generate(self) -> list[Story]:
        stories: list[Story] = []
        for index, published_at in enumerate(self._publication_times()):
            for _attempt in range(20):
                story = self._story(index, published_at)
                if story is not None:
                    break
            else:  # pragma: no cover - only a dictionary with no usable agency gets here
                raise RuntimeError(f"could not write a story for {self.style.key} on {published_at}")
            stories.append(story)
        if self.tone_stories:
            stories += self._tone_stories(len(stories))
        self._unique_slugs(stories)
        self._link_related(stories)
        for story in stories:
            audit_story(story, self.book)
        return stories

    def _tone_stories(self, first_index: int) -> list[Story]:
        """One story of each :data:`TONE_TOPICS` topic, the outlet's newest (late on the last day), written with
        an RNG of their own so that the regular stories stay exactly as they were."""
        regular_rng, self.rng = self.rng, random.Random(f"{self.seed}:{self.style.key}:tone")
        try:
            stories = []
            for number, topic in enumerate(TONE_TOPICS):
                # seconds of their own, so that two outlets never publish at the very same instant
                published_at = dt.datetime.combine(
                    self.end, dt.time(22, 5 + 12 * number + self.rng.randint(0, 9), self.rng.randint(0, 59)), self.zone)
                story = None
                for _attempt in range(20):
                    story = self._story(first_index + number, published_at, topic=topic)
                    if story is not None:
                        break
                if story is not None:
                    stories.append(story)
            return stories
        finally:
            self.rng = regular_rng

    @staticmethod
    def _unique_slugs(stories: list[Story]) -> None:
        # Templates repeat headlines, and a busy day can repeat one; WordPress-style URLs (date + slug) would
        # then name two stories at once. A real CMS appends a number to the second slug; so do we.
        seen: Counter[str] = Counter()
        for story in stories:
            seen[story.slug] += 1
            if seen[story.slug] > 1:
                story.slug = f"{story.slug}-{seen[story.slug]}"

    # ----------------------------------------------------------------------------------------------- one story

    def _eligible_topics(self, day: dt.date) -> list[Topic]:
        # A national portal runs regional channels too; regional outlets skip national-only topics.
        topics = [topic for topic in TOPICS if self.style.scope == "national" or topic.scope != "national"]
        if day in self.extra_days:  # archive days exist to show the ministry on both sides of a rename
            topics = [topic for topic in topics if topic.needs_ministry]
        return topics

    def _cast(self, topic: Topic, day: dt.date) -> dict[str, Agency] | None:
        cast: dict[str, Agency] = {}
        if topic.a_kinds:
            candidates = self.book.regional(topic.a_kinds)
            if topic.a_prefixes:
                candidates = [agency for agency in candidates if agency.id.startswith(topic.a_prefixes)]
            if not candidates:
                return None
            cast["A"] = self.rng.choice(candidates)
        if topic.b_kinds:
            candidates = [agency for agency in self.book.regional(topic.b_kinds)
                          if "A" not in cast or agency.region == cast["A"].region]
            if not candidates:
                return None
            cast["B"] = self.rng.choice(candidates)
        if topic.needs_ministry:
            ministries = [agency for agency in self.book.ministries(day) if agency.kind == "ministry"
                          and ("komunikasi" in agency.name.lower())]
            if not ministries:
                return None
            cast["M"] = ministries[0]
        return cast

    def _story(self, index: int, published_at: dt.datetime, topic: Topic | None = None) -> Story | None:
        rng = self.rng
        if topic is None:
            topic = rng.choice(self._eligible_topics(published_at.date()))
        cast = self._cast(topic, published_at.date())
        if cast is None:
            return None
        writer = StoryWriter(rng, self.book, published_at, self.style, cast)
        title_template = rng.choice(topic.titles)
        title = writer.fill(title_template, zone="title")
        lead_template = rng.choice(topic.leads)
        lead = writer.fill(lead_template, zone="text")
        lead = [Piece(f"{self.style.dateline} - "), *lead]
        paragraphs = [Paragraph("lead", _merge(lead))]
        body = list(topic.body)
        quotes = list(topic.quotes)
        rng.shuffle(quotes)
        speaker = writer.values["P"] if "A" in cast else writer.values["Q"]
        # The first body paragraph introduces the speaker; quotes follow it, interleaved with the rest.
        paragraphs.append(Paragraph("body", writer.fill(body[0], zone="text")))
        paragraphs.append(writer.quote(quotes[0], speaker))
        for number, template in enumerate(body[1:], 1):
            paragraphs.append(Paragraph("body", writer.fill(template, zone="text")))
            if number < len(quotes) and number % 2 == 0:
                paragraphs.append(writer.quote(quotes[number], None))
        for trap_kind, surface, sentence in rng.sample(TRAPS, rng.choice([0, 1, 1, 2])):
            trap_surface = surface.replace("{N}", writer.values["N"]).replace("{YEAR}", writer.values["YEAR"])
            before, _, after = sentence.partition("{TRAP}")
            pieces = [*writer.fill(before, zone="text"), Piece(trap_surface, trap=trap_kind),
                      *writer.fill(after, zone="text")]
            paragraphs.insert(rng.randint(2, len(paragraphs)), Paragraph("body", _merge(pieces)))
        paragraphs.extend(Paragraph("body", [Piece(text)]) for text in rng.sample(FILLER, rng.randint(1, 3)))
        caption = self._caption(writer, topic, cast)
        tags = self._tags(topic, cast, writer)
        is_advertorial = topic.advertorial_ok and "A" in cast and rng.random() < self.style.advertorial_share
        byline: list[Piece] = []
        if is_advertorial:
            initials = "".join(rng.choice("abcdefghijklmnoprstuwy") for _ in range(3))
            byline = [Piece("(Humas "), Piece(rng.choice(cast["A"].short_surfaces), cast["A"].id),
                      Piece(f"/adv/{initials})")]
        modified_at = None
        if rng.random() < 0.3:
            modified_at = published_at + dt.timedelta(minutes=rng.randint(5, 600))
        title_text = plain(title)
        story = Story(
            index=index, number=self.style.first_number + index * 7 + rng.randint(0, 6),
            slug=words.slugify(title_text), topic=topic.key,
            section="advertorial" if is_advertorial else topic.section,
            published_at=published_at, modified_at=modified_at, title=title, paragraphs=paragraphs,
            caption=caption, tags=tags, authors=[rng.choice(words.REPORTERS)], editor=rng.choice(words.EDITORS),
            is_advertorial=is_advertorial, byline=byline,
        )
        chosen = f"{title_template}\n{lead_template}".lower()
        story.flags["tone"] = {cast[role].id: tone for role, tone, marker in topic.tones
                               if role in cast and marker.lower() in chosen}
        if rng.random() < self.style.multipage_share and len(paragraphs) >= 8:
            story.pages = 3 if len(paragraphs) >= 11 and rng.random() < 0.4 else 2
            size = len(paragraphs) // story.pages
            story.page_starts = [page * size for page in range(story.pages)]
        return story

    def _caption(self, writer: StoryWriter, topic: Topic, cast: dict[str, Agency]) -> list[Piece]:
        rng = self.rng
        description = writer.fill(rng.choice(topic.captions), zone="title")
        credit_owner = cast.get("A") or cast.get("M")
        choice = rng.random()
        if credit_owner and choice < 0.5:
            credit = [Piece(rng.choice(credit_owner.short_surfaces), credit_owner.id)]
        elif credit_owner and choice < 0.7:
            credit = [Piece("Humas "), Piece(rng.choice(credit_owner.short_surfaces), credit_owner.id)]
        elif choice < 0.85:
            credit = [Piece("Istimewa")]
        else:
            credit = [Piece(rng.choice(words.REPORTERS))]
        return _merge([*description, Piece("/Foto: "), *credit])

    def _tags(self, topic: Topic, cast: dict[str, Agency], writer: StoryWriter) -> list[Piece]:
        rng = self.rng
        tags = [Piece(rng.choice(agency.short_surfaces), agency.id) for agency in cast.values()]
        tags += [Piece(keyword) for keyword in rng.sample(topic.keywords, 2)]
        tags.append(Piece(writer.values["CITY"]))
        rng.shuffle(tags)
        return tags

    def _link_related(self, stories: list[Story]) -> None:
        """Insert inline "Baca juga" lines pointing to earlier stories of the same outlet."""
        rng = self.rng
        for story in stories:
            if story.index == 0 or rng.random() >= self.style.related_share:
                continue
            count = min(story.index, rng.choice([1, 1, 2]))
            targets = rng.sample(range(story.index), count)
            positions = sorted(rng.sample(range(2, len(story.paragraphs)), count), reverse=True)
            for target, position in zip(targets, positions):
                label = rng.choice(["Baca juga:", "BACA JUGA:", "Baca Juga:"])
                pieces = [Piece(piece.text, piece.entity_id, piece.resolution) for piece in stories[target].title]
                story.paragraphs.insert(position, Paragraph("related", pieces, link_to=target, label=label))
            if story.pages > 1:
                size = len(story.paragraphs) // story.pages
                story.page_starts = [page * size for page in range(story.pages)]


def audit_story(story: Story, book: AgencyBook) -> None:
    """Every dictionary surface in the story must lie inside a planted mention or a planted trap."""
    fields = {"title": story.title, "caption": story.caption, "byline": story.byline}
    for number, paragraph in enumerate(story.paragraphs):
        fields[f"paragraph {number}"] = paragraph.pieces
    for number, tag in enumerate(story.tags):
        fields[f"tag {number}"] = [tag]
    for name, pieces in fields.items():
        text = plain(pieces)
        covered: list[tuple[int, int]] = []
        offset = 0
        for piece in pieces:
            if piece.trap and piece.trap not in SUBSTRING_TRAPS and book.find_surfaces(piece.text):
                raise AuditError(f"{story.slug}: trap {piece.text!r} contains an agency surface")
            if piece.entity_id or piece.trap:
                covered.append((offset, offset + len(piece.text)))
            offset += len(piece.text)
        for start, end in book.find_surfaces(text):
            if not any(low <= start and end <= high for low, high in covered):
                raise AuditError(f"{story.slug}: {name} has an unplanted agency surface {text[start:end]!r}: {text!r}")
