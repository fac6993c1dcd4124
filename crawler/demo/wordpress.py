"""The WordPress-style regional portal ("Kabar Mahakam", WITA): ``/YYYY/MM/DD/slug/`` articles with ``?amp=1``
twins, a Yoast sitemap index, an RSS feed, paginated category pages, JSON-LD NewsArticle in +08:00, inline
"BACA JUGA:" links, tag list, related box, share widgets and a footer with the current year. Its pages carry an
ETag and a Last-Modified. It answers the WordPress REST API's ``/wp-json/wp/v2/posts`` (``page``, ``per_page``
up to 100, ``after``, ``before``, ``modified_after``, ``orderby``, ``order``, ``_fields``; ``X-WP-Total`` and
``X-WP-TotalPages`` headers) unless ``rest_api`` is ``"blocked"`` (403, as a security plugin answers) or
``"off"`` (404, as a site without the API).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
from typing import Any

from crawler.demo import vocabulary as words
from crawler.demo.outlet import (
    CHROME_CSS, CHROME_SCRIPT, NOT_FOUND, Outlet, Response, esc, iso, page_count, pieces_html, xml_response,
)
from crawler.demo.stories import OutletStyle, Story

SECTIONS = {"pemerintahan": "Pemerintahan", "politik": "Politik", "hukum": "Hukum", "teknologi": "Teknologi",
            "kesehatan": "Kesehatan", "ragam": "Ragam", "nasional": "Nasional", "advertorial": "Advertorial"}
PER_LISTING_PAGE = 10
REST_MAX_PER_PAGE = 100
PER_SITEMAP = 40
FEED_SIZE = 20
STATIC_PAGES = {
    "/redaksi/": ("Redaksi", "Pemimpin Redaksi, redaktur dan reporter Kabar Mahakam; alamat redaksi di Samarinda."),
    "/pedoman-media-siber/": ("Pedoman Media Siber", "Kabar Mahakam mengikuti Pedoman Pemberitaan Media Siber "
                                                     "Dewan Pers."),
}


class WordPressOutlet(Outlet):
    kind = "wordpress"
    name = "Kabar Mahakam"
    style = OutletStyle(key="kabarmahakam", timezone="Asia/Makassar", dateline="KABARMAHAKAM.ID",
                        scope="regional", advertorial_share=0.12, related_share=0.8, first_number=4100)
    validators = ("etag", "last-modified")
    lastmod_in_discovery = True
    rest_api = "on"  # "on", "blocked" (403) or "off" (404)

    def article_path(self, story: Story) -> str:
        return f"/{story.published_at:%Y/%m/%d}/{story.slug}/"

    def sections(self) -> list[str]:
        present = {story.section for story in self.stories}
        return [section for section in SECTIONS if section in present]

    # ------------------------------------------------------------------------------------------- routes

    def route(self, path: str, query: dict[str, str]) -> Response:
        if path == "/robots.txt":
            return Response(200, "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n\n"
                                 f"Sitemap: {self.absolute('/sitemap_index.xml')}\n", "text/plain; charset=utf-8")
        if path == "/sitemap_index.xml":
            return self.sitemap_index()
        if path.startswith("/post-sitemap") and path.endswith(".xml"):
            number = path.removeprefix("/post-sitemap").removesuffix(".xml") or "1"
            return self.post_sitemap(int(number))
        if path == "/category-sitemap.xml":
            return self.category_sitemap()
        if path in ("/feed/", "/feed"):
            return self.feed()
        if path.rstrip("/") == "/wp-json/wp/v2/posts":
            return self.rest_posts(query)
        if path == "/":
            return self.listing(self.newest_first(), 1, "/", "Berita Terbaru")
        parts = [part for part in path.split("/") if part]
        # The home's own pagination, as WordPress serves it (/page/2/ …): its "Berita Terbaru" list goes on there.
        if len(parts) == 2 and parts[0] == "page" and parts[1].isdigit() and path.endswith("/"):
            return self.listing(self.newest_first(), int(parts[1]), "/", "Berita Terbaru")
        if path in STATIC_PAGES:  # the pages the footer links
            title, text = STATIC_PAGES[path]
            return Response(200, self.page(f"{title} - {self.name}", f'<h1 class="page-title">{esc(title)}</h1>'
                                           f"<p>{esc(text)}</p>", canonical=self.absolute(path)))
        if parts[0] in ("category", "tag") and len(parts) in (2, 4):
            page = int(parts[3]) if len(parts) == 4 and parts[2] == "page" else 1
            if parts[0] == "category":
                selected = [story for story in self.stories if story.section == parts[1]]
                label = SECTIONS.get(parts[1], parts[1])
            else:
                selected = [story for story in self.stories
                            if any(words.slugify(tag.text) == parts[1] for tag in story.tags)]
                label = parts[1]
            if not selected:
                return NOT_FOUND
            return self.listing(self.newest_first(selected), page, f"/{parts[0]}/{parts[1]}/", label)
        story = self.by_path.get(path)
        if story is None:
            return NOT_FOUND
        return Response(200, self.article(story, amp=query.get("amp") == "1"))

    # ------------------------------------------------------------------------------------------- discovery

    def sitemap_index(self) -> Response:
        stories = self.newest_first()
        entries = []
        for number in range(1, page_count(len(stories), PER_SITEMAP) + 1):
            chunk = stories[(number - 1) * PER_SITEMAP:number * PER_SITEMAP]
            name = "post-sitemap.xml" if number == 1 else f"post-sitemap{number}.xml"
            entries.append(f"<sitemap><loc>{self.absolute('/' + name)}</loc>"
                           f"<lastmod>{iso(chunk[0].modified_at or chunk[0].published_at)}</lastmod></sitemap>")
        entries.append(f"<sitemap><loc>{self.absolute('/category-sitemap.xml')}</loc></sitemap>")
        return xml_response('<?xml version="1.0" encoding="UTF-8"?>\n'
                            '<?xml-stylesheet type="text/xsl" href="/main-sitemap.xsl"?>\n'
                            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                            + "".join(entries) + "</sitemapindex>\n")

    def post_sitemap(self, number: int) -> Response:
        chunk = self.newest_first()[(number - 1) * PER_SITEMAP:number * PER_SITEMAP]
        if not chunk or number < 1:
            return NOT_FOUND
        urls = "".join(f"<url><loc>{esc(self.article_url(story))}</loc>"
                       f"<lastmod>{iso(story.modified_at or story.published_at)}</lastmod></url>" for story in chunk)
        return xml_response('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
                            'schemas/sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">'
                            + urls + "</urlset>\n")

    def category_sitemap(self) -> Response:
        urls = "".join(f"<url><loc>{self.absolute(f'/category/{section}/')}</loc></url>"
                       for section in self.sections())
        return xml_response('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
                            'schemas/sitemap/0.9">' + urls + "</urlset>\n")

    def feed(self) -> Response:
        items = []
        for story in self.newest_first()[:FEED_SIZE]:
            lead = story.paragraphs[0].text
            items.append(
                f"<item><title>{esc(story.title_text)}</title><link>{esc(self.article_url(story))}</link>"
                f"<dc:creator><![CDATA[{story.authors[0]}]]></dc:creator>"
                f"<pubDate>{email.utils.format_datetime(story.published_at)}</pubDate>"
                f"<category><![CDATA[{SECTIONS.get(story.section, story.section)}]]></category>"
                f'<guid isPermaLink="false">{self.absolute(f"/?p={story.number}")}</guid>'
                f"<description><![CDATA[{lead[:200]} [&#8230;]]]></description></item>")
        newest = self.newest_first()[0].published_at
        return xml_response(
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
            f"<title>{self.name}</title><atom:link href=\"{self.absolute('/feed/')}\" rel=\"self\" "
            f'type="application/rss+xml" /><link>{self.home_url}</link>'
            f"<description>Kabar terkini dari Benua Etam</description>"
            f"<lastBuildDate>{email.utils.format_datetime(newest)}</lastBuildDate><language>id</language>"
            + "".join(items) + "</channel></rss>\n", "application/rss+xml; charset=utf-8")

    def rest_posts(self, query: dict[str, str]) -> Response:
        if self.rest_api == "off":
            return NOT_FOUND
        if self.rest_api == "blocked":
            return _rest_error(403, "rest_forbidden", "Maaf, Anda tidak diizinkan melakukan itu.")
        per_page, page = int(query.get("per_page", "10")), int(query.get("page", "1"))
        if not 1 <= per_page <= REST_MAX_PER_PAGE or page < 1:
            return _rest_error(400, "rest_invalid_param", "Parameter tidak valid: per_page, page")
        stories = list(self.stories)
        for name, moment, later in (("after", lambda s: s.published_at, True),
                                    ("before", lambda s: s.published_at, False),
                                    ("modified_after", lambda s: s.modified_at or s.published_at, True)):
            if name in query:
                limit = dt.datetime.fromisoformat(query[name].replace("Z", "+00:00"))
                if limit.tzinfo is None:
                    limit = limit.replace(tzinfo=self.zone)  # WordPress reads a bare time in the site's zone
                stories = [story for story in stories if (moment(story) > limit) == later]
        key = (lambda s: s.modified_at or s.published_at) if query.get("orderby") == "modified" \
            else (lambda s: s.published_at)
        stories.sort(key=key, reverse=query.get("order", "desc") != "asc")
        total, pages = len(stories), page_count(len(stories), per_page)
        if total and page > pages:
            return _rest_error(400, "rest_post_invalid_page_number",
                               "Jumlah halaman yang diminta lebih besar dari jumlah halaman yang tersedia.")
        fields = [name for name in query.get("_fields", "").split(",") if name]
        posts = [self.rest_post(story) for story in stories[(page - 1) * per_page:page * per_page]]
        if fields:
            posts = [{name: post[name] for name in fields if name in post} for post in posts]
        return Response(200, json.dumps(posts, ensure_ascii=False), "application/json; charset=UTF-8",
                        headers={"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)})

    def rest_post(self, story: Story) -> dict[str, Any]:
        modified = story.modified_at or story.published_at
        utc = dt.timezone.utc
        return {
            "id": story.number, "date": story.published_at.replace(tzinfo=None).isoformat(timespec="seconds"),
            "date_gmt": story.published_at.astimezone(utc).replace(tzinfo=None).isoformat(timespec="seconds"),
            "modified": modified.replace(tzinfo=None).isoformat(timespec="seconds"),
            "modified_gmt": modified.astimezone(utc).replace(tzinfo=None).isoformat(timespec="seconds"),
            "slug": story.slug, "status": "publish", "type": "post", "link": self.article_url(story),
            "title": {"rendered": esc(story.title_text)},
            "excerpt": {"rendered": f"<p>{esc(story.paragraphs[0].text[:160])} [&hellip;]</p>"},
        }

    def listing(self, stories: list[Story], page: int, base: str, label: str) -> Response:
        pages = page_count(len(stories), PER_LISTING_PAGE)
        if page < 1 or page > pages:
            return NOT_FOUND
        chunk = stories[(page - 1) * PER_LISTING_PAGE:page * PER_LISTING_PAGE]
        cards = "".join(
            f'<article class="post-card"><h2 class="entry-title"><a href="{esc(self.article_url(story))}" '
            f'rel="bookmark">{pieces_html(story.title)}</a></h2><div class="entry-meta"><time datetime="'
            f'{iso(story.published_at)}">{words.wordpress_datetime(story.published_at)}</time></div>'
            f"<p>{esc(story.paragraphs[0].text[:160])}…</p></article>" for story in chunk)
        nav = []
        if page > 1:
            previous = base if page == 2 else f"{base}page/{page - 1}/"
            nav.append(f'<a class="prev page-numbers" href="{previous}">&laquo; Sebelumnya</a>')
        nav += [f'<a class="page-numbers" href="{base if n == 1 else f"{base}page/{n}/"}">{n}</a>'
                for n in range(1, pages + 1) if n != page]
        if page < pages:
            nav.append(f'<a class="next page-numbers" href="{base}page/{page + 1}/">Selanjutnya &raquo;</a>')
        body = (f'<h1 class="page-title">{esc(label)}</h1>{cards}'
                f'<nav class="navigation pagination">{"".join(nav)}</nav>')
        return Response(200, self.page(f"{label} - {self.name}", body, canonical=self.absolute(base)))

    # ------------------------------------------------------------------------------------------- pages

    def page(self, title: str, main: str, *, canonical: str, head: str = "", sidebar: str = "") -> str:
        menu = "".join(f'<li><a href="/category/{key}/">{SECTIONS[key]}</a></li>' for key in self.sections())
        year = self.today().year
        return (
            f'<!DOCTYPE html><html lang="id-ID"><head><meta charset="UTF-8"><title>{esc(title)}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<link rel="canonical" href="{esc(canonical)}">'
            f'<link rel="alternate" type="application/rss+xml" title="{self.name} &raquo; Feed" '
            f'href="{self.absolute("/feed/")}">{head}<style>{CHROME_CSS}</style>'
            f"<script>{CHROME_SCRIPT}</script></head>"
            f'<body class="wp-theme-kabar"><header class="site-header"><div class="site-branding">'
            f'<a href="/" class="custom-logo-link">{self.name}</a><p class="site-description">Kabar terkini dari '
            f'Benua Etam</p></div><nav class="main-navigation"><ul class="menu">{menu}</ul></nav></header>'
            f'<div id="content" class="site-content"><main id="main" class="site-main">{main}</main>'
            f'<aside id="secondary" class="widget-area">{sidebar}</aside></div>'
            f'<footer class="site-footer"><div class="site-info">&copy; {year} {self.name}. Seluruh hak cipta '
            f'dilindungi. <a href="/redaksi/">Redaksi</a> | <a href="/pedoman-media-siber/">Pedoman Media Siber'
            f"</a></div></footer></body></html>")

    def article(self, story: Story, *, amp: bool) -> str:
        url = self.article_url(story)
        section_label = SECTIONS.get(story.section, story.section)
        modified = story.modified_at or story.published_at
        ld = {
            "@context": "https://schema.org",
            "@graph": [
                {"@type": "NewsArticle", "@id": f"{url}#article", "headline": story.title_text,
                 "datePublished": iso(story.published_at), "dateModified": iso(modified),
                 "author": [{"@type": "Person", "name": name} for name in story.authors],
                 "publisher": {"@type": "Organization", "name": self.name}, "articleSection": [section_label],
                 "keywords": [tag.text for tag in story.tags], "mainEntityOfPage": url, "inLanguage": "id-ID"},
                {"@type": "BreadcrumbList", "itemListElement": [
                    {"@type": "ListItem", "position": 1, "name": "Beranda", "item": self.home_url},
                    {"@type": "ListItem", "position": 2, "name": section_label,
                     "item": self.absolute(f"/category/{story.section}/")}]},
            ],
        }
        head = (f'<meta name="description" content="{esc(story.paragraphs[0].text[:155])}">'
                f'<meta property="og:locale" content="id_ID"><meta property="og:type" content="article">'
                f'<meta property="og:title" content="{esc(story.title_text)}">'
                f'<meta property="og:url" content="{esc(url)}"><meta property="og:site_name" content="{self.name}">'
                f'<meta property="article:section" content="{esc(section_label)}">'
                f'<meta property="article:published_time" content="{iso(story.published_at)}">'
                f'<meta property="article:modified_time" content="{iso(modified)}">'
                f'<meta name="author" content="{esc(", ".join(story.authors))}">'
                + ("" if amp else f'<link rel="amphtml" href="{esc(url)}?amp=1">') + self.json_ld(ld))
        paragraphs = "".join(self.paragraph_html(paragraph) for paragraph in story.paragraphs)
        if story.is_advertorial:
            paragraphs += f'<p class="adv-credit">{pieces_html(story.byline)}</p>'
        tags = "".join(f'<a href="/tag/{words.slugify(tag.text)}/" rel="tag">{esc(tag.text)}</a>'
                       for tag in story.tags)
        related = "".join(f'<li><a href="{esc(self.article_url(other))}">{pieces_html(other.title)}</a></li>'
                          for other in self.plain_titles(story, 4))
        share = ('<div class="share-buttons"><span>Bagikan:</span> <a href="#" class="share-facebook">Facebook</a>'
                 ' <a href="#" class="share-twitter">Twitter</a> <a href="#" class="share-whatsapp">WhatsApp</a>'
                 ' <a href="#" class="share-telegram">Telegram</a> <a href="#" class="share-copy">Salin Tautan</a>'
                 "</div>")
        kicker = '<span class="label-adv">Pariwara</span> ' if story.is_advertorial else ""
        main = (
            f'<article id="post-{story.number}" class="post type-post category-{story.section}">'
            f'<nav class="breadcrumb"><a href="/">Beranda</a> &raquo; <a href="/category/{story.section}/">'
            f"{esc(section_label)}</a></nav><header class=\"entry-header\">{kicker}"
            f'<h1 class="entry-title">{pieces_html(story.title)}</h1><div class="entry-meta">'
            f'<span class="byline">Penulis: <a class="author" href="/author/{words.slugify(story.authors[0])}/">'
            f"{esc(story.authors[0])}</a> | Editor: {esc(story.editor)}</span> "
            f'<time class="entry-date published" datetime="{iso(story.published_at)}">'
            f"{words.wordpress_datetime(story.published_at)}</time></div></header>{share}"
            f'<figure class="wp-caption"><img src="/wp-content/uploads/{story.published_at:%Y/%m}/'
            f'{story.slug[:40]}.jpg" alt="" width="800" height="450"><figcaption class="wp-caption-text">'
            f"{pieces_html(story.caption)}</figcaption></figure>"
            f'<div class="entry-content">{paragraphs}</div>'
            f'<footer class="entry-footer"><span class="tags-links">Tags: {tags}</span></footer>{share}'
            f'<section class="related-posts"><h3>Berita Terkait</h3><ul>{related}</ul></section></article>')
        popular = "".join(f'<li><a href="{esc(self.article_url(other))}">{pieces_html(other.title)}</a></li>'
                          for other in self.plain_titles(story, 9)[4:])
        sidebar = f'<section class="widget"><h2 class="widget-title">Terpopuler</h2><ol>{popular}</ol></section>'
        return self.page(f"{story.title_text} - {self.name}", main, canonical=url, head=head,
                         sidebar="" if amp else sidebar)

    # ------------------------------------------------------------------------------------------- config

    def source_entry(self) -> dict[str, Any]:
        return {
            "key": self.key, "name": self.name, "home_url": self.home_url,
            "sitemaps": [self.absolute("/sitemap_index.xml")], "feeds": [self.absolute("/feed/")],
            "listing_pages": [self.absolute(f"/category/{section}/") for section in self.sections()],
            "article_url_pattern": r"/\d{4}/\d{2}/\d{2}/[a-z0-9-]+/$", "language": "id",
            "timezone": self.timezone, "region": self.region, "scope": "regional", "interval_minutes": 60,
            "enabled": True,
        }


def _rest_error(status: int, code: str, message: str) -> Response:
    return Response(status, json.dumps({"code": code, "message": message, "data": {"status": status}}),
                    "application/json; charset=UTF-8")
