"""bench/archive_crawl.py at a small size: a re-crawl of a source whose sitemaps list its whole stored archive
requests only discovery pages and the URLs that are not stored, stores nothing twice, and succeeds. Real
`pantau crawl` subprocess, real HTTP over loopback, a real SQLite archive made by bench/archive_db.py. (The
bench's seconds and memory figures are printed by the bench, never asserted here.)"""

from __future__ import annotations

import contextlib
import sqlite3

import pytest

from bench import archive_crawl
from tests.fixtures.receivers import free_port

pytestmark = pytest.mark.slow

HOST = "127.0.0.64"  # not the bench's own address, so that a bench running beside the tests does not collide


def test_recrawl_of_a_stored_archive_requests_only_what_is_not_stored(tmp_path):
    port = free_port()
    archive = archive_crawl.prepare(tmp_path / "archive", 300, host=HOST, port=port, unstored=2)
    with archive_crawl.serve(archive.www, host=HOST, port=port) as requested:
        run = archive_crawl.crawl(archive, requested)

    assert run.status == "succeeded"
    assert run.stored_after == 300  # nothing new (the two unstored URLs answer 404), nothing stored twice
    assert "/sitemap-1.xml" in run.requests  # the archive's sitemap was read...
    assert sorted(run.article_requests) == [  # ...and of its 302 URLs only the two not stored were requested
        f"/2026/11/30/{900_000_000 + n}/belum-tersimpan-{n}/" for n in range(2)]
    with contextlib.closing(sqlite3.connect(archive.database)) as connection:
        errors = [row[0] for row in connection.execute("SELECT url FROM fetch_error WHERE resolved_at IS NULL")]
        runs = connection.execute("SELECT count(*) FROM crawl_run WHERE status = 'succeeded'").fetchone()[0]
    assert sorted(errors) == [f"http://{HOST}:{port}/2026/11/30/{900_000_000 + n}/belum-tersimpan-{n}/"
                              for n in range(2)]
    assert runs >= 1
    assert run.peak_rss > 0 and run.processes >= 1  # the sampler saw the crawl's process tree
