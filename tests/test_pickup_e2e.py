"""Acceptance: a real crawl of the demo site, then the pickup report lists every planted release with every outlet
that ran it (and how: verbatim, edited, one paragraph; credited or not) and nothing else; independent stories of
the same event are in no release's cluster; a second crawl changes no cluster. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from crawler.partners import load_partners
from crawler.reports import build_pickup_report
from crawler.urls import canonical_url
from storage.clusters import cluster_snapshot
from tests.cli_runner import run_pantau
from tests.test_reports_browser import chromium  # noqa: F401  (the fixture)

pytestmark = pytest.mark.slow


def _release_ids(engine, truth) -> dict[str, int]:
    with engine.connect() as connection:
        ids = dict(connection.execute(sa.text("SELECT canonical_url, id FROM article")).all())
    return {release["key"]: ids[canonical_url(release["url"])] for release in truth["releases"]}


def test_pickup_report_matches_the_planted_releases(crawled_demo):
    truth = crawled_demo.truth
    assert len(truth["releases"]) >= 3 and any(not release["pickups"] for release in truth["releases"])
    start = min(dt.date.fromisoformat(release["published_at"][:10]) for release in truth["releases"])
    book = load_partners(crawled_demo.config_dir)
    report = build_pickup_report(crawled_demo.engine, since=start - dt.timedelta(days=1), book=book)
    ids = _release_ids(crawled_demo.engine, truth)
    news_outlets = {outlet["key"] for outlet in truth["outlets"] if outlet["kind"] != "press-office"}
    found = {(row[0], row[4], row[7]): row for row in report.table("pickup").rows}
    expected = {(ids[release["key"]], pickup["outlet"], canonical_url(pickup["url"])): pickup
                for release in truth["releases"] for pickup in release["pickups"]}
    assert set(found) == set(expected)  # every outlet that ran each release, and nothing else
    columns = report.table("pickup").columns
    for key, pickup in expected.items():
        row = dict(zip(columns, found[key]))
        assert (row["reuse"], row["credited"]) == (pickup["reuse"], pickup["credited"]), pickup["url"]
        assert row["delay_minutes"] > 0
        assert (row["release_share"] >= 0.9) == (pickup["reuse"] == "verbatim")
    silent = {(row[0], row[2]) for row in report.table("not_run").rows}
    assert silent == {(ids[release["key"]], outlet) for release in truth["releases"]
                      for outlet in news_outlets - {pickup["outlet"] for pickup in release["pickups"]}}
    assert {row[0] for row in report.table("pickup").rows} | {row[0] for row in report.table("not_run").rows} \
        == set(ids.values())


def test_independent_stories_are_not_in_the_release_cluster(crawled_demo):
    truth = crawled_demo.truth
    with crawled_demo.engine.connect() as connection:
        cluster_of = dict(connection.execute(sa.text(
            "SELECT a.canonical_url, c.cluster_id FROM story_cluster c JOIN article a ON a.id = c.article_id")).all())
        articles = connection.execute(sa.text("SELECT count(*) FROM article")).scalar_one()
    assert len(cluster_of) == articles  # every stored article belongs to a cluster
    for release in truth["releases"]:
        home = cluster_of[canonical_url(release["url"])]
        assert all(cluster_of[canonical_url(pickup["url"])] == home for pickup in release["pickups"])
        for story in release["independent"]:
            assert cluster_of[canonical_url(story["url"])] != home, story["url"]
    # planted stories are clustered with nothing but their own release's copies
    planted = {}
    for release in truth["releases"]:
        planted[canonical_url(release["url"])] = release["key"]
        for pickup in release["pickups"]:
            planted[canonical_url(pickup["url"])] = release["key"]
    for url, cluster in cluster_of.items():
        members_with = {planted.get(other) for other, c in cluster_of.items() if c == cluster}
        if url in planted:
            assert members_with == {planted[url]}, url


def test_second_demo_crawl_changes_no_cluster(news_site, demo_sources_dir, sqlite_url):
    first = run_pantau("crawl", "--no-progress", database_url=sqlite_url, config_dir=demo_sources_dir, timeout=600)
    assert first.returncode == 0, first.stderr[-2000:]
    engine = sa.create_engine(sqlite_url)
    before = cluster_snapshot(engine)
    with engine.connect() as connection:
        measured = connection.execute(sa.text(
            "SELECT article_id, release_article_id, reuse, credited FROM story_cluster ORDER BY article_id")).all()
        before_pickups = connection.execute(sa.text(
            "SELECT release_article_id, article_id FROM v_pickup ORDER BY 1, 2")).all()
    assert len(before_pickups) == sum(len(release["pickups"]) for release in news_site.truth()["releases"])
    second = run_pantau("crawl", "--no-progress", database_url=sqlite_url, config_dir=demo_sources_dir, timeout=600)
    assert second.returncode == 0, second.stderr[-2000:]
    assert before and cluster_snapshot(engine) == before
    with engine.connect() as connection:
        assert connection.execute(sa.text(
            "SELECT article_id, release_article_id, reuse, credited FROM story_cluster ORDER BY article_id")
        ).all() == measured
    rebuilt = run_pantau("clusters", "rebuild", database_url=sqlite_url, config_dir=demo_sources_dir)
    assert rebuilt.returncode == 0, rebuilt.stderr
    # Rebuilding assigns in publication order (a crawl in storage order), so cluster ids may differ; the release
    # clusters are the same sets of articles.
    with engine.connect() as connection:
        pickup_sets = "SELECT release_article_id, article_id FROM v_pickup ORDER BY 1, 2"
        assert connection.execute(sa.text(pickup_sets)).all() == before_pickups
    engine.dispose()


@pytest.mark.usefixtures("chromium")
def test_pickup_report_opens_in_chromium_without_errors(crawled_demo, tmp_path):
    from tests.test_reports_browser import open_report

    truth = crawled_demo.truth
    start = min(dt.date.fromisoformat(release["published_at"][:10]) for release in truth["releases"])
    report = build_pickup_report(crawled_demo.engine, since=start, book=load_partners(crawled_demo.config_dir))
    path = tmp_path / "pickup.html"
    page = report.render_html()
    path.write_text(page, encoding="utf-8")
    problems, charts = open_report(path, tmp_path / "chromium-profile")
    assert problems == [] and charts == []
    for label in ("Siaran pers", "Dimuat", "Tidak memuat", "Jeda", "Porsi rilis", "utuh", "disunting",
                  "satu paragraf", "Belum ada media yang memuat"):
        assert label in page, label
    assert page.count('class="pickup"') == sum(len(release["pickups"]) for release in truth["releases"])
