"""The custom-CMS regional portal ("Diksi Nusa", WITA), modelled on the diksi.co page in /work/shared/seed:
``/berita/<id>/<slug>``, today's date in the site header (a trap), "Koresponden:" then a minute-precision local
byline time with no zone, a caption with a "/Foto: …" credit, the "DIKSINUSA.CO -" dateline, glued "Tag berita:"
links, "Berita terkait", no JSON-LD, an ``article:published_time`` whose "Z" is really local time on some
pages, and on edited stories a "Diperbarui:" time above the publication time. Discovery: robots.txt → a news
sitemap (xmlns:news), and the ``/indeks?page=N`` listing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from crawler.demo import vocabulary as words
from crawler.demo.outlet import (
    CHROME_CSS, CHROME_SCRIPT, NOT_FOUND, Outlet, Response, esc, iso, page_count, pieces_html, xml_response,
)
from crawler.demo.stories import OutletStyle, Story

PER_INDEX_PAGE = 15


class CustomCmsOutlet(Outlet):
    kind = "custom-cms"
    name = "Diksi Nusa"
    style = OutletStyle(key="diksinusa", timezone="Asia/Makassar", dateline="DIKSINUSA.CO", scope="regional",
                        advertorial_share=0.0, related_share=0.0, first_number=182_000)
    validators = ("last-modified",)  # no ETag; and its news sitemap gives no lastmod

    def article_path(self, story: Story) -> str:
        return f"/berita/{story.number}/{story.slug}"

    @staticmethod
    def local_z_stamp(story: Story) -> bool:
        """Every third story's meta time is local wall time with a "Z" pasted on (8 hours wrong)."""
        return story.number % 3 == 0

    def published_for_truth(self, story: Story) -> dt.datetime:
        return story.published_at.replace(second=0)  # the page states minutes only

    def route(self, path: str, query: dict[str, str]) -> Response:
        if path == "/robots.txt":
            return Response(200, "User-agent: *\nDisallow: /cari\n\n"
                                 f"Sitemap: {self.absolute('/sitemap-news.xml')}\n", "text/plain; charset=utf-8")
        if path == "/sitemap-news.xml":
            return self.news_sitemap()
        if path in ("/", "/indeks"):
            return self.index_page(int(query.get("page", "1")))
        story = self.by_path.get(path)
        if story is None:
            return NOT_FOUND
        return Response(200, self.article(story))

    def news_sitemap(self) -> Response:
        urls = "".join(
            f"<url><loc>{esc(self.article_url(story))}</loc><news:news><news:publication><news:name>{self.name}"
            f"</news:name><news:language>id</news:language></news:publication><news:publication_date>"
            f"{self.published_for_truth(story).isoformat()}</news:publication_date><news:title>"
            f"{esc(story.title_text)}</news:title></news:news></url>" for story in self.newest_first())
        return xml_response('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
                            'schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
                            + urls + "</urlset>\n")

    def index_page(self, page: int) -> Response:
        stories = self.newest_first()
        pages = page_count(len(stories), PER_INDEX_PAGE)
        if page < 1 or page > pages:
            return NOT_FOUND
        chunk = stories[(page - 1) * PER_INDEX_PAGE:page * PER_INDEX_PAGE]
        items = "".join(
            f'<div class="indeks-item"><a href="{esc(self.article_url(story))}"><h3>{pieces_html(story.title)}'
            f'</h3></a><span class="waktu">{words.long_datetime(story.published_at)}</span></div>'
            for story in chunk)
        nav = []
        if page > 1:
            nav.append(f'<a href="/indeks?page={page - 1}">&lsaquo; Sebelumnya</a>')
        if page < pages:
            nav.append(f'<a href="/indeks?page={page + 1}" rel="next">Berikutnya &rsaquo;</a>')
        return Response(200, self.page("Indeks Berita", f'<h1>Indeks Berita</h1>{items}'
                                                        f'<div class="paging">{" ".join(nav)}</div>'))

    def page(self, title: str, main: str, head: str = "") -> str:
        today = self.today()
        return (
            f'<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>{esc(title)} | {self.name}</title>'
            f'{head}<style>{CHROME_CSS}</style><script>{CHROME_SCRIPT}</script></head><body>'
            f'<div class="topbar"><span class="tanggal-hari-ini">{words.long_date(today)}</span>'
            f' <a href="/indeks">Indeks</a></div><header><a class="logo" href="/">{self.name.upper()}</a>'
            f'<nav><a href="/">Home</a> <a href="/indeks">Indeks</a> <a href="/kanal/pemerintahan">Pemerintahan'
            f'</a> <a href="/kanal/politik">Politik</a> <a href="/kanal/hukum">Hukum</a></nav></header>'
            f'<main>{main}</main><footer><p>Copyright &copy; {today.year} {self.name}. All Right Reserved.</p>'
            f'<p><a href="/redaksi">Redaksi</a> · <a href="/pedoman">Pedoman Media Siber</a></p></footer>'
            f"</body></html>")

    def article(self, story: Story) -> str:
        url = self.article_url(story)
        local = self.published_for_truth(story)
        if self.local_z_stamp(story):
            stamp = local.strftime("%Y-%m-%dT%H:%M:%SZ")
        else:
            stamp = local.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        head = (f'<meta name="description" content="{esc(story.paragraphs[0].text[:150])}">'
                f'<meta property="og:title" content="{esc(story.title_text)}">'
                f'<meta property="og:url" content="{esc(url)}"><meta property="og:type" content="article">'
                f'<meta property="og:site_name" content="{self.name}">'
                f'<meta property="article:published_time" content="{stamp}">'
                f'<link rel="canonical" href="{esc(url)}">')
        paragraphs = "".join(self.paragraph_html(paragraph) for paragraph in story.paragraphs)
        # Tags are links with no separator, so the visible text runs together ("…KaltimHumas").
        tags = "".join(f'<a href="/tag/{words.slugify(tag.text)}">{esc(tag.text)}</a>' for tag in story.tags)
        related = "".join(f'<li><a href="{esc(self.article_url(other))}">{pieces_html(other.title)}</a></li>'
                          for other in self.plain_titles(story, 5))
        # An edited story says when above its publication time: the first date in the byline is not the one.
        updated = (f'<div class="diperbarui">Diperbarui: {words.long_datetime(self.modified_for_truth(story))}</div>'
                   if story.modified_at else "")
        main = (
            f'<div class="detail"><h1 class="judul">{pieces_html(story.title)}</h1>'
            f'<div class="penulis"><span>Koresponden:</span><br><a href="/penulis/{words.slugify(story.authors[0])}">'
            f'{esc(story.authors[0])}</a></div>{updated}<div class="waktu">{words.long_datetime(local)}</div>'
            f'<div class="foto"><img src="/uploads/{story.number}.jpg" alt="{esc(story.title_text)}">'
            f'<div class="caption">{pieces_html(story.caption)}</div></div>'
            f'<div class="isi">{paragraphs}</div>'
            f'<div class="tag"><span>Tag berita:</span>{tags}</div>'
            f'<div class="terkait"><h4>Berita terkait</h4><ul>{related}</ul></div>'
            f'<div class="breaking"><a href="/kanal/breakingnews">breakingnews</a></div></div>')
        return self.page(story.title_text, main, head)

    def modified_for_truth(self, story: Story) -> dt.datetime:
        """The edit time as the byline shows it: local, to the minute."""
        local = self.published_for_truth(story)
        return story.modified_at.astimezone(local.tzinfo).replace(second=0, microsecond=0)

    def truth_articles(self) -> list[dict[str, Any]]:
        articles = super().truth_articles()
        for story, article in zip(self.stories, articles):
            if self.local_z_stamp(story):
                article["traps"].append({"kind": "meta-local-z", "surface": "article:published_time",
                                         "field": "meta", "zone": "meta"})
            if story.modified_at:
                article["modified_at"] = iso(self.modified_for_truth(story))
                article["traps"].append({"kind": "modified-byline-first", "surface": "Diperbarui:",
                                         "field": "byline", "zone": "byline"})
        return articles

    def outlet_traps(self) -> list[dict[str, str]]:
        return [{"kind": "header-date", "surface": "today's date in the top bar", "field": "page",
                 "zone": "header"}]

    def source_entry(self) -> dict[str, Any]:
        return {
            "key": self.key, "name": self.name, "home_url": self.home_url,
            "sitemaps": [self.absolute("/sitemap-news.xml")], "feeds": [],
            "listing_pages": [self.absolute("/indeks")],
            "article_url_pattern": r"/berita/\d+/[a-z0-9-]+$", "language": "id", "timezone": self.timezone,
            "region": self.region, "scope": "regional", "interval_minutes": 60, "enabled": True,
        }
