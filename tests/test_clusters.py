"""Story clusters: the pure core on the labelled pair sets, the SQL side on SQLite and PostgreSQL, and the
``releases`` / ``clusters`` / ``report pickup`` commands on a small database filled through the real writer."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa

import storage
from crawler import clusters
from crawler.article import Article
from crawler.config import SourceConfig, load_entities
from storage.clusters import ClusterStore, cluster_snapshot, rebuild
from tests.cli_runner import run_pantau

DATA = Path(__file__).resolve().parent / "data" / "clusters"
TARGET_PRECISION, TARGET_RECALL = 0.97, 0.95


def pair_set(name: str) -> dict:
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


def score_pairs(document: dict) -> tuple[float, float, list[dict]]:
    """Cluster the set's texts in file order (as a crawl would) and score its labelled pairs."""
    texts = {key: value["text"] for key, value in document["texts"].items()}
    ids = {key: number for number, key in enumerate(texts, 1)}
    by_id = {ids[key]: text for key, text in texts.items()}
    clusterer = clusters.Clusterer(lambda wanted: {i: by_id[i] for i in wanted})
    cluster = {key: clusterer.assign(ids[key], text).cluster_id for key, text in texts.items()}
    true_pos = false_pos = false_neg = 0
    wrong = []
    for pair in document["pairs"]:
        predicted, gold = cluster[pair["a"]] == cluster[pair["b"]], pair["label"] == "same"
        true_pos += predicted and gold
        false_pos += predicted and not gold
        false_neg += gold and not predicted
        if predicted != gold:
            wrong.append(pair)
    precision = true_pos / (true_pos + false_pos) if true_pos + false_pos else 1.0
    return precision, true_pos / (true_pos + false_neg), wrong


# ------------------------------------------------------------------------------------------------ pure


@pytest.mark.parametrize("name", ["dev", "heldout"])
def test_clusters_pair_sets_meet_the_targets(name):
    precision, recall, wrong = score_pairs(pair_set(name))
    assert precision >= TARGET_PRECISION and recall >= TARGET_RECALL, wrong


def test_clusters_pair_sets_have_every_kind_of_pair():
    for name in ("dev", "heldout"):
        kinds = {pair["kind"] for pair in pair_set(name)["pairs"]}
        assert {"verbatim", "edited", "paragraph", "same-event", "unrelated"} <= kinds, name


def test_clusters_shared_quote_alone_is_not_a_copy():
    texts = pair_set("heldout")["texts"]
    comparison = clusters.compare(texts["h2"]["text"], texts["h2_indep"]["text"])
    assert not comparison.same_story
    assert comparison.b_share > 0.1  # they do share the quote (and it would be enough without the quote rule)
    quote = '"Kami tidak ingin menunggu air datang baru bergerak. Perahu karet, tenda pengungsian dan logistik ' \
            'sudah kami sebar ke kecamatan sejak bulan lalu," ujarnya.'
    assert clusters.compare(quote, quote).shared_run == 0  # a quote never counts as a shared run


def test_clusters_stock_closing_paragraph_does_not_join_two_releases():
    texts = pair_set("dev")["texts"]
    comparison = clusters.compare(texts["d3"]["text"], texts["d4"]["text"])
    assert comparison.shared_run < clusters.MIN_SHARED_RUN and not comparison.same_story


def test_clusters_fingerprint_round_trips_through_bytes():
    text = pair_set("heldout")["texts"]["h1"]["text"]
    fingerprint = clusters.fingerprint(text)
    assert len(fingerprint.signatures) == sum(1 for line in text.split("\n")
                                              if len(line.split()) >= clusters.MIN_PARAGRAPH_WORDS)
    again = clusters.Fingerprint.from_bytes(fingerprint.to_bytes())
    assert [list(a) for a in again.signatures] == [list(b) for b in fingerprint.signatures]
    with pytest.raises(ValueError):
        clusters.Fingerprint.from_bytes(b"\0" * 7)


def test_clusters_signatures_are_the_ones_stored_before_shingles_were_hashed_first():
    # Stored signatures must stay comparable: a MinHash over the shingle texts hashed with CRC-32, as before.
    import zlib

    from datasketch import MinHash

    text = pair_set("heldout")["texts"]["h1"]["text"]
    first = next(line for line in text.split("\n") if len(line.split()) >= clusters.MIN_PARAGRAPH_WORDS)
    words = [word.lower() for word in clusters._WORD.findall(first.replace('"', " ").replace("“", " ")
                                                             .replace("”", " "))]
    shingles = {" ".join(words[start:start + clusters.SHINGLE_WORDS]).encode()
                for start in range(len(words) - clusters.SHINGLE_WORDS + 1)}
    reference = MinHash(num_perm=clusters.NUM_PERM, seed=clusters.SEED, scheme=clusters.SCHEME,
                        hashfunc=zlib.crc32)
    reference.update_batch(list(shingles))
    assert list(clusters.fingerprint(text).signatures[0]) == list(reference.hashvalues)
    # every paragraph of every labelled text, as datasketch computes it one paragraph at a time
    for value in pair_set("heldout")["texts"].values():
        counted = [p for p in clusters.paragraphs(value["text"]) if p.words >= clusters.MIN_PARAGRAPH_WORDS]
        expected = []
        for paragraph in counted:
            minhash = MinHash(num_perm=clusters.NUM_PERM, seed=clusters.SEED, scheme=clusters.SCHEME, hashfunc=int)
            minhash.update_batch(list(paragraph.shingles))
            expected.append(list(minhash.hashvalues))
        assert [list(row) for row in clusters.fingerprint(value["text"]).signatures] == expected


def test_clusters_permutations_are_datasketchs_without_importing_it():
    import subprocess
    import sys

    from datasketch import MinHash

    reference = MinHash(num_perm=clusters.NUM_PERM, seed=clusters.SEED, scheme=clusters.SCHEME).permutations
    assert clusters._PERMUTATIONS.dtype == reference.dtype
    assert clusters._PERMUTATIONS.tolist() == reference.tolist()
    # datasketch pulls in scipy, redis and cryptography: ~45 MB in every process that clusters
    imported = subprocess.run([sys.executable, "-c", "import sys, crawler.clusters, storage.clusters; "
                               "print(sorted({'datasketch', 'scipy', 'redis'} & set(sys.modules)))"],
                              check=True, capture_output=True, text=True).stdout.strip()
    assert imported == "[]"


def test_clusters_profile_shipped_from_the_worker_equals_the_one_built_from_the_text():
    texts = pair_set("heldout")["texts"]
    for key in ("h1", "h1_para", "h2_copy"):
        built = clusters.Profile(texts[key]["text"])
        shipped = clusters.Profile.from_bytes(built.to_bytes())
        assert shipped.paragraphs == built.paragraphs and shipped.closing == built.closing
        assert shipped.shingle_array.tolist() == built.shingle_array.tolist() == sorted(built.shingles)
        other = clusters.Profile(texts["h1"]["text"])
        assert clusters.compare(other, shipped) == clusters.compare(other, built)
    assert clusters.Profile.from_bytes(clusters.Profile("").to_bytes()).paragraphs == []


def test_clusters_band_index_uses_datasketchs_banding_and_finds_what_it_finds():
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=clusters.LSH_THRESHOLD, num_perm=clusters.NUM_PERM)
    assert (lsh.b, lsh.r) == (clusters.LSH_BANDS, clusters.LSH_ROWS)
    texts = pair_set("dev")["texts"]
    index = clusters.CandidateIndex()
    fingerprints = {number: clusters.fingerprint(value["text"]) for number, value in enumerate(texts.values(), 1)}
    for number, fingerprint_ in fingerprints.items():
        index.add(number, fingerprint_)
    # the same candidates as datasketch's own index over the same signatures
    from datasketch import LeanMinHash

    for number, fingerprint_ in fingerprints.items():
        for paragraph, signature in enumerate(fingerprint_.signatures):
            lsh.insert((number, paragraph), LeanMinHash(seed=clusters.SEED, hashvalues=signature,
                                                        scheme=clusters.SCHEME))
    for number, fingerprint_ in fingerprints.items():
        expected = [{key[0] for key in lsh.query(LeanMinHash(seed=clusters.SEED, hashvalues=signature,
                                                             scheme=clusters.SCHEME))}
                    for signature in fingerprint_.signatures]
        assert index.hits_per_paragraph(fingerprint_) == expected
    assert index.nbytes == index.entries * 12 and len(index) == len(fingerprints)
    with pytest.raises(ValueError):
        index.add(2 ** 32, fingerprints[1])


def test_clusters_numpy_shortcuts_agree_with_numpy_unique_and_set_intersections():
    rng = np.random.default_rng(12)
    for size in (0, 1, 2, 7, 3000):
        values = (rng.integers(0, 40, size).astype(np.uint64) << np.uint64(32)) | rng.integers(0, 9, size).astype(
            np.uint64)
        expected, expected_counts = np.unique(values, return_counts=True)
        distinct, counts = clusters._distinct(values, counts=True)
        assert distinct.dtype == expected.dtype and distinct.tolist() == expected.tolist()
        assert counts.tolist() == expected_counts.tolist() and clusters._distinct(values).tolist() == expected.tolist()
    texts = [value["text"] for value in pair_set("heldout")["texts"].values()]
    profiles = [clusters.Profile(text) for text in texts] + [clusters.Profile("")]
    for profile in profiles:
        assert profile.shingle_array.tolist() == sorted(profile.shingles)
        shared = clusters._shared_counts(profile.shingle_array, [other.shingle_array for other in profiles],
                                         [len(other.shingles) for other in profiles])
        assert shared == [len(other.shingles & profile.shingles) for other in profiles]


@pytest.mark.parametrize("small_merge_entries", [0, 1 << 16])
def test_clusters_index_runs_merge_like_a_stable_sort_either_way(monkeypatch, small_merge_entries):
    monkeypatch.setattr(clusters, "SMALL_MERGE_ENTRIES", small_merge_entries)  # 0: the large runs' masks
    rng = np.random.default_rng(5)
    older_keys, newer_keys = (np.sort(rng.integers(0, 50, size).astype(np.uint64)) for size in (300, 120))
    older_ids, newer_ids = np.arange(300, dtype=np.uint32), np.arange(300, 420, dtype=np.uint32)
    keys, ids = clusters._merge_runs((older_keys, older_ids), (newer_keys, newer_ids))
    order = np.argsort(np.concatenate((older_keys, newer_keys)), kind="stable")
    assert keys.tolist() == np.concatenate((older_keys, newer_keys))[order].tolist()
    assert ids.tolist() == np.concatenate((older_ids, newer_ids))[order].tolist()


@pytest.mark.parametrize("copy, kind", [("h1_copy", "verbatim"), ("h2_copy", "verbatim"), ("h1_edit", "edited"),
                                        ("h3_edit", "edited"), ("h1_para", "paragraph"), ("h2_para", "paragraph")])
def test_clusters_reuse_kind_of_each_labelled_copy(copy, kind):
    texts = pair_set("heldout")["texts"]
    release = copy.split("_")[0]
    assert clusters.reuse_kind(clusters.compare(texts[release]["text"], texts[copy]["text"])) == kind


def test_clusters_credit_detection():
    names = ["Dinas Komunikasi dan Informatika Provinsi Kalimantan Timur", "Diskominfo Kaltim", "Diskominfo"]
    body = "Diskominfo Kaltim menggelar pelatihan di Samarinda.\nPeserta datang dari sepuluh daerah di Kaltim."
    assert not clusters.is_credited(body, None, names)  # naming the office in the story is no credit
    assert clusters.is_credited(body + "\n(rls/diskominfokaltim)", None, names)
    assert clusters.is_credited(body + "\nDemikian siaran pers yang diterima redaksi.", None, names)
    assert clusters.is_credited(body + "\nSumber: Humas Diskominfo Kaltim", None, names)
    assert clusters.is_credited(body, "(Diskominfo Kaltim/adv)", names)
    # a release about writing press releases: the words are the release's own, not a credit
    release = "Peserta belajar menulis siaran pers yang baik."
    assert not clusters.is_credited(release + "\nLain-lain.", None, names, release_text=release)


# ------------------------------------------------------------------------------------------------ storage


def _store(engine, source_key: str, key: str, texts: dict, published: dt.datetime) -> None:
    text = texts[key]
    with storage.ArticleWriter(engine, source_key) as writer:
        writer.add(Article(url=f"https://{source_key}.example/{key}", canonical_url=f"https://{source_key}.example/{key}",
                           title=text["title"], text=text["text"], published_at=published, language="id"))


@pytest.fixture
def small_database(database_url, tmp_path):
    """Two news sources and a press office synced; held-out texts stored through the real writer."""
    sources = [SourceConfig(key="kaltimnews", name="Kaltim News", home_url="https://kaltimnews.example/",
                            timezone="Asia/Makassar"),
               SourceConfig(key="borneopos", name="Borneo Pos", home_url="https://borneopos.example/",
                            timezone="Asia/Makassar"),
               SourceConfig(key="humas", name="Humas", home_url="https://humas.example/", timezone="Asia/Makassar",
                            kind="press-office", agency="diskominfo-kaltim")]
    engine = storage.connect(database_url)
    storage.sync_config(engine, sources, load_entities())
    config = tmp_path / "config"
    (config / "sources").mkdir(parents=True)
    (config / "sources" / "small.toml").write_text("\n".join(
        f'[[sources]]\nkey = "{s.key}"\nname = "{s.name}"\nhome_url = "{s.home_url}"\ntimezone = "Asia/Makassar"\n'
        + (f'kind = "press-office"\nagency = "{s.agency}"\n' if s.agency else "") for s in sources))
    (config / "entities").symlink_to(Path(__file__).resolve().parent.parent / "config" / "entities")
    yield engine, config
    engine.dispose()


def test_cluster_store_assigns_copies_to_the_release_and_measures_them(small_database):
    engine, _ = small_database
    texts = pair_set("heldout")["texts"]
    start = dt.datetime(2025, 10, 14, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    # copies stored before the release (a crawl order the office cannot choose)
    _store(engine, "kaltimnews", "h1_copy", texts, start + dt.timedelta(hours=3))
    _store(engine, "borneopos", "h1_para", texts, start + dt.timedelta(hours=5))
    _store(engine, "borneopos", "h1_indep", texts, start + dt.timedelta(hours=4))
    _store(engine, "kaltimnews", "h2", texts, start + dt.timedelta(hours=1))
    store = ClusterStore(engine)
    assert store.assign_unclustered().articles == 4
    _store(engine, "humas", "h1", texts, start)
    result = ClusterStore(engine).assign_unclustered()
    assert (result.articles, result.releases) == (1, 1)
    with engine.connect() as connection:
        rows = {row.title: row for row in connection.execute(sa.text(
            "SELECT a.title, p.source_key, p.reuse, p.release_share, p.credited, p.delay_minutes "
            "FROM v_pickup p JOIN article a ON a.id = p.article_id"))}
        clusters_view = connection.execute(sa.text(
            "SELECT origin_source_key, articles, outlets, releases FROM v_cluster WHERE articles > 1")).all()
    titles = {key: texts[key]["title"] for key in texts}
    assert set(rows) == {titles["h1_copy"], titles["h1_para"]}
    assert rows[titles["h1_copy"]].reuse == "verbatim" and bool(rows[titles["h1_copy"]].credited)
    assert rows[titles["h1_para"]].reuse == "paragraph" and not rows[titles["h1_para"]].credited
    assert round(float(rows[titles["h1_copy"]].delay_minutes)) == 180
    assert [tuple(row) for row in clusters_view] == [("humas", 3, 3, 1)]  # origin: the earliest, the release


def test_cluster_store_second_pass_and_rebuild_keep_clusters(small_database):
    engine, _ = small_database
    texts = pair_set("heldout")["texts"]
    start = dt.datetime(2025, 11, 3, 8, 0, tzinfo=dt.timezone.utc)
    for number, key in enumerate(["h2", "h2_copy", "h2_edit", "h2_para", "h2_indep", "h3", "h3_edit"]):
        _store(engine, "kaltimnews" if number % 2 else "borneopos", key, texts, start + dt.timedelta(hours=number))
    ClusterStore(engine).assign_unclustered()
    first = cluster_snapshot(engine)
    assert len(first) == 7 and len(set(first.values())) == 3  # h2 + copies, h2_indep, h3 + edit
    assert ClusterStore(engine).assign_unclustered().articles == 0
    assert cluster_snapshot(engine) == first
    result = rebuild(engine)
    assert result.articles == 7 and cluster_snapshot(engine) == first
    rebuild(engine, since=(start + dt.timedelta(hours=3)).date())
    assert cluster_snapshot(engine) == first


# ------------------------------------------------------------------------------------------------ CLI


def _write_release(tmp_path: Path, key: str) -> Path:
    text = pair_set("heldout")["texts"][key]
    path = tmp_path / f"{key}.txt"
    path.write_text(text["title"] + "\n\n" + text["text"].replace("\n", "\n\n") + "\n", encoding="utf-8")
    return path


def _articles(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.text("SELECT count(*) FROM article")).scalar_one()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_releases_add_bad_input_is_one_line_exit_2_and_stores_nothing(small_database, database_url, tmp_path):
    engine, config = small_database
    before = _articles(engine)
    missing = run_pantau("releases", "add", str(tmp_path / "nope.txt"), "--agency", "diskominfo-kaltim",
                         database_url=database_url, config_dir=config)
    assert missing.returncode == 2
    assert missing.stderr.strip().count("\n") == 0 and "nope.txt" in missing.stderr and "no such file" in missing.stderr
    unknown = run_pantau("releases", "add", str(_write_release(tmp_path, "h1")), "--agency", "dinas-atlantis",
                         database_url=database_url, config_dir=config)
    assert unknown.returncode == 2
    assert unknown.stderr.strip().count("\n") == 0 and "dinas-atlantis" in unknown.stderr
    assert _articles(engine) == before


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_releases_add_then_report_pickup_lists_the_copies(small_database, database_url, tmp_path):
    engine, config = small_database
    texts = pair_set("heldout")["texts"]
    start = dt.datetime(2025, 11, 20, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    _store(engine, "kaltimnews", "h3_copy", texts, start + dt.timedelta(minutes=45))
    _store(engine, "borneopos", "h3_edit", texts, start + dt.timedelta(days=1))
    _store(engine, "borneopos", "h3_indep", texts, start + dt.timedelta(hours=2))
    added = run_pantau("releases", "add", str(_write_release(tmp_path, "h3")), "--agency", "dprd-kaltim",
                       "--published", "2025-11-20T10:00+08:00", database_url=database_url, config_dir=config)
    assert added.returncode == 0, added.stderr
    again = run_pantau("releases", "add", str(_write_release(tmp_path, "h3")), "--agency", "dprd-kaltim",
                       database_url=database_url, config_dir=config)
    assert again.returncode == 0 and "Already registered" in again.stdout
    listed = run_pantau("releases", "list", "--format", "json", database_url=database_url, config_dir=config)
    records = json.loads(listed.stdout)
    assert [(r["agency"], r["pickups"]) for r in records] == [("dprd-kaltim", 2)]
    report = run_pantau("report", "pickup", "--since", "2025-11-20", "--until", "2025-11-20", "--format", "csv",
                        database_url=database_url, config_dir=config)
    assert report.returncode == 0, report.stderr
    rows = list(csv.DictReader(io.StringIO(report.stdout)))
    assert sorted((row["outlet"], row["reuse"], row["delay_minutes"]) for row in rows) == [
        ("borneopos", "edited", "1440"), ("kaltimnews", "verbatim", "45")]
    unknown = run_pantau("report", "pickup", "--release", "999", database_url=database_url, config_dir=config)
    assert unknown.returncode == 2 and "999" in unknown.stderr
    html_path = tmp_path / "pickup.html"
    made = run_pantau("report", "pickup", "--release", str(records[0]["id"]), "--format", "html", "-o",
                      str(html_path), database_url=database_url, config_dir=config)
    assert made.returncode == 0, made.stderr
    page = html_path.read_text(encoding="utf-8")
    assert "Pemuatan siaran pers" in page and "disunting" in page and "utuh" in page
    assert 'class="silent"' not in page  # both news outlets ran it


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_partner_report_counts_pickups_toward_the_quota_only_when_asked(small_database, database_url, tmp_path):
    from crawler.partners import Month, load_partners
    from crawler.reports import build_partner_report

    engine, config = small_database
    (config / "partners").mkdir()
    (config / "partners" / "test.yaml").write_text(
        "partners:\n  - outlet: kaltimnews\n    contract: 1/PKS\n    period: {start: 2025-01-01, end: 2025-12-31}\n"
        "    agencies:\n      - {agency: diskominfo-kaltim, quota: 1}\n", encoding="utf-8")
    texts = pair_set("heldout")["texts"]
    start = dt.datetime(2025, 10, 14, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    _store(engine, "humas", "h1", texts, start)
    # stored without mentions: only its being a copy of the office's release makes it a piece
    _store(engine, "kaltimnews", "h1_para", texts, start + dt.timedelta(hours=2))
    ClusterStore(engine).assign_unclustered()
    book = load_partners(config)

    def pieces(**options) -> int:
        report = build_partner_report(engine, book, Month.parse("2025-10"), **options)
        return dict(zip(report.tables[0].columns, report.tables[0].rows[0]))["pieces"]

    assert pieces() == 0
    assert pieces(count_pickups=True) == 1
    assert pieces(count_pickups=True, lineage=False) == 1


def test_cluster_store_crawl_index_holds_a_window_rebuild_holds_everything(small_database):
    engine, _ = small_database
    texts = pair_set("heldout")["texts"]
    start = dt.datetime(2025, 1, 6, 9, 0, tzinfo=dt.timezone.utc)
    _store(engine, "humas", "h2", texts, start)
    ClusterStore(engine).assign_unclustered()
    _store(engine, "kaltimnews", "h2_copy", texts, start + dt.timedelta(days=200))
    store = ClusterStore(engine)
    store.assign_unclustered()
    assert len(store.clusterer.cluster_of) == 1  # the release is outside the window: not even loaded
    assert len(set(cluster_snapshot(engine).values())) == 2
    rebuild(engine)
    assert len(set(cluster_snapshot(engine).values())) == 1


@pytest.mark.parametrize("extra, words", [('kind = "rilis"', ["kind", "press-office"]),
                                          ('agency = "diskominfo-kaltim"', ["agency", "press-office"])])
def test_source_kind_and_agency_are_validated_with_file_and_line(tmp_path, extra, words):
    from crawler.config import ConfigError, load_sources

    (tmp_path / "sources").mkdir()
    path = tmp_path / "sources" / "bad.toml"
    path.write_text(f'[[sources]]\nkey = "x"\nname = "X"\nhome_url = "https://x.example/"\n{extra}\n',
                    encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_sources(tmp_path)
    message = str(error.value)
    assert "bad.toml" in message and all(word in message for word in words), message
