"""pantau search, export and db grant-readonly against the shared demo crawl, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import uuid

import pytest
import sqlalchemy as sa

from storage.search import SearchQueryError, fts5_query, parse_query, search_articles
from tests.cli_runner import run_pantau
from tests.demo_counts import read_facts

pytestmark = pytest.mark.slow


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", (text or "").lower())


def _contains(article_text: str, phrase: str) -> bool:
    words, wanted = _words(article_text), _words(phrase)
    return any(words[i:i + len(wanted)] == wanted for i in range(len(words) - len(wanted) + 1))


@pytest.mark.parametrize("query, must, must_not", [
    ("diskominfo", ["diskominfo"], []),
    ('"dinas kesehatan"', ["dinas kesehatan"], []),
    ("samarinda -dprd", ["samarinda"], ["dprd"]),
])
def test_search_finds_exactly_the_articles_containing_the_words(crawled_demo, query, must, must_not):
    with crawled_demo.engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT id, title, text FROM article")).all()
    expected = {row.id for row in rows
                if all(_contains(f"{row.title}\n{row.text}", w) for w in must)
                and not any(_contains(f"{row.title}\n{row.text}", w) for w in must_not)}
    result = search_articles(crawled_demo.engine, query, limit=10_000)
    assert result.total == len(expected) > 0
    assert {hit.article_id for hit in result.hits} == expected


def test_search_or_since_and_source(crawled_demo):
    either = search_articles(crawled_demo.engine, "banjir OR longsor", limit=10_000)
    banjir = search_articles(crawled_demo.engine, "banjir", limit=10_000)
    longsor = search_articles(crawled_demo.engine, "longsor", limit=10_000)
    assert {h.article_id for h in either.hits} == {h.article_id for h in banjir.hits} | {h.article_id for h in longsor.hits}
    narrowed = search_articles(crawled_demo.engine, "kaltim", since=dt.date(2026, 11, 1), source_key="diksinusa")
    assert narrowed.hits and all(h.source_key == "diksinusa" and h.published_date >= "2026-11-01"
                                 for h in narrowed.hits)


def test_search_query_mistakes_are_one_line():
    for query, message in [("", "empty"), ("-jakarta", "exclusions alone"), ("a OR", "OR"), ('"open', "quote")]:
        with pytest.raises(SearchQueryError, match=message):
            parse_query(query)
    assert fts5_query(parse_query('a "b c" OR d -e')) == '((("a") AND ("b c" OR "d")) NOT "e")'


def test_search_index_follows_inserts_updates_and_deletes(database_engine):
    from storage import sync_config
    from crawler.config import SourceConfig

    sync_config(database_engine, [SourceConfig(key="uji", name="Uji", home_url="https://uji.example/")], [])
    with database_engine.begin() as connection:
        source_id = connection.execute(sa.text("SELECT id FROM source WHERE key = 'uji'")).scalar_one()
        now = dt.datetime(2026, 10, 1, tzinfo=dt.timezone.utc)
        connection.execute(sa.text(
            "INSERT INTO article (source_id, canonical_url, url, title, authors, editors, fetched_at, first_seen_at, "
            "text_hash, text, word_count, tags, captions, related, is_advertorial, pages, published_at) VALUES "
            "(:s, 'https://uji.example/1', 'https://uji.example/1', 'Banjir di Samarinda', '[]', '[]', :now, :now, "
            "'x', 'Air naik setinggi lutut.', 4, '[]', '[]', '[]', false, 1, :now)"), {"s": source_id, "now": now})
    assert search_articles(database_engine, "banjir").total == 1
    with database_engine.begin() as connection:
        connection.execute(sa.text("UPDATE article SET title = 'Longsor di Balikpapan' WHERE canonical_url = 'https://uji.example/1'"))
    assert search_articles(database_engine, "banjir").total == 0
    assert search_articles(database_engine, "longsor balikpapan").total == 1
    with database_engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM article"))
    assert search_articles(database_engine, "longsor").total == 0


def test_export_counts_match_base_tables_in_every_format(crawled_demo, tmp_path):
    facts = read_facts(crawled_demo.engine)
    since, until = dt.date(2026, 10, 1), dt.date(2026, 10, 31)
    in_period = {a for a, article in facts.articles.items() if since <= article["local_date"] <= until}
    expected = {"mentions": sum(m["article_id"] in in_period for m in facts.mentions),
                "articles": len(in_period), "quotes": sum(q["article_id"] in in_period for q in facts.quotes)}
    args = ("--since", "2026-10-01", "--until", "2026-10-31")
    for kind, count in expected.items():
        result = run_pantau("export", kind, *args, database_url=crawled_demo.url)
        assert result.returncode == 0, result.stderr
        assert len(list(csv.DictReader(io.StringIO(result.stdout)))) == count > 0
        jsonl = run_pantau("export", kind, *args, "--format", "jsonl", database_url=crawled_demo.url)
        records = [json.loads(line) for line in jsonl.stdout.splitlines()]
        assert len(records) == count
        assert all(since.isoformat() <= r["published_date"] <= until.isoformat() for r in records)
    pq = pytest.importorskip("pyarrow.parquet")
    target = tmp_path / "mentions.parquet"
    result = run_pantau("export", "mentions", *args, "--format", "parquet", "-o", str(target),
                        database_url=crawled_demo.url)
    assert result.returncode == 0, result.stderr
    table = pq.read_table(target)
    assert table.num_rows == expected["mentions"]
    assert sum(table.column("counted").to_pylist()) == sum(
        m["article_id"] in in_period and m["zone"] in ("title", "lead", "body", "quote") for m in facts.mentions)
    bad = run_pantau("export", "mentions", "--format", "parquet", database_url=crawled_demo.url)
    assert bad.returncode != 0 and "--output" in bad.stderr


def test_cli_reports_and_search_run(crawled_demo, tmp_path):
    config = crawled_demo.config_dir
    for args in (["report", "partners", "--month", "2026-10", "--format", "csv"],
                 ["report", "daily", "--date", "2026-10-26", "--format", "html", "-o", str(tmp_path / "d.html")],
                 ["report", "weekly", "--week", "2026-W44", "--format", "html", "-o", str(tmp_path / "w.html")],
                 ["search", "diskominfo kaltim", "--csv"]):
        result = run_pantau(*args, database_url=crawled_demo.url, config_dir=config)
        assert result.returncode == 0, (args, result.stderr)
    bad = run_pantau("report", "partners", "--month", "oktober", database_url=crawled_demo.url, config_dir=config)
    assert bad.returncode == 2 and "YYYY-MM" in bad.stderr and "Traceback" not in bad.stderr


@pytest.mark.postgres
def test_grant_readonly_role_reads_but_cannot_write(postgres_url, postgres_admin_engine):
    role = f"analis_{uuid.uuid4().hex[:8]}"
    result = run_pantau("db", "grant-readonly", role, "--password-env", "ANALYST_PW", database_url=postgres_url,
                        env={"ANALYST_PW": "rahasia"})
    assert result.returncode == 0, result.stderr
    again = run_pantau("db", "grant-readonly", role, database_url=postgres_url)
    assert again.returncode == 0, again.stderr
    url = sa.engine.make_url(postgres_url).set(username=role, password="rahasia")
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            assert connection.execute(sa.text("SELECT count(*) FROM v_article_entity")).scalar_one() == 0
            with pytest.raises(sa.exc.DBAPIError):
                connection.execute(sa.text("DELETE FROM article"))
    finally:
        engine.dispose()
        admin_db = sa.create_engine(sa.engine.make_url(postgres_url), isolation_level="AUTOCOMMIT",
                                    poolclass=sa.pool.NullPool)
        with admin_db.connect() as connection:
            connection.exec_driver_sql(f'DROP OWNED BY "{role}"')
        admin_db.dispose()
        with postgres_admin_engine.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{sa.engine.make_url(postgres_url).database}" WITH (FORCE)')
            connection.exec_driver_sql(f'DROP ROLE IF EXISTS "{role}"')


def test_grant_readonly_on_sqlite_explains(sqlite_url):
    result = run_pantau("db", "grant-readonly", "analyst", database_url=sqlite_url)
    assert result.returncode == 1 and "no roles" in result.stderr
