"""The faulty outlet ("Kabar Rapuh") for robustness tests: a small site whose sitemap and listing lead to
healthy articles and to broken ones — two URLs that answer 500, one that hangs (for ``hang_seconds``, then
answers; the server drops it at shutdown), one truncated page of garbage, one redirect to another outlet's
domain — plus an RSS feed that is not well-formed XML. Every fault is listed in the truth record.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
import zoneinfo
from collections.abc import Callable
from typing import Any

from crawler.demo import vocabulary as words
from crawler.demo.outlet import NOT_FOUND, Outlet, Response, esc, iso, pieces_html, xml_response
from crawler.demo.stories import OutletStyle, Paragraph, Piece, Story
from crawler.demo.topics import FILLER

HEALTHY = 6
FAULTS = ("http-500", "http-500", "hang", "truncated", "redirect-offsite")


class FaultyOutlet(Outlet):
    kind = "faulty"
    name = "Kabar Rapuh"
    style = OutletStyle(key="kabarrapuh", timezone="Asia/Makassar", dateline="KABARRAPUH.COM", scope="regional")

    def __init__(self, *, seed: int, end_date: dt.date, today: Callable[[], dt.date] | None = None,
                 hang_seconds: float = 30.0) -> None:
        rng = random.Random(f"{seed}:{self.style.key}")
        zone = zoneinfo.ZoneInfo(self.style.timezone)
        stories = []
        # Entity-free stories: this outlet tests robustness, not matching.
        for index in range(HEALTHY + len(FAULTS)):
            day = end_date - dt.timedelta(days=index)
            published_at = dt.datetime.combine(day, dt.time(8 + index % 10, 5 * (index % 12)), zone)
            city = rng.choice(words.CITIES)
            title = f"Warga {city} Gelar Kerja Bakti Massal Hari ke-{index + 1}"
            paragraphs = [Paragraph("lead", [Piece(f"{self.style.dateline} - Ratusan warga {city} bergotong royong "
                                                   f"membersihkan saluran air, {words.body_dateline(day)}.")])]
            paragraphs += [Paragraph("body", [Piece(text)]) for text in rng.sample(FILLER, 3)]
            stories.append(Story(index=index, number=900 + index, slug=words.slugify(title), topic="warga",
                                 section="ragam", published_at=published_at, modified_at=None,
                                 title=[Piece(title)], paragraphs=paragraphs, caption=[Piece("Kerja bakti/Foto: "
                                 "Istimewa")], tags=[Piece("Kerja Bakti"), Piece(city)],
                                 authors=[rng.choice(words.REPORTERS)], editor=rng.choice(words.EDITORS)))
        super().__init__(stories, today=today)
        self.fault_of = {story.index: FAULTS[story.index - HEALTHY] for story in stories if story.index >= HEALTHY}
        self.hang_seconds = hang_seconds
        # Set when the hanging page is first asked for: a test can signal a crawl while it is surely still waiting.
        self.hang_requested = threading.Event()
        self.redirect_target = "http://127.0.0.12/"  # replaced by DemoSite.start with another outlet's home

    def article_path(self, story: Story) -> str:
        return f"/artikel/{story.number}-{story.slug}.html"

    def route(self, path: str, query: dict[str, str]) -> Response:
        if path == "/robots.txt":
            return Response(200, f"User-agent: *\nAllow: /\n\nSitemap: {self.absolute('/sitemap.xml')}\n",
                            "text/plain; charset=utf-8")
        if path == "/sitemap.xml":
            urls = "".join(f"<url><loc>{esc(self.article_url(story))}</loc><lastmod>{iso(story.published_at)}"
                           "</lastmod></url>" for story in self.stories)
            return xml_response('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
                                'schemas/sitemap/0.9">' + urls + "</urlset>\n")
        if path == "/rss.xml":
            # Not well-formed: an unescaped ampersand, an unclosed item and no closing tags.
            items = "".join(f"<item><title>{story.title_text} & lainnya</title><link>{self.article_url(story)}"
                            "</link>" for story in self.stories[:5])
            return Response(200, f'<?xml version="1.0"?><rss version="2.0"><channel><title>{self.name}</title>'
                                 + items, "application/rss+xml; charset=utf-8")
        if path in ("/", "/terbaru"):
            links = "".join(f'<li><a href="{esc(self.article_url(story))}">{pieces_html(story.title)}</a></li>'
                            for story in self.stories)
            return Response(200, f"<!DOCTYPE html><html><head><title>{self.name}</title></head><body>"
                                 f"<h1>{self.name}</h1><ul>{links}</ul></body></html>")
        story = self.by_path.get(path)
        if story is None:
            return NOT_FOUND
        fault = self.fault_of.get(story.index)
        if fault == "http-500":
            return Response(500, "<html><body><h1>500 Internal Server Error</h1></body></html>")
        if fault == "redirect-offsite":
            return Response(302, "", headers={"Location": self.redirect_target})
        page = self.article(story)
        if fault == "hang":
            self.hang_requested.set()
            return Response(200, page, delay=self.hang_seconds)
        if fault == "truncated":
            cut = page.encode()[: len(page) // 3]
            return Response(200, cut + bytes(range(128, 256)) * 4)
        return Response(200, page)

    def article(self, story: Story) -> str:
        paragraphs = "".join(self.paragraph_html(paragraph) for paragraph in story.paragraphs)
        return (f'<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>{esc(story.title_text)}</title>'
                f'<link rel="canonical" href="{esc(self.article_url(story))}">'
                f'<meta property="article:published_time" content="{iso(story.published_at)}"></head><body>'
                f"<h1>{pieces_html(story.title)}</h1><p class=\"by\">Penulis: {esc(story.authors[0])}</p>"
                f'<p class="date">{words.long_datetime(story.published_at)} WITA</p>'
                f'<figure><figcaption>{pieces_html(story.caption)}</figcaption></figure>'
                f'<div class="content">{paragraphs}</div></body></html>')

    def truth_articles(self) -> list[dict[str, Any]]:
        return [self.article_truth(story) for story in self.stories if story.index not in self.fault_of]

    def published_for_truth(self, story: Story) -> dt.datetime:
        return story.published_at.replace(second=0)

    def faults(self) -> list[dict[str, Any]]:
        faults: list[dict[str, Any]] = [{"url": self.absolute("/rss.xml"), "kind": "malformed-feed"}]
        for index, kind in sorted(self.fault_of.items()):
            fault: dict[str, Any] = {"url": self.article_url(self.stories[index]), "kind": kind}
            if kind == "hang":
                fault["delay_seconds"] = self.hang_seconds
            if kind == "redirect-offsite":
                fault["location"] = self.redirect_target
            faults.append(fault)
        return faults

    def source_entry(self) -> dict[str, Any]:
        return {
            "key": self.key, "name": self.name, "home_url": self.home_url,
            "sitemaps": [self.absolute("/sitemap.xml")], "feeds": [self.absolute("/rss.xml")],
            "listing_pages": [self.absolute("/terbaru")], "article_url_pattern": r"/artikel/\d+-[a-z0-9-]+\.html$",
            "language": "id", "timezone": self.timezone, "region": self.region, "scope": "regional",
            "interval_minutes": 60, "enabled": True,
        }
