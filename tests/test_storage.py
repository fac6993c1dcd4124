"""Storage on SQLite and PostgreSQL: config mirroring, crawl runs, and the idempotent, batched article writer."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

import storage
from crawler.article import Article, Mention, Quote
from crawler.config import EntityConfig, SourceConfig

WIB, WITA, WIT = ZoneInfo("Asia/Jakarta"), ZoneInfo("Asia/Makassar"), ZoneInfo("Asia/Jayapura")
FETCHED_AT = dt.datetime(2026, 10, 2, 1, 0, tzinfo=dt.timezone.utc)


def make_sources() -> list[SourceConfig]:
    return [
        SourceConfig(key="diksi", name="Diksi", home_url="https://diksi.co/", timezone="Asia/Makassar",
                     region="Kalimantan Timur"),
        SourceConfig(key="nasional", name="Kabar Nasional", home_url="https://nasional.example/",
                     scope="national"),
    ]


def make_entities() -> list[EntityConfig]:
    # The child comes before its parent on purpose: links are set after every row exists.
    return [
        EntityConfig(id="diskominfo-kaltim", name="Dinas Komunikasi dan Informatika Provinsi Kalimantan Timur",
                     acronym="Diskominfo Kaltim", aliases=["Dinas Kominfo Kaltim"], kind="dinas",
                     level="provinsi", region="Kalimantan Timur", parent="pemprov-kaltim"),
        EntityConfig(id="pemprov-kaltim", name="Pemerintah Provinsi Kalimantan Timur", acronym="Pemprov Kaltim",
                     kind="pemda", level="provinsi", region="Kalimantan Timur"),
        EntityConfig(id="kominfo", name="Kementerian Komunikasi dan Informatika", acronym="Kominfo",
                     kind="ministry", level="nasional", valid_to=dt.date(2024, 10, 20), successor="komdigi"),
        EntityConfig(id="komdigi", name="Kementerian Komunikasi dan Digital", acronym="Komdigi",
                     kind="ministry", level="nasional", valid_from=dt.date(2024, 10, 21)),
    ]


def make_article(number: int, text: str | None = None, published_at: dt.datetime | None = None,
                 source: str = "diksi") -> Article:
    return Article(
        url=f"https://{source}.example/berita/{number}?utm_source=fb",
        canonical_url=f"https://{source}.example/berita/{number}",
        title=f"Diskominfo Kaltim gelar pelatihan {number}",
        text=text if text is not None else f"SAMARINDA - Diskominfo Kaltim menggelar pelatihan ke-{number}. "
                                           "\"Kami siap,\" kata Kepala Diskominfo Kaltim, Muhammad Faisal.",
        authors=["Rina"], tags=["kaltim", "diskominfo"], captions=["Foto: Humas"],
        published_at=published_at or dt.datetime(2026, 10, 1, 9, 30, tzinfo=WITA),
        date_source="jsonld", language="id", section="Pemerintahan",
    )


def make_mentions(article: Article) -> list[Mention]:
    start = max(article.text.find("Diskominfo Kaltim"), 0)
    return [
        Mention("diskominfo-kaltim", "Diskominfo Kaltim", 0, 17, "title", "title"),
        Mention("diskominfo-kaltim", "Diskominfo Kaltim", start, start + 17, "text", "lead",
                snippet=article.text[:60]),
    ]


def make_quotes(article: Article) -> list[Quote]:
    start = max(article.text.find("\""), 0)
    return [Quote("Kami siap,", start + 1, start + 11, "Muhammad Faisal", "diskominfo-kaltim")]


def count(engine: sa.Engine, table: str) -> int:
    with engine.connect() as connection:
        return connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()


@pytest.fixture
def engine(database_engine: sa.Engine) -> sa.Engine:
    """A migrated database with the test sources and agencies synced."""
    storage.sync_config(database_engine, make_sources(), make_entities())
    return database_engine


def write(engine: sa.Engine, articles: list[Article], run_id: int | None = None,
          batch_size: int = 500) -> storage.ArticleWriter:
    with storage.ArticleWriter(engine, "diksi", run_id, batch_size=batch_size) as writer:
        for article in articles:
            writer.add(article, make_mentions(article), make_quotes(article), 200, FETCHED_AT)
    return writer


# ------------------------------------------------------------------------------------------------ config sync


def test_sync_config_mirrors_sources_entities_and_aliases(database_engine: sa.Engine) -> None:
    result = storage.sync_config(database_engine, make_sources(), make_entities())
    assert (result.sources_added, result.entities_added) == (2, 4)
    with database_engine.connect() as connection:
        source = connection.execute(sa.text("SELECT * FROM source WHERE key = 'diksi'")).mappings().one()
        assert source["timezone"] == "Asia/Makassar" and source["enabled"] and source["in_config"]
        config = source["config"]
        if isinstance(config, str):
            import json
            config = json.loads(config)
        assert config["allowed_domains"] == ["diksi.co"]
        entity = connection.execute(sa.text("SELECT * FROM entity WHERE id = 'diskominfo-kaltim'")).mappings().one()
        assert entity["parent_id"] == "pemprov-kaltim"
        kominfo = connection.execute(sa.text("SELECT successor_id, valid_to FROM entity WHERE id = 'kominfo'")).one()
        assert kominfo.successor_id == "komdigi"
        assert kominfo.valid_to == dt.date(2024, 10, 20) or str(kominfo.valid_to) == "2024-10-20"
        aliases = set(connection.execute(sa.text(
            "SELECT alias, origin FROM entity_alias WHERE entity_id = 'diskominfo-kaltim'")).all())
    assert aliases == {("Dinas Komunikasi dan Informatika Provinsi Kalimantan Timur", "explicit"),
                       ("Diskominfo Kaltim", "explicit"), ("Dinas Kominfo Kaltim", "explicit")}


def test_sync_config_twice_changes_nothing(database_engine: sa.Engine) -> None:
    storage.sync_config(database_engine, make_sources(), make_entities())
    with database_engine.connect() as connection:
        before = connection.execute(sa.text("SELECT key, updated_at FROM source ORDER BY key")).all()
    again = storage.sync_config(database_engine, make_sources(), make_entities())
    assert not again.changed
    with database_engine.connect() as connection:
        assert connection.execute(sa.text("SELECT key, updated_at FROM source ORDER BY key")).all() == before
    assert count(database_engine, "entity_alias") == 9


def test_sync_config_removed_source_is_disabled_not_deleted(engine: sa.Engine) -> None:
    write(engine, [make_article(1)])
    result = storage.sync_config(engine, make_sources()[1:], make_entities()[1:])
    assert (result.sources_removed, result.entities_removed) == (1, 1)
    with engine.connect() as connection:
        row = connection.execute(sa.text("SELECT enabled, in_config FROM source WHERE key = 'diksi'")).one()
        assert (bool(row.enabled), bool(row.in_config)) == (False, False)
        assert connection.execute(sa.text("SELECT in_config FROM entity WHERE id = 'diskominfo-kaltim'")).scalar()\
            in (False, 0)
    assert count(engine, "article") == 1 and count(engine, "mention") == 2
    # Putting it back brings it back.
    storage.sync_config(engine, make_sources(), make_entities())
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT enabled FROM source WHERE key = 'diksi'")).scalar() in (True, 1)


def test_sync_config_follows_alias_edits_and_keeps_derived(engine: sa.Engine) -> None:
    storage.sync_derived_aliases(engine, {"pemprov-kaltim": ["Pemprov Kalimantan Timur", "Pemprov Kaltim"]})
    entities = make_entities()
    entities[1] = entities[1].model_copy(update={"aliases": ["Pemerintah Provinsi Kaltim"]})
    entities[0] = entities[0].model_copy(update={"aliases": []})
    result = storage.sync_config(engine, make_sources(), entities)
    assert (result.aliases_added, result.aliases_removed) == (1, 1)
    with engine.connect() as connection:
        pemprov = dict(connection.execute(sa.text(
            "SELECT alias, origin FROM entity_alias WHERE entity_id = 'pemprov-kaltim'")).all())
    assert pemprov == {"Pemerintah Provinsi Kalimantan Timur": "explicit", "Pemprov Kaltim": "explicit",
                       "Pemerintah Provinsi Kaltim": "explicit", "Pemprov Kalimantan Timur": "derived"}


# ------------------------------------------------------------------------------------------------- crawl runs


def test_runs_lifecycle_and_recent_runs(engine: sa.Engine) -> None:
    first = storage.start_run(engine, "diksi", "scheduled", pid=4242)
    second = storage.start_run(engine, "nasional", "manual")
    running = storage.recent_runs(engine, 10)
    assert [run.id for run in running] == [second, first]
    assert running[0].status == "running" and running[0].pid == os.getpid()
    assert running[0].started_at.tzinfo is not None and running[0].finished_at is None

    storage.finish_run(engine, first, "succeeded",
                       storage.RunStats(pages=12, new_articles=10, updated_articles=1, mentions=30, errors=2))
    storage.finish_run(engine, second, "failed", {"pages": 1, "errors": 1}, error_summary="DNS lookup failed")
    done = {run.id: run for run in storage.recent_runs(engine, 10)}
    assert done[first].status == "succeeded"
    assert (done[first].pages, done[first].new_articles, done[first].mentions, done[first].errors) == (12, 10, 30, 2)
    assert done[first].duration is not None and done[first].duration >= dt.timedelta(0)
    assert done[second].error_summary == "DNS lookup failed" and done[second].trigger == "manual"
    assert [run.id for run in storage.recent_runs(engine, 1)] == [second]
    assert [run.id for run in storage.recent_runs(engine, 10, source_key="diksi")] == [first]


def test_runs_bad_input_raises(engine: sa.Engine) -> None:
    with pytest.raises(storage.UnknownSourceError, match="unknown source 'nope'"):
        storage.start_run(engine, "nope", "manual")
    with pytest.raises(ValueError):
        storage.start_run(engine, "diksi", "cron")  # type: ignore[arg-type]
    run_id = storage.start_run(engine, "diksi", "manual")
    with pytest.raises(ValueError):
        storage.finish_run(engine, run_id, "running")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown run counts"):
        storage.finish_run(engine, run_id, "succeeded", {"articles": 3})
    with pytest.raises(storage.StorageError, match="does not exist"):
        storage.finish_run(engine, run_id + 100, "succeeded")


def test_orphaned_runs_are_marked_interrupted(engine: sa.Engine) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    orphan = storage.start_run(engine, "diksi", "scheduled", pid=dead.pid)
    alive = storage.start_run(engine, "nasional", "manual")  # this very process
    elsewhere = storage.start_run(engine, "diksi", "scheduled", pid=1)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE crawl_run SET hostname = 'worker-2' WHERE id = :id"), {"id": elsewhere})

    assert storage.mark_orphaned_runs_interrupted(engine) == [orphan]
    runs = {run.id: run for run in storage.recent_runs(engine, 10)}
    assert runs[orphan].status == "interrupted" and runs[orphan].finished_at is not None
    assert runs[orphan].error_summary
    assert runs[alive].status == "running" and runs[elsewhere].status == "running"
    assert runs[alive].hostname == socket.gethostname()

    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=1)
    assert storage.mark_orphaned_runs_interrupted(engine, other_hosts_started_before=later) == [elsewhere]
    assert storage.mark_orphaned_runs_interrupted(engine) == []


def test_orphaned_run_with_reused_pid_is_interrupted(engine: sa.Engine) -> None:
    # A live pid whose process started after the run did is a reused pid: the run's own process is gone.
    run_id = storage.start_run(engine, "diksi", "scheduled", pid=os.getpid())
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE crawl_run SET started_at = :at WHERE id = :id"),
                           {"at": dt.datetime(2000, 1, 1), "id": run_id})
    assert storage.mark_orphaned_runs_interrupted(engine) == [run_id]


# ------------------------------------------------------------------------------------------------ the writer


def test_writer_inserts_articles_mentions_and_quotes(engine: sa.Engine) -> None:
    run_id = storage.start_run(engine, "diksi", "manual")
    writer = write(engine, [make_article(n) for n in range(5)], run_id)
    assert (writer.new_articles, writer.updated_articles, writer.new_mentions) == (5, 0, 10)
    assert (count(engine, "article"), count(engine, "mention"), count(engine, "quote")) == (5, 10, 5)
    with engine.connect() as connection:
        row = connection.execute(sa.text("SELECT * FROM article WHERE canonical_url = :u"),
                                 {"u": "https://diksi.example/berita/3"}).mappings().one()
        run = connection.execute(sa.text("SELECT new_articles, mentions FROM crawl_run")).one()
    assert row["url"].endswith("?utm_source=fb") and row["http_status"] == 200
    assert row["last_crawl_run_id"] == run_id and row["word_count"] == make_article(3).word_count
    assert row["text_hash"] == make_article(3).text_hash
    assert tuple(run) == (5, 10)  # the writer keeps the run's counts current while it works
    assert storage.known_canonical_urls(engine, "diksi") == {f"https://diksi.example/berita/{n}" for n in range(5)}
    assert storage.known_canonical_urls(engine, "nasional") == set()


def test_writer_second_write_of_same_articles_writes_nothing(engine: sa.Engine) -> None:
    articles = [make_article(n) for n in range(20)]
    write(engine, articles, batch_size=7)
    with engine.connect() as connection:
        before = connection.execute(sa.text("SELECT * FROM article ORDER BY id")).all()
    again = write(engine, articles, batch_size=7)
    assert (again.new_articles, again.updated_articles, again.new_mentions) == (0, 0, 0)
    assert again.unchanged_articles == 20
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT * FROM article ORDER BY id")).all() == before
    assert (count(engine, "article"), count(engine, "mention"), count(engine, "quote")) == (20, 40, 20)


def test_writer_changed_article_updates_row_and_replaces_mentions(engine: sa.Engine) -> None:
    original = make_article(1)
    write(engine, [original, make_article(2)])
    with engine.connect() as connection:
        first_id, first_seen = connection.execute(sa.text(
            "SELECT id, first_seen_at FROM article WHERE canonical_url = :u"), {"u": original.canonical_url}).one()
    changed = make_article(1, text="SAMARINDA - Pemprov Kaltim dan Diskominfo Kaltim meralat berita.")
    changed.title = "Ralat"
    mentions = [Mention("pemprov-kaltim", "Pemprov Kaltim", 12, 26, "text", "lead"),
                Mention("diskominfo-kaltim", "Diskominfo Kaltim", 31, 48, "text", "lead"),
                Mention("kominfo", "Kominfo", 35, 42, "text", "lead")]
    later = FETCHED_AT + dt.timedelta(days=1)
    with storage.ArticleWriter(engine, "diksi") as writer:
        writer.add(changed, mentions, [], 200, later)
    assert (writer.new_articles, writer.updated_articles, writer.new_mentions) == (0, 1, 3)
    with engine.connect() as connection:
        row = connection.execute(sa.text("SELECT * FROM article WHERE id = :id"), {"id": first_id}).mappings().one()
        stored = connection.execute(sa.text(
            "SELECT entity_id FROM mention WHERE article_id = :id ORDER BY start_offset"), {"id": first_id}).all()
        quotes = connection.execute(sa.text("SELECT count(*) FROM quote WHERE article_id = :id"),
                                    {"id": first_id}).scalar()
    assert row["title"] == "Ralat" and row["text_hash"] == changed.text_hash
    assert row["first_seen_at"] == first_seen
    assert [entity for (entity,) in stored] == ["pemprov-kaltim", "diskominfo-kaltim", "kominfo"]
    assert quotes == 0
    assert (count(engine, "article"), count(engine, "mention")) == (2, 5)


def test_writer_batches_by_size_and_close_flushes_the_rest(engine: sa.Engine) -> None:
    writer = storage.ArticleWriter(engine, "diksi", batch_size=4)
    for number in range(10):
        article = make_article(number)
        writer.add(article, make_mentions(article), [], 200, FETCHED_AT)
        assert writer.pending == (number + 1) % 4
    assert count(engine, "article") == 8 and writer.new_articles == 8
    writer.close()
    assert count(engine, "article") == 10 and writer.new_articles == 10 and writer.pending == 0


def test_writer_flushes_after_max_delay(engine: sa.Engine) -> None:
    writer = storage.ArticleWriter(engine, "diksi", batch_size=500, max_delay=0)
    writer.add(make_article(1), [], [], 200, FETCHED_AT)
    assert writer.pending == 0 and count(engine, "article") == 1


def test_writer_same_url_twice_in_one_batch_is_stored_once(engine: sa.Engine) -> None:
    with storage.ArticleWriter(engine, "diksi") as writer:
        writer.add(make_article(1), [], [], 200, FETCHED_AT)
        newer = make_article(1, text="versi baru")
        writer.add(newer, [], [], 200, FETCHED_AT)
    assert writer.new_articles == 1 and count(engine, "article") == 1
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT text FROM article")).scalar() == "versi baru"


@pytest.mark.parametrize("zone, offset", [(WIB, 420), (WITA, 480), (WIT, 540), (dt.timezone.utc, 0)])
def test_writer_published_at_round_trips_as_aware_utc_with_offset(engine: sa.Engine, zone: dt.tzinfo,
                                                                 offset: int) -> None:
    local = dt.datetime(2026, 10, 1, 7, 15, 30, tzinfo=zone)
    write(engine, [make_article(1, published_at=local)])
    with engine.connect() as connection:
        row = connection.execute(sa.select(storage.models.Article.published_at,
                                           storage.models.Article.published_utc_offset,
                                           storage.models.Article.fetched_at)).one()
    assert row.published_at == local and row.published_at.utcoffset() == dt.timedelta(0)
    assert row.published_at.tzinfo == dt.timezone.utc
    assert row.published_utc_offset == offset
    assert row.fetched_at == FETCHED_AT and row.fetched_at.tzinfo == dt.timezone.utc
    (stored,) = list(storage.stored_articles(engine))
    assert stored.article.published_at == local and stored.article.published_at.utcoffset() == local.utcoffset()


def test_writer_stores_utc_text_in_sqlite_for_analysts(sqlite_url: str) -> None:
    engine = storage.connect(sqlite_url)
    storage.sync_config(engine, make_sources(), make_entities())
    write(engine, [make_article(1, published_at=dt.datetime(2026, 10, 1, 7, 0, tzinfo=WITA))])
    with engine.connect() as connection:
        raw = connection.exec_driver_sql("SELECT published_at, date(published_at) FROM article").one()
    engine.dispose()
    assert raw[0].startswith("2026-09-30 23:00:00") and raw[1] == "2026-09-30"


@pytest.mark.parametrize("known", [True, False, None])
def test_writer_published_time_known_round_trips(engine: sa.Engine, known: bool | None) -> None:
    article = make_article(1)
    article.published_time_known = known
    write(engine, [article])
    (stored,) = list(storage.stored_articles(engine))
    assert stored.article.published_time_known is known
    with engine.connect() as connection:
        value = connection.execute(sa.text("SELECT published_time_known FROM article")).scalar()
        # The analysts' views carry it for every row of the article (migration 0006).
        in_views = {view: {row[0] for row in connection.execute(sa.text(f"SELECT published_time_known FROM {view}"))}
                    for view in ("v_article", "v_mention", "v_article_entity", "v_quote")}
    assert (None if value is None else bool(value)) is known
    assert in_views == {view: {value} for view in in_views}


def test_writer_naive_published_at_is_taken_in_the_source_time_zone(engine: sa.Engine) -> None:
    write(engine, [make_article(1, published_at=dt.datetime(2026, 10, 1, 8, 0))])
    (stored,) = list(storage.stored_articles(engine))
    assert stored.article.published_at == dt.datetime(2026, 10, 1, 8, 0, tzinfo=WITA)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT published_utc_offset FROM article")).scalar() == 480


def test_writer_keeps_good_articles_when_one_is_refused(engine: sa.Engine) -> None:
    bad = make_article(2)
    bad.pages = None  # type: ignore[assignment]  # NOT NULL: the database refuses this row
    nul = make_article(3, text="teks dengan \x00 karakter NUL")  # PostgreSQL text cannot hold NUL
    writer = write(engine, [make_article(1), bad, nul, make_article(4)])
    assert (writer.new_articles, writer.failed_articles) == (3, 1)
    assert storage.known_canonical_urls(engine, "diksi") == {make_article(n).canonical_url for n in (1, 3, 4)}
    assert count(engine, "mention") == 6
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT text FROM article WHERE canonical_url LIKE '%/3'")).scalar() \
            == "teks dengan  karakter NUL"


def test_writer_drops_mentions_of_unknown_agencies(engine: sa.Engine, caplog: pytest.LogCaptureFixture) -> None:
    article = make_article(1)
    with storage.ArticleWriter(engine, "diksi") as writer:
        writer.add(article, [*make_mentions(article), Mention("bpbd-nowhere", "BPBD", 0, 4, "text", "body")],
                   [Quote("x", 0, 1, "Someone", "bpbd-nowhere")], 200, FETCHED_AT)
    assert writer.new_mentions == 2
    assert "bpbd-nowhere" in caplog.text
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT entity_id FROM quote")).scalar() is None


def test_writer_unknown_source_is_a_clear_error(engine: sa.Engine) -> None:
    with pytest.raises(storage.UnknownSourceError, match="unknown source 'nope'"):
        storage.ArticleWriter(engine, "nope")


# ------------------------------------------------------------------------------------------------ re-matching


def test_stored_articles_pages_through_everything_and_filters(engine: sa.Engine) -> None:
    old = dt.datetime(2026, 9, 1, 10, 0, tzinfo=WITA)
    new = dt.datetime(2026, 10, 5, 10, 0, tzinfo=WITA)
    write(engine, [make_article(n, published_at=old if n < 3 else new) for n in range(7)])
    everything = list(storage.stored_articles(engine, batch_size=2))
    assert [s.article.canonical_url for s in everything] == [make_article(n).canonical_url for n in range(7)]
    assert everything[0].source_key == "diksi" and everything[0].article.tags == ["kaltim", "diskominfo"]
    assert len(list(storage.stored_articles(engine, since=dt.date(2026, 10, 1)))) == 4
    assert len(list(storage.stored_articles(engine, since=dt.datetime(2026, 9, 1, 2, 0, tzinfo=dt.timezone.utc)))) == 7
    assert list(storage.stored_articles(engine, source_key="nasional")) == []


def test_replace_mentions_swaps_one_articles_mentions(engine: sa.Engine) -> None:
    write(engine, [make_article(1), make_article(2)])
    first, second = list(storage.stored_articles(engine))
    stored = storage.replace_mentions(engine, first.id, [Mention("komdigi", "Komdigi", 0, 7, "text", "body")], None)
    assert stored == 1
    with engine.connect() as connection:
        by_article = dict(connection.execute(sa.text(
            "SELECT article_id, count(*) FROM mention GROUP BY article_id")).all())
    assert by_article == {first.id: 1, second.id: 2}
    assert count(engine, "quote") == 2  # quotes=None keeps them
    storage.replace_mentions(engine, first.id, [], [])
    assert count(engine, "mention") == 2 and count(engine, "quote") == 1
