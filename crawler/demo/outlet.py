"""What every demo outlet shares: its identity, its stories, URL routing to a :class:`Response`, the truth
record of its articles, and the small HTML helpers the outlet styles render with.

An outlet is pure: ``handle(path, query)`` returns a response and never touches a socket, so tests can call it
directly and :mod:`crawler.demo.server` only moves bytes. Concrete styles (WordPress portal, custom CMS,
national portal, faulty site) live in their own modules and override ``route``.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import zoneinfo
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from crawler.demo.changes import OutletChanges
from crawler.demo.stories import OutletStyle, Paragraph, Piece, Story
from crawler.demo.truth import story_mentions, story_tone, story_traps


@dataclass
class Response:
    status: int = 200
    body: bytes | str = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds the server waits before answering (a hanging page)
    last_modified: dt.datetime | None = None  # sent as Last-Modified by outlets that send it

    @property
    def payload(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


NOT_FOUND = Response(404, "<!doctype html><html><body><h1>404</h1><p>Halaman tidak ditemukan.</p></body></html>")
GONE = Response(410, "<!doctype html><html><body><h1>410</h1><p>Berita ini telah dihapus.</p></body></html>")
AD_BRANDS = ("Toko Elektronik Mahakam", "Bank Daerah Etam", "Kopi Borneo", "Properti Samarinda Raya")


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def pieces_html(pieces: list[Piece]) -> str:
    return esc("".join(piece.text for piece in pieces))


def iso(moment: dt.datetime, timespec: str = "seconds") -> str:
    return moment.isoformat(timespec=timespec)


def xml_response(text: str, content_type: str = "application/xml; charset=utf-8") -> Response:
    return Response(200, text, content_type)


class Outlet:
    """One news site of the demo: a key, a home address, stories, and the routes that serve them."""

    kind = "generic"
    style: OutletStyle
    name: str
    region: str | None = "Kalimantan Timur"
    scope = "regional"
    # HTTP validators this outlet sends with its pages (the server answers 304 to matching conditional requests).
    validators: tuple[str, ...] = ()
    # Whether its sitemap or feed tells when a story was last modified (the demo clock plans edits by it).
    lastmod_in_discovery = False

    def __init__(self, stories: list[Story], *, today: Callable[[], dt.date] | None = None) -> None:
        self.stories = stories
        self.base_stories = stories
        self.epoch = 0
        self.epoch_step = dt.timedelta(0)
        self.changes: OutletChanges | None = None
        self.gone_paths: set[str] = set()
        self._all_by_index: dict[int, Story] = {story.index: story for story in stories}
        self.host = "127.0.0.1"
        self.port = 0
        self._today = today
        self.hits: Counter[str] = Counter()  # requested paths (with query), for tests that check crawl behaviour
        self.status_counts: Counter[int] = Counter()  # statuses the server sent (304s included), for benchmarks
        self.bytes_sent = 0  # body bytes the server sent
        self.by_path: dict[str, Story] = {}

    # ------------------------------------------------------------------------------------------- identity

    @property
    def key(self) -> str:
        return self.style.key

    @property
    def timezone(self) -> str:
        return self.style.timezone

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.style.timezone)

    @property
    def home_url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def absolute(self, path: str) -> str:
        return self.home_url.rstrip("/") + path

    def today(self) -> dt.date:
        """The wall-clock date in the outlet's zone (what headers and footers print) unless a test fixed it."""
        today = self._today() if self._today else dt.datetime.now(self.zone).date()
        return today + self.epoch * self.epoch_step if self.epoch else today

    def set_epoch(self, epoch: int, step: dt.timedelta) -> None:
        """Show the site as it is ``epoch`` steps after generation (see :mod:`crawler.demo.changes`)."""
        self.epoch, self.epoch_step = epoch, step
        if epoch >= 1 and self.changes is not None:
            self.stories = self.changes.visible(self.base_stories)
            self.gone_paths = {self.article_path(self.base_stories[index]) for index in self.changes.removed}
            self._all_by_index.update({story.index: story for story in self.stories})
        else:
            self.stories, self.gone_paths = self.base_stories, set()
        if self.by_path:
            self.index_paths()

    def newest_first(self, stories: list[Story] | None = None) -> list[Story]:
        return sorted(stories if stories is not None else self.stories, key=lambda story: story.published_at,
                      reverse=True)

    # ------------------------------------------------------------------------------------------- routing

    def index_paths(self) -> None:
        self.by_path = {self.article_path(story): story for story in self.stories}

    def article_path(self, story: Story) -> str:
        raise NotImplementedError

    def article_url(self, story: Story) -> str:
        return self.absolute(self.article_path(story))

    def handle(self, target: str) -> Response:
        """Answer one request target such as ``/feed/`` or ``/berita/123/x?page=2``."""
        self.hits[target] += 1
        parts = urlsplit(target)
        query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
        path = parts.path or "/"
        if path in self.gone_paths:
            return GONE
        try:
            response = self.route(path, query)
        except (ValueError, IndexError):
            return NOT_FOUND
        story = self.by_path.get(path)
        if story is not None and response.status == 200 and response.last_modified is None:
            response.last_modified = story.modified_at or story.published_at
        if self.epoch and response.status == 200 and response.content_type.startswith("text/html"):
            response.body = self.with_rotating_ad(response.payload.decode("utf-8"))
        return response

    def with_rotating_ad(self, page: str) -> str:
        """A banner right after <body> whose advertiser and offer change with the epoch (never an edit)."""
        start = page.find("<body")
        end = page.find(">", start) + 1 if start >= 0 else 0
        brand = AD_BRANDS[self.epoch % len(AD_BRANDS)]
        ad = (f'<div class="iklan iklan-atas"><a href="/iklan/{self.epoch}" rel="sponsored">Promo {brand}: '
              f"diskon {10 + 5 * self.epoch}% hari ini!</a></div>")
        return page[:end] + ad + page[end:]

    def route(self, path: str, query: dict[str, str]) -> Response:
        raise NotImplementedError

    # ------------------------------------------------------------------------------------------- config and truth

    def source_entry(self) -> dict[str, Any]:
        """The [[sources]] table (crawler.config.SourceConfig fields) for this outlet while it is served."""
        raise NotImplementedError

    def truth_articles(self) -> list[dict[str, Any]]:
        return [self.article_truth(story) for story in self.stories]

    def published_for_truth(self, story: Story) -> dt.datetime:
        """The publication time as precisely as the page states it."""
        return story.published_at

    def article_truth(self, story: Story) -> dict[str, Any]:
        record = self._article_truth(story)
        if story.flags.get("pickup"):  # a press release or a story planted around one (crawler.demo.pressoffice)
            record["pickup"] = dict(story.flags["pickup"])
        return record

    def _article_truth(self, story: Story) -> dict[str, Any]:
        return {
            "url": self.article_url(story),
            "canonical_url": self.article_url(story),
            "title": story.title_text,
            "authors": list(story.authors),
            "published_at": iso(self.published_for_truth(story)),
            "is_advertorial": story.is_advertorial,
            "pages": story.pages,
            "section": story.section,
            "tags": [tag.text for tag in story.tags],
            "mentions": story_mentions(story),
            "traps": story_traps(story),
            "tone": story_tone(story),
        }

    def outlet_traps(self) -> list[dict[str, str]]:
        """Trap surfaces in the site's own chrome (banners), present on every page."""
        return []

    def faults(self) -> list[dict[str, Any]]:
        return []

    def truth(self) -> dict[str, Any]:
        return {
            "key": self.key, "name": self.name, "home_url": self.home_url, "timezone": self.timezone,
            "region": self.region, "scope": self.scope, "kind": self.kind,
            "articles": self.truth_articles(), "traps": self.outlet_traps(), "faults": self.faults(),
        }

    # ------------------------------------------------------------------------------------------- HTML helpers

    def related_url(self, paragraph: Paragraph) -> str:
        assert paragraph.link_to is not None
        return self.article_url(self._all_by_index[paragraph.link_to])

    def paragraph_html(self, paragraph: Paragraph) -> str:
        if paragraph.kind == "related":
            return (f'<p class="baca-juga"><strong>{esc(paragraph.label)}</strong> '
                    f'<a href="{esc(self.related_url(paragraph))}">{pieces_html(paragraph.pieces)}</a></p>')
        return f"<p>{pieces_html(paragraph.pieces)}</p>"

    def plain_titles(self, exclude: Story, count: int) -> list[Story]:
        """Stories whose titles name no agency, for related boxes and sidebars (outside the article text)."""
        pool = [story for story in self.newest_first() if story is not exclude and not story.has_mentions]
        start = exclude.index % max(1, len(pool))
        return (pool[start:] + pool[:start])[:count]

    @staticmethod
    def json_ld(data: dict[str, Any]) -> str:
        return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


def page_count(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


# Stylesheet and script noise so that pages weigh what real portals weigh (tens of KB of chrome around the story).
CHROME_CSS = "\n".join(
    f".blk-{number}{{margin:{number % 7}px {number % 5}px;padding:{number % 3}px;"
    f"color:#{(number * 2654435761) % 0xFFFFFF:06x};"
    f"font-size:{12 + number % 6}px;line-height:1.{number % 9}}}" for number in range(260))
CHROME_SCRIPT = ("window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}"
                 "gtag('js',new Date());var adSlots=[" + ",".join(f"'slot-{n}'" for n in range(120)) + "];")
