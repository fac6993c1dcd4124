"""``pantau extract URL`` fetches as the crawl does (crawler.fetching.PageFetcher under crawl_settings): the
crawl's User-Agent, robots.txt obeyed, retries on the crawl's HTTP codes, its timeout and size limit, redirects
each checked again. Against a real http.server on loopback (never the internet)."""

from __future__ import annotations

import http.server
import json
import threading
import time
from pathlib import Path

import pytest

from crawler.fetching import FetchError, FetchRules, PageFetcher, robots_rule
from crawler.settings import crawl_settings
from tests.cli_runner import run_pantau

DATA = Path(__file__).parent / "data" / "extract"
FETCHED = "2025-11-22T03:00:00Z"
ROBOTS = "User-agent: *\nDisallow: /private/\nDisallow: /*.pdf$\n\nUser-agent: OtherBot\nDisallow: /\n"
SLOW_SECONDS = 3.0


class _SiteHandler(http.server.BaseHTTPRequestHandler):
    """robots.txt with two rules, an article, a private story, a 500, a slow page, a PDF, redirects."""

    requests: list[tuple[str, str]] = []  # (path, User-Agent) of every request, robots.txt included

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.requests.append((self.path, self.headers.get("User-Agent", "")))
        if self.path == "/robots.txt":
            self._send(200, ROBOTS.encode(), "text/plain")
        elif self.path in ("/news/2025/10/22/pelatihan-humas", "/private/story"):
            self._send(200, (DATA / "wita_byline.html").read_bytes())
        elif self.path == "/status/500":
            self._send(500, b"<html><body>down</body></html>")
        elif self.path == "/slow":
            time.sleep(SLOW_SECONDS)
            self._send(200, b"<html><body>late</body></html>")
        elif self.path == "/report":
            self._send(200, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "application/pdf")
        elif self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/news/2025/10/22/pelatihan-humas")
            self.end_headers()
        elif self.path == "/moved-private":
            self.send_response(302)
            self.send_header("Location", "/private/story")
            self.end_headers()
        else:
            self._send(404, b"<html><body>no such page</body></html>")

    def _send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the timeout test)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (quiet test output)
        pass


@pytest.fixture(scope="module")
def site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SiteHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def fetcher(site):
    _SiteHandler.requests.clear()
    rules = FetchRules.from_settings(crawl_settings(fast_local=True), timeout=1.0)
    host, port = site.removeprefix("http://").split(":")
    return PageFetcher(rules, {(host, int(port))})


def _paths() -> list[str]:
    return [path for path, _ in _SiteHandler.requests]


def test_fetch_uses_the_crawl_settings():
    settings = crawl_settings(fast_local=False, USER_AGENT="Tester/1")
    rules = FetchRules.from_settings(settings)
    assert (rules.user_agent, rules.timeout, rules.retry_times, rules.max_size, rules.max_redirects) == (
        "Tester/1", settings["DOWNLOAD_TIMEOUT"], settings["RETRY_TIMES"], settings["DOWNLOAD_MAXSIZE"],
        settings["REDIRECT_MAX_TIMES"])
    assert rules.obey_robots and 500 in rules.retry_http_codes and 404 not in rules.retry_http_codes


def test_fetch_reads_robots_once_per_site_and_follows_redirects(fetcher, site):
    page = fetcher.fetch(site + "/moved")
    assert page.url == site + "/news/2025/10/22/pelatihan-humas"
    assert b"Pelatihan Humas" in page.body
    fetcher.fetch(site + "/news/2025/10/22/pelatihan-humas")
    assert _paths().count("/robots.txt") == 1
    assert _paths()[0] == "/robots.txt"  # asked before the first page


def test_fetch_refuses_a_robots_disallowed_url_naming_the_rule(fetcher, site):
    with pytest.raises(FetchError) as refused:
        fetcher.fetch(site + "/private/story")
    assert str(refused.value).startswith(f"could not fetch {site}/private/story: refused by {site}/robots.txt "
                                         "(Disallow: /private/)")
    assert "/private/story" not in _paths()  # never requested


def test_fetch_checks_robots_on_every_redirect_hop(fetcher, site):
    with pytest.raises(FetchError) as refused:
        fetcher.fetch(site + "/moved-private")
    assert f"(redirected to {site}/private/story): refused by" in str(refused.value)
    assert "/private/story" not in _paths()


def test_fetch_retries_a_500_as_often_as_the_crawl(fetcher, site):
    with pytest.raises(FetchError) as failed:
        fetcher.fetch(site + "/status/500")
    attempts = fetcher.rules.retry_times + 1
    assert str(failed.value) == (f"could not fetch {site}/status/500: HTTP 500 Internal Server Error after "
                                 f"{attempts} attempts")
    assert _paths().count("/status/500") == attempts


def test_fetch_does_not_retry_a_404(fetcher, site):
    with pytest.raises(FetchError) as failed:
        fetcher.fetch(site + "/no/such/page")
    assert str(failed.value) == f"could not fetch {site}/no/such/page: HTTP 404 Not Found"
    assert _paths().count("/no/such/page") == 1


def test_fetch_times_out_and_retries(fetcher, site):
    with pytest.raises(FetchError) as failed:
        fetcher.fetch(site + "/slow")
    assert str(failed.value) == (f"could not fetch {site}/slow: timed out after {fetcher.rules.retry_times + 1} "
                                 "attempts")


def test_fetch_refuses_a_body_over_the_size_limit(site):
    import dataclasses

    host, port = site.removeprefix("http://").split(":")
    rules = dataclasses.replace(FetchRules.from_settings(crawl_settings(fast_local=True)), max_size=1000)
    with pytest.raises(FetchError, match="larger than 1000 bytes"):
        PageFetcher(rules, {(host, int(port))}).fetch(site + "/news/2025/10/22/pelatihan-humas")


def test_fetch_refuses_loopback_unless_allowed(site):
    rules = FetchRules.from_settings(crawl_settings(fast_local=True))
    _SiteHandler.requests.clear()
    with pytest.raises(FetchError, match="refused: 127.0.0.1"):
        PageFetcher(rules).fetch(site + "/news/2025/10/22/pelatihan-humas")
    assert _SiteHandler.requests == []  # robots.txt was not fetched either


def test_robots_rule_names_the_longest_matching_disallow():
    text = "User-agent: *\nDisallow: /news/\nDisallow: /news/private/  # drafts\nDisallow: /*.pdf$\n"
    assert robots_rule(text, "https://x.test/news/private/1", "Pantau/1") == "Disallow: /news/private/"
    assert robots_rule(text, "https://x.test/files/a.pdf", "Pantau/1") == "Disallow: /*.pdf$"


def _run_extract(site: str, *urls: str, **kwargs: object):
    return run_pantau("extract", *urls, "--fetched-at", FETCHED, "--timeout", "1",
                      "--allow-address", site.removeprefix("http://"), timeout=120, **kwargs)


def test_extract_cli_sends_the_configured_user_agent(site):
    _SiteHandler.requests.clear()
    result = _run_extract(site, site + "/news/2025/10/22/pelatihan-humas",
                          env={"PANTAU_USER_AGENT": "HumasKaltimBot/2.0 (+humas@kaltimprov.test)"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["title"] == "Diskominfo Kaltim Gelar Pelatihan Humas"
    assert _SiteHandler.requests[:2] == [("/robots.txt", "HumasKaltimBot/2.0 (+humas@kaltimprov.test)"),
                                         ("/news/2025/10/22/pelatihan-humas",
                                          "HumasKaltimBot/2.0 (+humas@kaltimprov.test)")]


def test_extract_cli_fetch_failures_are_one_line_each_exit_2(site):
    _SiteHandler.requests.clear()
    urls = [site + path for path in ("/private/story", "/status/500", "/slow", "/report", "/no/such/page")]
    result = _run_extract(site, *urls, site + "/news/2025/10/22/pelatihan-humas")
    assert result.returncode == 2
    *failed, fetched = [json.loads(line) for line in result.stdout.splitlines()]
    assert [record["url"] for record in failed] == urls
    errors = [record["error"] for record in failed]
    assert errors[0].startswith(f"could not fetch {urls[0]}: refused by {site}/robots.txt (Disallow: /private/)")
    assert errors[1].startswith(f"could not fetch {urls[1]}: HTTP 500 Internal Server Error after")
    assert errors[2].startswith(f"could not fetch {urls[2]}: timed out after")
    assert errors[3].startswith(f"could not use {urls[3]}: not an HTML page")
    assert errors[4] == f"could not fetch {urls[4]}: HTTP 404 Not Found"
    assert fetched["title"] == "Diskominfo Kaltim Gelar Pelatihan Humas"  # the last input still ran
    assert "Traceback" not in result.stderr


def test_extract_cli_unknown_host_is_one_line_exit_2():
    # .invalid never resolves (RFC 6761): the lookup fails on this machine, no site is contacted.
    result = run_pantau("extract", "http://pantau-test.invalid/news/1", "--timeout", "2", timeout=120)
    assert result.returncode == 2
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["error"].startswith("could not fetch http://pantau-test.invalid/news/1: cannot resolve the host")
