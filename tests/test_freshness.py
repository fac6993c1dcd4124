"""Freshness: the pure planning rules (crawler.freshness), the demo site's validators, 304s, clock and REST API
over real loopback HTTP, the "not an edit" rule on extracted text, the refetch config, and the REST fallback in
a real crawl."""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request

import pytest

from crawler.config import ConfigError, parse_sources_toml
from crawler.demo import DemoSite
from crawler.extract import extract_article
from crawler.freshness import (
    KnownUrl, conditional_headers, diff_summary, next_due, parse_duration, parse_lastmod, parse_schedule, plan_fetch,
)
from crawler.urls import canonical_url
from tests.fixtures.news_site import DEMO_TODAY, write_demo_config

UTC = dt.timezone.utc
T0 = dt.datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
SCHEDULE = parse_schedule(["1h", "6h", "24h", "72h"])


def test_durations_and_schedules_are_validated():
    assert parse_duration("90m") == dt.timedelta(minutes=90) and parse_duration("3d") == dt.timedelta(days=3)
    for bad in ("6", "0h", "h", "1y", "-1h"):
        with pytest.raises(ValueError, match="is not a duration"):
            parse_duration(bad)
    with pytest.raises(ValueError, match="must increase"):
        parse_schedule(["6h", "1h"])
    assert parse_schedule([]) == ()


def test_refetch_config_errors_name_the_file_line_and_field():
    toml = '[[sources]]\nkey = "x"\nname = "X"\nhome_url = "https://x.test/"\nrefetch = ["1h", "soon"]\n'
    with pytest.raises(ConfigError) as error:
        parse_sources_toml(toml, "sources/x.toml")
    assert str(error.value).startswith("sources/x.toml:5: entry 'x': field 'refetch'")
    assert "'soon' is not a duration" in str(error.value)
    source = parse_sources_toml(toml.replace('"soon"', '"6h"'), "x.toml")[0]
    assert source.refetch_schedule == (dt.timedelta(hours=1), dt.timedelta(hours=6))
    assert source.wordpress_api == "auto"


def test_next_due_walks_the_schedule_from_publication():
    assert next_due(T0, None, T0 + dt.timedelta(minutes=30), SCHEDULE) == T0 + dt.timedelta(hours=1)
    assert next_due(T0, None, T0 + dt.timedelta(hours=7), SCHEDULE) == T0 + dt.timedelta(hours=24)
    assert next_due(T0, None, T0 + dt.timedelta(hours=73), SCHEDULE) is None, "old stories are not re-fetched"
    assert next_due(None, T0, T0, SCHEDULE) == T0 + dt.timedelta(hours=1), "no publication time: from first sight"
    assert next_due(T0, None, T0, ()) is None


def test_plan_fetch_new_modified_due_and_skip():
    known = KnownUrl("https://x.test/a", "https://x.test/a", lastmod_seen=T0, last_fetched_at=T0,
                     next_due_at=T0 + dt.timedelta(hours=6))
    now = T0 + dt.timedelta(hours=1)
    assert plan_fetch(None, None, now) == "new"
    assert plan_fetch(known, None, now) == "skip"
    assert plan_fetch(known, T0, now) == "skip", "the same lastmod again is no change"
    assert plan_fetch(known, T0 + dt.timedelta(minutes=5), now) == "modified"
    assert plan_fetch(known, None, T0 + dt.timedelta(hours=6)) == "due"
    removed = KnownUrl(known.canonical_url, known.url, lastmod_seen=T0, next_due_at=T0,
                       removed_at=T0 + dt.timedelta(hours=2))
    assert plan_fetch(removed, None, T0 + dt.timedelta(days=9)) == "skip", "a removed story is not polled"
    assert plan_fetch(removed, T0 + dt.timedelta(days=1), T0 + dt.timedelta(days=2)) == "modified"
    without_lastmod = KnownUrl(known.canonical_url, known.url, last_fetched_at=T0)
    assert plan_fetch(without_lastmod, T0 - dt.timedelta(days=1), now) == "skip"


def test_conditional_headers_send_back_what_the_server_gave():
    assert conditional_headers(None) == {}
    known = KnownUrl("u", "u", etag='"abc"', last_modified="Fri, 20 Nov 2026 02:00:00 GMT")
    assert conditional_headers(known) == {"If-None-Match": '"abc"',
                                          "If-Modified-Since": "Fri, 20 Nov 2026 02:00:00 GMT"}


def test_parse_lastmod_reads_sitemap_atom_and_rest_forms():
    assert parse_lastmod("2026-11-20T10:00:00+08:00") == dt.datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    assert parse_lastmod("2026-11-20T02:00:00Z") == dt.datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    assert parse_lastmod("2026-11-20T02:00:00") == dt.datetime(2026, 11, 20, 2, 0, tzinfo=UTC), "REST *_gmt"
    assert parse_lastmod("2026-11-20") == dt.datetime(2026, 11, 20, tzinfo=UTC)
    assert parse_lastmod("kemarin") is None and parse_lastmod(None) is None


def test_diff_summary_counts_paragraphs():
    assert diff_summary("A", "x\ny\nz", "B", "x\nY\nz\nw") == "title changed; 1 paragraph changed, 1 added"
    assert diff_summary("A", "x\ny", "A", "x") == "1 paragraph removed"
    assert diff_summary("A", "x y", "A", "x  y") == "1 paragraph changed"


# ------------------------------------------------------------------------------------------- the demo site


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def clock_site():
    with DemoSite(days=15, today=DEMO_TODAY) as site:
        yield site
        site.set_epoch(0)


def test_demo_pages_carry_validators_and_answer_304(clock_site):
    wordpress, customcms, national = (clock_site.outlet(key) for key in ("kabarmahakam", "diksinusa",
                                                                          "gemanusantara"))
    url = wordpress.article_url(wordpress.stories[3])
    status, headers, _ = fetch(url)
    assert status == 200 and headers["ETag"].startswith('"') and "GMT" in headers["Last-Modified"]
    assert fetch(url, {"If-None-Match": headers["ETag"]})[:1] == (304,)
    assert fetch(url, {"If-None-Match": '"other"', "If-Modified-Since": headers["Last-Modified"]})[0] == 200, \
        "If-None-Match decides when both are sent"
    cms_url = customcms.article_url(customcms.stories[3])
    status, headers, _ = fetch(cms_url)
    assert "ETag" not in headers and fetch(cms_url, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    before = (dt.datetime.strptime(headers["Last-Modified"], "%a, %d %b %Y %H:%M:%S GMT")
              - dt.timedelta(seconds=1)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert fetch(cms_url, {"If-Modified-Since": before})[0] == 200
    status, headers, _ = fetch(national.article_url(national.stories[3]))
    assert status == 200 and "ETag" not in headers and "Last-Modified" not in headers


def test_demo_clock_edits_removes_and_adds_and_epoch_zero_is_unchanged(clock_site):
    wordpress = clock_site.outlets[0]
    pages_before = {path: wordpress.handle(path).payload for path in list(wordpress.by_path)[:5] + ["/feed/"]}
    clock_site.set_epoch(1)
    try:
        changes = clock_site.changes()
        assert {change["change"] for change in changes} == {"edited", "removed", "added"}
        for outlet in clock_site.outlets:
            kinds = sorted(change["change"] for change in changes if change["outlet"] == outlet.key)
            expected = (["added", "added", "edited"] if outlet.key == "humaskaltim"  # the press office: one edited
                        else ["added", "added", "edited", "edited", "removed"])  # release, none taken down
            assert kinds == expected, (outlet.key, kinds)
        removed = next(change for change in changes if change["change"] == "removed")
        assert fetch(removed["url"])[0] == 410
        added = next(change for change in changes if change["change"] == "added")
        status, _, body = fetch(added["url"])
        assert status == 200 and added["title"].encode() in body.replace(b"&quot;", b'"')
        headline = next(c for c in changes if c.get("edit") == "headline" and c["outlet"] == "kabarmahakam")
        assert headline["title"] != headline["previous_title"]
        assert clock_site.now() - clock_site.anchor == dt.timedelta(days=2)
    finally:
        clock_site.set_epoch(0)
    assert clock_site.changes() == []
    assert {path: wordpress.handle(path).payload for path in pages_before} == pages_before


def test_a_rotating_ad_and_the_header_date_are_not_an_edit(clock_site):
    """The same story at two epochs: other bytes (ad, header date, sidebar), the same extracted title and text."""
    customcms = clock_site.outlets[1]
    clock_site.set_epoch(1)
    try:
        changed = {change["url"] for change in clock_site.changes()}
    finally:
        clock_site.set_epoch(0)
    for outlet in (customcms, clock_site.outlets[0]):
        story = next(s for s in outlet.stories if outlet.article_url(s) not in changed)
        path = outlet.article_path(story)
        old = outlet.handle(path).payload.decode()
        clock_site.set_epoch(1)
        try:
            new = outlet.handle(path).payload.decode()
        finally:
            clock_site.set_epoch(0)
        assert old != new and "iklan-atas" in new and "iklan-atas" not in old
        url = outlet.article_url(story)
        before, after = extract_article(old, url), extract_article(new, url)
        assert (before.title, before.text) == (after.title, after.text)
        assert before.text_hash == after.text_hash


def test_wordpress_rest_api_pages_filters_and_fields(clock_site):
    wordpress = clock_site.outlets[0]
    endpoint = wordpress.absolute("/wp-json/wp/v2/posts")
    status, headers, body = fetch(f"{endpoint}?per_page=4&page=1&_fields=link,modified_gmt")
    posts = json.loads(body)
    assert status == 200 and len(posts) == 4 and set(posts[0]) == {"link", "modified_gmt"}
    assert int(headers["X-WP-Total"]) == len(wordpress.stories)
    assert int(headers["X-WP-TotalPages"]) == -(-len(wordpress.stories) // 4)
    assert fetch(f"{endpoint}?per_page=4&page=999")[0] == 400
    assert fetch(f"{endpoint}?per_page=101")[0] == 400
    newest = max(wordpress.stories, key=lambda s: s.published_at)
    status, _, body = fetch(f"{endpoint}?after={(newest.published_at - dt.timedelta(seconds=1)).isoformat()}"
                            .replace("+", "%2B"))
    assert [post["link"] for post in json.loads(body)] == [wordpress.article_url(newest)]


@pytest.mark.slow
def test_a_site_that_blocks_the_rest_api_is_crawled_through_its_sitemaps(tmp_path, sqlite_url):
    from tests.cli_runner import run_pantau
    from tests.test_crawl_e2e import stored_articles

    with DemoSite(days=6, today=DEMO_TODAY, wordpress_rest="blocked") as site:
        config = write_demo_config(site, tmp_path / "config")
        result = run_pantau("crawl", "kabarmahakam", "--no-progress", database_url=sqlite_url, config_dir=config)
        assert result.returncode == 0, result.stderr[-2000:]
        wordpress = site.outlets[0]
        assert any(path.startswith("/wp-json/wp/v2/posts") for path in wordpress.hits), "the API was asked first"
        assert wordpress.hits["/sitemap_index.xml"] == 1, "then the sitemaps"
    stored, runs = stored_articles(sqlite_url)
    assert set(stored) == {canonical_url(wordpress.article_url(s)) for s in wordpress.stories}
    assert runs[0]["errors"] == 0, "a blocked API is not a crawl error"
