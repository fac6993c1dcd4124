"""canonical_url: one stable key for every variant address of a story."""

from __future__ import annotations

import pytest

from crawler.urls import canonical_url

BASE = "https://kaltim.example.com/read/2025/07/05/192850/banjir-rendam-samarinda"


@pytest.mark.parametrize("variant", [
    BASE,
    BASE + "?utm_source=facebook&utm_medium=social&fbclid=abc",
    BASE + "#komentar",
    BASE + "?page=2",
    BASE + "?page=all",
    BASE + "/amp",
    BASE + "?amp=1",
    BASE + "/",
    "https://m.kaltim.example.com/read/2025/07/05/192850/banjir-rendam-samarinda",
    "https://www.kaltim.example.com/read/2025/07/05/192850/banjir-rendam-samarinda?gclid=x",
    "HTTPS://Kaltim.Example.com/read/2025/07/05/192850/banjir-rendam-samarinda",
])
def test_urls_variants_fold_into_one(variant):
    assert canonical_url(variant) == BASE


def test_urls_amp_prefix_and_index_page():
    assert canonical_url("https://www.antaranews.com/amp/berita/123/judul") == "https://antaranews.com/berita/123/judul"
    assert canonical_url("https://site.test/news/index.html") == "https://site.test/news"


def test_urls_meaningful_query_kept_and_sorted():
    assert canonical_url("https://site.test/read.php?id=5&cat=2&utm_campaign=x") == "https://site.test/read.php?cat=2&id=5"


def test_urls_idempotent():
    for url in [BASE + "?utm_source=x#a", "https://m.site.test/a/amp/?page=3", "https://site.test/?p=12"]:
        once = canonical_url(url)
        assert canonical_url(once) == once


def test_urls_follow_rel_canonical_on_same_site_only():
    same = '<html><head><link rel="canonical" href="https://kaltim.example.com/read/1/judul-asli"></head></html>'
    other = '<html><head><link rel="canonical" href="https://aggregator.test/read/1/judul"></head></html>'
    home = '<html><head><link rel="canonical" href="https://kaltim.example.com/"></head></html>'
    assert canonical_url(BASE, same) == "https://kaltim.example.com/read/1/judul-asli"
    assert canonical_url(BASE, other) == BASE
    assert canonical_url(BASE, home) == BASE
    assert canonical_url(BASE + "?amp=1", same.encode()) == canonical_url(canonical_url(BASE, same))
