"""CPU milliseconds of ``extract_article`` a page on the crawl bench's site (bench/site.py: 30-120 KB portal
pages), for this tree and, with ``--compare-with CHECKOUT``, another checkout, in alternating subprocesses.

Each subprocess extracts ``--pages`` pages ``--passes`` times and reports its fastest pass (the machine is
shared: the minimum is the figure least moved by other work); ``--rounds`` alternations. Also prints a digest of
every extracted field of every page, which must be the same for both codes when a change promises the same
output.

    python bench/extract_speed.py --compare-with /tmp/base --rounds 3
    python bench/extract_speed.py --pages 20 --passes 1 --rounds 1        # the small variant
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# One measurement, in a fresh interpreter whose sys.path starts with the tree to measure.
_RUN = r"""
import dataclasses, datetime as dt, hashlib, json, sys, time
sys.path.insert(0, sys.argv[1])
from bench.site import load_site
from crawler.config import load_sources
from crawler.extract import ExtractionError, extract_article
site = load_site(sys.argv[2])
pages = [(site.article_file(url).read_text(encoding="utf-8"), url) for url in site.article_urls()][:int(sys.argv[3])]
source = load_sources()[0]
fetched = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)
digest = hashlib.sha256()
for html, url in pages:  # warms the imports and caches, and fixes the output digest
    try:
        digest.update(repr(sorted(dataclasses.asdict(extract_article(html, url, source, fetched_at=fetched)).items())).encode())
    except ExtractionError as error:
        digest.update(str(error).encode())
passes = []
for _ in range(int(sys.argv[4])):
    started = time.process_time()
    for html, url in pages:
        try:
            extract_article(html, url, source, fetched_at=fetched)
        except ExtractionError:
            pass
    passes.append((time.process_time() - started) / len(pages) * 1000)
print(json.dumps({"ms": min(passes), "digest": digest.hexdigest()[:16]}))
"""


def measure(code: Path, site_dir: Path, pages: int, passes: int) -> dict:
    result = subprocess.run([sys.executable, "-c", _RUN, str(code), str(site_dir), str(pages), str(passes)],
                            capture_output=True, text=True, check=False, cwd=tempfile.gettempdir(),
                            env={**os.environ, "PYTHONPATH": str(code)})
    if result.returncode != 0:
        raise SystemExit(f"{code}: the measurement failed: {result.stderr.strip().splitlines()[-1:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    from bench.site import CACHE_DIR, generate_site

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument("--passes", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--site-dir", type=Path, default=CACHE_DIR / "extract-speed-site")
    parser.add_argument("--compare-with", metavar="CHECKOUT", type=Path, default=None)
    args = parser.parse_args()
    if not (args.site_dir / "site.json").exists():
        generate_site(args.site_dir, pages=max(args.pages, 100), outlets=4, host="127.0.0.70", port=8099)
    codes = [("this tree", ROOT)] + ([(f"{args.compare_with}", args.compare_with)] if args.compare_with else [])
    runs: dict[str, list[dict]] = {name: [] for name, _ in codes}
    for _ in range(args.rounds):
        for name, code in codes:
            runs[name].append(measure(code, args.site_dir, args.pages, args.passes))
    print(f"extract_article on {args.pages} bench-site pages, fastest of {args.passes} passes, "
          f"{args.rounds} alternating rounds")
    print("| code | CPU ms a page (each round) | median | ratio to this tree | output digest |")
    print("|---|---|---|---|---|")
    mine = statistics.median(run["ms"] for run in runs["this tree"])
    for name, _ in codes:
        values = [run["ms"] for run in runs[name]]
        digests = sorted({run["digest"] for run in runs[name]})
        print(f"| {name} | {', '.join(f'{value:.2f}' for value in values)} | {statistics.median(values):.2f} | "
              f"{statistics.median(values) / mine:.2f} | {', '.join(digests)} |")
    if args.compare_with:
        same = {run["digest"] for run in runs["this tree"]} == {run["digest"] for run in runs[str(args.compare_with)]}
        print("output of both codes:", "identical" if same else "DIFFERENT")


if __name__ == "__main__":
    main()
