"""`pantau sources check --online` against real HTTP servers on loopback (never the internet): which discovery
path gives article URLs, told per source, with Pantau's User-Agent and the operator's contact in it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.cli_runner import run_pantau

ARTICLES = ["/berita/101/banjir-samarinda-surut", "/berita/102/diskominfo-kaltim-gelar-pelatihan"]


class _Site:
    """A tiny news site: robots.txt names a sitemap with two articles; the home page links one listing page."""

    def __init__(self, *, with_sitemap: bool) -> None:
        self.with_sitemap = with_sitemap
        self.user_agents: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server naming
                site.user_agents.append(self.headers.get("User-Agent", ""))
                base = f"http://{self.headers['Host']}"
                if self.path == "/robots.txt":
                    body = f"User-agent: *\nAllow: /\nSitemap: {base}/news-sitemap.xml\n" if site.with_sitemap else ""
                    self._send(200, "text/plain", body)
                elif self.path == "/news-sitemap.xml" and site.with_sitemap:
                    locs = "".join(f"<url><loc>{base}{path}</loc></url>" for path in ARTICLES)
                    self._send(200, "application/xml",
                               f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                               f"{locs}</urlset>")
                elif self.path == "/":
                    self._send(200, "text/html", '<html><body><a href="/tentang">Tentang</a></body></html>')
                else:
                    self._send(404, "text/html", "<html><body>tidak ada</body></html>")

            def _send(self, status: int, content_type: str, body: str) -> None:
                payload = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def two_sites() -> Iterator[tuple[_Site, _Site]]:
    good, bare = _Site(with_sitemap=True), _Site(with_sitemap=False)
    yield good, bare
    good.close()
    bare.close()


def _config(tmp_path, good: _Site, bare: _Site):
    (tmp_path / "sources").mkdir()
    (tmp_path / "entities").mkdir()
    (tmp_path / "entities" / "e.yaml").write_text(
        "entities:\n  - id: pemprov-contoh\n    name: Pemerintah Provinsi Contoh\n    kind: pemda\n"
        "    level: provinsi\n    region: Contoh\n")
    (tmp_path / "sources" / "s.toml").write_text(
        f'[[sources]]\nkey = "baik"\nname = "Baik"\nhome_url = "{good.url}"\narticle_url_pattern = "/berita/\\\\d+/"\n\n'
        f'[[sources]]\nkey = "kosong"\nname = "Kosong"\nhome_url = "{bare.url}"\n')
    return tmp_path


def test_sources_check_online_names_the_working_path_and_the_sources_without_one(tmp_path, two_sites):
    good, bare = two_sites
    result = run_pantau("sources", "check", "--online", config_dir=_config(tmp_path, good, bare),
                        env={"PANTAU_CONTACT": "humas@contoh.go.id"}, timeout=120)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert f"baik: works through sitemap {good.url}news-sitemap.xml (2 article URLs)" in lines
    assert any(line.startswith("kosong: no discovery path gave an article URL") for line in lines)
    # Every request said who is crawling and how to reach them.
    assert good.user_agents and bare.user_agents
    assert all(ua.startswith("Pantau/") and "+humas@contoh.go.id" in ua for ua in good.user_agents + bare.user_agents)


def test_sources_check_online_for_named_sources_only_exits_0_when_they_work(tmp_path, two_sites):
    good, bare = two_sites
    result = run_pantau("sources", "check", "--online", "baik", config_dir=_config(tmp_path, good, bare),
                        env={"PANTAU_USER_AGENT": "HumasKaltimBot/2.0 (+humas@kaltimprov.go.id)"}, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not bare.user_agents
    assert set(good.user_agents) == {"HumasKaltimBot/2.0 (+humas@kaltimprov.go.id)"}


def test_sources_check_without_online_takes_no_source_keys(tmp_path, two_sites):
    good, bare = two_sites
    result = run_pantau("sources", "check", "baik", config_dir=_config(tmp_path, good, bare))
    assert result.returncode == 2
    assert "only taken with --online" in result.stderr
