"""Story clusters: accuracy on the labelled pairs and the demo record, cost per article, and rebuild speed.

Prints three tables:

1. pair precision / recall of crawler.clusters on tests/data/clusters/dev.json (thresholds were tuned on it),
   heldout.json (written before tuning), and the demo site's planted releases (every pair of stories of which
   at least one is planted: a release, a copy, or an independent story of the same event; the generated stories
   of one topic share whole template sentences and are not labelled against each other);
2. the cost per article of signatures (analysis worker) and of cluster assignment (writer thread) against the
   analysis itself (extraction + matching + quotes) on the demo pages, in the same run, one process, in CPU
   seconds (time.process_time: steadier than wall time on a shared machine);
3. ``clusters rebuild`` (storage.clusters.rebuild) over N generated articles stored in a temporary SQLite
   database: articles/s and the peak resident memory of the process that rebuilds (a child process);
4. a crawl's start over the same database: loading every stored signature into the index in a fresh process,
   its time and memory (index bytes and resident memory grown per article), and the top-up that every batch of
   a crawl does first (the rows other processes assigned since the last batch).

    python bench/clusters.py                # 20,000 articles for the rebuild
    python bench/clusters.py --articles 100000
    python bench/clusters.py --articles 100000 --only-rebuild --database /tmp/clusters-100k.db  # generated once,
                                                                     # reused by later runs (old code vs new)
"""

from __future__ import annotations

import argparse
import datetime as dt
import inspect
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler import clusters  # noqa: E402
from crawler.config import SourceConfig  # noqa: E402

DATA = ROOT / "tests" / "data" / "clusters"


def score(texts: dict[str, str], labelled: list[tuple[str, str, bool]]) -> tuple[float, float, int]:
    ids = {key: number for number, key in enumerate(texts, 1)}
    by_id = {ids[key]: text for key, text in texts.items()}
    clusterer = clusters.Clusterer(lambda wanted: {i: by_id[i] for i in wanted})
    cluster = {key: clusterer.assign(ids[key], text).cluster_id for key, text in texts.items()}
    tp = fp = fn = 0
    for a, b, same in labelled:
        predicted = cluster[a] == cluster[b]
        tp += predicted and same
        fp += predicted and not same
        fn += same and not predicted
    return (tp / (tp + fp) if tp + fp else 1.0), tp / (tp + fn), len(labelled)


def pair_set(name: str) -> tuple[dict[str, str], list[tuple[str, str, bool]]]:
    document = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    texts = {key: value["text"] for key, value in document["texts"].items()}
    return texts, [(pair["a"], pair["b"], pair["label"] == "same") for pair in document["pairs"]]


def demo_stories():
    from crawler.demo import DemoSite

    site = DemoSite()
    stories = []
    for outlet in site.outlets:
        for story in outlet.stories:
            text = "\n".join(paragraph.text for paragraph in story.paragraphs if paragraph.kind != "related")
            stories.append((story.published_at, outlet, story, text))
    stories.sort(key=lambda item: item[0])
    return site, stories


def demo_pairs(stories) -> tuple[dict[str, str], list[tuple[str, str, bool]]]:
    texts = {f"{outlet.key}:{story.index}": text for _, outlet, story, text in stories}
    release_of = {f"{outlet.key}:{story.index}": story.flags["pickup"] for _, outlet, story, _ in stories
                  if story.flags.get("pickup")}
    labelled = []
    for a, b in combinations(texts, 2):
        if a not in release_of and b not in release_of:
            continue  # generated stories are not labelled against each other (shared templates)
        pa, pb = release_of.get(a), release_of.get(b)
        same = (pa is not None and pb is not None and pa["release"] == pb["release"]
                and "independent" not in (pa["role"], pb["role"]))
        labelled.append((a, b, same))
    return texts, labelled


def accuracy_table(stories) -> None:
    print("Pair precision / recall (target >= 0.97 / >= 0.95)")
    print(f"{'set':<28} {'pairs':>6} {'precision':>9} {'recall':>7}")
    for name, label in (("dev", "labelled dev (tuned on)"), ("heldout", "labelled held-out")):
        precision, recall, pairs = score(*pair_set(name))
        print(f"{label:<28} {pairs:>6} {precision:>9.3f} {recall:>7.3f}")
    precision, recall, pairs = score(*demo_pairs(stories))
    print(f"{'demo record (planted)':<28} {pairs:>6} {precision:>9.3f} {recall:>7.3f}")
    print()


def cpu_seconds() -> float:
    """CPU time of this process (SQLite runs in it): on 2 cores shared with other jobs, wall time swings with
    their load, while the shares of the cost table compare CPU spent on the same work."""
    return time.process_time()


def worker_side(texts: list[str]) -> list[tuple[bytes, bytes]]:
    """What an analysis worker computes per article and ships to the writer (crawler.analysis)."""
    shipped = []
    for text in texts:
        profile = clusters.Profile(text)
        shipped.append((clusters.fingerprint(profile).to_bytes(), profile.to_bytes()))
    return shipped


def writer_side(clusterer: clusters.Clusterer, texts: list[str], shipped: list[tuple[bytes, bytes]]) -> None:
    """What the crawl's writer thread does per article (storage.clusters.ClusterStore.assign, without its SQL)."""
    lazy = "profile_bytes" in inspect.signature(clusterer.assign).parameters  # older code: profile unpacked first
    for number, (text, (signature, profile)) in enumerate(zip(texts, shipped), 1):
        if lazy:
            clusterer.assign(number, text, clusters.Fingerprint.from_bytes(signature), profile_bytes=profile)
        else:
            clusterer.assign(number, text, clusters.Fingerprint.from_bytes(signature),
                             clusters.Profile.from_bytes(profile))


def storage_side(texts: list[str], shipped: list[tuple[bytes, bytes]], sources: list[SourceConfig] | None = None,
                 source_of: list[str] | None = None, rows: dict | None = None) -> float:
    """Seconds per article of the writer thread's whole cluster step, SQL included (ClusterStore.assign_queued
    whenever an article's writer has just written its batch of 50, as pipelines/cluster.py calls it), on a
    temporary SQLite database. ``sources``/``source_of``: the outlets and which one stored each text (the demo's
    press office makes its articles releases, so their copies are measured against them, as in a crawl);
    ``rows``, when given, receives the story_cluster rows (old code vs new: the same rows; the warm-up's too)."""
    import storage
    from crawler.article import Article
    from crawler.config import load_entities
    from storage.clusters import ClusterStore

    if sources is None:
        sources = [SourceConfig(key="outlet", name="Outlet", home_url="https://o.example/")]
    seconds = 0.0
    with tempfile.TemporaryDirectory() as folder:
        engine = storage.connect(f"sqlite:///{folder}/cost.db")
        storage.sync_config(engine, sources, load_entities())
        writers = {source.key: storage.ArticleWriter(engine, source.key, batch_size=50) for source in sources}
        store = ClusterStore(engine)
        # Untimed: a process compiles each SQL statement once (SQLAlchemy's cache, per engine), which a crawl
        # spreads over thousands of articles and 227 demo pages would not. Unrelated generated articles,
        # published long before, through the same path.
        warm_up = [text for _, text in synthetic_corpus(60, seed=99)]
        news = writers[next(source.key for source in sources if source.kind != "press-office")]
        for number, ((signature, profile), text) in enumerate(zip(worker_side(warm_up), warm_up)):
            url = f"https://o.example/warm-up/{number}"
            news.add(Article(url=url, canonical_url=url, title=f"Pemanasan {number}", text=text,
                             published_at=dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)))
            store.queue(url, signature, profile)
        news.flush()
        store.assign_queued()
        start = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
        for number, (text, (signature, profile)) in enumerate(zip(texts, shipped)):
            writer = writers[source_of[number] if source_of else sources[0].key]
            url = f"https://o.example/{number}"
            writer.add(Article(url=url, canonical_url=url, title=f"Berita {number}", text=text,
                               published_at=start + dt.timedelta(minutes=number)))
            store.queue(url, signature, profile)
            if writer.pending == 0:
                started = cpu_seconds()
                store.assign_queued()
                seconds += cpu_seconds() - started
        for writer in writers.values():
            writer.close()
        started = cpu_seconds()
        store.assign_queued()
        seconds += cpu_seconds() - started
        if rows is not None:
            import sqlalchemy as sa

            with engine.connect() as connection:
                rows.update((row[0], tuple(row[1:])) for row in connection.execute(sa.text(
                    "SELECT a.canonical_url, c.canonical_url, m.canonical_url, s.matched_share, s.signature, "
                    "r.canonical_url, s.release_share, s.reuse, s.credited FROM story_cluster s "
                    "JOIN article a ON a.id = s.article_id JOIN article c ON c.id = s.cluster_id "
                    "LEFT JOIN article m ON m.id = s.matched_article_id "
                    "LEFT JOIN article r ON r.id = s.release_article_id")))
        engine.dispose()
    return seconds / len(texts)


def demo_sources(site) -> list[SourceConfig]:
    return [SourceConfig.model_validate(outlet.source_entry()) for outlet in site.outlets]


def cost_table(site, stories, repeat: int) -> None:
    from crawler.analysis import PageAnalyser
    from crawler.config import load_entities

    site._ensure_addresses()
    pages = []
    for _, outlet, story, _ in stories:
        url = outlet.article_url(story)
        parts = urlsplit(url)
        pages.append((outlet.handle(parts.path + (f"?{parts.query}" if parts.query else "")).payload.decode(),
                      url, outlet.key))
    sources = []
    analyser = PageAnalyser(sources, load_entities())
    fetched = dt.datetime(2026, 11, 26, tzinfo=dt.timezone.utc)
    texts, analysis_seconds, fingerprint_seconds, assign_seconds = [], 0.0, 0.0, 0.0
    for _ in range(repeat):
        texts = []
        started = cpu_seconds()
        for html, url, key in pages:
            result = analyser.analyse(html, url, key, fetched)
            texts.append(result.article.text if result.article else "")
        analysis_seconds += cpu_seconds() - started
        started = cpu_seconds()
        shipped = worker_side(texts)
        fingerprint_seconds += cpu_seconds() - started
        by_id = dict(enumerate(texts, 1))
        clusterer = clusters.Clusterer(lambda wanted: {i: by_id[i] for i in wanted})
        started = cpu_seconds()
        writer_side(clusterer, texts, shipped)
        assign_seconds += cpu_seconds() - started
    # The same assignment over generated articles with realistic copy rates (20 % copies, edits, pickups).
    synthetic = [text for _, text in synthetic_corpus(len(pages) * 10)]
    synthetic_shipped = worker_side(synthetic)
    by_number = dict(enumerate(synthetic, 1))
    clusterer = clusters.Clusterer(lambda wanted: {i: by_number[i] for i in wanted})
    started = cpu_seconds()
    writer_side(clusterer, synthetic, synthetic_shipped)
    synthetic_seconds = (cpu_seconds() - started) / len(synthetic)
    # the least of `repeat` runs: each starts from an empty database, so they do the same work
    with_sql = {"demo pages": min(storage_side(texts, shipped, demo_sources(site),
                                               [outlet.key for _, outlet, _, _ in stories]) for _ in range(repeat)),
                "generated": min(storage_side(synthetic, synthetic_shipped) for _ in range(repeat))}
    count = len(pages) * repeat
    analysis = (analysis_seconds - fingerprint_seconds) / count  # analyse() includes the signature now
    print(f"Cost per article on the {len(pages)} demo pages ({repeat} runs, one process)")
    print(f"{'step':<44} {'ms/article':>10} {'share of analysis':>18}")
    print(f"{'analysis: extraction + matching + quotes':<44} {analysis * 1000:>10.2f} {'1.000':>18}")
    for label, seconds in (("signatures + profile (analysis worker)", fingerprint_seconds),
                           ("assignment: LSH + confirmation (writer)", assign_seconds)):
        per = seconds / count
        print(f"{label:<44} {per * 1000:>10.2f} {per / analysis:>18.3f}")
    label = f"assignment, {len(synthetic)} generated articles"
    print(f"{label:<44} {synthetic_seconds * 1000:>10.2f} {synthetic_seconds / analysis:>18.3f}")
    for name, per in with_sql.items():
        label = f"assignment with its SQL (SQLite), {name}"
        print(f"{label:<44} {per * 1000:>10.2f} {per / analysis:>18.3f}")
    print()


# ---------------------------------------------------------------------------------------------- rebuild


def synthetic_corpus(count: int, seed: int = 7):
    """Articles of Zipf-distributed pseudo-Indonesian words; 10 % verbatim copies, 5 % edited, 5 % one-paragraph
    pickups of an earlier article (realistic candidate rates, unlike the demo's template stories)."""
    rng = random.Random(seed)
    syllables = ["ka", "ma", "sa", "ta", "ra", "na", "ba", "da", "pe", "me", "se", "ke", "di", "ti", "ri", "ni",
                 "lu", "ku", "tu", "pu", "an", "ang", "ung", "in", "at", "ar", "kan", "nya", "lah", "wan"]
    vocabulary = sorted({"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(12000)})
    cumulative, total = [], 0.0
    for rank in range(len(vocabulary)):
        total += 1 / (rank + 1)
        cumulative.append(total)

    def paragraph() -> str:
        return " ".join(rng.choices(vocabulary, cum_weights=cumulative, k=rng.randint(25, 45))).capitalize() + "."

    articles: list[tuple[str, str]] = []
    for number in range(count):
        roll = rng.random()
        if articles and roll < 0.10:
            title, text = rng.choice(articles)
        elif articles and roll < 0.15:
            title, original = rng.choice(articles)
            kept = original.split("\n")
            kept = [paragraph()] + kept[1:-1]
            text = "\n".join(kept)
        elif articles and roll < 0.20:
            _, original = rng.choice(articles)
            text = "\n".join([paragraph(), rng.choice(original.split("\n")), paragraph(), paragraph()])
            title = paragraph()[:60]
        else:
            title, text = paragraph()[:60], "\n".join(paragraph() for _ in range(rng.randint(6, 12)))
        articles.append((title, text))
    return articles


def fill(database: Path, count: int) -> None:
    import storage
    from crawler.article import Article

    engine = storage.connect(f"sqlite:///{database}")
    sources = [SourceConfig(key=f"outlet{number}", name=f"Outlet {number}", home_url=f"https://o{number}.example/")
               for number in range(10)]
    storage.sync_config(engine, sources, [])
    start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    writers = {source.key: storage.ArticleWriter(engine, source.key, batch_size=2000) for source in sources}
    for number, (title, text) in enumerate(synthetic_corpus(count)):
        key = f"outlet{number % 10}"
        writers[key].add(Article(url=f"https://o.example/{number}", canonical_url=f"https://o.example/{number}",
                                 title=title, text=text, published_at=start + dt.timedelta(minutes=number)))
    for writer in writers.values():
        writer.close()
    engine.dispose()


def _peak_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from the parent that forked
    it, which may have been larger, e.g. after generating the archive)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2 ** 20


def rebuild_child(database: Path) -> None:
    import storage
    from storage.clusters import rebuild

    engine = storage.connect(f"sqlite:///{database}")
    started = time.perf_counter()
    result = rebuild(engine)
    seconds = time.perf_counter() - started
    peak = _peak_mb()
    print(json.dumps({"articles": result.articles, "joined": result.joined, "seconds": seconds, "peak_mb": peak}))


def crawl_start_child(database: Path) -> None:
    """What a crawl does first, in a fresh process: load the stored signatures into the index (here all of them:
    the generated articles are within one window)."""
    import storage
    from storage.clusters import ClusterStore

    engine = storage.connect(f"sqlite:///{database}")
    store = ClusterStore(engine, window=None)
    before = _rss_mb()
    started = time.perf_counter()
    loaded = store.refresh()
    seconds = time.perf_counter() - started
    index = store.clusterer.index
    after = _rss_mb()
    # what the crawl's cluster step does before every batch: top up with what other processes assigned since
    started = time.perf_counter()
    for _ in range(3):
        store.refresh()
    top_up = (time.perf_counter() - started) / 3
    print(json.dumps({"loaded": loaded, "seconds": seconds, "rss_before_mb": before, "rss_after_mb": after,
                      "top_up_seconds": top_up,
                      "peak_mb": _peak_mb(),
                      "index_bytes": index.nbytes, "entries": index.entries}))


def _child(mode: str, database: Path) -> dict:
    output = subprocess.run([sys.executable, __file__, mode, str(database)], check=True, capture_output=True,
                            text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def stored_articles(database: Path) -> int:
    import sqlite3

    try:
        with sqlite3.connect(database) as connection:
            return connection.execute("SELECT count(*) FROM article").fetchone()[0]
    except sqlite3.Error:
        return 0


def rebuild_table(count: int, database: Path | None = None, crawl_start_only: bool = False) -> None:
    with tempfile.TemporaryDirectory() as folder:
        if database is None:
            database = Path(folder) / "bench.db"
        started = time.perf_counter()
        if database.exists() and stored_articles(database) == count:
            filled_how = f"{database}, generated before and reused"
        else:
            if database.exists():
                sys.exit(f"{database} holds {stored_articles(database)} articles, not {count:,}: remove it or "
                         "pass another --database")
            fill(database, count)
            filled_how = f"filled in {time.perf_counter() - started:.0f} s"
        baseline = json.loads(subprocess.run(
            [sys.executable, "-c", "import json, re, storage, crawler.clusters;"
             "print(json.dumps(int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1]) / 1024))"],
            check=True, capture_output=True, text=True, cwd=ROOT).stdout)
        if crawl_start_only:
            print_crawl_start(_child("--crawl-start-child", database))
            return
        result = _child("--rebuild-child", database)
        start = _child("--crawl-start-child", database)
    print(f"clusters rebuild over {count:,} generated stored articles (SQLite; {filled_how})")
    print(f"{'articles':>9} {'joined':>7} {'seconds':>8} {'articles/s':>10} {'peak RSS MB':>11} "
          f"{'of which imports':>16}")
    print(f"{result['articles']:>9} {result['joined']:>7} {result['seconds']:>8.1f} "
          f"{result['articles'] / result['seconds']:>10.0f} {result['peak_mb']:>11.0f} {baseline:>16.0f}")
    print()
    print_crawl_start(start)


def print_crawl_start(start: dict) -> None:
    loaded = max(start["loaded"], 1)
    print("crawl start: loading every stored signature into the index (fresh process); then the top-up every "
          "batch of the crawl does first")
    print(f"{'signatures':>10} {'seconds':>8} {'ms/article':>10} {'RSS before MB':>13} {'RSS after MB':>12} "
          f"{'peak MB':>8} {'index KB/article':>16} {'RSS KB/article':>14} {'top-up ms/batch':>15}")
    print(f"{start['loaded']:>10} {start['seconds']:>8.1f} {start['seconds'] * 1000 / loaded:>10.3f} "
          f"{start['rss_before_mb']:>13.0f} {start['rss_after_mb']:>12.0f} {start['peak_mb']:>8.0f} "
          f"{start['index_bytes'] / 1024 / loaded:>16.2f} "
          f"{(start['rss_after_mb'] - start['rss_before_mb']) * 1024 / loaded:>14.2f} "
          f"{start['top_up_seconds'] * 1000:>15.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000, help="generated articles for the rebuild")
    parser.add_argument("--repeat", type=int, default=2, help="runs of the cost measurement")
    parser.add_argument("--rebuild-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--crawl-start-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--only-rebuild", action="store_true", help="print only the rebuild and crawl-start tables")
    parser.add_argument("--only-crawl-start", action="store_true",
                        help="with --database: print only the crawl-start table (loading and top-up), no rebuild")
    parser.add_argument("--database", type=Path, help="SQLite file of the generated articles for the rebuild: "
                        "generated when missing, reused when it holds --articles articles (a rebuild replaces "
                        "its clusters, so runs of old and new code can share it); default a temporary file")
    args = parser.parse_args()
    if args.rebuild_child:
        rebuild_child(args.rebuild_child)
        return
    if args.crawl_start_child:
        crawl_start_child(args.crawl_start_child)
        return
    if args.only_crawl_start:
        if args.database is None or not args.database.exists():
            sys.exit("--only-crawl-start needs --database PATH of an archive a rebuild has clustered")
        rebuild_table(args.articles, args.database, crawl_start_only=True)
        return
    if args.only_rebuild:
        rebuild_table(args.articles, args.database)
        return
    site, stories = demo_stories()
    accuracy_table(stories)
    cost_table(site, stories, args.repeat)
    if args.articles:  # --articles 0: only the accuracy and cost tables
        rebuild_table(args.articles, args.database)


if __name__ == "__main__":
    main()
