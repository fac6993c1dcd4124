"""Tone of coverage (crawler.tone): the scope rules on hand-made sentences, storage with the article and on
re-matching, ``pantau match`` output, and a real crawl of the demo site whose stored tone must equal the truth
record's (planted negative and positive stories included)."""

from __future__ import annotations

import datetime as dt
import json
import pickle

import pytest
import sqlalchemy as sa

import storage
from crawler.article import Article
from crawler.config import load_entities, load_sources
from crawler.mentions import Matcher
from crawler.tone import ToneScorer
from crawler.tone.lexicon import LexiconError, parse_lexicon
from crawler.urls import canonical_url
from storage.tone import ToneArticleWriter
from tests.cli_runner import run_pantau

WITA = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(scope="module")
def toolkit() -> tuple[Matcher, ToneScorer]:
    entities = load_entities()
    return Matcher(entities), ToneScorer(entities)


def tone_of(toolkit, text: str, title: str | None = None) -> dict[str, str]:
    matcher, scorer = toolkit
    article = Article(url="u", canonical_url="u", title=title, text=text)
    return {item.entity_id: item.tone for item in scorer.assess(article, matcher.find(article)).entities}


def test_tone_agency_as_target_not_as_actor(toolkit):
    assert tone_of(toolkit, "Polda Kaltim menangkap pejabat dinas yang diduga korupsi dana desa.") == {
        "polda-kaltim": "neutral"}
    assert tone_of(toolkit, "Warga mengkritik Diskominfo Kaltim karena laman resmi sering tidak bisa diakses.") == {
        "diskominfo-kaltim": "negative"}
    both = tone_of(toolkit, "DPRD Samarinda mengkritik Pemkot Samarinda yang dinilai lamban menangani banjir.")
    assert both == {"dprd-samarinda": "neutral", "pemkot-samarinda": "negative"}
    audited = tone_of(toolkit, "BPK menemukan kelebihan pembayaran pada sejumlah proyek di Pemkab Kutim.")
    assert audited == {"bpk": "neutral", "pemkab-kutim": "negative"}


def test_tone_negation_and_denial(toolkit):
    denied = tone_of(toolkit, "Pemprov Kaltim menegaskan proyek jalan itu tidak mangkrak.")
    assert denied["pemprov-kaltim"] == "neutral"
    negated_praise = tone_of(toolkit, "Disdikbud Kaltim tidak transparan dalam seleksi beasiswa.")
    assert negated_praise["disdikbud-kaltim"] == "negative"
    neglect = tone_of(toolkit, "Janji Pemkab Kukar memperbaiki jalan belum juga terealisasi.")
    assert neglect["pemkab-kukar"] == "negative"


def test_tone_praise_concession_and_addressee(toolkit):
    assert tone_of(toolkit, "Pemkab Kutim kembali meraih opini WTP dari auditor negara.")["pemkab-kutim"] == "positive"
    conceded = tone_of(toolkit, "Meski sempat dikritik lamban, Dinkes Kaltim kini meraih penghargaan nasional.")
    assert conceded["dinkes-kaltim"] == "positive"
    contrasted = tone_of(toolkit, "Dishub Kaltim meluncurkan aplikasi tiket. Namun, aplikasi itu dikeluhkan pengguna.")
    assert contrasted["dishub-kaltim"] == "negative"
    # residents complaining TO the council about roads: the council is the addressee, not the target
    assert tone_of(toolkit, "Warga mengeluhkan jalan rusak kepada anggota DPRD Kukar saat reses.") == {
        "dprd-kukar": "neutral"}


def test_tone_headline_counts_and_evidence_is_the_deciding_sentence(toolkit):
    matcher, scorer = toolkit
    article = Article(url="u", canonical_url="u", title="Warga Keluhkan Pelayanan Bapenda Kaltim",
                      text="Bapenda Kaltim membuka layanan pajak keliling di Samarinda.\nAntrean tetap panjang.")
    tone = scorer.assess(article, matcher.find(article))
    verdict = tone.of("bapenda-kaltim")
    assert verdict is not None and verdict.tone == "negative" and verdict.score < 0
    assert verdict.evidence == ("Warga Keluhkan Pelayanan Bapenda Kaltim",)
    by_field = {item.field: item.tone for item in tone.mentions}
    assert by_field == {"title": "negative", "text": "neutral"}
    assert pickle.loads(pickle.dumps(scorer)).assess(article, matcher.find(article)) == tone


def test_tone_lexicon_errors_name_the_entry():
    with pytest.raises(LexiconError, match="cues group 1: bad pattern"):
        parse_lexicon({"cues": [{"polarity": "negative", "role": "subject", "patterns": ["(unclosed"]}]})
    with pytest.raises(LexiconError, match="polarity must be"):
        parse_lexicon({"cues": [{"polarity": "bad", "role": "subject", "patterns": ["x"]}]})


def test_match_cli_prints_tone_per_agency(tmp_path):
    record = {"id": 7, "text": "Kinerja DPRD Kaltim dipertanyakan warga. Polda Kaltim mengamankan pelaku."}
    records = tmp_path / "records.jsonl"
    records.write_text(json.dumps(record) + "\n", encoding="utf-8")
    result = run_pantau("match", str(records))
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    tones = {item["entity_id"]: item for item in output["tone"]}
    assert tones["dprd-kaltim"]["tone"] == "negative"
    assert tones["dprd-kaltim"]["evidence"] == ["Kinerja DPRD Kaltim dipertanyakan warga."]
    assert tones["polda-kaltim"]["tone"] == "neutral" and tones["polda-kaltim"]["evidence"] == []


def stored_tone(engine) -> dict[tuple[str, str], str]:
    with engine.connect() as connection:
        rows = connection.execute(sa.text(
            "SELECT a.canonical_url, t.entity_id, t.tone FROM article_tone t JOIN article a ON a.id = t.article_id"))
        return {(url, entity_id): tone for url, entity_id, tone in rows}


def stored_pairs(engine) -> set[tuple[str, str]]:
    """(canonical URL, entity id) of every article and agency it counts, from v_article_entity."""
    with engine.connect() as connection:
        return {(url, entity_id) for url, entity_id in connection.execute(sa.text(
            "SELECT canonical_url, entity_id FROM v_article_entity"))}


def test_tone_written_with_the_article_replaced_on_rewrite_and_by_rematch(database_url):
    sources, entities = load_sources(), load_entities()
    engine = storage.connect(database_url)
    storage.sync_config(engine, sources, entities)
    matcher, scorer = Matcher(entities), ToneScorer(entities)
    source = next(s for s in sources if s.region)
    article = Article(url="https://x.example/1", canonical_url="https://x.example/1",
                      title="Proyek Jembatan Dinas PUPR Kaltim Mangkrak",
                      text="Proyek jembatan yang dikerjakan Dinas PUPR Kaltim mangkrak sejak dua tahun lalu.",
                      published_at=dt.datetime(2026, 11, 2, 9, 30, tzinfo=WITA))
    with ToneArticleWriter(engine, source.key) as writer:
        mentions = matcher.find(article)
        writer.add(article, mentions, tone=scorer.assess(article, mentions))
    assert stored_tone(engine) == {("https://x.example/1", "dispupr-kaltim"): "negative"}
    with engine.connect() as connection:
        per_mention = connection.execute(sa.text("SELECT field, tone FROM mention_tone ORDER BY field")).all()
        view = connection.execute(sa.text("SELECT tone, tone_evidence FROM v_article_entity")).one()
        daily = connection.execute(sa.text(
            "SELECT negative_articles, neutral_articles, positive_articles FROM v_daily_mentions")).one()
    assert [tuple(row) for row in per_mention] == [("text", "negative"), ("title", "negative")]
    assert view.tone == "negative" and "mangkrak" in view.tone_evidence
    assert tuple(daily) == (1, 0, 0)

    # the story is rewritten: the old tone goes with the old text
    rewritten = Article(url=article.url, canonical_url=article.canonical_url,
                        title="Dinas PUPR Kaltim Raih Penghargaan",
                        text="Dinas PUPR Kaltim meraih penghargaan pembangunan infrastruktur terbaik.",
                        published_at=article.published_at)
    with ToneArticleWriter(engine, source.key) as writer:
        mentions = matcher.find(rewritten)
        writer.add(rewritten, mentions, tone=scorer.assess(rewritten, mentions))
    assert stored_tone(engine) == {("https://x.example/1", "dispupr-kaltim"): "positive"}

    # rows lost (an article stored before tone existed): rematch scores them again
    with engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM article_tone"))
        connection.execute(sa.text("DELETE FROM mention_tone"))
    engine.dispose()
    result = run_pantau("rematch", database_url=database_url)
    assert result.returncode == 0, result.stderr
    assert "tone for 1 article-agency pairs" in result.stdout
    engine = storage.connect(database_url)
    assert stored_tone(engine) == {("https://x.example/1", "dispupr-kaltim"): "positive"}
    engine.dispose()


def test_crawled_demo_stored_tone_matches_the_truth_record(crawled_demo):
    truth = {(canonical_url(article["canonical_url"]), entity_id): tone
             for outlet in crawled_demo.truth["outlets"] for article in outlet["articles"]
             for entity_id, tone in article["tone"].items()}
    planted = {key: tone for key, tone in truth.items() if tone != "neutral"}
    assert sum(tone == "negative" for tone in planted.values()) >= 6
    assert sum(tone == "positive" for tone in planted.values()) >= 6
    stored = stored_tone(crawled_demo.engine)
    with crawled_demo.engine.connect() as connection:
        crawled = set(connection.execute(sa.text("SELECT canonical_url FROM article")).scalars())
    assert {url for url, _entity in planted} <= crawled  # the crawl config may cap older stories, never these
    expected = {key: tone for key, tone in truth.items() if key[0] in crawled}
    assert len(expected) >= 100
    assert {key: stored.get(key) for key in expected} == expected
    labelled = {url for url, _entity in truth}
    assert all(key in stored for key in stored_pairs(crawled_demo.engine) if key[0] in labelled)
    with crawled_demo.engine.connect() as connection:
        daily = connection.execute(sa.text(
            "SELECT sum(articles), sum(negative_articles), sum(neutral_articles), sum(positive_articles) "
            "FROM v_daily_mentions")).one()
        untoned = connection.execute(sa.text("SELECT count(*) FROM v_article_entity WHERE tone IS NULL")).scalar()
    assert untoned == 0
    assert daily[0] == daily[1] + daily[2] + daily[3]
    assert daily[1] == sum(tone == "negative" for tone in stored.values())


def test_reports_show_tone_share_and_negative_stories_first(crawled_demo):
    from crawler.reports import build_daily_report, build_weekly_report

    stored = stored_tone(crawled_demo.engine)
    negative_urls = {url for (url, _entity), tone in stored.items() if tone == "negative"}
    end = dt.date(2026, 11, 20)  # the planted stories' day (the demo's end date)
    daily = build_daily_report(crawled_demo.engine, end)
    clippings = daily.table("clippings")
    column = {name: index for index, name in enumerate(clippings.columns)}
    by_agency: dict[str, list[str]] = {}
    for row in clippings.rows:
        by_agency.setdefault(row[column["agency_id"]], []).append(row[column["tone"]])
    assert any(tones.count("negative") for tones in by_agency.values())
    for tones in by_agency.values():  # negative stories lead their agency's group
        assert tones == sorted(tones, key=lambda tone: {"negative": 0, "positive": 1, "neutral": 2}[tone])
    share = {row[0]: row for row in daily.table("tone").rows}
    for agency, tones in by_agency.items():
        assert share[agency][2:6] == (len(tones), tones.count("negative"), tones.count("neutral"),
                                      tones.count("positive"))
    html = daily.render_html()
    assert "Nada pemberitaan per instansi" in html and "Nada: negatif" in html and "Nada: positif" in html

    weekly = build_weekly_report(crawled_demo.engine, end)
    table = weekly.table("negative_stories")
    listed = {row[table.columns.index("url")] for row in table.rows}
    with crawled_demo.engine.connect() as connection:
        week_negative = set(connection.execute(sa.text(
            "SELECT DISTINCT canonical_url FROM v_article_entity WHERE tone = 'negative' "
            "AND published_date >= :monday AND published_date < :next"),
            {"monday": end - dt.timedelta(days=end.weekday()),
             "next": end + dt.timedelta(days=7 - end.weekday())}).scalars())
    assert listed == week_negative and listed <= negative_urls and listed
    assert [t.name for t in weekly.tables].index("negative_stories") < [t.name for t in weekly.tables].index("outlets")
    assert "Berita bernada negatif" in weekly.render_html()
