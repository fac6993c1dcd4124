"""``pantau extract`` as users run it: the real command line in a subprocess, on a saved page, on JSON Lines with a
bad line among good ones, and on URLs served over loopback by a local http.server (never the internet)."""

from __future__ import annotations

import gzip
import http.server
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from crawler.settings import USER_AGENT
from tests.cli_runner import run_pantau

DATA = Path(__file__).parent / "data" / "extract"
STORY_PATH = "/read/2025/07/05/192850/banjir-rendam-samarinda"
WITA_URL = "https://diksinusa.test/news/2025/10/22/pelatihan-humas"
FETCHED = "2025-11-22T03:00:00Z"


class _NewsHandler(http.server.BaseHTTPRequestHandler):
    """Serves the test pages: a multi-page story (``?page=2``, ``?page=3``), one plain article, a 404."""

    user_agents: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.user_agents.append(self.headers.get("User-Agent", ""))
        pages = {
            STORY_PATH: "multipage_1.html",
            STORY_PATH + "?page=2": "multipage_2.html",
            STORY_PATH + "?page=3": "multipage_3.html",
            "/news/2025/10/22/pelatihan-humas": "wita_byline.html",
        }
        name = pages.get(self.path)
        if name is None:
            self.send_error(404, "Not Found")
            return
        body = (DATA / name).read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (quiet test output)
        pass


@pytest.fixture(scope="module")
def news_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _NewsHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def run_pantau_stdin(stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``pantau ARGS`` in a subprocess with ``stdin`` piped in."""
    return subprocess.run([sys.executable, "-m", "crawler", *args], input=stdin, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "COLUMNS": "200"})


def _lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def test_extract_cli_saved_page_prints_one_object(tmp_path):
    page = tmp_path / "page.html.gz"
    page.write_bytes(gzip.compress((DATA / "wita_byline.html").read_bytes()))
    result = run_pantau("extract", str(page), "--url", WITA_URL, "--fetched-at", FETCHED, timeout=120)
    assert result.returncode == 0, result.stderr
    [record] = _lines(result.stdout)
    assert record["title"] == "Diskominfo Kaltim Gelar Pelatihan Humas"
    assert record["published_at"] == "2025-10-22T14:32:00+08:00"
    assert record["authors"] == ["Rina Wulandari"] and record["editors"] == ["Budi Santoso"]
    assert record["canonical_url"] == WITA_URL
    assert "Baca juga" not in record["text"] and record["is_advertorial"] is True
    for key in ("url", "modified_at", "date_source", "language", "site_name", "section", "tags", "captions"):
        assert key in record


def test_extract_cli_json_lines_bad_line_gives_error_and_others_go_on():
    html = (DATA / "wita_byline.html").read_text(encoding="utf-8")
    stdin = "\n".join([
        json.dumps({"path": str(DATA / "wita_byline.html"), "url": WITA_URL, "fetched_at": FETCHED}),
        "{not json",
        json.dumps({"path": str(DATA / "missing.html"), "url": "https://diksinusa.test/x"}),
        json.dumps({"html": "<html><body></body></html>", "url": "https://diksinusa.test/empty"}),
        json.dumps({"html": html, "url": WITA_URL, "fetched_at": FETCHED}),
    ]) + "\n"
    result = run_pantau_stdin(stdin, "extract", "-")
    assert result.returncode == 2  # bad input (bad JSON, a missing file) among the lines
    records = _lines(result.stdout)
    assert len(records) == 5
    assert records[0]["title"] == "Diskominfo Kaltim Gelar Pelatihan Humas"
    assert records[1]["line"] == 2 and records[1]["error"].startswith("not valid JSON")
    assert "file not found" in records[2]["error"] and records[2]["url"] == "https://diksinusa.test/x"
    assert "https://diksinusa.test/empty" in records[3]["error"]
    assert records[4]["title"] == records[0]["title"]
    assert all("\n" not in record.get("error", "") for record in records)
    assert "Traceback" not in result.stderr


def test_extract_cli_json_lines_page_without_an_address_is_still_extracted():
    """A saved page nobody kept the address of is extracted; the output says the address-based rules skipped."""
    html = (DATA / "wita_byline.html").read_text(encoding="utf-8")
    stdin = "\n".join([
        json.dumps({"html": html, "fetched_at": FETCHED}),
        json.dumps({"path": str(DATA / "wita_byline.html"), "fetched_at": FETCHED}),
        json.dumps({"source": "diksi"}),  # nothing to read at all
    ]) + "\n"
    result = run_pantau_stdin(stdin, "extract", "-")
    assert result.returncode == 2, result.stderr  # the third line is unusable
    by_html, by_path, nothing = _lines(result.stdout)
    for record in (by_html, by_path):
        assert record["title"] == "Diskominfo Kaltim Gelar Pelatihan Humas"
        assert record["published_at"] == "2025-10-22T14:32:00+08:00"  # the WITA byline needs no address
        assert record["url"] is None and "without an address" in record["note"]
    assert "error" not in by_html and "note" not in nothing
    assert nothing["line"] == 3 and "\"path\"" in nothing["error"] and "\"html\"" in nothing["error"]


def test_extract_cli_url_fetches_every_page_of_a_story(news_server):
    _NewsHandler.user_agents.clear()
    result = run_pantau("extract", news_server + STORY_PATH, "--fetched-at", FETCHED,
                        "--allow-address", news_server.removeprefix("http://"), timeout=120)
    assert result.returncode == 0, result.stderr
    [record] = _lines(result.stdout)
    assert record["pages"] == 3
    assert "perahu karet" in record["text"] and "satu meter" in record["text"] and "drainase" in record["text"]
    assert record["url"] == news_server + STORY_PATH
    assert _NewsHandler.user_agents and all(agent == USER_AGENT for agent in _NewsHandler.user_agents)


def test_extract_cli_url_in_json_lines(news_server):
    stdin = json.dumps({"url": news_server + "/news/2025/10/22/pelatihan-humas", "fetched_at": FETCHED}) + "\n"
    result = run_pantau_stdin(stdin, "extract", "-", "--allow-address", news_server.removeprefix("http://"))
    assert result.returncode == 0, result.stderr
    [record] = _lines(result.stdout)
    assert record["title"] == "Diskominfo Kaltim Gelar Pelatihan Humas"


def test_extract_cli_url_failure_is_one_line(news_server):
    result = run_pantau("extract", news_server + "/no/such/story", news_server + STORY_PATH,
                        "--allow-address", news_server.removeprefix("http://"), timeout=120)
    assert result.returncode == 2  # a URL that cannot be fetched is an unusable input
    failed, fetched = _lines(result.stdout)
    assert failed["error"] == f"could not fetch {news_server}/no/such/story: HTTP 404 Not Found"
    assert fetched["pages"] == 3  # the next input still ran
    assert "Traceback" not in result.stderr


def test_extract_cli_unreachable_url_is_one_line():
    # Port 9 (discard) on loopback: nothing listens there in the test environment, so the connection is refused.
    result = run_pantau("extract", "http://127.0.0.1:9/story", "--timeout", "5", "--allow-address", "127.0.0.1:9",
                        timeout=120)
    assert result.returncode == 2
    [record] = _lines(result.stdout)
    assert record["error"].startswith("could not fetch http://127.0.0.1:9/story:")
    assert "Traceback" not in result.stderr
