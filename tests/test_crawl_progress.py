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


def test_demo_crawl_moves_to_the_next_free_port_when_8470_is_taken(tmp_path):
    import socket

    import sqlalchemy as sa

    from crawler.demo.site import DEFAULT_PORT
    from tests.cli_runner import run_pantau

    holder = socket.socket()
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        holder.bind(("127.0.0.12", DEFAULT_PORT))
        holder.listen()
    except OSError:
        pass  # already taken by someone else: the demo must move all the same
    database_url = f"sqlite:///{tmp_path / 'pantau.db'}"
    try:
        result = run_pantau("crawl", "--demo", "--max-articles", "2", "--no-progress", database_url=database_url,
                            cwd=tmp_path)
    finally:
        holder.close()
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Port {DEFAULT_PORT} is in use" in result.stdout
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        urls = connection.execute(sa.text("SELECT url FROM article")).scalars().all()
    engine.dispose()
    assert urls and all(f":{DEFAULT_PORT}/" not in url for url in urls)
    assert all(f":{DEFAULT_PORT + 1}/" in url or f":{DEFAULT_PORT + 2}/" in url for url in urls)
