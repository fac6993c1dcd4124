"""The demo news site over real loopback HTTP: discovery (robots, sitemaps, feeds, listings) reaches every
article, the truth record matches what the pages show, generation is deterministic, and faults behave."""

from __future__ import annotations

import collections
import datetime as dt
import html
import json
import re
import socket
import subprocess
import sys
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from urllib.parse import urljoin, urlsplit

import pytest

from crawler.config import load_entities, load_sources
from crawler.demo import DemoSite
from crawler.demo.agencies import AgencyBook
from crawler.demo.site import _toml_value
from crawler.demo.stories import AuditError, Piece, audit_story
from crawler.demo.topics import TONE_TOPICS
from crawler.demo.truth import summarize
from crawler.demo.vocabulary import long_date, long_datetime, national_datetime
from tests.fixtures.news_site import DEMO_TODAY

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM_NS = "{http://www.w3.org/2005/Atom}"


def fetch(url: str, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    """GET without following redirects; HTTP errors are answers too."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def text_of(url: str) -> str:
    status, _, body = fetch(url)
    assert status == 200, url
    return body.decode("utf-8")


def hrefs(page: str, base: str) -> list[str]:
    return [urljoin(base, html.unescape(href)) for href in re.findall(r'href="([^"]+)"', page)]


@pytest.fixture(scope="module")
def truth(news_site: DemoSite) -> dict:
    return news_site.truth()


@pytest.fixture(scope="module")
def sources(news_site: DemoSite, tmp_path_factory: pytest.TempPathFactory) -> dict:
    config = tmp_path_factory.mktemp("demo-config")
    (config / "sources").mkdir()
    (config / "sources" / "demo.toml").write_text(news_site.sources_toml(), encoding="utf-8")
    return {source.key: source for source in load_sources(config)}


def articles_by_outlet(truth: dict) -> dict[str, set[str]]:
    return {outlet["key"]: {article["url"] for article in outlet["articles"]} for outlet in truth["outlets"]}


# ------------------------------------------------------------------------------------------------ shape


def test_demo_site_outlets_listen_on_their_own_addresses(news_site: DemoSite) -> None:
    hosts = [urlsplit(outlet.home_url).hostname for outlet in news_site.outlets]
    assert len(news_site.outlets) >= 3
    assert len(set(hosts)) == len(hosts) or set(hosts) == {"127.0.0.1"}
    if hosts[0] != "127.0.0.1":
        assert hosts == [f"127.0.0.{12 + number}" for number in range(len(hosts))]


def test_demo_site_sources_toml_is_valid_config(news_site: DemoSite, sources: dict) -> None:
    assert sorted(sources) == sorted(outlet.key for outlet in news_site.outlets)
    for outlet in news_site.outlets:
        source = sources[outlet.key]
        assert source.home_url == outlet.home_url
        assert source.allowed_domains == [urlsplit(outlet.home_url).hostname]
        assert source.timezone == outlet.timezone
        assert source.sitemaps and source.listing_pages


def test_demo_site_size_stays_small_for_crawls(truth: dict) -> None:
    counts = summarize(truth)
    assert counts["outlets"] == 4  # three news outlets and the press office (crawler.demo.pressoffice)
    assert 150 <= counts["articles"] <= 260
    assert counts["article_pages"] <= 300  # plus listings, sitemaps and feeds: well under 400 fetches
    assert counts["mentions"] > 500 and counts["traps"] > 50


def test_demo_site_article_urls_match_the_source_patterns(truth: dict, sources: dict) -> None:
    for outlet in truth["outlets"]:
        pattern = re.compile(sources[outlet["key"]].article_url_pattern)
        for article in outlet["articles"]:
            assert pattern.search(article["url"]), article["url"]
            assert article["url"].startswith(outlet["home_url"])


# ------------------------------------------------------------------------------------------------ discovery


def test_demo_site_robots_txt_names_a_sitemap_that_parses(news_site: DemoSite) -> None:
    for outlet in news_site.outlets:
        robots = text_of(outlet.home_url + "robots.txt")
        sitemaps = re.findall(r"^Sitemap:\s*(\S+)", robots, re.MULTILINE)
        assert sitemaps, outlet.key
        for sitemap in sitemaps:
            ET.fromstring(fetch(sitemap)[2])


def _sitemap_urls(url: str) -> set[str]:
    root = ET.fromstring(fetch(url)[2])
    if root.tag == f"{SITEMAP_NS}sitemapindex":
        found: set[str] = set()
        for loc in root.iter(f"{SITEMAP_NS}loc"):
            found |= _sitemap_urls(loc.text)
        return found
    return {loc.text for loc in root.iter(f"{SITEMAP_NS}loc")}


def test_demo_site_sitemaps_list_every_article(truth: dict, sources: dict) -> None:
    for key, urls in articles_by_outlet(truth).items():
        pattern = re.compile(sources[key].article_url_pattern)
        found = {url for sitemap in sources[key].sitemaps for url in _sitemap_urls(sitemap) if pattern.search(url)}
        assert found == urls, key


def test_demo_site_wordpress_sitemap_is_a_yoast_index(news_site: DemoSite) -> None:
    outlet = news_site.outlet("kabarmahakam")
    root = ET.fromstring(fetch(outlet.home_url + "sitemap_index.xml")[2])
    children = [loc.text for loc in root.iter(f"{SITEMAP_NS}loc")]
    assert root.tag == f"{SITEMAP_NS}sitemapindex"
    assert any(child.endswith("/post-sitemap.xml") for child in children)
    assert any(child.endswith("/post-sitemap2.xml") for child in children)


def test_demo_site_custom_cms_has_a_news_sitemap(news_site: DemoSite) -> None:
    outlet = news_site.outlet("diksinusa")
    body = fetch(outlet.home_url + "sitemap-news.xml")[2]
    root = ET.fromstring(body)
    news = "{http://www.google.com/schemas/sitemap-news/0.9}"
    dates = [element.text for element in root.iter(f"{news}publication_date")]
    assert len(dates) == len(outlet.stories)
    assert all(date.endswith("+08:00") for date in dates)


def test_demo_site_feeds_parse_and_point_at_the_newest_articles(truth: dict, sources: dict) -> None:
    urls = articles_by_outlet(truth)
    for key in ("kabarmahakam", "gemanusantara"):
        (feed,) = sources[key].feeds
        root = ET.fromstring(fetch(feed)[2])
        if root.tag == "rss":
            links = [item.findtext("link") for item in root.iter("item")]
        else:
            assert root.tag == f"{ATOM_NS}feed"
            links = [link.get("href") for entry in root.iter(f"{ATOM_NS}entry")
                     for link in entry.iter(f"{ATOM_NS}link")]
        assert len(links) == 20
        assert set(links) <= urls[key]
        newest = max(urls[key], key=lambda url: next(a["published_at"] for o in truth["outlets"] if o["key"] == key
                                                     for a in o["articles"] if a["url"] == url))
        assert newest in links


def test_demo_site_listing_pagination_reaches_every_article(truth: dict, sources: dict) -> None:
    for key, urls in articles_by_outlet(truth).items():
        source = sources[key]
        pattern = re.compile(source.article_url_pattern)
        listing_page = re.compile(r"(/page/\d+/$|[?&]page=\d+$|/category/[a-z]+/$|/indeks$|/(news|kaltim|adv)/$)")
        queue, seen, found = list(source.listing_pages), set(source.listing_pages), set()
        while queue:
            page_url = queue.pop()
            for link in hrefs(text_of(page_url), page_url):
                parts = urlsplit(link)
                if pattern.search(link):
                    found.add(link)
                elif (listing_page.search(parts.path + (f"?{parts.query}" if parts.query else ""))
                      and parts.netloc == urlsplit(page_url).netloc and link not in seen
                      and not pattern.search(link.split("?")[0])):
                    seen.add(link)
                    queue.append(link)
        assert found == urls, key
        assert len(seen) > 2 or key == "humaskaltim", key  # the press office has a handful of releases


def test_demo_site_wordpress_home_links_answer(news_site: DemoSite, truth: dict) -> None:
    """Every same-site link of the WordPress home answers (its /page/N/ pagination and footer pages were 404s),
    and the home's pagination lists every story of the outlet, newest first, none twice."""
    outlet = next(o for o in truth["outlets"] if o["kind"] == "wordpress")
    home = outlet["home_url"]
    links = {link for link in hrefs(text_of(home), home) if urlsplit(link).netloc == urlsplit(home).netloc}
    assert any("/page/" in link for link in links)
    assert {link: fetch(link)[0] for link in links if fetch(link)[0] != 200} == {}
    pattern = re.compile(next(s for s in news_site.outlets if s.kind == "wordpress").source_entry()[
        "article_url_pattern"])
    listed, number = [], 1
    while True:
        page_url = home if number == 1 else f"{home}page/{number}/"
        status, _, body = fetch(page_url)
        if status == 404:
            break
        listed += [link for link in hrefs(body.decode(), page_url) if pattern.search(link)
                   and '<h2 class="entry-title"><a href="' + link in body.decode()]
        number += 1
    assert number > 2 and len(listed) == len(set(listed)) == len(outlet["articles"])
    assert set(listed) == {article["url"] for article in outlet["articles"]}
    assert fetch(f"{home}page/0/")[0] == 404 and fetch(f"{home}page/x/")[0] == 404


# ------------------------------------------------------------------------------------------------ pages vs truth


def test_demo_site_every_planted_surface_is_on_its_page(truth: dict) -> None:
    for outlet in truth["outlets"]:
        for article in outlet["articles"]:
            url = article.get("all_pages_url", article["url"])
            page = html.unescape(text_of(url))
            assert f">{html.unescape(html.escape(article['title']))}" in page or article["title"] in page
            planted = collections.Counter(item["surface"] for item in article["mentions"] + article["traps"]
                                          if item["field"] not in ("meta", "page"))
            for surface, count in planted.items():
                assert page.count(surface) >= count, (url, surface)
            for author in article["authors"]:
                assert author in page


def test_demo_site_page_dates_agree_with_truth(news_site: DemoSite, truth: dict) -> None:
    for outlet in truth["outlets"]:
        for article in outlet["articles"][::7]:
            page = html.unescape(text_of(article["url"]))
            published = dt.datetime.fromisoformat(article["published_at"])
            assert published.utcoffset() is not None
            if outlet["key"] in ("kabarmahakam", "humaskaltim"):  # both WordPress-style
                assert f'"datePublished": "{article["published_at"]}"' in page
                assert article["published_at"].endswith("+08:00")
            elif outlet["key"] == "diksinusa":
                assert long_datetime(published) in page
                assert published.second == 0 and article["published_at"].endswith("+08:00")
            else:
                assert national_datetime(published) in page
                assert article["published_at"].endswith("+07:00")
                assert f"{published:%Y/%m/%d/%H%M%S}" in article["url"]


def test_demo_site_mentions_use_dictionary_surfaces_within_validity(truth: dict) -> None:
    entities = {entity.id: entity for entity in load_entities()}
    seen_ids = set()
    for outlet in truth["outlets"]:
        for article in outlet["articles"]:
            day = dt.date.fromisoformat(article["published_at"][:10])
            for mention in article["mentions"]:
                entity = entities[mention["entity_id"]]
                seen_ids.add(entity.id)
                if mention["resolution"] == "name":
                    assert mention["surface"] in [entity.name, *entity.aliases], mention
                else:
                    assert mention["surface"] == entity.acronym
                if mention["zone"] in ("title", "lead", "body", "quote"):
                    assert (entity.valid_from or day) <= day <= (entity.valid_to or day), (article["url"], mention)
    assert {"kominfo", "komdigi"} <= seen_ids


def test_demo_site_plants_every_zone_and_context_forms(truth: dict) -> None:
    mentions = [m for outlet in truth["outlets"] for article in outlet["articles"] for m in article["mentions"]]
    zones = {mention["zone"] for mention in mentions}
    assert {"title", "lead", "body", "quote", "caption", "related", "tag", "byline"} <= zones
    assert any(mention["resolution"] == "context" for mention in mentions)
    traps = {trap["kind"] for outlet in truth["outlets"] for article in outlet["articles"] for trap in article["traps"]}
    assert {"url", "letter-number", "longer-word", "company", "media-name", "region", "national-legislature"} <= traps


def test_demo_site_context_form_follows_a_named_mention(truth: dict) -> None:
    for outlet in truth["outlets"]:
        for article in outlet["articles"]:
            named: set[str] = set()
            for mention in article["mentions"]:
                if mention["field"] != "text":
                    continue
                if mention["resolution"] == "context":
                    assert mention["entity_id"] in named, article["url"]
                named.add(mention["entity_id"])


def test_demo_site_custom_cms_header_shows_today_not_the_story_date(news_site: DemoSite, truth: dict) -> None:
    outlet = next(o for o in truth["outlets"] if o["key"] == "diksinusa")
    article = outlet["articles"][0]
    page = html.unescape(text_of(article["url"]))
    assert long_date(DEMO_TODAY) in page  # fixture pins "today"
    assert long_date(dt.date.fromisoformat(article["published_at"][:10])) in page
    assert f"&copy; {DEMO_TODAY.year}" in text_of(article["url"])
    assert "Koresponden:" in page and "DIKSINUSA.CO - " in page and "/Foto: " in page
    assert "Tag berita:" in page and "Berita terkait" in page and "application/ld+json" not in page


def test_demo_site_custom_cms_z_stamp_is_local_time_on_some_pages(truth: dict) -> None:
    outlet = next(o for o in truth["outlets"] if o["key"] == "diksinusa")
    offsets = set()
    for article in outlet["articles"]:
        page = text_of(article["url"])
        stamp = re.search(r'article:published_time" content="([^"]+)"', page).group(1)
        assert stamp.endswith("Z")
        meta = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        offsets.add(meta - dt.datetime.fromisoformat(article["published_at"]))
        lying = any(trap["kind"] == "meta-local-z" for trap in article["traps"])
        assert (meta - dt.datetime.fromisoformat(article["published_at"])) == dt.timedelta(hours=8 if lying else 0)
    assert offsets == {dt.timedelta(0), dt.timedelta(hours=8)}


def test_demo_site_wordpress_article_has_amp_twin_and_boilerplate(truth: dict) -> None:
    article = next(o for o in truth["outlets"] if o["key"] == "kabarmahakam")["articles"][-1]
    page = text_of(article["url"])
    assert f'<link rel="amphtml" href="{article["url"]}?amp=1">' in page
    assert '"@type": "NewsArticle"' in page and 'property="og:title"' in page
    assert "Bagikan:" in page and "Berita Terkait" in page and 'rel="tag"' in page
    amp = text_of(article["url"] + "?amp=1")
    assert f'<link rel="canonical" href="{article["url"]}">' in amp
    wordpress = next(o for o in truth["outlets"] if o["key"] == "kabarmahakam")
    related = [a for a in wordpress["articles"] if any(m["zone"] == "related" for m in a["mentions"])]
    assert related and re.search(r"(BACA JUGA|Baca juga|Baca Juga):</strong> <a", text_of(related[0]["url"]))


def test_demo_site_national_multipage_story_joins_with_page_all(truth: dict) -> None:
    outlet = next(o for o in truth["outlets"] if o["key"] == "gemanusantara")
    stories = [article for article in outlet["articles"] if article["pages"] > 1]
    assert stories
    for article in stories[:5]:
        pages = [html.unescape(text_of(url)) for url in article["page_urls"]]
        assert "Halaman 2" in pages[0] and "Selanjutnya" in pages[0]
        assert f'<link rel="canonical" href="{article["url"]}">' in text_of(article["page_urls"][1])
        joined = html.unescape(text_of(article["all_pages_url"]))
        body = lambda page: re.findall(r"<p>(.*?)</p>", page)  # noqa: E731
        assert body(joined) == [p for page in pages for p in body(page)]
        assert "Scroll untuk membaca artikel" in joined
    assert fetch(stories[0]["url"] + "?page=9")[0] == 404


def test_demo_site_national_advertorials_are_marked(truth: dict) -> None:
    outlet = next(o for o in truth["outlets"] if o["key"] == "gemanusantara")
    adverts = [article for article in outlet["articles"] if article["is_advertorial"]]
    assert adverts
    for article in adverts:
        page = html.unescape(text_of(article.get("all_pages_url", article["url"])))
        assert "ADVERTORIAL" in page
        assert re.search(r"\(Humas [^)]+/adv/[a-z]+\)", page)
        assert any(m["zone"] == "byline" for m in article["mentions"])
    assert any(article["url"] in text_of(outlet["home_url"] + "adv/") for article in adverts)
    assert "KOMINFONEWS" in text_of(outlet["home_url"])


# ------------------------------------------------------------------------------------------------ determinism


def _rendered(site: DemoSite) -> dict[str, bytes]:
    pages = {}
    for outlet in site.outlets:
        outlet.index_paths()
        for path in list(outlet.by_path)[:: 5] + ["/robots.txt"]:
            pages[f"{outlet.key}{path}"] = outlet.handle(path).payload
    return pages


def test_demo_site_generation_is_deterministic() -> None:
    first = DemoSite(seed=7, today=DEMO_TODAY, include_faulty=True)
    second = DemoSite(seed=7, today=DEMO_TODAY, include_faulty=True)
    assert first.truth() == second.truth()
    assert _rendered(first) == _rendered(second)
    assert DemoSite(seed=8, today=DEMO_TODAY).truth() != first.truth()


def test_demo_site_scale_and_end_date_are_configurable() -> None:
    site = DemoSite(per_day=3, days=10, end_date="2024-10-25", archive=False)
    articles = [article for outlet in site.truth()["outlets"] for article in outlet["articles"]]
    planted = sum(story.topic == "alert-demo" for outlet in site.outlets for story in outlet.stories)
    assert planted == 10  # crawler/demo/alerts.py: 6 spike stories, 3 about BRIDA Kaltim, 1 baseline (10 days)
    # the press office's releases and their pickups come on top (crawler.demo.pressoffice)
    tone_stories = 3 * len(TONE_TOPICS)  # each outlet's planted tone stories (crawler.demo.topics.TONE_TOPICS)
    assert len([article for article in articles if "pickup" not in article]) == 3 * 10 * 3 + planted + tone_stories
    assert max(article["published_at"][:10] for article in articles) == "2024-10-25"
    ids = {m["entity_id"] for article in articles for m in article["mentions"]}
    assert {"kominfo", "komdigi"} & ids


def test_demo_site_audit_rejects_an_unplanted_agency_name(news_site: DemoSite) -> None:
    story = news_site.outlets[0].stories[0]
    book = AgencyBook.load()
    audit_story(story, book)
    broken = type(story)(**{**story.__dict__, "title": [Piece("Warga Temui DPRD Kaltim")]})
    with pytest.raises(AuditError):
        audit_story(broken, book)


def test_demo_site_toml_values_round_trip() -> None:
    import tomllib

    value = r"/read/\d{4}/[a-z0-9-]+$"
    assert tomllib.loads(f"x = {_toml_value(value)}")["x"] == value
    listing = ["a", 'b"c']
    assert tomllib.loads(f"x = {_toml_value(listing)}")["x"] == listing


# ------------------------------------------------------------------------------------------------ faults


def test_demo_site_faulty_outlet_faults_behave(faulty_news_site: DemoSite) -> None:
    outlet = next(o for o in faulty_news_site.truth()["outlets"] if o["key"] == "kabarrapuh")
    kinds = collections.Counter(fault["kind"] for fault in outlet["faults"])
    assert kinds == {"http-500": 2, "hang": 1, "truncated": 1, "redirect-offsite": 1, "malformed-feed": 1}
    for fault in outlet["faults"]:
        if fault["kind"] == "http-500":
            assert fetch(fault["url"])[0] == 500
        elif fault["kind"] == "redirect-offsite":
            status, headers, _ = fetch(fault["url"])
            assert status == 302
            assert urlsplit(headers["Location"]).netloc != urlsplit(fault["url"]).netloc
        elif fault["kind"] == "truncated":
            status, _, body = fetch(fault["url"])
            assert status == 200 and b"</html>" not in body
            with pytest.raises(UnicodeDecodeError):
                body.decode("utf-8")
        elif fault["kind"] == "malformed-feed":
            with pytest.raises(ET.ParseError):
                ET.fromstring(fetch(fault["url"])[2])
        elif fault["kind"] == "hang":
            assert fault["delay_seconds"] > 1
            with pytest.raises((TimeoutError, socket.timeout, urllib.error.URLError)):
                fetch(fault["url"], timeout=1)
    for article in outlet["articles"]:
        assert fetch(article["url"])[0] == 200


def test_demo_site_stops_even_with_a_request_hanging() -> None:
    site = DemoSite(include_faulty=True, hang_seconds=60, per_day=0.2, days=5).start()
    faulty = site.outlet("kabarrapuh")
    hang = next(f["url"] for f in faulty.faults() if f["kind"] == "hang")
    with pytest.raises((TimeoutError, socket.timeout, urllib.error.URLError)):
        fetch(hang, timeout=0.5)
    started = dt.datetime.now()
    site.stop()
    assert (dt.datetime.now() - started).total_seconds() < 5


# ------------------------------------------------------------------------------------------------ command line


def test_demo_site_module_serve_prints_outlet_urls() -> None:
    process = subprocess.Popen([sys.executable, "-m", "crawler.demo", "serve", "--per-day", "0.3"],
                               stdout=subprocess.PIPE, text=True)
    try:
        lines = [process.stdout.readline().split() for _ in range(4)]
        assert [key for key, _ in lines] == ["kabarmahakam", "diksinusa", "gemanusantara", "humaskaltim"]
        for _, url in lines:
            assert "Sitemap:" in text_of(url + "robots.txt")
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_demo_site_module_truth_is_json() -> None:
    result = subprocess.run([sys.executable, "-m", "crawler.demo", "truth", "--per-day", "0.2"],
                            capture_output=True, text=True, timeout=60, check=True)
    document = json.loads(result.stdout)
    assert [outlet["key"] for outlet in document["outlets"]] == ["kabarmahakam", "diksinusa", "gemanusantara",
                                                               "humaskaltim"]


def test_demo_cli_help_ends_with_an_example() -> None:
    from click.testing import CliRunner

    from crawler.cli import cli, commands  # noqa: F401  (registers the command modules)

    runner = CliRunner()
    for args in (["demo", "--help"], ["demo", "serve", "--help"]):
        output = runner.invoke(cli, args).output
        assert "Example: pantau demo serve" in output


def test_every_story_has_its_own_url_even_at_benchmark_volumes():
    site = DemoSite(per_day=8)  # bench/crawl.py's volumes repeat headlines on one day
    urls = [article["url"] for outlet in site.truth()["outlets"] for article in outlet["articles"]]
    assert len(urls) == len(set(urls)) > 1000
