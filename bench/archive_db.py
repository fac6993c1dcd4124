"""A Pantau database at archive scale: N generated stored articles, written as a crawl would store them.

:func:`fill_archive` migrates the database (a SQLite file or a PostgreSQL URL), mirrors the sources and the
bundled dictionary, and adds ``count`` articles of realistic Indonesian news text (1-3 KB: a dateline, a lead,
quotes with speakers, real agency names from the dictionary written the ways journalists write them, a "Baca
juga" line, captions and tags), spread over several sources and over years of publication dates. Each article
goes through the real matcher, quote finder and tone scorer, so its ``mention``, ``quote``, ``article_tone`` and
``mention_tone`` rows are exactly what a crawl stores; ``fetch_state`` and one ``crawl_run`` per source are
written too. Generation and analysis run on every core, the rows go in with Core ``executemany`` inserts, one
transaction per chunk; ~100k articles take a minute or two on two cores.

The same ``seed`` gives the same articles. Other benches reuse it (a crawl of a source with 100k stored
articles, clusters, rematch)::

    from bench.archive_db import fill_archive
    summary = fill_archive("sqlite:////tmp/archive.db", 100_000, sources=["diksi"], seed=1)

    python bench/archive_db.py sqlite:////tmp/archive.db --count 100000
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import random
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

import storage  # noqa: E402
from crawler.article import Article  # noqa: E402
from crawler.config import EntityConfig, SourceConfig, load_entities, load_sources  # noqa: E402
from crawler.mentions import Matcher  # noqa: E402
from crawler.quotes import find_quotes  # noqa: E402
from crawler.tone import ToneScorer  # noqa: E402
from crawler.variants import derive_variants  # noqa: E402
from storage import models  # noqa: E402
from storage.db import write_transaction  # noqa: E402
from storage.repository.articles import _article_values  # noqa: E402
from storage.repository.mentions import _mention_rows, _quote_rows  # noqa: E402
from storage.tone import tone_rows  # noqa: E402

UrlFor = Callable[[SourceConfig, int, Article], str]

CHUNK = 1000  # articles generated, analysed and written together (one transaction)
FIRST_DAY = dt.date(2019, 1, 1)
LAST_DAY = dt.date(2026, 11, 30)

_PEOPLE = ("Andi Harun", "Rudy Mas'ud", "Seno Aji", "Hasanuddin Mas'ud", "Sri Wahyuni", "Muhammad Faisal",
           "Akmal Malik", "Ananda Emira Moeis", "Budi Santoso", "Dewi Lestari", "Rahmat Hidayat", "Siti Aminah",
           "Yusuf Kurniawan", "Agus Salim", "Nur Aisyah", "Hendra Wijaya", "Rina Marlina", "Joko Prasetyo",
           "Fitri Handayani", "Bambang Sutrisno", "Iwan Setiawan", "Lina Kartika", "Arif Rahman", "Maya Sari")
_ROLES = ("Kepala", "Sekretaris", "Kepala Bidang Humas", "Ketua", "Wakil Ketua", "Juru bicara", "Plt Kepala")
_TOPICS = ("banjir di kawasan permukiman", "pembangunan jalan poros", "layanan kesehatan gratis",
           "penyaluran bantuan sosial", "pengendalian inflasi daerah", "program beasiswa pelajar",
           "pemeliharaan drainase kota", "penertiban pedagang kaki lima", "penanganan stunting",
           "digitalisasi layanan publik", "keterbukaan informasi publik", "pengamanan arus mudik",
           "penyaluran pupuk bersubsidi", "pengelolaan sampah terpadu", "revitalisasi pasar tradisional",
           "peningkatan kualitas air bersih", "pembangunan Ibu Kota Nusantara", "pencegahan kebakaran hutan")
_VERBS = ("menggelar rapat koordinasi tentang", "meninjau langsung", "mengevaluasi", "meluncurkan program",
          "menyosialisasikan", "menganggarkan dana untuk", "membahas", "menindaklanjuti keluhan warga soal",
          "menandatangani nota kesepahaman terkait", "memaparkan capaian")
_PRAISE = ("Warga mengapresiasi langkah cepat itu dan berharap program tersebut berlanjut.",
           "Sejumlah tokoh masyarakat menilai kebijakan itu tepat sasaran dan bermanfaat.",
           "Program ini mendapat sambutan positif dari pelaku usaha setempat.")
_CRITICISM = ("Namun warga mengeluhkan lambannya penanganan dan menilai anggaran tidak transparan.",
              "Sejumlah pihak mengkritik kebijakan itu karena dinilai membebani masyarakat kecil.",
              "Aktivis menyoroti dugaan penyimpangan dana dan meminta audit menyeluruh.")
_FILLER = ("Kegiatan itu dihadiri perwakilan organisasi perangkat daerah, camat, lurah dan tokoh masyarakat.",
           "Menurut data yang dihimpun, jumlah penerima manfaat tahun ini meningkat dibanding tahun lalu.",
           "Pihaknya juga membuka posko pengaduan yang dapat diakses warga setiap hari kerja.",
           "Rapat berlangsung di ruang pertemuan lantai dua dan berakhir menjelang sore.",
           "Anggaran kegiatan bersumber dari APBD dan dana bagi hasil yang diterima daerah.",
           "Target penyelesaian pekerjaan ditetapkan sebelum akhir tahun anggaran berjalan.",
           "Evaluasi akan dilakukan secara berkala agar pelaksanaan di lapangan sesuai rencana.",
           "Masyarakat diminta aktif melapor apabila menemukan kendala di lingkungan masing-masing.")
_DATELINES = ("SAMARINDA", "BALIKPAPAN", "TENGGARONG", "BONTANG", "PENAJAM", "TANJUNG REDEB", "JAKARTA",
              "SANGATTA", "TANA PASER")
_SECTIONS = ("Daerah", "Pemerintahan", "Politik", "Hukum", "Ekonomi", "Kesehatan", "Pendidikan")


@dataclass
class ArchiveSummary:
    """What :func:`fill_archive` wrote."""

    articles: int = 0
    mentions: int = 0
    quotes: int = 0
    tones: int = 0  # article_tone rows
    first_id: int = 0  # article ids first_id .. first_id + articles - 1
    sources: list[str] = field(default_factory=list)
    seconds: float = 0.0


def default_url_for(source: SourceConfig, number: int, article: Article) -> str:
    """``<home>/<yyyy>/<mm>/<dd>/<number>/<slug>``: one unique canonical URL per generated article."""
    day = article.published_at or dt.datetime(2020, 1, 1)
    slug = "-".join((article.title or "berita").lower().split()[:8])
    slug = "".join(char for char in slug if char.isalnum() or char == "-")
    return f"{source.home_url.rstrip('/')}/{day:%Y/%m/%d}/{number}/{slug}"


# ------------------------------------------------------------------------------------------------ text


class ArticleGenerator:
    """Deterministic fake news stories: article ``number`` of seed ``seed`` is always the same story."""

    def __init__(self, entities: Sequence[EntityConfig], seed: int, count: int) -> None:
        self.seed, self.count = seed, count
        self.entities = list(entities)
        # The ways each agency is written: its name, acronym, and derived named forms ("Diskominfo Kaltim").
        self.forms: list[list[str]] = []
        for entity in self.entities:
            named = [variant.surface for variant in derive_variants(entity) if not variant.bare
                     and variant.resolution == "name" and "(" not in variant.surface]
            self.forms.append([entity.name, *([entity.acronym] if entity.acronym else []), *named[:12]])
        self.span_days = (LAST_DAY - FIRST_DAY).days

    def article(self, number: int, source: SourceConfig) -> Article:
        rng = random.Random(self.seed * 1_000_003 + number)
        agencies = rng.sample(range(len(self.entities)), k=rng.choice((1, 1, 2, 2, 3)))
        names = [rng.choice(self.forms[agency]) for agency in agencies]
        topic = rng.choice(_TOPICS)
        # Publication days follow the ids (an archive grows over time), with some jitter.
        day = FIRST_DAY + dt.timedelta(days=min(self.span_days, max(0, int(
            number / max(1, self.count) * self.span_days) + rng.randint(-3, 3))))
        published = dt.datetime.combine(day, dt.time(rng.randint(6, 21), rng.randint(0, 59)),
                                        ZoneInfo(source.timezone))
        title = f"{names[0]} {rng.choice(_VERBS)} {topic}"
        paragraphs = [f"{rng.choice(_DATELINES)} – {names[0]} {rng.choice(_VERBS)} {topic} pada "
                      f"{published:%d/%m/%Y}. {rng.choice(_FILLER)}"]
        target = rng.randint(1000, 3000)
        while sum(len(paragraph) for paragraph in paragraphs) < target:
            choice = rng.random()
            name = rng.choice(names)
            person, role = rng.choice(_PEOPLE), rng.choice(_ROLES)
            if choice < 0.3:
                paragraphs.append(f"\"Kami terus berupaya agar {topic} dapat ditangani dengan baik dan tepat "
                                  f"waktu,\" kata {role} {name}, {person}, di Samarinda.")
            elif choice < 0.45:
                paragraphs.append(f"{person} menjelaskan, {name} {rng.choice(_VERBS)} {rng.choice(_TOPICS)}. "
                                  f"{rng.choice(_FILLER)}")
            elif choice < 0.55:
                paragraphs.append(rng.choice(_PRAISE + _CRITICISM))
            elif choice < 0.6:
                other = rng.choice(self.forms[rng.randrange(len(self.entities))])
                paragraphs.append(f"Baca juga: {other} {rng.choice(_VERBS)} {rng.choice(_TOPICS)}")
            else:
                paragraphs.append(" ".join(rng.sample(_FILLER, k=rng.randint(1, 3))))
        if rng.random() < 0.3:
            paragraphs.append(f"(Humas {names[0]}/adv)")
        return Article(
            url="", canonical_url="", title=title, text="\n".join(paragraphs),
            authors=[rng.choice(_PEOPLE)], editors=[rng.choice(_PEOPLE)] if rng.random() < 0.5 else [],
            published_at=published, date_source=rng.choice(("jsonld", "meta", "byline")),
            published_time_known=True, language="id", site_name=source.name, section=rng.choice(_SECTIONS),
            tags=rng.sample([topic.split()[0], *(name.split()[0] for name in names), "Kaltim", "Pemerintahan"],
                            k=2),
            captions=[f"{names[0]} saat meninjau lokasi. (Foto: Humas)"] if rng.random() < 0.4 else [],
            related=[f"{rng.choice(names)} {rng.choice(_VERBS)} {rng.choice(_TOPICS)}"] if rng.random() < 0.3
            else [],
            byline=None, is_advertorial=rng.random() < 0.05)


# ------------------------------------------------------------------------------------------------ workers

_worker: dict[str, Any] = {}


def _init_worker(entities: list[EntityConfig], sources: list[SourceConfig], seed: int, count: int) -> None:
    _worker.update(generator=ArticleGenerator(entities, seed, count), matcher=Matcher(entities),
                   tone=ToneScorer(entities), sources=sources, entity_ids={entity.id for entity in entities})


@dataclass
class _ChunkRows:
    articles: list[dict[str, Any]]
    fetch_states: list[dict[str, Any]]
    mentions: list[dict[str, Any]]
    quotes: list[dict[str, Any]]
    tones: list[dict[str, Any]]
    mention_tones: list[dict[str, Any]]


def _make_chunk(numbers: range, first_id: int, source_ids: dict[str, int], run_ids: dict[str, int],
                url_for: UrlFor | None) -> _ChunkRows:
    """Rows of articles ``numbers`` (ids first_id + number), analysed as the crawl analyses them."""
    generator: ArticleGenerator = _worker["generator"]
    matcher: Matcher = _worker["matcher"]
    scorer: ToneScorer = _worker["tone"]
    sources: list[SourceConfig] = _worker["sources"]
    rows = _ChunkRows([], [], [], [], [], [])
    for number in numbers:
        source = sources[number % len(sources)]
        article = generator.article(number, source)
        article.canonical_url = article.url = (url_for or default_url_for)(source, number, article)
        article_id = first_id + number
        mentions = matcher.find(article, source)
        quotes = find_quotes(article, mentions)
        tone = scorer.assess(article, mentions)
        fetched = article.published_at.astimezone(dt.timezone.utc) + dt.timedelta(minutes=7)  # type: ignore[union-attr]
        values = _article_values(article, ZoneInfo(source.timezone))
        values.update(id=article_id, source_id=source_ids[source.key], canonical_url=article.canonical_url,
                      fetched_at=fetched, first_seen_at=fetched, updated_at=None, http_status=200,
                      last_crawl_run_id=run_ids[source.key], removed_at=None)
        rows.articles.append(values)
        rows.fetch_states.append({"source_id": source_ids[source.key], "kind": "article",
                                  "canonical_url": article.canonical_url, "url": article.url, "etag": None,
                                  "last_modified": None, "lastmod_seen": None, "content_hash": article.text_hash,
                                  "last_status": 200, "last_fetched_at": fetched, "next_due_at": None,
                                  "fetch_count": 1})
        rows.mentions += _mention_rows(article_id, mentions)
        rows.quotes += _quote_rows(article_id, quotes)
        article_tones, mention_tones = tone_rows(article_id, tone, _worker["entity_ids"])
        rows.tones += article_tones
        rows.mention_tones += mention_tones
    return rows


# ------------------------------------------------------------------------------------------------ writing


def _chunks(count: int, size: int) -> Iterator[range]:
    for start in range(0, count, size):
        yield range(start, min(count, start + size))


def _start_runs(engine: sa.Engine, source_ids: dict[str, int], count: int) -> dict[str, int]:
    runs = {}
    now = dt.datetime.now(dt.timezone.utc)
    with write_transaction(engine) as connection:
        for key, source_id in source_ids.items():
            runs[key] = connection.execute(models.CrawlRun.__table__.insert().values(
                source_id=source_id, trigger="manual", status="succeeded", started_at=now, finished_at=now,
                hostname="archive-db", pid=os.getpid(), pages=0, new_articles=0, updated_articles=0,
                mentions=0, errors=0)).inserted_primary_key[0]
    return runs


def _write_chunk(engine: sa.Engine, rows: _ChunkRows, summary: ArchiveSummary) -> None:
    with write_transaction(engine) as connection:
        connection.execute(models.Article.__table__.insert(), rows.articles)
        connection.execute(models.FetchState.__table__.insert(), rows.fetch_states)
        for table, values in ((models.Mention, rows.mentions), (models.Quote, rows.quotes),
                              (models.ArticleTone, rows.tones), (models.MentionTone, rows.mention_tones)):
            if values:
                connection.execute(table.__table__.insert(), values)
    summary.articles += len(rows.articles)
    summary.mentions += len(rows.mentions)
    summary.quotes += len(rows.quotes)
    summary.tones += len(rows.tones)


def fill_archive(database_url: str, count: int, *, sources: Sequence[str | SourceConfig] | None = None,
                 url_for: UrlFor | None = None, seed: int = 0, entities: Sequence[EntityConfig] | None = None,
                 workers: int = 0, on_progress: Callable[[int], None] | None = None) -> ArchiveSummary:
    """Add ``count`` generated, analysed articles to the Pantau database at ``database_url`` (migrated first).

    ``sources``: source keys of the bundled config or :class:`SourceConfig` objects (default: six bundled
    outlets, regional and national); articles are dealt round-robin over them. ``url_for(source, number,
    article)`` gives each article's canonical URL (default :func:`default_url_for`; it must be unique, and a
    module-level function when ``workers`` > 1). ``entities``: the dictionary (default: the bundled one).
    ``workers``: processes generating and analysing (0: one per CPU). Run it on a database that does not hold
    these URLs yet (ids continue after the highest stored one).
    """
    started = time.perf_counter()
    entities = list(entities if entities is not None else load_entities())
    chosen = _resolve_sources(sources)
    engine = storage.connect(database_url)
    storage.sync_config(engine, chosen, entities)
    with engine.connect() as connection:
        source_ids = {key: id_ for key, id_ in connection.execute(
            sa.select(models.Source.key, models.Source.id).where(models.Source.key.in_([s.key for s in chosen])))}
        first_id = (connection.execute(sa.select(sa.func.max(models.Article.id))).scalar() or 0) + 1
    run_ids = _start_runs(engine, source_ids, count)
    summary = ArchiveSummary(first_id=first_id, sources=[source.key for source in chosen])
    workers = workers or os.cpu_count() or 1
    chunks = _chunks(count, CHUNK)
    if workers == 1:
        _init_worker(entities, chosen, seed, count)
        for numbers in chunks:
            _write_chunk(engine, _make_chunk(numbers, first_id, source_ids, run_ids, url_for), summary)
            if on_progress:
                on_progress(len(numbers))
    else:
        context = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                                 initargs=(entities, chosen, seed, count)) as pool:
            pending = []
            for numbers in chunks:  # a few chunks in flight while earlier ones are written
                pending.append(pool.submit(_make_chunk, numbers, first_id, source_ids, run_ids, url_for))
                if len(pending) > workers + 1:
                    rows = pending.pop(0).result()
                    _write_chunk(engine, rows, summary)
                    if on_progress:
                        on_progress(len(rows.articles))
            for future in pending:
                rows = future.result()
                _write_chunk(engine, rows, summary)
                if on_progress:
                    on_progress(len(rows.articles))
    _finish(engine, run_ids, summary)
    engine.dispose()
    summary.seconds = time.perf_counter() - started
    return summary


def _resolve_sources(sources: Sequence[str | SourceConfig] | None) -> list[SourceConfig]:
    bundled = {source.key: source for source in load_sources()}
    if sources is None:
        regional = [source for source in bundled.values() if source.scope == "regional"][:4]
        national = [source for source in bundled.values() if source.scope == "national"][:2]
        return regional + national
    chosen = []
    for item in sources:
        if isinstance(item, SourceConfig):
            chosen.append(item)
        elif item in bundled:
            chosen.append(bundled[item])
        else:
            raise ValueError(f"unknown source key {item!r}: use one of config/sources/*.toml "
                             f"({', '.join(sorted(bundled))}) or pass a SourceConfig")
    return chosen


def _finish(engine: sa.Engine, run_ids: dict[str, int], summary: ArchiveSummary) -> None:
    """Counts on the crawl runs; on PostgreSQL, the article id sequence moved past the explicit ids."""
    with write_transaction(engine) as connection:
        article, run = models.Article.__table__.c, models.CrawlRun.__table__
        for run_id in run_ids.values():
            connection.execute(run.update().where(run.c.id == run_id).values(
                new_articles=sa.select(sa.func.count()).where(article.last_crawl_run_id == run_id)
                .scalar_subquery(), pages=sa.select(sa.func.count()).where(article.last_crawl_run_id == run_id)
                .scalar_subquery()))
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('article', 'id'), (SELECT max(id) FROM article))")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url", help="sqlite:////path/to.db or postgresql+psycopg://…")
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--source", action="append", dest="sources", metavar="KEY",
                        help="a bundled source key (repeat; default: six bundled outlets)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=0, help="0: one per CPU")
    args = parser.parse_args(argv)
    summary = fill_archive(args.database_url, args.count, sources=args.sources, seed=args.seed,
                           workers=args.workers)
    print(f"{summary.articles} articles (ids {summary.first_id}..{summary.first_id + summary.articles - 1}), "
          f"{summary.mentions} mentions, {summary.quotes} quotes, {summary.tones} article tones, "
          f"sources {', '.join(summary.sources)}: {summary.seconds:.1f} s "
          f"({summary.articles / summary.seconds:,.0f} articles/s)")


if __name__ == "__main__":
    main()
