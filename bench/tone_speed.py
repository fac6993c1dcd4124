"""Tone scoring throughput in CPU time, for comparing two checkouts in the same session.

CPU time of this one process (time.process_time), best of --rounds passes, so that the other engineers' load on the
shared machine weighs less than in wall-clock figures; matching and extraction are done before timing, only
``ToneScorer.assess`` is timed. Two workloads: the labelled paragraphs of tests/data/tone (short texts, most
sentences naming an agency) and the demo site's single-page stories extracted (~1 KB each, the `pantau rematch`
case). ``--root`` imports crawler/ from another checkout (e.g. a `git worktree add /tmp/base <commit>`), the labelled
files are always this checkout's:

    python bench/tone_speed.py --root /tmp/base; python bench/tone_speed.py   # alternate a few times
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=HERE, help="checkout whose crawler/ is timed")
    parser.add_argument("--rounds", type=int, default=8)
    args = parser.parse_args()
    sys.path.insert(0, str(args.root.resolve()))
    from urllib.parse import urlsplit

    import crawler
    from crawler.article import Article
    from crawler.config import load_entities
    from crawler.demo import DemoSite
    from crawler.extract import extract_article
    from crawler.mentions import Matcher
    from crawler.tone import ToneScorer

    entities = load_entities()
    matcher, scorer = Matcher(entities), ToneScorer(entities)
    paragraphs = [Article(url=record["id"], canonical_url=record["id"], text=record["text"])
                  for name in ("dev", "dev2", "heldout", "heldout2")
                  for record in map(json.loads, (HERE / "tests" / "data" / "tone" / f"{name}.jsonl").open())]
    fetched = dt.datetime(2026, 12, 3, tzinfo=dt.timezone.utc)
    pages = []
    for outlet in DemoSite().outlets:
        outlet.index_paths()
        for story, truth in zip(outlet.stories, outlet.truth_articles()):
            if story.pages == 1:
                html = outlet.handle(urlsplit(truth["url"]).path).payload.decode()
                pages.append(extract_article(html, truth["url"], None, fetched_at=fetched))
    print(f"crawler from {Path(crawler.__file__).parent.parent}")
    for label, articles in (("labelled paragraphs", paragraphs), ("demo articles", pages)):
        found = [matcher.find(article) for article in articles]
        best = float("inf")
        for _ in range(args.rounds):
            started = time.process_time()
            for article, mentions in zip(articles, found):
                scorer.assess(article, mentions)
            best = min(best, time.process_time() - started)
        print(f"{label:<20} {len(articles):>4}  {len(articles) / best:>7.0f} per CPU second (best of {args.rounds})")


if __name__ == "__main__":
    main()
