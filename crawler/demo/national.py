"""The national portal ("Gema Nusantara", WIB), suara-like: ``/read/YYYY/MM/DD/HHMMSS/slug`` articles split
over ``?page=2`` pages ("Halaman 2", "Selanjutnya") with a ``?page=all`` single-page variant, advertorials
(an "ADVERTORIAL" kicker, "(adv)" in the title, the ``/adv/`` section, a "(Humas …/adv/…)" credit), an Atom feed,
"Baca juga:" lines, "Scroll untuk membaca artikel", a syndication footer, times like
"Sabtu, 05 Juli 2025 | 19:28 WIB", and a "KOMINFONEWS" banner in the header (a trap).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from crawler.demo import vocabulary as words
from crawler.demo.outlet import (
    CHROME_CSS, CHROME_SCRIPT, NOT_FOUND, Outlet, Response, esc, iso, page_count, pieces_html, xml_response,
)
from crawler.demo.stories import OutletStyle, Story

CHANNELS = {"news": "News", "kaltim": "Kaltim", "adv": "Advertorial"}
PER_CHANNEL_PAGE = 12
FEED_SIZE = 20


class NationalOutlet(Outlet):
    kind = "national"
    name = "Gema Nusantara"
    region = None
    scope = "national"
    style = OutletStyle(key="gemanusantara", timezone="Asia/Jakarta", dateline="GemaNusantara.id",
                        scope="national", advertorial_share=0.35, multipage_share=0.35, related_share=0.6,
                        first_number=700_000)
    lastmod_in_discovery = True  # no validators on its pages: a re-fetch is always a full 200

    @staticmethod
    def channel(story: Story) -> str:
        if story.is_advertorial:
            return "adv"
        return "news" if story.topic in ("hoaks",) or story.published_at.year < 2025 else "kaltim"

    def article_path(self, story: Story) -> str:
        return f"/read/{story.published_at:%Y/%m/%d/%H%M%S}/{story.slug}"

    def headline(self, story: Story) -> str:
        return pieces_html(story.title) + (" (adv)" if story.is_advertorial and story.number % 2 else "")

    # ------------------------------------------------------------------------------------------- routes

    def route(self, path: str, query: dict[str, str]) -> Response:
        if path == "/robots.txt":
            return Response(200, "User-agent: *\nDisallow: /search\nDisallow: /*?utm_\n\n"
                                 f"Sitemap: {self.absolute('/sitemap.xml')}\n", "text/plain; charset=utf-8")
        if path == "/sitemap.xml":
            return self.sitemap_index()
        if path.startswith("/sitemap/") and path.endswith(".xml"):
            return self.month_sitemap(path.removeprefix("/sitemap/").removesuffix(".xml"))
        if path in ("/feed", "/feed/atom"):
            return self.atom()
        if path == "/":
            return self.channel_page("news", 1, every=True)
        channel = path.strip("/")
        if channel in CHANNELS:
            return self.channel_page(channel, int(query.get("page", "1")))
        story = self.by_path.get(path)
        if story is None:
            return NOT_FOUND
        page = query.get("page", "1")
        if page == "all":
            return Response(200, self.article(story, None))
        number = int(page)
        if not 1 <= number <= story.pages:
            return NOT_FOUND
        return Response(200, self.article(story, number))

    # ------------------------------------------------------------------------------------------- discovery

    def months(self) -> list[str]:
        return sorted({f"{story.published_at:%Y-%m}" for story in self.stories}, reverse=True)

    def sitemap_index(self) -> Response:
        entries = "".join(f"<sitemap><loc>{self.absolute(f'/sitemap/{month}.xml')}</loc></sitemap>"
                          for month in self.months())
        return xml_response('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/'
                            'schemas/sitemap/0.9">' + entries + "</sitemapindex>\n")

    def month_sitemap(self, month: str) -> Response:
        stories = [story for story in self.newest_first() if f"{story.published_at:%Y-%m}" == month]
        if not stories:
            return NOT_FOUND
        urls = "".join(f"<url><loc>{esc(self.article_url(story))}</loc><lastmod>{iso(self.lastmod(story))}</lastmod>"
                       "<changefreq>never</changefreq></url>" for story in stories)
        return xml_response('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
                            'schemas/sitemap/0.9">' + urls + "</urlset>\n")

    def lastmod(self, story: Story) -> dt.datetime:
        """Publication time, or the time of an edit the demo clock made (generated stories keep theirs)."""
        edited = self.epoch and self.changes is not None and story.index in self.changes.edited
        return story.modified_at if edited and story.modified_at else story.published_at

    def atom(self) -> Response:
        stories = self.newest_first()[:FEED_SIZE]
        entries = "".join(
            f"<entry><title>{esc(story.title_text)}</title>"
            f"<link rel=\"alternate\" href=\"{esc(self.article_url(story))}\"/>"
            f"<id>{esc(self.article_url(story))}</id><published>{iso(story.published_at)}</published>"
            f"<updated>{iso(story.modified_at or story.published_at)}</updated><author><name>{esc(story.authors[0])}"
            f"</name></author><summary>{esc(story.paragraphs[0].text[:200])}</summary></entry>" for story in stories)
        return xml_response(
            '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="id">'
            f"<title>{self.name}</title><link rel=\"self\" href=\"{self.absolute('/feed')}\"/>"
            f"<link href=\"{self.home_url}\"/><id>{self.home_url}</id><updated>{iso(stories[0].published_at)}</updated>"
            + entries + "</feed>\n", "application/atom+xml; charset=utf-8")

    def channel_page(self, channel: str, page: int, every: bool = False) -> Response:
        stories = self.newest_first() if every else [s for s in self.newest_first() if self.channel(s) == channel]
        pages = page_count(len(stories), PER_CHANNEL_PAGE)
        if page < 1 or page > pages:
            return NOT_FOUND
        chunk = stories[(page - 1) * PER_CHANNEL_PAGE:page * PER_CHANNEL_PAGE]
        items = "".join(
            f'<li class="item"><a href="{esc(self.article_url(story))}"><h3>{self.headline(story)}</h3></a>'
            f'<span class="date">{words.national_datetime(story.published_at)}</span></li>' for story in chunk)
        base = "/" if every else f"/{channel}/"
        nav = []
        if page > 1:
            nav.append(f'<a href="{base}?page={page - 1}">Sebelumnya</a>')
        if page < pages:
            nav.append(f'<a href="{base}?page={page + 1}" class="next">Selanjutnya</a>')
        label = "Terkini" if every else CHANNELS[channel]
        return Response(200, self.page(label, f'<h1>{label}</h1><ul class="list-news">{items}</ul>'
                                              f'<div class="pagination">{" ".join(nav)}</div>'))

    # ------------------------------------------------------------------------------------------- pages

    def page(self, title: str, main: str, head: str = "") -> str:
        channels = "".join(f'<a href="/{key}/">{label}</a> ' for key, label in CHANNELS.items())
        return (
            f'<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>{esc(title)} - {self.name}'
            f"</title>{head}<style>{CHROME_CSS}</style><script>{CHROME_SCRIPT}</script></head><body>"
            f'<div class="banner-top"><a href="/">KOMINFONEWS</a> · Portal mitra informasi publik</div>'
            f'<header><a class="logo" href="/">{self.name}</a><nav>{channels}</nav></header>'
            f"<main>{main}</main><footer>&copy; {self.today().year} {self.name}. Hak cipta dilindungi undang-undang."
            f"</footer></body></html>")

    def page_paragraphs(self, story: Story, page: int | None) -> list:
        if page is None:
            return story.paragraphs
        starts = story.page_starts + [len(story.paragraphs)]
        return story.paragraphs[starts[page - 1]:starts[page]]

    def article(self, story: Story, page: int | None) -> str:
        url = self.article_url(story)
        blocks = []
        for number, paragraph in enumerate(self.page_paragraphs(story, page)):
            blocks.append(self.paragraph_html(paragraph))
            if number == 1:  # the ad slot a reader scrolls past
                blocks.append('<div class="ads-inline"><span>Scroll untuk membaca artikel</span></div>')
        last_page = page is None or page == story.pages
        if last_page and story.is_advertorial:
            blocks.append(f'<p class="adv-credit">{pieces_html(story.byline)}</p>')
        if last_page and story.number % 4 == 0:
            blocks.append(f'<p class="syndication">Artikel ini telah tayang di jaringan {self.name} dengan judul '
                          f'"{esc(story.title_text)}".</p>')
        pager = ""
        if story.pages > 1:
            links = [f'<a href="{url}?page={n}">Halaman {n}</a>' for n in range(1, story.pages + 1) if n != page]
            if page is not None and page < story.pages:
                links.append(f'<a href="{url}?page={page + 1}" rel="next">Selanjutnya</a>')
            links.append(f'<a href="{url}?page=all">Tampilkan semua</a>')
            pager = f'<div class="pagination-detail">{" ".join(links)}</div>'
        kicker = '<div class="kicker">ADVERTORIAL</div>' if story.is_advertorial else ""
        tags = "".join(f'<li><a href="/tag/{words.slugify(tag.text)}">{esc(tag.text)}</a></li>' for tag in story.tags)
        related = "".join(f'<li><a href="{esc(self.article_url(other))}">{self.headline(other)}</a></li>'
                          for other in self.plain_titles(story, 4))
        head = (f'<link rel="canonical" href="{esc(url)}">'
                f'<meta property="og:title" content="{esc(story.title_text)}">'
                f'<meta property="og:url" content="{esc(url)}">'
                f'<meta property="article:published_time" content="{iso(story.published_at)}">'
                f'<meta name="author" content="{esc(story.authors[0])}">'
                f'<meta name="keywords" content="{esc(", ".join(tag.text for tag in story.tags))}">')
        main = (
            f'<div class="breadcrumb"><a href="/">Home</a> › <a href="/{self.channel(story)}/">'
            f"{CHANNELS[self.channel(story)]}</a></div>{kicker}<h1>{self.headline(story)}</h1>"
            f'<div class="writer">Reporter : {esc(story.authors[0])} | Editor : {esc(story.editor)}</div>'
            f'<div class="date">{words.national_datetime(story.published_at)}</div>'
            f'<figure><img src="/images/{story.number}.jpg" alt=""><figcaption>{pieces_html(story.caption)}'
            f"</figcaption></figure><article class=\"detail-content\">{''.join(blocks)}</article>{pager}"
            f'<div class="tag-list"><h4>Tag</h4><ul>{tags}</ul></div>'
            f'<div class="related"><h4>Berita Terkait</h4><ul>{related}</ul></div>')
        return self.page(story.title_text, main, head)

    # ------------------------------------------------------------------------------------------- config, truth

    def article_truth(self, story: Story) -> dict[str, Any]:
        truth = super().article_truth(story)
        if story.pages > 1:
            truth["page_urls"] = [self.article_url(story) + (f"?page={n}" if n > 1 else "")
                                  for n in range(1, story.pages + 1)]
            truth["all_pages_url"] = self.article_url(story) + "?page=all"
        return truth

    def outlet_traps(self) -> list[dict[str, str]]:
        return [{"kind": "banner", "surface": "KOMINFONEWS", "field": "page", "zone": "header"}]

    def source_entry(self) -> dict[str, Any]:
        return {
            "key": self.key, "name": self.name, "home_url": self.home_url,
            "sitemaps": [self.absolute("/sitemap.xml")], "feeds": [self.absolute("/feed")],
            "listing_pages": [self.absolute(f"/{channel}/") for channel in CHANNELS],
            "article_url_pattern": r"/read/\d{4}/\d{2}/\d{2}/\d{6}/[a-z0-9-]+$", "language": "id",
            "timezone": self.timezone, "scope": "national", "interval_minutes": 30, "enabled": True,
        }
