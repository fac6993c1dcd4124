"""Benchmark and evaluation of agency matching (crawler.mentions.Matcher) with the bundled dictionary.

Prints a table: automaton build time, pickle round trip, documents per second (one process) over articles of
~3.5 KB made from the labelled texts in tests/data/mentions, and the evaluation scores on the labelled set and
the held-out set (tests/data/mentions/heldout.jsonl) and batches 3 and 4 (issue 20) with the evaluation dictionary, the bundled dictionary and
the bundled dictionary stripped of aliases.

    python bench/matching.py [--docs 2000] [--baseline REF [--rounds 3]]

The speed table's baseline is pyahocorasick itself: the same automaton scanning the same texts (lowercased),
measured in the same run, so the ratio says what the matcher's own work on top of the scan costs.

With ``--baseline REF`` (a git commit or branch, e.g. ``main``), find() speed is also measured for that
revision's crawler/ and config/ in the same run: both revisions run the same script in alternating
subprocesses (three rounds each; the table shows the median and the ratio), so machine load hits both alike;
and both revisions' mentions over the comparison corpus of bench/matching_identity.py (labelled sets, demo
stories, shared pages, generated articles) are compared line by line.
"""

from __future__ import annotations

import argparse
import pickle
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.article import Article  # noqa: E402
from crawler.config import load_entities  # noqa: E402
from crawler.mentions import Matcher  # noqa: E402
from crawler.quotes import find_quotes  # noqa: E402
from crawler.variants import derive_variants  # noqa: E402
from tests.test_mentions_eval import DATA, SOURCES, article_of, load_labelled, score_labelled, stripped  # noqa: E402


def corpus(size: int) -> list[tuple[Article, object]]:
    records = load_labelled()
    documents = []
    for number in range(size):
        record = records[number % len(records)]
        filler = records[(number * 7 + 3) % len(records)]["text"]
        article = article_of(record)
        article.text = "\n".join([record["text"], filler, filler, record["text"]])[:3500]
        documents.append((article, SOURCES.get(record.get("source") or "")))
    return documents


# find() speed of the crawler/ and config/ found first on sys.path, over the labelled texts given: the same
# script for the baseline and the current tree, so only the matcher differs.
_SPEED_SCRIPT = r"""
import datetime as dt, json, sys, time
sys.path.insert(0, sys.argv[1])
from crawler.article import Article
from crawler.config import SourceConfig, load_entities
from crawler.mentions import Matcher
records = [json.loads(line) for line in open(sys.argv[2], encoding="utf-8") if line.strip()]
size = int(sys.argv[3])
source = SourceConfig(key="r", name="R", home_url="https://r.example", region="Kalimantan Timur", scope="regional")
matcher = Matcher(load_entities())
docs = []
for number in range(size):
    record = records[number % len(records)]
    filler = records[(number * 7 + 3) % len(records)]["text"]
    text = "\n".join([record["text"], filler, filler, record["text"]])[:3500]
    docs.append(Article(url=record["id"], canonical_url=record["id"], title=record.get("title"), text=text,
                        published_at=dt.datetime.fromisoformat(record["published_at"])))
started = time.process_time()
total = sum(len(matcher.find(article, source)) for article in docs)
rate = size / (time.process_time() - started)
import cProfile, pstats
profile = cProfile.Profile()
profile.enable()
for article in docs[:200]:
    matcher.find(article, source)
profile.disable()
print(rate, total / size, pstats.Stats(profile).total_calls / min(size, 200))
"""


def _export(ref: str, folder: Path) -> None:
    """crawler/ and config/ of git revision ``ref`` into ``folder``."""
    root = Path(__file__).resolve().parent.parent
    blob = subprocess.run(["git", "-C", str(root), "archive", ref, "crawler", "config"], check=True,
                          capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(blob)) as archive:
        archive.extractall(folder, filter="data")


def compare_speed(ref: str, docs: int, rounds: int = 3) -> None:
    root = Path(__file__).resolve().parent.parent
    data = str(DATA / "labelled.jsonl")
    with tempfile.TemporaryDirectory() as folder:
        _export(ref, Path(folder))
        runs: dict[str, list[tuple[float, float, float]]] = {ref: [], "this tree": []}
        for _ in range(rounds):
            for label, path in ((ref, folder), ("this tree", str(root))):
                out = subprocess.run([sys.executable, "-c", _SPEED_SCRIPT, path, data, str(docs)], check=True,
                                     capture_output=True, text=True, cwd=path).stdout.split()
                runs[label].append((float(out[0]), float(out[1]), float(out[2])))
    base = statistics.median(rate for rate, _, _ in runs[ref])
    base_calls = runs[ref][0][2]
    # Wall-clock rates swing with the load of a shared machine; the function-call count does not.
    print(f"\n| find(), {docs} docs, one process, median of {rounds} alternating runs | docs/s | ratio "
          f"| function calls/doc | ratio | mentions/doc |")
    print("|---|---|---|---|---|---|")
    for label, values in runs.items():
        rate = statistics.median(value for value, _, _ in values)
        print(f"| {label} | {rate:,.0f} ({', '.join(f'{value:,.0f}' for value, _, _ in values)}) | {rate / base:.2f} "
              f"| {values[0][2]:,.0f} | {values[0][2] / base_calls:.2f} | {values[0][1]:.1f} |")


_IDENTITY_SCRIPT = r"""
import runpy, sys
sys.path.insert(0, sys.argv[1])
import crawler.mentions  # the measured tree's matcher, before bench/ puts the current tree on sys.path
sys.argv = ["matching_identity", "--generated", sys.argv[3], "--digest"]
runpy.run_path(r"%s", run_name="__main__")
"""


def compare_mentions(ref: str, generated: int = 3000) -> bool:
    """Whether revision ``ref`` and this tree find identical mentions over the comparison corpus."""
    root = Path(__file__).resolve().parent.parent
    script = _IDENTITY_SCRIPT % (root / "bench" / "matching_identity.py")
    with tempfile.TemporaryDirectory() as folder:
        _export(ref, Path(folder))
        digests = {}
        for label, path in ((ref, folder), ("this tree", str(root))):
            digests[label] = subprocess.run([sys.executable, "-c", script, path, "", str(generated)], check=True,
                                            capture_output=True, text=True, cwd=path).stdout.strip()
    same = len(set(digests.values())) == 1
    print(f"\nmentions over the comparison corpus (bench/matching_identity.py): "
          f"{'identical' if same else 'DIFFERENT'}")
    for label, digest in digests.items():
        print(f"- {label}: {digest}")
    return same


def raw_scan_rate(matcher: Matcher, documents: list[tuple[Article, object]]) -> float:
    """Documents per second of pyahocorasick alone: one automaton of every key of the matcher (its forms of
    bodies and its region words, which it keeps in two automata and scans the second only when needed) over each
    lowercased field."""
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for part in (matcher._automaton, getattr(matcher, "_region_automaton", None)):
        for key in (part.keys() if part is not None and len(part) else ()):
            automaton.add_word(key, True)
    automaton.make_automaton()
    texts = [[text.lower() for _name, text in matcher._fields(article) if text] for article, _ in documents]
    started = time.process_time()
    for fields in texts:
        for text in fields:
            for _hit in automaton.iter(text):
                pass
    return len(documents) / (time.process_time() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--baseline", metavar="REF", help="also time find() of this git revision, same run")
    parser.add_argument("--rounds", type=int, default=3, help="alternating runs of each revision (the median)")
    args = parser.parse_args()
    entities = load_entities()
    started = time.perf_counter()
    matcher = Matcher(entities)
    build = time.perf_counter() - started
    blob = pickle.dumps(matcher)
    started = time.perf_counter()
    pickle.loads(blob)
    unpickle = time.perf_counter() - started
    documents = corpus(args.docs)
    # CPU time of this process: the machine is shared, and wall time counts the others' work too.
    raw = raw_scan_rate(matcher, documents)
    started = time.process_time()
    total = sum(len(matcher.find(article, source)) for article, source in documents)
    elapsed = time.process_time() - started
    started = time.process_time()
    for article, source in documents:
        find_quotes(article, matcher.find(article, source))
    with_quotes = time.process_time() - started
    chars = sum(len(article.text) + len(article.title or "") for article, _ in documents) / len(documents)
    variants = sum(len(derive_variants(entity)) for entity in entities)
    print("| measure | value |\n|---|---|")
    print(f"| entities / derived variants | {len(entities)} / {variants} |")
    print(f"| automaton build | {build * 1000:.0f} ms |")
    print(f"| pickle size / unpickle (rebuild) | {len(blob) / 1024:.0f} KB / {unpickle * 1000:.0f} ms |")
    print(f"| baseline: pyahocorasick alone, same automaton and texts | {raw:,.0f} docs/s |")
    print(f"| find(), {len(documents)} docs of {chars:.0f} chars, one process | {len(documents) / elapsed:,.0f} docs/s "
          f"({total / len(documents):.1f} mentions/doc; {raw * elapsed / len(documents):.1f}× the scan's time) |")
    print(f"| find() + find_quotes() | {len(documents) / with_quotes:,.0f} docs/s |")
    evaluation = load_entities(path=DATA / "entities.yaml")
    scope = {entity.id for entity in evaluation}
    print("\n| set | dictionary | precision | named recall | context recall | trap texts with a mention |\n"
          "|---|---|---|---|---|---|")
    for set_name in ("labelled.jsonl", "heldout.jsonl", "batch3.jsonl", "batch4.jsonl"):
        records = load_labelled(DATA / set_name)
        for label, dictionary in [("evaluation (name/acronym/kind/level/region only)", evaluation),
                                  ("bundled", entities), ("bundled without aliases", stripped(entities))]:
            score = score_labelled(dictionary, records, only=scope)
            print(f"| {set_name} | {label} | {score.precision:.3f} ({score.true_positives}/{score.predicted}) "
                  f"| {score.named_recall:.3f} ({score.named_found}/{score.named_gold}) "
                  f"| {score.context_recall:.3f} ({score.context_found}/{score.context_gold}) "
                  f"| {score.trap_texts_with_mentions}/{score.trap_texts} |")
    if args.baseline:
        compare_speed(args.baseline, args.docs, args.rounds)
        if not compare_mentions(args.baseline):
            sys.exit(1)


if __name__ == "__main__":
    main()
