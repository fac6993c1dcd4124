"""Every figure of every report against counts made from the base tables, on SQLite and PostgreSQL, over a
database filled by one real crawl of the demo site (tests/fixtures/demo_crawl.py)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import pytest
import sqlalchemy as sa

import storage
from crawler.partners import Month, load_partners
from crawler.reports import build_daily_report, build_partner_report, build_weekly_report
from crawler.reports.common import ReportError, parse_week
from tests.demo_counts import pieces, read_facts
from tests.test_storage import WITA, make_article, make_entities, make_sources, write

pytestmark = pytest.mark.slow

DEMO_FIRST_DAY, DEMO_LAST_DAY = dt.date(2026, 9, 21), dt.date(2026, 11, 20)


@pytest.fixture(scope="module")
def facts_cache():
    return {}


@pytest.fixture
def facts(crawled_demo, facts_cache):
    if crawled_demo.dialect not in facts_cache:
        facts_cache[crawled_demo.dialect] = read_facts(crawled_demo.engine)
    return facts_cache[crawled_demo.dialect]


def test_partner_report_counts_every_piece_and_quota(crawled_demo, facts):
    book = load_partners(crawled_demo.config_dir)
    month = Month.parse("2026-10")
    report = build_partner_report(crawled_demo.engine, book, month)
    found = pieces(facts, month.first_day, month.next_first_day)
    table = report.table("partners")
    columns = table.columns
    statuses = Counter()
    assert len(table.rows) == sum(len(p.agencies) for p in book.in_month(month))
    for row in table.rows:
        record = dict(zip(columns, row))
        partner = next(p for p in book.partners if p.outlet == record["outlet"] and p.contract == record["contract"])
        key = facts.lineage[record["agency_id"]]
        expected = sorted(article_id for (agency, article_id) in found if agency == key
                          and facts.articles[article_id]["source_key"] == record["outlet"]
                          and partner.period.start <= facts.day(article_id) <= partner.period.end)
        advertorial = sum(facts.articles[a]["is_advertorial"] for a in expected)
        assert (record["pieces"], record["advertorial"], record["news"]) == \
            (len(expected), advertorial, len(expected) - advertorial), record
        links = record["links"].split() if record["links"] else []
        assert sorted(links) == sorted(facts.articles[a]["canonical_url"] for a in expected)
        quota = next(a.quota for a in partner.agencies if a.agency == record["agency_id"])
        assert record["quota"] == quota
        statuses[record["status"]] += 1
    # The bundled contracts give the demo month every kind of outcome.
    assert set(statuses) == {"met", "short", "none", "not-crawled"}, statuses
    assert any(dict(zip(columns, row))["advertorial"] > 0 for row in table.rows)

    # A direct SQL count for one cell, as an analyst would write it.
    with crawled_demo.engine.connect() as connection:
        outlet_rows = [dict(zip(columns, row)) for row in table.rows if row[1] == "kabarmahakam"
                       and row[4] == "diskominfo-kaltim"]
        ids = [a for (agency, a) in found if agency == "diskominfo-kaltim"] or [-1]
        direct = connection.execute(sa.text(
            "SELECT count(DISTINCT a.id) FROM article a JOIN source s ON s.id = a.source_id "
            "JOIN mention m ON m.article_id = a.id WHERE s.key = 'kabarmahakam' "
            "AND m.entity_id = 'diskominfo-kaltim' AND m.zone IN ('title', 'lead', 'body', 'quote') "
            "AND a.id IN :ids").bindparams(sa.bindparam("ids", expanding=True)), {"ids": ids}).scalar_one()
    assert outlet_rows[0]["pieces"] == direct > 0

    html = report.render_html()
    assert html.count('class="assignment"') == len(table.rows)
    for result in report.context["results"]:
        assert f'data-outlet="{result.partner.outlet}"' in html


def test_partner_report_keeps_renamed_agencies_apart_on_request(crawled_demo, facts):
    book = load_partners(crawled_demo.config_dir)
    month = Month.parse("2026-10")
    joined = build_partner_report(crawled_demo.engine, book, month).table("partners")
    apart = build_partner_report(crawled_demo.engine, book, month, lineage=False).table("partners")
    found = pieces(facts, month.first_day, month.next_first_day, lineage=False)
    for row in apart.rows:
        expected = {a for (entity, a) in found if entity == row[4] and facts.articles[a]["source_key"] == row[1]}
        assert row[7] == len(expected)
    assert [row[7] for row in apart.rows] == [row[7] for row in joined.rows]  # no renamed body assigned in 2026


def test_daily_report_lists_each_days_articles_by_agency(crawled_demo, facts):
    book = load_partners(crawled_demo.config_dir)
    office = set(book.office.agencies)
    office_keys = {facts.lineage[agency] for agency in office}
    day, nonempty = DEMO_FIRST_DAY, 0
    while day <= DEMO_LAST_DAY:
        report = build_daily_report(crawled_demo.engine, day, office_agencies=book.office.agencies)
        rows = report.table("clippings").rows
        expected = {key: entry for key, entry in pieces(facts, day, day + dt.timedelta(days=1)).items()
                    if key[0] in office_keys}
        got = {}
        for row in rows:
            record = dict(zip(report.table("clippings").columns, row))
            article = next(a for a in facts.articles.values() if a["canonical_url"] == record["url"])
            got[(record["agency_id"], article["id"])] = {"mentions": record["mentions"], "top_zone": record["zone"]}
            assert record["outlet"] == article["source_key"] and record["title"] == article["title"]
            assert record["advertorial"] == article["is_advertorial"]
            assert dt.datetime.fromisoformat(record["published_at"]).date() == day
        assert got == {key: {"mentions": e["mentions"], "top_zone": e["top_zone"]} for key, e in expected.items()}
        assert report.context["article_count"] == len({a for (_, a) in expected})
        nonempty += bool(rows)
        day += dt.timedelta(days=1)
    assert nonempty >= 30, "the demo site gives most days something to clip"


def test_daily_report_agency_option_and_unknown_agency(crawled_demo, facts):
    report = build_daily_report(crawled_demo.engine, dt.date(2026, 10, 26), agencies=["diskominfo-kaltim"])
    assert {row[1] for row in report.table("clippings").rows} <= {"diskominfo-kaltim"}
    with pytest.raises(ReportError, match="unknown agency 'dinas-fiktif'"):
        build_daily_report(crawled_demo.engine, dt.date(2026, 10, 26), agencies=["dinas-fiktif"])


def test_weekly_report_figures_match_base_tables(crawled_demo, facts):
    book = load_partners(crawled_demo.config_dir)
    office_keys = {facts.lineage[agency] for agency in book.office.agencies}
    monday = parse_week("2026-09-21")
    checked_speakers = 0
    while monday <= DEMO_LAST_DAY:
        end = monday + dt.timedelta(days=7)
        report = build_weekly_report(crawled_demo.engine, monday, office_agencies=book.office.agencies)
        found = {key: entry for key, entry in pieces(facts, monday, end).items() if key[0] in office_keys}

        per_day: dict[str, Counter] = defaultdict(Counter)
        mentions: Counter = Counter()
        for (agency, article), entry in found.items():
            per_day[agency][facts.day(article)] += 1
            mentions[agency] += entry["mentions"]
        daily = report.table("daily")
        assert {row[0] for row in daily.rows} == set(per_day)
        for row in daily.rows:
            days = [monday + dt.timedelta(days=i) for i in range(7)]
            assert list(row[2:9]) == [per_day[row[0]][d] for d in days]
            assert row[9] == sum(per_day[row[0]].values()) and row[10] == mentions[row[0]]

        outlets: dict[str, set] = defaultdict(set)
        outlet_mentions: Counter = Counter()
        for (agency, article), entry in found.items():
            outlets[facts.articles[article]["source_key"]].add(article)
            outlet_mentions[facts.articles[article]["source_key"]] += entry["mentions"]
        for key, _name, articles, advertorial, outlet_total in report.table("outlets").rows:
            assert articles == len(outlets[key]) and outlet_total == outlet_mentions[key]
            assert advertorial == sum(facts.articles[a]["is_advertorial"] for a in outlets[key])

        voice: Counter = Counter()
        for mention in facts.counted_mentions():
            if monday <= facts.day(mention["article_id"]) < end:
                voice[mention["entity_id"]] += 1
        total = sum(voice.values())
        for entity_id, _name, _articles, count, share in report.table("share_of_voice").rows:
            if entity_id == "(lainnya)":
                continue
            assert count == voice[entity_id]
            assert share == pytest.approx(voice[entity_id] / total, abs=1e-4)

        quoted: Counter = Counter()
        for quote in facts.quotes:
            if quote["speaker"] and monday <= facts.day(quote["article_id"]) < end:
                quoted[(quote["speaker"], quote["entity_id"])] += 1
        speakers = report.table("speakers").rows
        for speaker, entity_id, _name, quotes, _articles, _outlets in speakers:
            assert quotes == quoted[(speaker, entity_id)]
            checked_speakers += 1
        if speakers:
            assert speakers[0][3] == max(quoted.values())
        assert len(report.charts) == 6 and all(chart.png.startswith(b"\x89PNG") for chart in report.charts)
        monday = end
    assert checked_speakers > 0


def test_views_agree_with_base_tables(crawled_demo, facts):
    with crawled_demo.engine.connect() as connection:
        daily = connection.execute(sa.text(
            "SELECT day, source_key, entity_id, articles, mentions, advertorial_articles FROM v_daily_mentions")).all()
        pairs = connection.execute(sa.text("SELECT count(*) FROM v_article_entity")).scalar_one()
        health = {row.source_key: row for row in connection.execute(sa.text("SELECT * FROM v_crawl_health"))}
        by_speaker = connection.execute(sa.text(
            "SELECT speaker, entity_id, quotes FROM v_quotes_by_speaker")).all()
    expected: dict[tuple, list] = defaultdict(lambda: [set(), 0, set()])
    for mention in facts.counted_mentions():
        article = facts.articles[mention["article_id"]]
        entry = expected[(article["local_date"].isoformat(), article["source_key"], mention["entity_id"])]
        entry[0].add(article["id"])
        entry[1] += 1
        if article["is_advertorial"]:
            entry[2].add(article["id"])
    got = {(str(row.day), row.source_key, row.entity_id): (row.articles, row.mentions, row.advertorial_articles)
           for row in daily}
    assert got == {key: (len(a), m, len(adv)) for key, (a, m, adv) in expected.items()}
    assert pairs == len({(m["article_id"], m["entity_id"]) for m in facts.counted_mentions()})
    for key, row in health.items():
        stored = [a for a in facts.articles.values() if a["source_key"] == key]
        assert row.articles == len(stored) and row.runs >= 1 and row.last_status == "succeeded"
        assert row.error_rate == 0 and row.articles_per_day > 0
    speakers = Counter((q["speaker"], q["entity_id"]) for q in facts.quotes if q["speaker"])
    assert {(row.speaker, row.entity_id): row.quotes for row in by_speaker} == dict(speakers)


def test_daily_report_shows_no_clock_time_for_a_story_dated_by_day_only(sqlite_url):
    # A page that gave only the day is stored at local midnight; the clipping must not print "00:00 WITA".
    engine = storage.connect(sqlite_url)
    storage.sync_config(engine, make_sources(), make_entities())
    timed, day_only = make_article(1), make_article(2, published_at=dt.datetime(2026, 10, 1, 0, 0, tzinfo=WITA))
    day_only.published_time_known = False
    timed.published_time_known = True
    write(engine, [timed, day_only])
    report = build_daily_report(engine, dt.date(2026, 10, 1), agencies=["diskominfo-kaltim"])
    engine.dispose()
    table = report.table("clippings")
    published = {row[table.columns.index("url")]: row[table.columns.index("published_at")] for row in table.rows}
    assert published == {timed.canonical_url: "2026-10-01T09:30:00+08:00", day_only.canonical_url: "2026-10-01"}
    html = report.render_html()
    assert "09:30 WITA" in html and "00:00 WITA" not in html and " · – · " in html
