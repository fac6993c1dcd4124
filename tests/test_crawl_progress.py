"""The crawl's progress callbacks are called: the total of scheduled article pages (the bar's "N/total", which
showed "N/?" when the signal receiver was garbage-collected) and one tick per stored article."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from crawler.config import load_entities, load_sources
    from crawler.crawl import CrawlProgress, run_crawl

    config, database_url = Path(sys.argv[1]), sys.argv[2]
    totals, articles = [], []
    progress = CrawlProgress(on_scheduled=totals.append, on_article=lambda: articles.append(1))
    sources = [s for s in load_sources(config) if s.key == "diksinusa"]
    [summary] = run_crawl(database_url, sources, load_entities(config), fast_local=True, max_articles=12,
                          progress=progress)
    print(json.dumps({"totals": totals, "articles": len(articles), "new": summary.new_articles}))
""")


def test_crawl_reports_the_scheduled_total_and_each_article(demo_sources_dir, sqlite_url):
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(demo_sources_dir), sqlite_url],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["totals"], "on_scheduled was never called"
    assert max(report["totals"]) == 12  # --max-articles caps what is scheduled
    assert report["totals"] == sorted(report["totals"])
    assert report["articles"] == report["new"] == 12
