"""``pantau extract`` on hostile input (#21 item 6, #19 item 9, #21 item 2): one bad record is one error line and
the rest go on; a truncated .gz is a line, not "Aborted."; a missing or non-HTML file is an input error (exit
2); a URL is fetched only from public addresses unless --allow-address names the loopback one."""

from __future__ import annotations

import gzip
import http.server
import json
import threading
from pathlib import Path

import pytest

from tests.cli_runner import run_pantau
from tests.test_extract_cli import DATA, FETCHED, WITA_URL, _lines, run_pantau_stdin

GOOD = json.dumps({"path": str(DATA / "wita_byline.html"), "url": WITA_URL, "fetched_at": FETCHED})


def test_extract_stdin_bad_records_each_give_one_line_and_the_rest_go_on(tmp_path):
    truncated = tmp_path / "cut.html.gz"
    truncated.write_bytes(gzip.compress((DATA / "wita_byline.html").read_bytes())[:300])
    bad = [
        json.dumps({"path": str(DATA / "wita_byline.html"), "url": WITA_URL, "fetched_at": 1732240000}),
        json.dumps({"path": str(DATA / "wita_byline.html"), "url": WITA_URL, "source": ["diksinusa"]}),
        "[" * 100_000 + "]" * 100_000,
        json.dumps({"path": str(truncated), "url": WITA_URL}),
        json.dumps({"html": 5, "url": WITA_URL}),
        json.dumps({"url": 7}),
        "\"just a string\"",
    ]
    stdin = "\n".join([GOOD, *[line for record in bad for line in (record, GOOD)]]) + "\n"
    result = run_pantau_stdin(stdin, "extract", "-")
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Aborted" not in result.stderr and "Traceback" not in result.stderr
    records = _lines(result.stdout)
    assert len(records) == 1 + 2 * len(bad)
    good = [record for record in records if "error" not in record]
    errors = [record for record in records if "error" in record]
    assert len(good) == 1 + len(bad) and {record["title"] for record in good} == {good[0]["title"]}
    assert len(errors) == len(bad) and all("\n" not in record["error"] for record in errors)
    assert [record["line"] for record in errors] == [2 + 2 * n for n in range(len(bad))]
    messages = [record["error"] for record in errors]
    assert "fetched_at must be an ISO 8601 string" in messages[0]
    assert "source must be a source key" in messages[1]
    assert "nested too deeply" in messages[2]
    assert "cut short" in messages[3] and str(truncated) in messages[3]


def test_extract_truncated_gz_file_is_one_line_not_aborted(tmp_path):
    truncated = tmp_path / "cut.html.gz"
    truncated.write_bytes(gzip.compress((DATA / "wita_byline.html").read_bytes())[:300])
    result = run_pantau("extract", str(truncated), "--url", WITA_URL)
    assert result.returncode == 2, result.stderr
    assert "Aborted" not in result.stderr
    [record] = _lines(result.stdout)
    assert "cut short" in record["error"]


@pytest.mark.parametrize("content", [b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n" + b"0" * 2000,
                                     b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 500,
                                     "Bukan halaman web, hanya teks biasa tentang banjir.\n".encode() * 20])
def test_extract_non_html_file_is_an_input_error(tmp_path, content):
    page = tmp_path / "page.html"
    page.write_bytes(content)
    result = run_pantau("extract", str(page), "--url", WITA_URL)
    assert result.returncode == 2, result.stdout
    [record] = _lines(result.stdout)
    assert "is not an HTML page" in record["error"] and str(page) in record["error"]


def test_extract_missing_file_is_an_input_error(tmp_path):
    result = run_pantau("extract", str(tmp_path / "nowhere.html"), "--url", WITA_URL)
    assert result.returncode == 2
    [record] = _lines(result.stdout)
    assert record["error"] == f"file not found: {tmp_path / 'nowhere.html'}"


class _Counting(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        self.hits.append(self.path)
        body = (DATA / "wita_byline.html").read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def internal_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    _Counting.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_extract_url_refuses_loopback_in_every_spelling(internal_server):
    port = internal_server
    hosts = ["127.0.0.1", "2130706433", "127.1", "0x7f000001", "0177.0.0.1", "[::ffff:127.0.0.1]", "localhost"]
    urls = [f"http://{host}:{port}/news/2025/10/22/pelatihan-humas" for host in hosts]
    result = run_pantau("extract", *urls, "--timeout", "5", timeout=120)
    assert result.returncode == 2
    records = _lines(result.stdout)
    assert len(records) == len(urls)
    assert all("refused" in record["error"] for record in records), records
    assert _Counting.hits == []  # not one connection reached the server
    allowed = run_pantau("extract", urls[0], "--allow-address", f"127.0.0.1:{port}", "--fetched-at", FETCHED,
                         timeout=120)
    assert allowed.returncode == 0, allowed.stdout
    assert _lines(allowed.stdout)[0]["title"] == "Diskominfo Kaltim Gelar Pelatihan Humas"
    assert _Counting.hits  # the allowed address, and only it, was fetched
