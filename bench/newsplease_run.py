"""news-please crawling the bench site, for bench/crawl.py: its own venv (PyPI's news-please, made once under
``~/.cache/pantau-bench/newsplease-venv``), a config folder written for the site, and one crawl.

news-please's CLI (``news-please -c DIR``) only starts one ``single_crawler.py`` subprocess per site of its
``sitelist.hjson`` and then polls every 10 s until they are done; the bench runs that same subprocess directly
(the command line the CLI builds), so that the poll's idle seconds are not charged to news-please. The crawler
is news-please's ``SitemapCrawler``: robots.txt → every ``Sitemap:`` line → sitemap index → monthly sitemaps →
article pages, each through its shipped pipelines (ArticleMasterExtractor: newspaper4k, readability, date and
language extractors; then HtmlFileStorage and JsonFileStorage). Its Scrapy settings are the shipped ones except
those that the bench must set to crawl a loopback site as fast as Pantau may (no delay, 8 requests per host,
like ``PANTAU_FAST_LOCAL``) and its log level.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

CACHE = Path.home() / ".cache" / "pantau-bench"
VENV = CACHE / "newsplease-venv"
PACKAGE = "news-please"


class NewsPleaseUnavailable(RuntimeError):
    """news-please could not be installed or started; the message says exactly why."""


def venv_python() -> Path:
    return VENV / "bin" / "python"


def ensure_newsplease(log: Path | None = None) -> str:
    """news-please's version, after installing it from PyPI into the bench's own venv when missing."""
    python = venv_python()
    probe = [str(python), "-c", "import importlib.metadata as m, newsplease; print(m.version('news-please'))"]
    if python.exists():
        found = subprocess.run(probe, capture_output=True, text=True, timeout=120)
        if found.returncode == 0:
            return found.stdout.strip()
    CACHE.mkdir(parents=True, exist_ok=True)
    log = log or CACHE / "newsplease-install.log"
    with open(log, "w", encoding="utf-8") as out:
        steps = [[sys.executable, "-m", "venv", str(VENV)],
                 [str(python), "-m", "pip", "install", "--upgrade", "--quiet", PACKAGE]]
        for step in steps:
            result = subprocess.run(step, stdout=out, stderr=subprocess.STDOUT, timeout=1800)
            if result.returncode != 0:
                tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
                raise NewsPleaseUnavailable(f"'{' '.join(step)}' failed on Python {sys.version.split()[0]} "
                                            f"({' / '.join(tail)}; full log: {log})")
    found = subprocess.run(probe, capture_output=True, text=True, timeout=120)
    if found.returncode != 0:
        raise NewsPleaseUnavailable(f"news-please installed but does not import: {found.stderr.strip()[-300:]}")
    return found.stdout.strip()


def _package_dir() -> Path:
    result = subprocess.run([str(venv_python()), "-c", "import newsplease, os; print(os.path.dirname(newsplease.__file__))"],
                            capture_output=True, text=True, timeout=120, check=True)
    return Path(result.stdout.strip())


def _set(config: str, name: str, value: str) -> str:
    pattern = re.compile(rf"^{re.escape(name)}\s*=.*$", re.MULTILINE)
    if not pattern.search(config):
        raise NewsPleaseUnavailable(f"news-please's shipped config.cfg has no '{name}' setting any more")
    return pattern.sub(lambda _match: f"{name} = {value}", config, count=1)


def write_config(folder: Path, base_url: str) -> tuple[Path, Path, Path]:
    """config.cfg and sitelist.hjson for one crawl of the site at ``base_url``; returns (cfg, sitelist, data)."""
    folder.mkdir(parents=True, exist_ok=True)
    shipped = (_package_dir() / "config" / "config.cfg").read_text(encoding="utf-8")
    data = folder / "data"
    config = shipped
    config = _set(config, "working_path", str(folder))
    config = _set(config, "local_data_directory", str(data) + "/%appendmd5_full_domain(32)/"
                  "%appendmd5_url_directory_string(60)_%appendmd5_max_url_file_name_%timestamp_download.html")
    config = _set(config, "LOG_LEVEL", "WARNING")
    config = _set(config, "CONCURRENT_REQUESTS_PER_DOMAIN", "8")
    config = config.replace("CONCURRENT_REQUESTS_PER_DOMAIN = 8", "CONCURRENT_REQUESTS_PER_DOMAIN = 8\nDOWNLOAD_DELAY = 0"
                            "\nAUTOTHROTTLE_ENABLED = False\nTELNETCONSOLE_ENABLED = False", 1)
    cfg = folder / "config.cfg"
    cfg.write_text(config, encoding="utf-8")
    sitelist = folder / "sitelist.hjson"
    sitelist.write_text(json.dumps({"base_urls": [{"url": base_url + "/", "crawler": "SitemapCrawler"}]}),
                        encoding="utf-8")
    return cfg, sitelist, data


def crawl_command(cfg: Path, sitelist: Path) -> list[str]:
    """The command news-please's CLI runs for site 0 (not resumed, not daemonized)."""
    return [str(venv_python()), str(_package_dir() / "single_crawler.py"), str(cfg), str(sitelist), "0", "False",
            "False"]


def stored_articles(data: Path) -> int:
    """Articles news-please wrote (one JSON file each)."""
    return sum(1 for _ in data.rglob("*.json")) if data.exists() else 0
