"""The crawl benchmark's news site: a generated archive of Indonesian news written to a folder as static files,
and the Debian nginx instance that serves it over loopback.

Python's ``http.server`` (the demo site's server) caps a crawl at ~58 pages/s on this machine, so a crawl
benchmark against it measures the server. Here every page is a file and nginx (C, sendfile, keep-alive) answers
in microseconds, so what is measured is the crawler.

API (other benchmarks reuse it)::

    from bench.site import generate_site, nginx_site

    site = generate_site(root, pages=20_000, outlets=4, seed=20261202, host="127.0.0.61", port=80)
    site.config_dir          # root/config: sources/bench.toml for this site + the bundled agency dictionary
    site.article_urls()      # every article URL, as the sitemaps list them
    with nginx_site(root) as base_url:   # nginx on the host and port the site was generated for
        ...                               # http://127.0.0.61:80 ; stopped (and its temp dir removed) on exit

What is in ``root``: ``www/`` (the document root), ``config/`` (the Pantau config), ``site.json`` (the
record: parameters, outlets, article paths, bytes). ``generate_site`` reuses a folder generated with the same
parameters (the record says so) instead of writing 20,000 pages again; ``force=True`` rewrites it.

Pages carry absolute URLs (canonical, og:url, JSON-LD, sitemaps, feeds) as real portals do, so a site is bound
to the ``host:port`` it was generated for; give each concurrent user its own (127.0.0.61 for bench/crawl.py).

Each outlet (``outlets`` of them, cycling through four shapes) lives under ``/<key>/`` on the one host:

- ``kaltimkini`` — WordPress-like: ``/<key>/YYYY/MM/DD/slug/``, ``sitemap_index.xml`` → monthly
  ``post-sitemap-YYYY-MM.xml``, RSS at ``/<key>/feed/``, listings ``/<key>/kategori/<section>/page/N/``; WITA.
- ``samarindapos`` — custom CMS: ``/<key>/berita/<number>/<slug>.html``, RSS ``/<key>/rss.xml``; WITA.
- ``nusawarta`` — national portal: ``/<key>/read/YYYY/MM/DD/HHMMSS/slug``, Atom feed; WIB.
- ``borneotribun`` — Tribun-like: ``/<key>/YYYY/MM/DD/slug``, RSS; WITA.

robots.txt (at the host's root) names every outlet's sitemap index. Story text comes from the demo site's
audited generator (:class:`crawler.demo.stories.StoryGenerator`: agencies from the bundled dictionary, "Baca
juga" lines); the chrome around it (menus, ad slots, trending and related lists, a comments widget, share
buttons, inline CSS and scripts, JSON-LD) brings each page to 30–120 KB, the weight of real Indonesian portals.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import html
import json
import math
import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
import zoneinfo
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from crawler.config import default_config_dir
from crawler.demo import vocabulary as words
from crawler.demo.agencies import AgencyBook
from crawler.demo.stories import AuditError, OutletStyle, Paragraph, Story, StoryGenerator

GENERATOR_VERSION = 3  # bump when pages change, so that cached sites are rewritten
DEFAULT_HOST = "127.0.0.61"
# Port 80, as real sites: news-please's SitemapCrawler puts "host:port" in Scrapy's allowed_domains, which Scrapy
# ignores, so that every request to a site on another port is dropped as offsite.
DEFAULT_PORT = 80
DEFAULT_SEED = 20261202
CACHE_DIR = Path.home() / ".cache" / "pantau-bench"  # where bench/crawl.py keeps its generated sites
DEFAULT_END = dt.date(2026, 11, 30)
STORIES_PER_DAY = 24  # per outlet: an archive of N pages spans N / (24 × outlets) days
LISTING_PER_PAGE = 20
LISTING_DEPTH = 5  # listing pages per section (older stories are reached through the sitemaps)
FEED_SIZE = 30
MIN_PAGE_BYTES, MAX_PAGE_BYTES = 30_000, 120_000
SECTIONS = {"daerah": "Daerah", "politik": "Politik", "ekonomi": "Ekonomi", "pendidikan": "Pendidikan",
            "kesehatan": "Kesehatan", "olahraga": "Olahraga"}


@dataclasses.dataclass(frozen=True)
class OutletShape:
    key: str
    name: str
    timezone: str
    zone_label: str
    dateline: str
    scope: str
    feed: str  # path of the feed under /<key>
    sitemap: str  # path of the sitemap index under /<key>
    article_pattern: str  # regex after /<key>


SHAPES = (
    OutletShape("kaltimkini", "Kaltim Kini", "Asia/Makassar", "WITA", "KALTIMKINI.ID", "regional", "/feed/",
                "/sitemap_index.xml", r"/\d{4}/\d{2}/\d{2}/[a-z0-9-]+/$"),
    OutletShape("samarindapos", "Samarinda Pos", "Asia/Makassar", "WITA", "SAMARINDAPOS.COM", "regional",
                "/rss.xml", "/sitemap.xml", r"/berita/\d+/[a-z0-9-]+\.html$"),
    OutletShape("nusawarta", "Nusa Warta", "Asia/Jakarta", "WIB", "NusaWarta.id", "national", "/feed/atom.xml",
                "/sitemap.xml", r"/read/\d{4}/\d{2}/\d{2}/\d{6}/[a-z0-9-]+$"),
    OutletShape("borneotribun", "Borneo Tribun", "Asia/Makassar", "WITA", "BORNEOTRIBUN.COM", "regional",
                "/rss.xml", "/sitemap.xml", r"/\d{4}/\d{2}/\d{2}/[a-z0-9-]+$"),
)


@dataclasses.dataclass
class BenchSite:
    """What ``generate_site`` wrote (also stored as ``root/site.json``)."""

    root: Path
    base_url: str
    host: str
    port: int
    pages: int
    seed: int
    outlets: list[dict[str, Any]]  # {key, name, timezone, articles: [path, ...]}
    article_bytes: int
    generated_seconds: float

    @property
    def www(self) -> Path:
        return self.root / "www"

    @property
    def config_dir(self) -> Path:
        return self.root / "config"

    @property
    def sources_file(self) -> Path:
        return self.config_dir / "sources" / "bench.toml"

    def article_urls(self) -> list[str]:
        return [self.base_url + path for outlet in self.outlets for path in outlet["articles"]]

    def article_file(self, url: str) -> Path:
        """The file nginx serves for an article URL."""
        return self.www / _file_for(url.removeprefix(self.base_url))

    @property
    def mean_page_bytes(self) -> float:
        return self.article_bytes / max(1, self.pages)


def generate_site(root: Path | str, pages: int = 20_000, outlets: int = 4, seed: int = DEFAULT_SEED, *,
                  host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, end: dt.date = DEFAULT_END,
                  force: bool = False) -> BenchSite:
    """Writes (or reuses) the bench site in ``root`` for ``http://host:port``; returns its record."""
    if pages < outlets or not 1 <= outlets <= 12:
        raise ValueError("need 1-12 outlets and at least one page per outlet")
    root = Path(root)
    params = {"version": GENERATOR_VERSION, "pages": pages, "outlets": outlets, "seed": seed, "host": host,
              "port": port, "end": end.isoformat()}
    record_file = root / "site.json"
    if not force and record_file.exists():
        stored = json.loads(record_file.read_text(encoding="utf-8"))
        if stored.get("params") == params:
            _link_entities(root / "config")
            return _site_from_record(root, stored)
    started = time.perf_counter()
    if root.exists():
        for part in ("www", "config", "site.json"):
            target = root / part
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
    base_url = base_url_for(host, port)
    book = AgencyBook.load()
    outlet_records, total_bytes = [], 0
    for number in range(outlets):
        shape = SHAPES[number % len(SHAPES)]
        key = shape.key if number < len(SHAPES) else f"{shape.key}{number // len(SHAPES) + 1}"
        count = pages // outlets + (1 if number < pages % outlets else 0)
        writer = _OutletWriter(shape, key, base_url, root / "www", random.Random(f"{seed}:{key}"))
        stories = _stories(book, shape, key, count, seed=seed, end=end)
        total_bytes += writer.write(stories)
        outlet_records.append({"key": key, "name": writer.name, "timezone": shape.timezone,
                               "articles": [writer.path(story) for story in stories]})
    _write_robots(root / "www", base_url, outlet_records)
    _write_config(root / "config", base_url, outlet_records)
    record = {"params": params, "base_url": base_url, "outlets": outlet_records, "article_bytes": total_bytes,
              "generated_seconds": round(time.perf_counter() - started, 1)}
    record_file.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return _site_from_record(root, record)


def _site_from_record(root: Path, record: dict[str, Any]) -> BenchSite:
    params = record["params"]
    return BenchSite(root=root, base_url=record["base_url"], host=params["host"], port=params["port"],
                     pages=params["pages"], seed=params["seed"], outlets=record["outlets"],
                     article_bytes=record["article_bytes"], generated_seconds=record["generated_seconds"])


def load_site(root: Path | str) -> BenchSite:
    root = Path(root)
    record_file = root / "site.json"
    if not record_file.exists():
        raise FileNotFoundError(f"{record_file}: no bench site here; write one with bench.site.generate_site")
    return _site_from_record(root, json.loads(record_file.read_text(encoding="utf-8")))


def _stories(book: AgencyBook, shape: OutletShape, key: str, count: int, *, seed: int, end: dt.date) -> list[Story]:
    days = max(1, math.ceil(count / STORIES_PER_DAY))
    style = OutletStyle(key=key, timezone=shape.timezone, dateline=shape.dateline, scope=shape.scope,
                        advertorial_share=0.1, multipage_share=0.0, related_share=0.7)
    for attempt in range(10):
        try:
            stories = StoryGenerator(book, style, seed=seed * 100 + attempt, start=end - dt.timedelta(days=days - 1),
                                     end=end, per_day=count / days + 0.01).generate()
        except AuditError:
            # The demo generator audits every story against the dictionary and refuses the outlet when one slips
            # through (such as a byline whose initials spell an agency's acronym, "/adv/kpk"); the next seed
            # variant, deterministic too, is as good for a benchmark.
            continue
        return stories[:count]
    raise RuntimeError(f"the demo story generator refused 10 seeds for outlet {key}")


def _file_for(path: str) -> str:
    """URL path -> file under www/ (directory URLs get index.html, extension-less ones .html)."""
    path = path.lstrip("/")
    if path.endswith("/") or not path:
        return path + "index.html"
    if "." not in path.rsplit("/", 1)[-1]:
        return path + ".html"
    return path


# ----------------------------------------------------------------------------------------------- page text

COMMENTERS = ["Rahmad_smd", "ibu.yanti", "Andi Kutai", "warga balikpapan", "Syamsul", "Mbak Rini", "Dayak Muda",
              "hendro88", "NurHasanah", "Pak Udin", "Bujang Tenggarong", "Kaka Sinta", "Ambo Tang", "Nana_bontang"]
COMMENT_LINES = [
    "Semoga cepat terealisasi, warga sudah lama menunggu.", "Mantap, lanjutkan! Jangan cuma janji saat kampanye.",
    "Jalan di depan rumah kami juga rusak parah, tolong diperhatikan.", "Kapan ya giliran kampung kami?",
    "Anggarannya besar, tapi hasilnya harus bisa dirasakan masyarakat.", "Terima kasih infonya, sangat bermanfaat.",
    "Pengawasan harus ketat supaya tidak ada penyimpangan.", "Setuju, yang penting transparan dan tepat sasaran.",
    "Banjir tiap hujan deras, drainase belum juga dibenahi.", "Harga sembako naik terus, mohon ada operasi pasar.",
    "Beritanya bagus, tapi fotonya kurang jelas.", "Sekolah anak saya masih kekurangan guru, mohon perhatian.",
    "Semoga bukan sekadar seremonial saja.", "Wah akhirnya, sudah ditunggu dari tahun lalu.",
]
TICKER = ["Harga cabai di pasar tradisional turun menjelang akhir pekan", "Jadwal pemadaman listrik bergilir pekan ini",
          "Prakiraan cuaca: hujan ringan hingga sedang di sebagian wilayah", "Tim sepak bola lokal menang 2-1 di kandang",
          "Antrean panjang di SPBU kembali terjadi sejak pagi", "Festival kuliner digelar di tepian sungai",
          "Ribuan pelari ramaikan lomba lari 10K Minggu pagi", "Pasar murah digelar di lima kelurahan",
          "Pelabuhan ramai penumpang jelang libur panjang", "Warga keluhkan air PDAM keruh sejak dua hari"]


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def _datetime_text(moment: dt.datetime, label: str) -> str:
    return f"{words.weekday_name(moment.date())}, {moment.day:02d} {words.MONTHS[moment.month - 1]} {moment.year} " \
           f"| {moment:%H:%M} {label}"


def _css(seed_number: int, blocks: int) -> str:
    return "".join(
        f".c{seed_number}-{n}{{margin:{n % 7}px {n % 5}px;padding:{n % 3}px {n % 4}px;color:#{(n * 2654435761 + seed_number) % 0xFFFFFF:06x};"
        f"font:{12 + n % 6}px/1.{n % 9} Roboto,Arial,sans-serif;border-bottom:1px solid #e{n % 10}e{n % 10}e{n % 10}}}"
        for n in range(blocks))


def _script(seed_number: int, slots: int) -> str:
    ad_slots = ",".join(f"{{id:'div-gpt-ad-{seed_number}-{n}',size:[[300,250],[336,280]],path:'/2234/"
                        f"outlet_{seed_number}/slot_{n}'}}" for n in range(slots))
    return ("window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}gtag('js',new Date());"
            f"gtag('config','G-{seed_number:08d}');var googletag=googletag||{{cmd:[]}};var adSlots=[{ad_slots}];"
            "googletag.cmd.push(function(){adSlots.forEach(function(s){googletag.defineSlot(s.path,s.size,s.id)"
            ".addService(googletag.pubads())});googletag.pubads().enableLazyLoad();googletag.enableServices()});")


class _OutletWriter:
    """Renders and writes one outlet: articles, listings, sitemaps and feed."""

    def __init__(self, shape: OutletShape, key: str, base_url: str, www: Path, rng: random.Random) -> None:
        self.shape, self.key, self.base_url, self.www, self.rng = shape, key, base_url, www, rng
        self.name = shape.name if key == shape.key else f"{shape.name} {key[len(shape.key):]}"
        self.zone = zoneinfo.ZoneInfo(shape.timezone)
        self.number = sum(map(ord, key))
        # Site-wide chrome, the same bytes on every page of the outlet (real portals inline 10-40 KB of it).
        self.css = _css(self.number, 90 + self.number % 60)
        self.script = _script(self.number, 30 + self.number % 20)
        self.by_index: dict[int, Story] = {}

    # -- URLs
    def path(self, story: Story) -> str:
        moment, key = story.published_at, self.key
        if self.shape.key == "kaltimkini":
            return f"/{key}/{moment:%Y/%m/%d}/{story.slug}/"
        if self.shape.key == "samarindapos":
            return f"/{key}/berita/{story.number}/{story.slug}.html"
        if self.shape.key == "nusawarta":
            return f"/{key}/read/{moment:%Y/%m/%d/%H%M%S}/{story.slug}"
        return f"/{key}/{moment:%Y/%m/%d}/{story.slug}"

    def url(self, story: Story) -> str:
        return self.base_url + self.path(story)

    def section(self, story: Story) -> str:
        return list(SECTIONS)[story.number % len(SECTIONS)]

    def _write(self, path: str, text: str) -> int:
        target = self.www / _file_for(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        target.write_bytes(data)
        return len(data)

    # -- the whole outlet
    def write(self, stories: list[Story]) -> int:
        self.by_index = {story.index: story for story in stories}
        newest = sorted(stories, key=lambda story: story.published_at, reverse=True)
        self.newest = newest[:40]
        written = 0
        for story in stories:
            written += self._write(self.path(story), self.article(story))
        self.write_listings(newest)
        self.write_sitemaps(newest)
        self.write_feed(newest[:FEED_SIZE])
        return written

    # -- chrome
    def head(self, title: str, extra: str) -> str:
        feed_type = "application/atom+xml" if self.shape.feed.endswith("atom.xml") else "application/rss+xml"
        return (f'<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><meta name="viewport" '
                f'content="width=device-width, initial-scale=1"><title>{esc(title)} - {esc(self.name)}</title>'
                f'<link rel="alternate" type="{feed_type}" title="{esc(self.name)}" '
                f'href="{self.base_url}/{self.key}{self.shape.feed}">{extra}'
                f'<link rel="preconnect" href="https://securepubads.g.doubleclick.net">'
                f"<style>{self.css}</style><script async src=\"https://www.googletagmanager.com/gtag/js?id=G-"
                f'{self.number:08d}"></script><script>{self.script}</script></head>')

    def header(self, today: dt.date) -> str:
        menu = "".join(f'<li class="menu-item"><a href="/{self.key}/kategori/{slug}/">{label}</a><ul class="sub-menu">'
                       + "".join(f'<li><a href="/{self.key}/kategori/{slug}/?sub={n}">{label} {place}</a></li>'
                                 for n, place in enumerate(words.CITIES[:5]))
                       + "</ul></li>" for slug, label in SECTIONS.items())
        ticker = "".join(f'<li><a href="/{self.key}/">{esc(line)}</a></li>' for line in TICKER)
        return (f'<body class="single"><div id="iklan-leaderboard" class="ads ads-top"><div id="div-gpt-ad-'
                f'{self.number}-0" style="min-height:90px"></div><span class="ads-label">ADVERTISEMENT</span></div>'
                f'<header class="site-header"><div class="topbar"><span class="tanggal">{words.long_date(today)}'
                f'</span><a href="/{self.key}/indeks/">Indeks Berita</a> <a href="/{self.key}/redaksi/">Redaksi</a> '
                f'<a href="/{self.key}/pedoman-media-siber/">Pedoman Media Siber</a></div>'
                f'<a class="logo" href="/{self.key}/"><img src="/{self.key}/img/logo.png" alt="{esc(self.name)}"></a>'
                f'<nav class="main-menu"><ul>{menu}</ul></nav><form class="search" action="/{self.key}/search">'
                f'<input name="q" placeholder="Cari berita..."></form><div class="breaking"><strong>TERKINI</strong>'
                f"<ul>{ticker}</ul></div></header>")

    def footer(self, today: dt.date) -> str:
        links = "".join(f'<li><a href="/{self.key}/{slug}/">{label}</a></li>' for slug, label in (
            ("tentang-kami", "Tentang Kami"), ("redaksi", "Redaksi"), ("pedoman-media-siber", "Pedoman Media Siber"),
            ("kode-etik", "Kode Etik"), ("kontak", "Kontak"), ("iklan", "Pasang Iklan"), ("karir", "Karir"),
            ("privasi", "Kebijakan Privasi"), ("disclaimer", "Disclaimer")))
        network = "".join(f'<li><a href="/{self.key}/jaringan/{city.lower().replace(" ", "-")}/">{self.name} {city}'
                          f"</a></li>" for city in words.CITIES)
        return (f'<footer class="site-footer"><div class="footer-menu"><ul>{links}</ul></div><div class="network">'
                f"<h4>Jaringan {esc(self.name)}</h4><ul>{network}</ul></div><p>&copy; {today.year} {esc(self.name)}. "
                "Hak cipta dilindungi undang-undang. Dilarang mengambil dan/atau menayangkan ulang sebagian atau "
                "keseluruhan artikel di atas tanpa izin redaksi.</p></footer><div class=\"ads ads-sticky-bottom\">"
                f'<div id="div-gpt-ad-{self.number}-99"></div></div><script>(function(){{var s=document.'
                f"createElement('script');s.src='/{self.key}/js/app.min.js?v={self.number}';document.body."
                "appendChild(s)})();</script></body></html>")

    def headline_list(self, title: str, css_class: str, stories: list[Story]) -> str:
        items = "".join(f'<li><a href="{self.url(story)}"><img src="/{self.key}/img/thumb/{story.number}.jpg" '
                        f'alt="" loading="lazy"><span class="judul">{esc(story.title_text)}</span></a>'
                        f'<time>{_datetime_text(story.published_at, self.shape.zone_label)}</time></li>'
                        for story in stories)
        return f'<div class="{css_class}"><h3 class="widget-title">{title}</h3><ul>{items}</ul></div>'

    def others(self, story: Story, count: int, offset: int) -> list[Story]:
        pool = [other for other in self.newest if other is not story]
        start = (story.index * 7 + offset) % len(pool) if pool else 0
        return (pool[start:] + pool[:start])[:count]

    def comments(self, story: Story, target_bytes: int) -> str:
        rng = random.Random(f"{self.key}:{story.index}:comments")
        parts, size, number = [], 0, 0
        while size < target_bytes:
            number += 1
            when = story.published_at + dt.timedelta(minutes=7 * number + rng.randint(0, 300))
            text = " ".join(rng.sample(COMMENT_LINES, rng.randint(1, 3)))
            part = (f'<li class="comment" id="comment-{story.number}-{number}"><div class="comment-author">'
                    f'<img src="/{self.key}/img/avatar/{rng.randint(1, 40)}.png" alt="" width="40"><b>'
                    f"{esc(rng.choice(COMMENTERS))}</b></div><div class=\"comment-meta\">"
                    f"{_datetime_text(when, self.shape.zone_label)}</div><div class=\"comment-content\"><p>{esc(text)}"
                    f'</p></div><div class="reply"><a href="#respond" rel="nofollow">Balas</a> · <a href="#" '
                    f'class="like">Suka ({rng.randint(0, 90)})</a></div></li>')
            parts.append(part)
            size += len(part)
        return (f'<section id="comments" class="comments-area"><h3 class="comments-title">{number} Komentar</h3>'
                f'<ol class="comment-list">{"".join(parts)}</ol><div id="respond"><h3>Tinggalkan Komentar</h3>'
                f'<form action="/{self.key}/komentar" method="post"><textarea name="comment"></textarea><input '
                f'name="author" placeholder="Nama"><button>Kirim</button></form></div></section>')

    def paragraph(self, paragraph: Paragraph) -> str:
        text = esc(paragraph.text)
        if paragraph.kind == "related" and paragraph.link_to in self.by_index:
            target = self.by_index[paragraph.link_to]
            return (f'<p class="baca-juga"><strong>{esc(paragraph.label)}</strong> <a href="{self.url(target)}">'
                    f"{text}</a></p>")
        return f"<p>{text}</p>"

    # -- pages
    def article(self, story: Story) -> str:
        url, label = self.url(story), self.shape.zone_label
        published = story.published_at
        modified = story.modified_at or published + dt.timedelta(minutes=story.number % 50)
        section = self.section(story)
        blocks = []
        for number, paragraph in enumerate(story.paragraphs):
            blocks.append(self.paragraph(paragraph))
            if number == 1:
                blocks.append(f'<div class="ads ads-inarticle"><span>Scroll untuk membaca artikel</span><div id="div-'
                              f'gpt-ad-{self.number}-inline"></div></div>')
            if number == 3:
                other = self.others(story, 1, 3)
                if other:
                    blocks.append(f'<div class="baca-juga-box"><span>Baca Juga:</span> <a href="{self.url(other[0])}">'
                                  f"{esc(other[0].title_text)}</a></div>")
        if story.is_advertorial and story.byline:
            blocks.append(f'<p class="adv-credit">{esc("".join(piece.text for piece in story.byline))}</p>')
        json_ld = {
            "@context": "https://schema.org", "@type": "NewsArticle", "mainEntityOfPage": {"@type": "WebPage", "@id": url},
            "headline": story.title_text, "datePublished": published.isoformat(timespec="seconds"),
            "dateModified": modified.isoformat(timespec="seconds"),
            "author": [{"@type": "Person", "name": author} for author in story.authors],
            "publisher": {"@type": "Organization", "name": self.name,
                          "logo": {"@type": "ImageObject", "url": f"{self.base_url}/{self.key}/img/logo.png"}},
            "image": {"@type": "ImageObject", "url": f"{self.base_url}/{self.key}/img/{story.number}.jpg"},
            "articleSection": SECTIONS[section], "keywords": [tag.text for tag in story.tags],
            "description": story.paragraphs[0].text[:160], "inLanguage": "id-ID",
        }
        breadcrumbs = {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": "Home", "item": f"{self.base_url}/{self.key}/"},
            {"@type": "ListItem", "position": 2, "name": SECTIONS[section],
             "item": f"{self.base_url}/{self.key}/kategori/{section}/"}]}
        extra = (f'<link rel="canonical" href="{url}"><meta name="description" content="'
                 f'{esc(story.paragraphs[0].text[:160])}"><meta name="keywords" content="'
                 f'{esc(", ".join(tag.text for tag in story.tags))}"><meta property="og:type" content="article">'
                 f'<meta property="og:title" content="{esc(story.title_text)}"><meta property="og:url" content="{url}">'
                 f'<meta property="og:site_name" content="{esc(self.name)}"><meta property="og:image" content="'
                 f'{self.base_url}/{self.key}/img/{story.number}.jpg"><meta property="article:published_time" '
                 f'content="{published.isoformat(timespec="seconds")}"><meta property="article:modified_time" '
                 f'content="{modified.isoformat(timespec="seconds")}"><meta name="author" content="'
                 f'{esc(story.authors[0])}"><meta name="twitter:card" content="summary_large_image">'
                 f'<script type="application/ld+json">{json.dumps(json_ld, ensure_ascii=False)}</script>'
                 f'<script type="application/ld+json">{json.dumps(breadcrumbs, ensure_ascii=False)}</script>')
        tags = "".join(f'<li><a href="/{self.key}/tag/{words.slugify(tag.text)}/">#{esc(tag.text)}</a></li>'
                       for tag in story.tags)
        share = "".join(f'<a class="share-{name}" href="https://{site}?u={url}" target="_blank" rel="noopener">'
                        f"{name.title()}</a>" for name, site in (("facebook", "www.facebook.com/sharer.php"),
                                                                 ("twitter", "twitter.com/intent/tweet"),
                                                                 ("whatsapp", "api.whatsapp.com/send"),
                                                                 ("telegram", "t.me/share/url")))
        main = (
            f'<main class="container"><div class="breadcrumb"><a href="/{self.key}/">Home</a> › <a href="/{self.key}/'
            f'kategori/{section}/">{SECTIONS[section]}</a></div><article class="post"><h1 class="entry-title">'
            f'{esc(story.title_text)}</h1><div class="entry-meta"><span class="penulis">Penulis: '
            f'{esc(", ".join(story.authors))}</span> | <span class="editor">Editor: {esc(story.editor)}</span> '
            f'<time class="published" datetime="{published.isoformat(timespec="seconds")}">'
            f"{_datetime_text(published, label)}</time></div><div class=\"share\">{share}</div>"
            f'<figure class="featured"><img src="/{self.key}/img/{story.number}.jpg" alt="" width="750" '
            f'height="422"><figcaption>{esc("".join(piece.text for piece in story.caption))}</figcaption></figure>'
            f'<div class="entry-content">{"".join(blocks)}</div><div class="tags"><span>Tag:</span><ul>{tags}</ul>'
            f'</div><div class="share share-bottom">{share}</div></article>'
            + self.headline_list("Berita Terkait", "related-posts", self.others(story, 8, 11))
            + '<div class="ads ads-native"><div class="native-ad">Konten Promosi</div></div>'
            + self.headline_list("Berita Lainnya", "more-news", self.others(story, 12, 23))
            + "</main><aside class=\"sidebar\">"
            + self.headline_list("Terpopuler", "popular", self.others(story, 10, 5))
            + f'<div class="ads ads-sidebar"><div id="div-gpt-ad-{self.number}-side"></div></div>'
            + self.headline_list("Pilihan Redaksi", "editor-picks", self.others(story, 6, 31)) + "</aside>")
        today = published.date()
        page = self.head(story.title_text, extra) + self.header(today) + main
        tail = self.footer(today)
        # Comments fill each page up to a seeded size between MIN_PAGE_BYTES and MAX_PAGE_BYTES (mode ~45 KB).
        target = int(random.Random(f"{self.key}:{story.index}:size").triangular(MIN_PAGE_BYTES, MAX_PAGE_BYTES,
                                                                                 38_000))
        room = target - len(page.encode("utf-8")) - len(tail) - 400
        return page + (self.comments(story, room) if room > 0 else "") + tail

    def listing_page(self, label: str, stories: list[Story], base: str, number: int, pages: int) -> str:
        items = "".join(f'<article class="list-item"><a href="{self.url(story)}"><img src="/{self.key}/img/thumb/'
                        f'{story.number}.jpg" alt=""><h2>{esc(story.title_text)}</h2></a><time>'
                        f"{_datetime_text(story.published_at, self.shape.zone_label)}</time><p>"
                        f"{esc(story.paragraphs[0].text[:180])}…</p></article>" for story in stories)
        nav = []
        if number > 1:
            nav.append(f'<a class="prev" href="{base}{"" if number == 2 else f"page/{number - 1}/"}">Sebelumnya</a>')
        nav += [f'<a href="{base}page/{n}/">{n}</a>' for n in range(2, pages + 1) if n != number]
        if number < pages:
            nav.append(f'<a class="next" rel="next" href="{base}page/{number + 1}/">Selanjutnya</a>')
        today = stories[0].published_at.date() if stories else dt.date.today()
        return (self.head(label, "") + self.header(today) + f'<main class="container"><h1>{esc(label)}</h1>{items}'
                f'<div class="pagination">{" ".join(nav)}</div></main>' + self.footer(today))

    def write_listings(self, newest: list[Story]) -> None:
        groups = {"": ("Terkini", newest)}
        for slug, label in SECTIONS.items():
            groups[f"kategori/{slug}/"] = (label, [story for story in newest if self.section(story) == slug])
        for suffix, (label, stories) in groups.items():
            base = f"/{self.key}/{suffix}"
            pages = max(1, min(LISTING_DEPTH, math.ceil(len(stories) / LISTING_PER_PAGE)))
            for number in range(1, pages + 1):
                chunk = stories[(number - 1) * LISTING_PER_PAGE:number * LISTING_PER_PAGE]
                path = base if number == 1 else f"{base}page/{number}/"
                self._write(path, self.listing_page(label, chunk, base, number, pages))

    def listing_urls(self) -> list[str]:
        return [f"{self.base_url}/{self.key}/kategori/{slug}/" for slug in SECTIONS]

    def write_sitemaps(self, newest: list[Story]) -> None:
        months: dict[str, list[Story]] = {}
        for story in newest:
            months.setdefault(f"{story.published_at:%Y-%m}", []).append(story)
        monthly = "post-sitemap-{}.xml" if self.shape.key == "kaltimkini" else "sitemap/{}.xml"
        entries = []
        for month, stories in months.items():
            location = f"{self.base_url}/{self.key}/{monthly.format(month)}"
            lastmod = max(story.published_at for story in stories).isoformat(timespec="seconds")
            entries.append(f"<sitemap><loc>{location}</loc><lastmod>{lastmod}</lastmod></sitemap>")
            urls = "".join(f"<url><loc>{esc(self.url(story))}</loc><lastmod>"
                           f"{story.published_at.isoformat(timespec='seconds')}</lastmod></url>" for story in stories)
            self._write(f"/{self.key}/{monthly.format(month)}",
                        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/'
                        f'sitemap/0.9">{urls}</urlset>\n')
        self._write(f"/{self.key}{self.shape.sitemap}",
                    '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/'
                    f'sitemap/0.9">{"".join(entries)}</sitemapindex>\n')

    def write_feed(self, stories: list[Story]) -> None:
        feed_url = f"{self.base_url}/{self.key}{self.shape.feed}"
        if self.shape.feed.endswith("atom.xml"):
            entries = "".join(
                f'<entry><title>{esc(story.title_text)}</title><link rel="alternate" href="{self.url(story)}"/>'
                f"<id>{self.url(story)}</id><published>{story.published_at.isoformat(timespec='seconds')}</published>"
                f"<updated>{story.published_at.isoformat(timespec='seconds')}</updated><author><name>"
                f"{esc(story.authors[0])}</name></author><summary>{esc(story.paragraphs[0].text[:200])}</summary>"
                "</entry>" for story in stories)
            text = ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="id">'
                    f'<title>{esc(self.name)}</title><link rel="self" href="{feed_url}"/><id>{feed_url}</id>'
                    f"<updated>{stories[0].published_at.isoformat(timespec='seconds')}</updated>{entries}</feed>\n")
        else:
            items = "".join(
                f"<item><title>{esc(story.title_text)}</title><link>{self.url(story)}</link><guid isPermaLink=\"true\">"
                f"{self.url(story)}</guid><pubDate>{_rfc822(story.published_at)}</pubDate><dc:creator>"
                f"{esc(story.authors[0])}</dc:creator><description>{esc(story.paragraphs[0].text[:200])}</description>"
                "</item>" for story in stories)
            text = ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/'
                    f'1.1/"><channel><title>{esc(self.name)}</title><link>{self.base_url}/{self.key}/</link>'
                    f"<description>Berita terkini {esc(self.name)}</description><language>id</language>{items}"
                    "</channel></rss>\n")
        self._write(f"/{self.key}{self.shape.feed}" + ("index.xml" if self.shape.feed.endswith("/") else ""), text)


def _rfc822(moment: dt.datetime) -> str:
    import email.utils

    return email.utils.format_datetime(moment)


def _write_robots(www: Path, base_url: str, outlets: list[dict[str, Any]]) -> None:
    sitemaps = "".join(f"Sitemap: {base_url}/{outlet['key']}{_shape(outlet['key']).sitemap}\n" for outlet in outlets)
    (www / "robots.txt").write_text("User-agent: *\nDisallow: /*/search\nDisallow: /*?utm_\n\n" + sitemaps,
                                    encoding="utf-8")
    # The host's own front page: the media group's portal linking its outlets (crawlers probe "/" first).
    links = "".join(f'<li><a href="/{outlet["key"]}/">{esc(outlet["name"])}</a></li>' for outlet in outlets)
    (www / "index.html").write_text(f'<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>Jaringan '
                                    f"Media Bench</title></head><body><h1>Jaringan Media</h1><ul>{links}</ul>"
                                    "</body></html>", encoding="utf-8")


def _shape(key: str) -> OutletShape:
    return next(shape for shape in SHAPES if key.startswith(shape.key))


def _write_config(config: Path, base_url: str, outlets: list[dict[str, Any]]) -> None:
    (config / "sources").mkdir(parents=True, exist_ok=True)
    lines = ["# Sources for the crawl benchmark's static news site (bench/site.py; valid while nginx serves it).", ""]
    for outlet in outlets:
        shape = _shape(outlet["key"])
        key = outlet["key"]
        entry = {
            "key": key, "name": outlet["name"], "home_url": f"{base_url}/{key}/",
            "sitemaps": [f"{base_url}/{key}{shape.sitemap}"], "feeds": [f"{base_url}/{key}{shape.feed}"],
            "listing_pages": [f"{base_url}/{key}/kategori/{slug}/" for slug in SECTIONS],
            "article_url_pattern": f"/{key}{shape.article_pattern}", "timezone": shape.timezone,
            "scope": shape.scope, "wordpress_api": "off",
        }
        if shape.scope == "regional":
            entry["region"] = "Kalimantan Timur"
        lines.append("[[sources]]")
        lines += [f"{name} = {json.dumps(value, ensure_ascii=False)}" for name, value in entry.items()]
        lines.append("")
    (config / "sources" / "bench.toml").write_text("\n".join(lines), encoding="utf-8")
    _link_entities(config)


def _link_entities(config: Path) -> None:
    """config/entities: a link to the bundled dictionary of the checkout at hand (again when a cached site's link
    points into a checkout that is gone)."""
    entities = config / "entities"
    if entities.is_symlink() and not entities.exists():
        entities.unlink()
    if not entities.exists():
        bundled = default_config_dir() / "entities"
        try:
            entities.symlink_to(bundled.resolve(), target_is_directory=True)
        except OSError:
            shutil.copytree(bundled, entities)


# ----------------------------------------------------------------------------------------------- nginx

NGINX_CONF = """\
# Written by bench/site.py for one bench run; everything it writes stays under {temp}.
{user}worker_processes {workers};
daemon off;
pid {temp}/nginx.pid;
error_log {temp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    types {{
        text/html html;
        application/xml xml;
        text/plain txt;
        image/png png;
        image/jpeg jpg;
    }}
    default_type application/octet-stream;
    charset utf-8;
    charset_types text/html application/xml text/plain;
    access_log off;
    client_body_temp_path {temp}/client_body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65;
    keepalive_requests 100000;
    open_file_cache max=20000 inactive=120s;
    server {{
        listen {host}:{port} reuseport;
        server_name _;
        root {www};
        index index.html index.xml;
        location / {{
            try_files $uri $uri/ $uri.html =404;
        }}
    }}
}}
"""


def ensure_nginx() -> str:
    """The nginx binary, installed from Debian (``bash .ci/install-debian nginx``) when missing."""
    found = shutil.which("nginx") or next((path for path in ("/usr/sbin/nginx",) if os.path.exists(path)), None)
    if found:
        return found
    script = Path(__file__).resolve().parent.parent / ".ci" / "install-debian"
    result = subprocess.run(["bash", str(script), "nginx"], capture_output=True, text=True, timeout=900)
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if not found:
        raise RuntimeError(f"nginx is not installed and could not be installed ({result.stderr.strip()}); "
                           "install it with: apt-get install nginx")
    return found


def base_url_for(host: str, port: int) -> str:
    return f"http://{host}" if port == 80 else f"http://{host}:{port}"


def port_free(host: str, port: int) -> bool:
    """Whether ``host:port`` can be listened on now (port 80 needs root)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT of closed connections is free
        try:
            probe.bind((host, port))
        except OSError:
            return False
        return True


def free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def nginx_site(root: Path | str, host: str | None = None, port: int | None = None, *,
               workers: int | str = 1) -> Iterator[str]:
    """Serves ``root/www`` from a private nginx on ``host:port`` (by default those the site was generated for);
    yields the base URL (``http://host:port``). ``workers``: 1 or "auto". Its process is ``nginx_site.process``
    (``.pid``) while it runs, for memory sampling."""
    root = Path(root)
    site = load_site(root)
    host = host or site.host
    port = port or site.port
    if (host, port) != (site.host, site.port):
        raise ValueError(f"{root}: this site was generated for {site.host}:{site.port} (its pages carry absolute "
                         f"URLs); serve it there or generate it again with host={host!r}, port={port}")
    binary = ensure_nginx()
    temp = Path(tempfile.mkdtemp(prefix="pantau-bench-nginx-"))
    try:
        user = "user root root;\n" if os.geteuid() == 0 else ""  # workers must read the caller's files
        conf = temp / "nginx.conf"
        conf.write_text(NGINX_CONF.format(temp=temp, user=user, workers=workers, host=host, port=port,
                                          www=site.www.resolve()), encoding="utf-8")
        log = open(temp / "stderr.log", "wb")  # noqa: SIM115 - closed below
        process = subprocess.Popen([binary, "-p", str(temp), "-c", str(conf)], stdout=log, stderr=log)
        base_url = base_url_for(host, port)
        try:
            _wait_until_serving(base_url, process, temp)
            nginx_site.process = process
            yield base_url
        finally:
            nginx_site.process = None
            if process.poll() is None:
                process.send_signal(signal.SIGQUIT)  # graceful: finish open requests, then exit
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)
            log.close()
    finally:
        shutil.rmtree(temp, ignore_errors=True)


nginx_site.process = None  # type: ignore[attr-defined]


def _wait_until_serving(base_url: str, process: subprocess.Popen, temp: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            errors = (temp / "stderr.log").read_text(errors="replace").strip().splitlines()
            raise RuntimeError(f"nginx for {base_url} exited at start: {errors[-1] if errors else 'no message'}")
        try:
            with urllib.request.urlopen(base_url + "/robots.txt", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"nginx for {base_url} did not answer within 15 s (see {temp}/error.log)")


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Generate the bench news site and/or serve it from nginx.")
    parser.add_argument("root", type=Path)
    parser.add_argument("--pages", type=int, default=20_000)
    parser.add_argument("--outlets", type=int, default=4)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--host", default=DEFAULT_HOST)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--serve", action="store_true", help="serve it until interrupted")
    args = parser.parse_args()
    site = generate_site(args.root, args.pages, args.outlets, args.seed, host=args.host, port=args.port)
    print(f"{site.pages} article pages, {len(site.outlets)} outlets, mean {site.mean_page_bytes / 1000:.1f} KB, "
          f"written in {site.generated_seconds} s; config: {site.sources_file}")
    if args.serve:
        with nginx_site(args.root) as base_url:
            print(f"serving {base_url} (Ctrl-C stops)", flush=True)
            with contextlib.suppress(KeyboardInterrupt):
                while True:
                    time.sleep(3600)


if __name__ == "__main__":
    main()
