"""Storage benchmark: articles per second written by ArticleWriter, batched against one commit per article.

Each case writes the same synthetic articles (about 3 KB of text, 3 mentions and a quote each) into a fresh,
migrated database, on SQLite (WAL, a file in a temporary folder) and on PostgreSQL when a server is given
(``--postgres-url`` or env PANTAU_TEST_POSTGRES_URL; a throwaway database is created and dropped). Ratios are
against the per-article baseline of the same database in the same run. "rewrite" writes every article again:
what a re-crawl costs when nothing changed. After the table, the rows each case left in its database (articles,
mentions, quotes: a rewrite must leave exactly what the first write stored).

    python bench/storage.py [--articles 5000] [--baseline-articles 1000] [--postgres-url URL]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

import storage  # noqa: E402
from crawler.article import Article, Mention, Quote  # noqa: E402
from crawler.config import EntityConfig, SourceConfig  # noqa: E402

WITA = ZoneInfo("Asia/Makassar")
WORDS = ("pemerintah provinsi kalimantan timur dinas komunikasi informatika samarinda balikpapan kegiatan "
         "masyarakat pembangunan anggaran daerah kepala bidang pelayanan publik rapat koordinasi program").split()
ENTITIES = [EntityConfig(id=f"opd-{n}", name=f"Dinas Contoh {n}", acronym=f"DC{n}", kind="dinas",
                         level="provinsi") for n in range(50)]
SOURCE = SourceConfig(key="bench", name="Bench News", home_url="https://bench.example/", timezone="Asia/Makassar")


def make_articles(count: int, seed: int = 7) -> list[tuple[Article, list[Mention], list[Quote]]]:
    rng = random.Random(seed)
    records = []
    for number in range(count):
        text = " ".join(rng.choice(WORDS) for _ in range(420))
        article = Article(
            url=f"https://bench.example/berita/{number}?utm_source=feed",
            canonical_url=f"https://bench.example/berita/{number}",
            title=f"Berita nomor {number} tentang pembangunan daerah",
            text=text, authors=["Penulis"], tags=["kaltim", "pembangunan"],
            published_at=dt.datetime(2026, 10, 1, 8, 0, tzinfo=WITA) + dt.timedelta(minutes=number),
            date_source="jsonld", language="id", section="Daerah",
        )
        mentions = [Mention(f"opd-{rng.randrange(50)}", "Dinas Contoh", start, start + 12, "text", "body",
                            snippet=text[start:start + 120]) for start in (10, 400, 1500)]
        quotes = [Quote(text[100:180], 100, 180, "Kepala Dinas", "opd-1")]
        records.append((article, mentions, quotes))
    return records


@contextmanager
def fresh_database(kind: str, postgres_url: str | None) -> Iterator[str]:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="pantau-bench-") as folder:
            yield f"sqlite:///{Path(folder) / 'bench.db'}"
        return
    admin = sa.create_engine(storage.db.parse_url(postgres_url), isolation_level="AUTOCOMMIT",
                             poolclass=sa.pool.NullPool)
    name = f"pantau_bench_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE template0')
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def write_all(engine: sa.Engine, records: list, batch_size: int) -> float:
    started = time.perf_counter()
    with storage.ArticleWriter(engine, "bench", batch_size=batch_size) as writer:
        for article, mentions, quotes in records:
            writer.add(article, mentions, quotes, 200)
    return time.perf_counter() - started


def stored_rows(engine: sa.Engine) -> tuple[int, int, int]:
    """(articles, mentions, quotes) in the database: what a case wrote, checked beside how fast it wrote it."""
    with engine.connect() as connection:
        return tuple(connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
                     for table in ("article", "mention", "quote"))


def bench_database(kind: str, postgres_url: str | None, articles: int, baseline_articles: int) -> list[tuple]:
    rows = []
    cases = [("per-article commit", 1, baseline_articles), ("batched, 500 a commit", 500, articles)]
    baseline_rate = None
    for label, batch_size, count in cases:
        records = make_articles(count)
        with fresh_database(kind, postgres_url) as url:
            engine = storage.connect(url)
            storage.sync_config(engine, [SOURCE], ENTITIES)
            seconds = write_all(engine, records, batch_size)
            rate = count / seconds
            baseline_rate = baseline_rate or rate
            rows.append((kind, label, count, seconds, rate, rate / baseline_rate, stored_rows(engine)))
            if batch_size > 1:
                seconds = write_all(engine, records, batch_size)
                rows.append((kind, "rewrite unchanged, batched", count, seconds, count / seconds,
                             count / seconds / baseline_rate, stored_rows(engine)))
            engine.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000, help="articles for the batched cases")
    parser.add_argument("--baseline-articles", type=int, default=1000, help="articles for the per-article case")
    parser.add_argument("--postgres-url", default=os.environ.get("PANTAU_TEST_POSTGRES_URL"),
                        help="a PostgreSQL server on which to create a throwaway database")
    options = parser.parse_args()
    results = bench_database("sqlite", None, options.articles, options.baseline_articles)
    if options.postgres_url:
        results += bench_database("postgresql", options.postgres_url, options.articles, options.baseline_articles)
    else:
        print("(no PostgreSQL: pass --postgres-url or set PANTAU_TEST_POSTGRES_URL)", file=sys.stderr)
    print(f"{'database':<11} {'case':<28} {'articles':>8} {'seconds':>8} {'articles/s':>11} {'vs per-article':>15}")
    for kind, label, count, seconds, rate, ratio, _ in results:
        print(f"{kind:<11} {label:<28} {count:>8} {seconds:>8.2f} {rate:>11,.0f} {ratio:>14.1f}x")
    print()
    print(f"{'database':<11} {'case':<28} {'stored: articles':>16} {'mentions':>9} {'quotes':>7}")
    for kind, label, _, _, _, _, (stored, mentions, quotes) in results:
        print(f"{kind:<11} {label:<28} {stored:>16} {mentions:>9} {quotes:>7}")


if __name__ == "__main__":
    main()
