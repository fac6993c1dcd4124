"""404s met when the demo's WordPress outlet (Kabar Mahakam) is crawled from its home page only (issue #18).

Serves the demo site in this process, requests every same-site link of the outlet's home page once, then crawls
the outlet (a ``pantau crawl`` subprocess, fast local settings, a fresh SQLite file) with a source entry that
keeps only its ``home_url`` (no sitemaps, feeds or listing pages), and prints the paths the outlet answered 404.

    python bench/demo_home_404s.py                            # REST API on: the crawl reads /wp-json, not pages
    python bench/demo_home_404s.py --no-rest                  # robots.txt, fallback paths and the home's links
    python bench/demo_home_404s.py --no-rest --home-as-listing  # the home page as the only listing page

To compare with an older commit: ``git worktree add /tmp/base COMMIT`` and run this file from there with
``PYTHONPATH=/tmp/base`` (the crawl subprocess inherits it).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

from crawler.demo.site import DemoSite
from crawler.demo.wordpress import WordPressOutlet


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href and href.startswith("/"):
            self.links.add(href)


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-rest", action="store_true", help="source entry with wordpress_api = 'off'")
    parser.add_argument("--home-as-listing", action="store_true", help="the home page as its only listing page")
    options = parser.parse_args()
    tree = Path(__file__).resolve().parent.parent
    work = Path(tempfile.mkdtemp(prefix="pantau-home-404s-"))
    try:
        with DemoSite(port=0) as site:
            outlet = next(o for o in site.outlets if isinstance(o, WordPressOutlet))
            not_found: list[str] = []
            route = outlet.route

            def recording_route(path, query):  # noqa: ANN001, ANN202 - the outlet's own signature
                response = route(path, query)
                if response.status == 404:
                    not_found.append(path)
                return response

            outlet.route = recording_route
            home = outlet.home_url
            links = _Links()
            links.feed(urllib.request.urlopen(home, timeout=10).read().decode())
            broken = sorted(link for link in links.links if _status(home.rstrip("/") + link) == 404)
            print(f"home page: {len(links.links)} same-site links, {len(broken)} answer 404: {broken}")
            not_found.clear()

            (work / "config" / "sources").mkdir(parents=True)
            shutil.copytree(tree / "config" / "entities", work / "config" / "entities")
            entry = outlet.source_entry()
            for name in ("sitemaps", "feeds", "listing_pages"):
                entry.pop(name)
            if options.no_rest:
                entry["wordpress_api"] = "off"
            if options.home_as_listing:
                entry["listing_pages"] = [home]
            (work / "config" / "sources" / "home.toml").write_text(
                "[[sources]]\n" + "".join(f"{key} = {json.dumps(value)}\n" for key, value in entry.items()
                                          if value is not None))
            crawl = subprocess.run(
                [sys.executable, "-m", "crawler", "--config", str(work / "config"), "--database-url",
                 f"sqlite:///{work / 'pantau.db'}", "crawl", outlet.key, "--no-progress"],
                capture_output=True, text=True, env={**os.environ, "PANTAU_FAST_LOCAL": "1"}, cwd=tree)
            row = next((line for line in crawl.stdout.splitlines() if f" {outlet.key} " in line), None)
            cells = [cell.strip() for cell in row.strip("│ ").split("│")] if row else []
            if len(cells) < 11:
                sys.exit(f"the crawl printed no summary row: {crawl.stderr.strip()[-300:]}")
            print(f"crawl: status {cells[1]}, pages {cells[2]}, new articles {cells[3]}, errors {cells[10]}")
            print(f"crawl: {len(not_found)} responses 404: {sorted(set(not_found))}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
