"""Re-matching throughput (``pantau rematch``) over an archive of stored articles, in articles per second.

Fills a database with ``--articles`` generated stored articles (bench/archive_db.py: mentions, quotes and tone
as a crawl stores them; or takes ``--database-url`` as it is), then re-matches all of it with the bundled
dictionary: in one process and in a pool of one worker per core, for this tree and, with ``--baseline REF``,
for the crawler/, storage/ and config/ of git revision REF, in alternating subprocesses of the same run. The
figures include reading the articles, matching, quotes, tone and replacing the rows in batched transactions.

Each run is checked: the dictionary did not change, so a re-match must store exactly what was stored (the
table shows the mention count and a digest of the mention, quote and tone rows, which must be the same on every
line).

    python bench/rematch.py --articles 100000 --baseline main
    python bench/rematch.py --articles 300 --repeat 1          # the small variant (CI)
    python bench/rematch.py --database-url postgresql+psycopg://… --articles 100000
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# One rematch, in a fresh interpreter whose sys.path starts with the tree to measure.
_RUN = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from crawler.config import load_entities, load_sources
from crawler.rematch import rematch
sources, entities = load_sources(), load_entities()
started = time.perf_counter()
result = rematch(sys.argv[2], sources, entities, workers=int(sys.argv[3]))
seconds = time.perf_counter() - started
print(json.dumps({"articles": result.articles, "mentions": result.mentions, "before": result.mentions_before,
                  "toned": result.toned, "seconds": seconds}))
"""


def stored_digest(database_url: str) -> str:
    """sha256 over the mention, quote and tone rows (without their ids), in a fixed order."""
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    digest = hashlib.sha256()
    queries = (
        "SELECT article_id, entity_id, surface, start_offset, end_offset, field, zone, resolution, snippet "
        "FROM mention ORDER BY article_id, field, start_offset, entity_id",
        "SELECT article_id, speaker, entity_id, text, start_offset, end_offset FROM quote "
        "ORDER BY article_id, start_offset, end_offset",
        "SELECT article_id, entity_id, tone, score, negative, positive, evidence, method FROM article_tone "
        "ORDER BY article_id, entity_id",
        "SELECT article_id, entity_id, field, start_offset, tone, score, sentence FROM mention_tone "
        "ORDER BY article_id, entity_id, field, start_offset",
    )
    with engine.connect() as connection:
        for query in queries:
            for row in connection.execution_options(yield_per=5000).execute(sa.text(query)):
                digest.update(repr(tuple(round(v, 9) if isinstance(v, float) else v for v in row)).encode())
    engine.dispose()
    return digest.hexdigest()[:12]


def _export(ref: str, folder: Path) -> None:
    blob = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "crawler", "storage", "config"], check=True,
                          capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(blob)) as archive:
        archive.extractall(folder, filter="data")


def run_once(tree: Path, database_url: str, workers: int) -> dict:
    out = subprocess.run([sys.executable, "-c", _RUN, str(tree), database_url, str(workers)], check=True,
                         capture_output=True, text=True, cwd=str(tree)).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000, help="generated stored articles to fill in")
    parser.add_argument("--database-url", help="use this database (filled with --articles unless --no-fill)")
    parser.add_argument("--no-fill", action="store_true", help="re-match --database-url as it is")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--baseline", metavar="REF", help="also re-match with this git revision, same run")
    parser.add_argument("--workers", type=int, nargs="*", help="worker counts to run (default: 1 and one per core)")
    args = parser.parse_args(argv)
    from bench.archive_db import fill_archive

    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as folder:
        database_url = args.database_url or f"sqlite:///{Path(folder) / 'archive.db'}"
        if not args.no_fill:
            filled = fill_archive(database_url, args.articles, seed=1)
            print(f"filled {filled.articles} articles ({filled.mentions} mentions, {filled.quotes} quotes, "
                  f"{filled.tones} tone rows) in {filled.seconds:.1f} s")
        digest = stored_digest(database_url)
        trees = [("this tree", ROOT)]
        if args.baseline:
            baseline = Path(folder) / "baseline"
            baseline.mkdir()
            _export(args.baseline, baseline)
            trees.insert(0, (args.baseline, baseline))
        print(f"{cores} cores; stored rows digest before: {digest}\n")
        print("| run | code | workers | articles | seconds | articles/s | vs first line | mentions (before) "
              "| rows digest |")
        print("|---|---|---|---|---|---|---|---|---|")
        first = None
        for attempt in range(1, args.repeat + 1):
            for label, tree in trees:
                for workers in args.workers or sorted({1, cores}):
                    figures = run_once(tree, database_url, workers)
                    rate = figures["articles"] / figures["seconds"]
                    first = first or rate
                    print(f"| {attempt} | {label} | {workers} | {figures['articles']:,} | {figures['seconds']:.1f} "
                          f"| {rate:,.0f} | {rate / first:.2f} | {figures['mentions']:,} ({figures['before']:,}) "
                          f"| {stored_digest(database_url)} |", flush=True)


if __name__ == "__main__":
    main()
