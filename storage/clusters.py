"""Stores story clusters and press releases: the SQL side of crawler.clusters.

:class:`ClusterStore` keeps one :class:`crawler.clusters.Clusterer` per process, loaded from the stored
signatures, and writes one ``story_cluster`` row per newly clustered article. Why the LSH index lives in memory,
rebuilt from ``story_cluster.signature`` when a crawl starts (the last ``CANDIDATE_WINDOW`` of them), rather than as band rows in SQL: a band table
would hold ~10 paragraphs x 8 bands rows per article (tens of millions of rows at a million articles) and cost
one indexed query per stored article, while the in-memory band index (sorted numpy runs, ~1.6 KB an article)
answers with a binary search; loading costs about 0.13 ms per signature (bench/clusters.py, 100,000 of them),
which is why a crawl loads only a window of them. Processes that crawl at the same time
(the daemon's children, PostgreSQL-backed workers) see each other's articles because every batch first tops up
the index with the rows others assigned since the last batch (``assigned_at``). Two processes storing copies of
one story within the same second may still start two clusters; ``pantau clusters rebuild`` joins them.

Press releases: an article of a source whose config has ``kind = "press-office"`` gets a ``press_release`` row
when it is clustered; :func:`register_release` stores a release that is not online (``pantau releases add``)
as an article of the hidden source ``releases``. Once a cluster holds a release, every other member is measured
against it (share of the release reused, verbatim/edited/paragraph, credited); those columns may be filled in
later (a release crawled after its copies), the cluster never changes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from crawler import clusters as logic
from crawler.article import Article
from storage.db import StorageError, as_utc, write_transaction
from storage.models import Article as ArticleModel
from storage.models import Entity, EntityAlias, PressRelease, Source, StoryCluster

logger = logging.getLogger(__name__)

article_table = ArticleModel.__table__
cluster_table = StoryCluster.__table__
release_table = PressRelease.__table__
source_table = Source.__table__

RELEASES_SOURCE_KEY = "releases"
_IN_CHUNK = 500
_LOAD_BATCH = 5000
# Rows assigned by another process up to this long before our last look are read again (clock skew, commit lag).
_TOP_UP_OVERLAP = dt.timedelta(seconds=30)
# A crawl's index holds the articles published this long before the earliest article it assigns, or later:
# copies of a release appear within days, and loading every signature of a large database costs a crawl start
# about 2 ms per stored article (bench/clusters.py). A copy published later than this after its original starts
# a cluster of its own; `pantau clusters rebuild` indexes everything.
CANDIDATE_WINDOW = dt.timedelta(days=60)


def _glibc_malloc_trim() -> Callable[[int], int] | None:
    try:
        library = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return library.malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to give back this way
        return None


_MALLOC_TRIM = _glibc_malloc_trim()


def return_freed_memory() -> None:
    """Give the memory freed by loading signatures back to the system. Each batch's row buffers, blobs and
    sorted copies are freed, but glibc keeps the freed heap pages in the process: loading 100,000 signatures
    (a 234 MB index) left the crawl's resident memory 120 MB above the index and its imports; trimmed after
    every batch, the resident memory stays at what the index holds (bench/crawl_memory.py)."""
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


class UnknownAgencyError(StorageError):
    pass


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _chunks(items: Sequence[Any], size: int = _IN_CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


@dataclass
class AssignResult:
    articles: int = 0  # newly clustered
    joined: int = 0  # of which joined an existing cluster
    releases: int = 0  # press_release rows added
    measured: int = 0  # members measured against their release


class ClusterStore:
    """Cluster assignment for one process, against one database. Not thread-safe: use one writer thread."""

    def __init__(self, engine: Engine, window: dt.timedelta | None = CANDIDATE_WINDOW) -> None:
        self.engine = engine
        self.window = window
        self.clusterer = logic.Clusterer(self._load_texts)
        self._loaded_until: dt.datetime | None = None
        self._loaded_from: dt.datetime | None = None
        self._queued: dict[str, tuple[bytes | None, bytes | None]] = {}
        self._press_offices: dict[int, str | None] | None = None
        self._office_names: dict[str | None, list[str]] = {}  # agency -> its names, read once like the offices

    # -------------------------------------------------------------------------------------------- index

    def reset(self) -> None:
        self.clusterer = logic.Clusterer(self._load_texts)
        self._loaded_until = self._loaded_from = None

    def refresh(self, earliest: dt.datetime | None = None, connection: Connection | None = None) -> int:
        """Load stored signatures into the index; returns how many were added (``connection``: an open one to use).

        The first time, those of articles published within ``window`` before ``earliest`` (the earliest article
        about to be assigned; now by default) or later; when a later batch reaches further back (a back-fill),
        the older part too. Every time, the rows other processes assigned since the last look, whatever their age.
        ``window=None`` loads everything.
        """
        sc = cluster_table.c
        published = sa.func.coalesce(article_table.c.published_at, article_table.c.first_seen_at)
        base = sa.select(sc.article_id, sc.cluster_id, sc.signature).select_from(cluster_table)
        queries = []
        if connection is None:
            with self.engine.connect() as connection:
                return self.refresh(earliest, connection)
        if self._loaded_until is not None:
            # The overlap re-reads rows this process already holds (most of them its own): their ids first,
            # then the signatures of the others only.
            recent = connection.execute(sa.select(sc.article_id).where(
                sc.assigned_at >= self._loaded_until - _TOP_UP_OVERLAP)).scalars().all()
            unknown = [article_id for article_id in recent if article_id not in self.clusterer.cluster_of]
            queries += [base.where(sc.article_id.in_(chunk)) for chunk in _chunks(unknown)]
        if self.window is None:
            if self._loaded_from is None:
                queries.append(base)
                self._loaded_from = dt.datetime.min.replace(tzinfo=dt.timezone.utc)
        else:
            start = (earliest or _utc_now()) - self.window
            if self._loaded_from is None or start < self._loaded_from:
                windowed = base.join(article_table, article_table.c.id == sc.article_id).where(published >= start)
                if self._loaded_from is not None:
                    windowed = windowed.where(published < self._loaded_from)
                queries.append(windowed)
                self._loaded_from = start
        started = _utc_now()
        added = 0
        for query in queries:
            # streamed in batches: one index run per batch, never all the blobs in memory at once
            result = connection.execute(query.execution_options(yield_per=_LOAD_BATCH))
            for batch in result.partitions():
                loaded = self.clusterer.known_many(batch)
                added += loaded
                if loaded >= _LOAD_BATCH // 2:
                    return_freed_memory()
        self._loaded_until = started
        return added

    def _load_texts(self, ids: list[int]) -> dict[int, str]:
        texts: dict[int, str] = {}
        with self.engine.connect() as connection:
            for chunk in _chunks(ids):
                texts.update(connection.execute(sa.select(article_table.c.id, article_table.c.text)
                                                .where(article_table.c.id.in_(chunk))).all())
        return texts

    # -------------------------------------------------------------------------------------------- crawl side

    def queue(self, canonical_url: str, signature: bytes | None, text_profile: bytes | None = None) -> None:
        """Remember an analysed article (its signature and shingle profile, computed by the analysis worker) until
        the article writer has stored it (see :meth:`assign_queued`)."""
        self._queued[canonical_url] = (signature, text_profile)

    def assign_queued(self) -> AssignResult:
        """Cluster the queued articles that are stored now (call after the article writer flushed)."""
        if not self._queued:
            return AssignResult()
        urls = list(self._queued)
        try:
            with self.engine.connect() as connection:
                rows = _rows_to_assign(connection, article_table.c.canonical_url, urls)
                found = {row.canonical_url: row.id for row in rows}
                queued = {found[url]: self._queued.pop(url) for url in urls if url in found}
                if not queued:
                    return AssignResult()
                self._refresh_for(rows, connection)
        except SQLAlchemyError as error:
            self.reset()
            raise StorageError(f"cannot store story clusters: {str(getattr(error, 'orig', error)).splitlines()[0]}"
                               ) from None
        return self._assign_rows(rows, {article_id: signature for article_id, (signature, _) in queued.items()},
                                 {article_id: profile for article_id, (_, profile) in queued.items() if profile})

    def assign_unclustered(self, since: dt.date | None = None) -> AssignResult:
        """Cluster every stored article that has no story_cluster row (published on or after ``since``)."""
        c = article_table.c
        query = (sa.select(c.id).outerjoin(cluster_table, cluster_table.c.article_id == c.id)
                 .where(cluster_table.c.article_id.is_(None)))
        if since is not None:
            start = dt.datetime.combine(since, dt.time(), dt.timezone.utc)
            query = query.where(sa.func.coalesce(c.published_at, c.first_seen_at) >= start)
        with self.engine.connect() as connection:
            ids = list(connection.execute(query).scalars())
        total = AssignResult()
        for chunk in _chunks(ids, 2000):
            result = self.assign(list(chunk))
            for name in ("articles", "joined", "releases", "measured"):
                setattr(total, name, getattr(total, name) + getattr(result, name))
        return total

    # -------------------------------------------------------------------------------------------- assignment

    def assign(self, article_ids: list[int], signatures: Mapping[int, bytes | None] | None = None,
               text_profiles: Mapping[int, bytes] | None = None) -> AssignResult:
        """Cluster these stored articles (earliest published first); already clustered ones are skipped."""
        if not article_ids:
            return AssignResult()
        try:
            with self.engine.connect() as connection:
                rows = _rows_to_assign(connection, article_table.c.id, article_ids)
                self._refresh_for(rows, connection)
        except SQLAlchemyError as error:
            self.reset()
            raise StorageError(f"cannot store story clusters: {str(getattr(error, 'orig', error)).splitlines()[0]}"
                               ) from None
        return self._assign_rows(rows, signatures, text_profiles)

    def _refresh_for(self, rows: Sequence[sa.Row[Any]], connection: Connection) -> None:
        times = [as_utc(row.published_at) or as_utc(row.first_seen_at) for row in rows]
        self.refresh(min(times) if times else None, connection)

    def _assign_rows(self, rows: Sequence[sa.Row[Any]], signatures: Mapping[int, bytes | None] | None,
                     text_profiles: Mapping[int, bytes] | None) -> AssignResult:
        """Cluster these article rows (of :func:`_rows_to_assign`; the index refreshed for them)."""
        result = AssignResult()
        try:
            rows = [row for row in rows if row.clustered is None and row.id not in self.clusterer.cluster_of]
            rows.sort(key=lambda row: (as_utc(row.published_at) or as_utc(row.first_seen_at), row.id))
            now = _utc_now()
            offices = self._offices()
            # The text is needed only where the analysis worker shipped no signature and profile (rebuild,
            # assign_unclustered): the writer's batch of a crawl reads none.
            shipped_ids = {row.id for row in rows
                           if (signatures or {}).get(row.id) and (text_profiles or {}).get(row.id)}
            texts = self._load_texts([row.id for row in rows if row.id not in shipped_ids])
            new_rows, release_rows, touched = [], [], set()
            for row in rows:
                text = texts.get(row.id) or ""
                blob = (signatures or {}).get(row.id)
                fingerprint = logic.Fingerprint.from_bytes(blob) if blob else None
                shipped = (text_profiles or {}).get(row.id) if fingerprint is not None else None
                assignment = self.clusterer.assign(row.id, text, fingerprint, profile_bytes=shipped)
                fingerprint = assignment.fingerprint or logic.fingerprint(text)
                new_rows.append({
                    "article_id": row.id, "cluster_id": assignment.cluster_id,
                    "matched_article_id": assignment.matched_id,
                    "matched_share": assignment.comparison.a_share if assignment.comparison else None,
                    "signature": fingerprint.to_bytes(), "assigned_at": now,
                })
                touched.add(assignment.cluster_id)
                result.joined += assignment.matched_id is not None
                if row.source_id in offices:
                    release_rows.append({"article_id": row.id, "agency_id": offices[row.source_id],
                                         "origin": "source", "registered_at": now})
            with write_transaction(self.engine) as connection:
                if new_rows:
                    connection.execute(cluster_table.insert(), new_rows)
                if release_rows:
                    known = set(connection.execute(sa.select(release_table.c.article_id).where(
                        release_table.c.article_id.in_([r["article_id"] for r in release_rows]))).scalars())
                    release_rows = [r for r in release_rows if r["article_id"] not in known]
                    if release_rows:
                        connection.execute(release_table.insert(), release_rows)
                result.measured = measure_against_releases(connection, touched, self.clusterer.profile_of,
                                                           self._office_names)
            result.articles, result.releases = len(new_rows), len(release_rows)
        except SQLAlchemyError as error:
            # Forget the in-memory state (it holds what was not stored); the next batch reloads what is stored.
            self.reset()
            raise StorageError(f"cannot store story clusters: {str(getattr(error, 'orig', error)).splitlines()[0]}"
                               ) from None
        if result.articles:
            logger.info("clustered %d articles (%d joined a cluster, %d releases)", result.articles, result.joined,
                        result.releases)
        return result

    def _offices(self) -> dict[int, str | None]:
        """Source id -> agency of every press-office source (from the synced config)."""
        if self._press_offices is None:
            offices: dict[int, str | None] = {}
            with self.engine.connect() as connection:
                known = set(connection.execute(sa.select(Entity.__table__.c.id)).scalars())
                for row in connection.execute(sa.select(source_table.c.id, source_table.c.config)):
                    config = row.config or {}
                    if config.get("kind") == "press-office":
                        agency = config.get("agency")
                        if agency is not None and agency not in known:
                            logger.warning("press office %s names agency '%s', which is not in the dictionary",
                                           config.get("key"), agency)
                            agency = None
                        offices[row.id] = agency
            self._press_offices = offices
        return self._press_offices


def _rows_to_assign(connection: Connection, column: sa.Column[Any], values: Sequence[Any]) -> list[sa.Row[Any]]:
    """The articles whose ``column`` (id or canonical_url) is one of ``values``: id, canonical_url, source,
    times, and ``clustered`` (not None when the article has a story_cluster row already), in one query."""
    c = article_table.c
    query = (sa.select(c.id, c.canonical_url, c.source_id, c.published_at, c.first_seen_at,
                       cluster_table.c.article_id.label("clustered"))
             .select_from(article_table).outerjoin(cluster_table, cluster_table.c.article_id == c.id)
             .where(column.in_(sa.bindparam("values", expanding=True))))
    rows: list[sa.Row[Any]] = []
    for chunk in _chunks(values):
        rows += connection.execute(query, {"values": list(chunk)}).all()
    return rows


def office_names(connection: Connection, agency_id: str | None) -> list[str]:
    """The names an office goes by (name, acronym, explicit and derived aliases), for credit detection."""
    if agency_id is None:
        return []
    entity = connection.execute(sa.select(Entity.__table__.c.name, Entity.__table__.c.acronym)
                                .where(Entity.__table__.c.id == agency_id)).first()
    names = [entity.name, entity.acronym] if entity else []
    alias = EntityAlias.__table__.c
    names += connection.execute(sa.select(alias.alias).where(alias.entity_id == agency_id)).scalars().all()
    return [name for name in names if name]


def measure_against_releases(connection: Connection, cluster_ids: Iterable[int],
                             cached_profile: Callable[[int], logic.Profile | None] | None = None,
                             names_cache: dict[str | None, list[str]] | None = None) -> int:
    """For each cluster holding a release, measure every other member against the earliest release.

    Only members not measured against that release yet are read (texts included); ``cached_profile`` gives the
    shingle profiles the cluster step holds already (the same as built from the stored text), so those texts
    are not tokenised again; ``names_cache``: the names of offices read before (a crawl's cluster step keeps
    them, as it keeps the press-office sources).
    """
    cluster_ids = list(cluster_ids)
    measured = 0
    sc, a, pr = cluster_table.c, article_table.c, release_table.c

    def profile_of(article_id: int, text: str | None) -> logic.Profile:
        cached = cached_profile(article_id) if cached_profile is not None else None
        return cached if cached is not None else logic.Profile(text)

    for chunk in _chunks(cluster_ids):
        releases = connection.execute(
            sa.select(sc.cluster_id, pr.article_id, pr.agency_id, a.published_at, a.first_seen_at)
            .select_from(release_table).join(cluster_table, sc.article_id == pr.article_id)
            .join(article_table, a.id == pr.article_id)
            .where(sc.cluster_id.in_(chunk))).all()
        if not releases:
            continue
        earliest: dict[int, sa.Row[Any]] = {}
        for row in releases:
            moment = (as_utc(row.published_at) or as_utc(row.first_seen_at), row.article_id)
            current = earliest.get(row.cluster_id)
            if current is None or moment < (as_utc(current.published_at) or as_utc(current.first_seen_at),
                                            current.article_id):
                earliest[row.cluster_id] = row
        release_ids = {row.article_id for row in releases}
        # Members of all these clusters in one query, without their texts; then the texts of those pending.
        pending: dict[int, list[int]] = {}
        for member in connection.execute(
                sa.select(sc.article_id, sc.cluster_id, sc.release_article_id)
                .where(sc.cluster_id.in_(list(earliest)))):
            if (member.article_id not in release_ids
                    and member.release_article_id != earliest[member.cluster_id].article_id):
                pending.setdefault(member.cluster_id, []).append(member.article_id)
        if not pending:
            continue
        wanted = [article_id for ids in pending.values() for article_id in ids]
        wanted += [earliest[cluster_id].article_id for cluster_id in pending]
        texts: dict[int, sa.Row[Any]] = {}
        for ids in _chunks(wanted):
            texts.update((row.id, row) for row in connection.execute(
                sa.select(a.id, a.text, a.byline).where(a.id.in_(ids))))
        updates = []  # of all these clusters, in one statement
        for cluster_id, member_ids in pending.items():
            release = earliest[cluster_id]
            release_text = texts[release.article_id].text
            if names_cache is None:
                names = office_names(connection, release.agency_id)
            elif release.agency_id in names_cache:
                names = names_cache[release.agency_id]
            else:
                names = names_cache[release.agency_id] = office_names(connection, release.agency_id)
            profile = profile_of(release.article_id, release_text)
            for article_id in member_ids:
                member = texts[article_id]
                comparison = logic.compare(profile, profile_of(article_id, member.text))
                updates.append({"b_article_id": article_id, "release_article_id": release.article_id,
                                "release_share": round(comparison.a_share, 4),
                                "reuse": logic.reuse_kind(comparison),
                                "credited": logic.is_credited(member.text, member.byline, names, release_text)})
        connection.execute(cluster_table.update().where(sc.article_id == sa.bindparam("b_article_id")), updates)
        measured += len(updates)
    return measured


def rebuild(engine: Engine, since: dt.date | None = None) -> AssignResult:
    """Recompute the clusters of articles published on or after ``since`` (every article without it).

    Signatures are recomputed from the stored texts; older articles keep their clusters and are candidates.
    One transaction deletes the rows; assignment then runs in batches of the earliest published first.
    """
    c = article_table.c
    try:
        with write_transaction(engine) as connection:
            if since is None:
                connection.execute(cluster_table.delete())
            else:
                start = dt.datetime.combine(since, dt.time(), dt.timezone.utc)
                ids = sa.select(c.id).where(sa.func.coalesce(c.published_at, c.first_seen_at) >= start)
                connection.execute(cluster_table.delete().where(cluster_table.c.article_id.in_(ids)))
            # Rows measured against a release that is being re-clustered are measured again.
            connection.execute(cluster_table.update().where(cluster_table.c.release_article_id.not_in(
                sa.select(cluster_table.c.article_id))).values(release_article_id=None, release_share=None,
                                                               reuse=None, credited=None))
    except SQLAlchemyError as error:
        raise StorageError(f"cannot rebuild story clusters: {str(getattr(error, 'orig', error)).splitlines()[0]}"
                           ) from None
    store = ClusterStore(engine, window=None)
    return store.assign_unclustered(since)


# ------------------------------------------------------------------------------------------------ releases


@dataclass(frozen=True)
class ReleaseRecord:
    article_id: int
    agency_id: str | None
    title: str | None
    published_at: dt.datetime | None
    origin: str
    canonical_url: str
    source_key: str
    pickups: int


def _releases_source(connection: Connection) -> int:
    row = connection.execute(sa.select(source_table.c.id).where(source_table.c.key == RELEASES_SOURCE_KEY)).first()
    if row is not None:
        return row.id
    # Not in any config file: in_config false and disabled from the start, so config sync leaves it alone and
    # no crawl ever runs it.
    return connection.execute(source_table.insert().values(
        key=RELEASES_SOURCE_KEY, name="Siaran pers terdaftar", home_url="file:///releases/", region=None,
        scope="regional", timezone="Asia/Makassar", language="id", interval_minutes=60, cron=None,
        enabled=False, in_config=False, config={"key": RELEASES_SOURCE_KEY, "kind": "press-office"},
        updated_at=_utc_now()).returning(source_table.c.id)).scalar_one()


def release_canonical_url(agency_id: str, title: str | None, text: str) -> str:
    digest = hashlib.sha256(f"{title or ''}\n{text}".encode()).hexdigest()[:16]
    return f"release:{agency_id}/{digest}"


def register_release(engine: Engine, article: Article, agency_id: str, origin: str) -> tuple[int, bool]:
    """Store a release that is not online (or fetched from a URL) and cluster it; (article id, newly stored)."""
    from storage.repository.articles import _article_values

    try:
        with write_transaction(engine) as connection:
            if connection.execute(sa.select(Entity.__table__.c.id)
                                  .where(Entity.__table__.c.id == agency_id)).first() is None:
                raise UnknownAgencyError(f"unknown agency '{agency_id}': use an entity id from "
                                         "`pantau entities list`")
            existing = connection.execute(sa.select(article_table.c.id).where(
                article_table.c.canonical_url == article.canonical_url)).first()
            if existing is not None:
                article_id, new = existing.id, False
            else:
                source_id = _releases_source(connection)
                now = _utc_now()
                values = _article_values(article, dt.timezone(dt.timedelta(hours=8)))
                values.update(source_id=source_id, canonical_url=article.canonical_url, fetched_at=now,
                              first_seen_at=now, updated_at=None, http_status=None, last_crawl_run_id=None)
                article_id = connection.execute(article_table.insert().values(**values)
                                                .returning(article_table.c.id)).scalar_one()
                new = True
            if connection.execute(sa.select(release_table.c.article_id)
                                  .where(release_table.c.article_id == article_id)).first() is None:
                connection.execute(release_table.insert().values(article_id=article_id, agency_id=agency_id,
                                                                 origin=origin, registered_at=_utc_now()))
    except SQLAlchemyError as error:
        raise StorageError(f"cannot store the release: {str(getattr(error, 'orig', error)).splitlines()[0]}"
                           ) from None
    # Articles not clustered yet (stored before clusters existed, or by a crawl whose assignment failed) are
    # clustered with the release, earliest published first, so that copies stored before it join it.
    ClusterStore(engine).assign_unclustered()
    with write_transaction(engine) as connection:
        cluster = connection.execute(sa.select(cluster_table.c.cluster_id)
                                     .where(cluster_table.c.article_id == article_id)).scalar_one()
        measure_against_releases(connection, [cluster])
    return article_id, new


def list_releases(engine: Engine, since: dt.datetime | None = None, until: dt.datetime | None = None,
                  release_id: int | None = None) -> list[ReleaseRecord]:
    """Stored releases published in [since, until) (aware datetimes), with how many other articles ran each."""
    a, pr, s = article_table.c, release_table.c, source_table.c
    published = sa.func.coalesce(a.published_at, a.first_seen_at)
    query = (sa.select(pr.article_id, pr.agency_id, pr.origin, a.title, published.label("published_at"),
                       a.canonical_url, s.key.label("source_key"))
             .select_from(release_table).join(article_table, a.id == pr.article_id)
             .join(source_table, s.id == a.source_id)
             .order_by(published, pr.article_id))
    if since is not None:
        query = query.where(published >= since)
    if until is not None:
        query = query.where(published < until)
    if release_id is not None:
        query = query.where(pr.article_id == release_id)
    try:
        with engine.connect() as connection:
            rows = connection.execute(query).all()
            counts = dict(connection.execute(sa.text(
                "SELECT release_article_id, count(*) FROM v_pickup GROUP BY release_article_id")).all())
    except SQLAlchemyError as error:
        raise StorageError(f"cannot read releases: {str(getattr(error, 'orig', error)).splitlines()[0]}") from None
    return [ReleaseRecord(row.article_id, row.agency_id, row.title, as_utc(row.published_at), row.origin,
                          row.canonical_url, row.source_key, counts.get(row.article_id, 0)) for row in rows]


def cluster_snapshot(engine: Engine) -> dict[int, int]:
    """article id -> cluster id, for tests and the bench (a second crawl must change none)."""
    with engine.connect() as connection:
        return dict(connection.execute(sa.select(cluster_table.c.article_id, cluster_table.c.cluster_id)).all())


@dataclass(frozen=True)
class PickupRecord:
    """One article that ran a release (a row of v_pickup)."""

    release_article_id: int
    article_id: int
    source_key: str
    source_name: str
    canonical_url: str
    title: str | None
    published_at: dt.datetime | None
    published_utc_offset: int | None
    delay_minutes: float | None
    release_share: float | None
    reuse: str | None
    credited: bool | None
    is_advertorial: bool


def pickups(engine: Engine, release_ids: Sequence[int]) -> list[PickupRecord]:
    """Every article that ran one of these releases, earliest first per release."""
    records: list[PickupRecord] = []
    try:
        with engine.connect() as connection:
            for chunk in _chunks(list(release_ids)):
                rows = connection.execute(sa.text(
                    "SELECT p.release_article_id, p.article_id, p.source_key, p.source_name, p.canonical_url, "
                    "p.title, p.published_at, a.published_utc_offset, p.delay_minutes, p.release_share, p.reuse, "
                    "p.credited, p.is_advertorial FROM v_pickup p JOIN article a ON a.id = p.article_id "
                    "WHERE p.release_article_id IN :ids ORDER BY p.release_article_id, p.published_at, p.article_id"
                ).bindparams(sa.bindparam("ids", expanding=True)), {"ids": list(chunk)}).all()
                records += [PickupRecord(
                    row.release_article_id, row.article_id, row.source_key, row.source_name, row.canonical_url,
                    row.title, as_utc(row.published_at), row.published_utc_offset,
                    None if row.delay_minutes is None else float(row.delay_minutes),
                    None if row.release_share is None else float(row.release_share), row.reuse,
                    None if row.credited is None else bool(row.credited), bool(row.is_advertorial))
                    for row in rows]
    except SQLAlchemyError as error:
        raise StorageError(f"cannot read pickups: {str(getattr(error, 'orig', error)).splitlines()[0]}") from None
    return records


def news_outlets(engine: Engine) -> dict[str, str]:
    """Key -> name of the configured, enabled sources that are not press offices (who could run a release)."""
    with engine.connect() as connection:
        rows = connection.execute(sa.select(source_table.c.key, source_table.c.name, source_table.c.config)
                                  .where(source_table.c.in_config.is_(True), source_table.c.enabled.is_(True))
                                  .order_by(source_table.c.key)).all()
    return {row.key: row.name for row in rows if (row.config or {}).get("kind", "news") != "press-office"}
