"""Small runs of the benches that no other test runs, so that none of them rots (issue #15): each bench runs as a
subprocess from the repository's root, and what it prints must be right and complete — every row there, the counts
that must hold (every page stored, every planted edit found, identical digests). Never a time or a speed: those
are the benches' figures for docs/performance.md, not assertions."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The shared reference pages: beside the clone in CI (as tests/test_extraction_gate.py finds them), two levels up
# from a worktree under /work/wt/.
REFERENCE_DIRS = [ROOT.parent / "shared" / "data" / "extraction-dev",
                  ROOT.parent.parent / "shared" / "data" / "extraction-dev"]


def _run(*args: str, timeout: int = 900, env: dict[str, str] | None = None) -> str:
    result = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                            env=env)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def _row(out: str, label: str) -> list[str]:
    """The cells after ``label`` of the space-aligned table line that starts with it."""
    lines = [line for line in out.splitlines() if line.startswith(label)]
    assert len(lines) == 1, (label, out)
    return lines[0][len(label):].split()


@pytest.mark.slow
def test_clusters_bench_prints_accuracy_cost_rebuild_and_crawl_start_for_a_small_archive():
    from bench.clusters import demo_pairs, demo_stories, pair_set

    out = _run("bench/clusters.py", "--articles", "300", "--repeat", "1")
    for name, label in (("dev", "labelled dev (tuned on)"), ("heldout", "labelled held-out")):
        pairs, precision, recall = _row(out, label)
        assert int(pairs) == len(pair_set(name)[1])
        assert 0 <= float(precision) <= 1 and 0 <= float(recall) <= 1
    _, stories = demo_stories()
    pairs, precision, recall = _row(out, "demo record (planted)")
    assert int(pairs) == len(demo_pairs(stories)[1]) > 0
    pages = int(re.search(r"Cost per article on the (\d+) demo pages \(1 runs", out).group(1))
    assert pages == len(stories)
    for label in ("analysis: extraction + matching + quotes", "signatures + profile (analysis worker)",
                  "assignment: LSH + confirmation (writer)", f"assignment, {pages * 10} generated articles",
                  "assignment with its SQL (SQLite), demo pages", "assignment with its SQL (SQLite), generated"):
        milliseconds, share = _row(out, label)
        assert float(milliseconds) >= 0 and float(share) >= 0
    assert "clusters rebuild over 300 generated stored articles" in out
    header = out.index("articles  joined")
    articles, joined, *_ = out[header:].splitlines()[1].split()
    assert int(articles) == 300 and 0 < int(joined) < 300  # the generated corpus copies ~20 % of its articles
    start = out.index("signatures  seconds")
    assert out[start:].splitlines()[1].split()[0] == "300"  # every stored signature loaded into the index


@pytest.mark.slow
def test_daemon_soak_records_every_run_of_a_short_soak(tmp_path):
    # The smallest honest soak: 90 s at a 10-second interval (a first crawl of the demo takes 20-45 s on the
    # loaded CI machine; the memory check compares the daemon after its first finished run with its end).
    out = _run("bench/daemon_soak.py", "--minutes", "1.5", "--every", "10", "--workdir", str(tmp_path / "soak"),
               timeout=600)
    report = json.loads(out[:out.index("\nPASS")])
    checks = ("every child has its run row", "no run left running", "never two runs of one source at once",
              "daemon exit code 0", "RSS at the end within 10 % of after the first run")
    assert report["checks"] == dict.fromkeys(checks, True)
    assert [line for line in out.splitlines() if line.startswith(("PASS", "FAIL"))] == [f"PASS  {c}" for c in checks]
    assert report["runs"] == report["children_started"] >= 2 and not report["left_running"]
    finished = [source for source, counts in report["runs_by_source"].items() if counts.get("succeeded")]
    assert finished, report["runs_by_source"]
    assert report["rss_kib_after_first_run"] and report["error_lines"] == []


@pytest.mark.slow
def test_demo_home_404s_bench_crawls_the_wordpress_outlet_from_its_home_page_alone():
    from crawler.demo.site import DemoSite
    from crawler.demo.wordpress import WordPressOutlet

    outlet = next(o for o in DemoSite().outlets if isinstance(o, WordPressOutlet))
    out = _run("bench/demo_home_404s.py", "--no-rest")
    assert re.search(r"^home page: \d+ same-site links, 0 answer 404: \[\]$", out, re.M), out
    assert re.search(rf"^crawl: status succeeded, pages \d+, new articles {len(outlet.stories)}, errors 0$", out,
                     re.M), out
    missing = re.search(r"^crawl: (\d+) responses 404: \[(.*)\]$", out, re.M)
    paths = re.findall(r"'([^']*)'", missing.group(2))
    assert int(missing.group(1)) >= len(paths)
    # robots.txt names no sitemap here, so the crawl probes the usual sitemap paths; no link of a page is broken
    assert all(path.endswith(".xml") for path in paths), paths


def test_fuzz_bench_feeds_target_finds_no_crash_without_the_reference_pages():
    # tests/test_reliability_suites.py runs every target but skips without the shared pages; this target needs none.
    out = _run("bench/fuzz.py", "--only", "feeds", "--scale", "0.01", "--check")
    summary = json.loads(out.strip().splitlines()[-1])
    assert summary["crashes"] == 0 and summary["slow_targets"] == [] and summary["inputs"] > 200
    assert re.search(rf"^\| feeds \| {summary['inputs']:,} \| 0 \|", out, re.M), out


def test_matching_identity_digest_is_the_digest_of_its_mention_lines():
    import hashlib

    lines = _run("bench/matching_identity.py", "--generated", "12").split("\n")[:-1]  # a snippet may hold \r
    digest = _run("bench/matching_identity.py", "--generated", "12", "--digest").strip()
    documents = {line.split("\t", 1)[0] for line in lines}
    mentions = sum(line.split("\t", 1)[1] != "-" for line in lines)
    expected = hashlib.sha256("".join(line + "\n" for line in lines).encode()).hexdigest()
    assert digest == f"{len(documents)} documents {mentions} mentions sha256 {expected}"
    assert {f"generated:{number}" for number in range(12)} <= documents and mentions > len(documents) / 2
    assert any(label.startswith("demo:") for label in documents)


@pytest.mark.slow
def test_recrawl_bench_finds_every_planted_change_and_nothing_else():
    out = _run("bench/recrawl.py", "--per-day", "1", "--archive", "2000")
    crawls = re.findall(r"^\| (\d)\. [^|]+ \| (\d+) \| (\d+) \| (\d+) \| ([^|]+) \| (\d+) \| ([\d,]+) \|", out, re.M)
    assert [number for number, *_ in crawls] == ["1", "2", "3", "4"], out
    stored = [int(before) for _, before, *_ in crawls]
    assert stored[0] == 0 and 0 < stored[1] <= stored[2] and stored[3] > 0
    assert all(int(requests) > 0 for _, _, requests, *_ in crawls)
    planted = re.findall(r"^\| (edited|removed|added|changed text) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|$", out, re.M)
    assert [kind for kind, *_ in planted] == ["edited", "removed", "added", "changed text"], out
    for kind, recorded, found, missed, invented in planted:
        assert int(recorded) > 0 and found == recorded and missed == invented == "0", (kind, out)
    assert "| planning a crawl over 2,000 stored articles (1,050 URLs discovered) |" in out
    assert re.search(r"^\| before: every stored URL in a set \| [\d.]+ \| [\d.]+ \|$", out, re.M)
    assert re.search(r"^\| now: one query per batch of 500 discovered URLs \| [\d.]+ \| [\d.]+ \|$", out, re.M)


def _storage_rows(out: str, kind: str) -> tuple[list[list[str]], list[list[str]]]:
    speed, stored = out.split("stored: articles")
    rows = [line.split() for line in speed.splitlines() if line.startswith(kind)]
    counts = [line.split() for line in stored.splitlines() if line.startswith(kind)]
    return rows, counts


def _check_storage(out: str, kind: str) -> None:
    rows, counts = _storage_rows(out, kind)
    assert [" ".join(row[1:-4]) for row in rows] == ["per-article commit", "batched, 500 a commit",
                                                     "rewrite unchanged, batched"], out
    assert [row[-4] for row in rows] == ["40", "200", "200"]
    # 3 mentions and a quote an article; rewriting unchanged articles leaves exactly what the first write stored
    assert [row[-3:] for row in counts] == [["40", "120", "40"], ["200", "600", "200"], ["200", "600", "200"]], out


def test_storage_bench_stores_every_article_on_sqlite():
    env = {key: value for key, value in os.environ.items() if key != "PANTAU_TEST_POSTGRES_URL"}
    out = _run("bench/storage.py", "--articles", "200", "--baseline-articles", "40", env=env)
    _check_storage(out, "sqlite")
    assert "postgresql" not in out


@pytest.mark.postgres
def test_storage_bench_stores_every_article_on_postgresql(postgres_admin_engine):
    url = postgres_admin_engine.url.render_as_string(hide_password=False)
    out = _run("bench/storage.py", "--articles", "200", "--baseline-articles", "40", "--postgres-url", url)
    _check_storage(out, "sqlite")
    _check_storage(out, "postgresql")


def _reference_dir() -> Path:
    for folder in REFERENCE_DIRS:
        if (folder / "truth.jsonl").is_file():
            return folder
    pytest.skip(f"reference pages not found at {' or '.join(map(str, REFERENCE_DIRS))} "
                "(check out shared/ beside the repository)")


def test_title_sources_bench_counts_every_reference_page():
    data = _reference_dir()
    rows = [json.loads(line) for line in (data / "truth.jsonl").read_text(encoding="utf-8").splitlines() if line]
    total, sites = len(rows), len({row["site"] for row in rows})
    out = _run("bench/title_sources.py", "--data", str(data))
    statements, follows, vote = re.split(r"^\d\. .*$", out, flags=re.M)[1:]
    for kind in ("h1", "jsonld", "og", "twitter", "title"):
        present, equal, share = _row(statements, kind)
        assert 0 <= int(equal) <= int(present) <= total
        assert float(share) == pytest.approx(int(equal) / int(present) if int(present) else 0.0, abs=0.0006)
    assert int(_row(statements, "title")[0]) > total * 0.9  # nearly every page has a <title>
    verdicts = [_row(follows, verdict + " ") for verdict in ("og", "jsonld/h1", "neither")]
    assert sum(int(pages) for pages, _ in verdicts) <= total
    assert sum(int(publishers) for _, publishers in verdicts) <= sites
    for rule in ("Pantau weights (fixed)", "best of grid, chosen on all pages",
                 "grid chosen leaving each publisher out", "weights = how often fundus parsers read each"):
        exact, share = _row(vote, rule)
        assert 0 < int(exact) <= total and float(share) == pytest.approx(int(exact) / total, abs=0.0006)
    assert re.search(r"^best of grid: \{'h1': [\d.]+, 'jsonld'.*\} priority \(", out, re.M)


def test_tone_model_bench_scores_every_development_set():
    from crawler.config import load_entities
    from crawler.tone.evaluation import load_labelled

    ids = {entity.id for entity in load_entities()}
    out = _run("bench/tone_model.py")
    thresholds = ("0.45", "0.5", "0.55", "0.6", "0.65")
    for name in ("dev", "dev2", "heldout", "heldout2", "heldout3"):
        line = re.search(rf"^{name} +(\d+) \|(.*)$", out, re.M)
        assert line, (name, out)
        assert int(line.group(1)) == len(load_labelled(ROOT / "tests" / "data" / "tone" / f"{name}.jsonl", ids))
        cells = line.group(2).split("|")
        assert len(cells) == 1 + len(thresholds)
        for cell in cells:
            f1, recall, precision = map(float, cell.split())
            assert all(0 <= value <= 1 for value in (f1, recall, precision))
    objective = re.search(r"^objective \(mean of \(macro-F1 \+ negative recall\) / 2\): (.*)$", out, re.M).group(1)
    assert [part.split(": ")[0] for part in objective.split(", ")] == ["rules alone", *thresholds]
    assert "heldout4" not in out and "heldout5" not in out  # the blind sets are never read


def test_tone_speed_bench_scores_every_labelled_paragraph_and_demo_article():
    from crawler.demo import DemoSite

    out = _run("bench/tone_speed.py", "--rounds", "1")
    paragraphs = sum(len((ROOT / "tests" / "data" / "tone" / f"{name}.jsonl").read_text(encoding="utf-8")
                         .splitlines()) for name in ("dev", "dev2", "heldout", "heldout2"))
    single_pages = sum(story.pages == 1 for outlet in DemoSite().outlets for story in outlet.stories)
    assert f"crawler from {ROOT}" in out
    assert re.search(rf"^labelled paragraphs +{paragraphs} +\d+ per CPU second \(best of 1\)$", out, re.M), out
    assert re.search(rf"^demo articles +{single_pages} +\d+ per CPU second \(best of 1\)$", out, re.M), out


def test_url_keys_bench_lists_exactly_the_urls_whose_key_changed(tmp_path):
    from bench.url_keys import corpus
    from crawler.urls import normalize_url

    base = tmp_path / "base"
    (base / "crawler").mkdir(parents=True)
    for folder in ("tests", "config"):
        (base / folder).symlink_to(ROOT / folder, target_is_directory=True)
    shutil.copy(ROOT / "crawler" / "urls.py", base / "crawler" / "urls.py")
    urls = corpus(base, ROOT.parent.parent / "shared" / "data")
    assert len(urls) > 100
    out = _run("bench/url_keys.py", "--base", str(base))
    assert f"\n0 of {len(urls)} distinct URLs get a different key\n" in f"\n{out}"
    assert re.search(r"^normalize_url over \d+ URLs: old [\d.]+ us/URL, new [\d.]+ us/URL", out, re.M)

    # An older normalize_url that keyed story addresses differently: the bench must list exactly those.
    (base / "crawler" / "urls.py").write_text(
        "from crawler.urls import normalize_url as _current\n\n\n"
        "def normalize_url(url):\n    key = _current(url)\n    return key + '#old' if '/berita/' in key else key\n")

    def key(url: str) -> str | None:
        try:
            return normalize_url(url)
        except ValueError:
            return None

    changed = [url for url in urls if (key(url) or "").count("/berita/")]
    assert changed
    out = _run("bench/url_keys.py", "--base", str(base))
    assert f"\n{len(changed)} of {len(urls)} distinct URLs get a different key\n" in f"\n{out}"
    listed = re.findall(r"^(\S+)\n    old (\S+)\n    new (\S+)$", out, re.M)
    assert [url for url, _, _ in listed] == changed
    assert all(old == new + "#old" for _, old, new in listed)


def _check_alerts(out: str, kind: str) -> int:
    lines = {label: line for label in ("store (baseline)", "first check", "second check (nothing new)")
             for line in out.splitlines() if line.startswith(f"{kind:<11} {label} ")}
    assert len(lines) == 3, out
    assert re.search(r" 200 +[\d.]+ +\d+ +1\.00 *$", lines["store (baseline)"]), out
    first = re.search(r" (\d+) +[\d.]+ +\d+ +[\d.]+  (\d+) alerts$", lines["first check"])
    assert first and first.group(1) == "200", out  # the first check reads every stored article
    second = re.search(r" (\d+) +[\d.]+ +\d+ +[\d.]+  (\d+) alerts$", lines["second check (nothing new)"])
    assert second and second.groups() == ("0", "0"), out  # ... and the second nothing: no alert twice
    assert "40 rules; x store" in out
    return int(first.group(2))


def test_alerts_bench_checks_every_stored_article_once_on_sqlite():
    env = {key: value for key, value in os.environ.items() if key != "PANTAU_TEST_POSTGRES_URL"}
    out = _run("bench/alerts.py", "--articles", "200", env=env)
    assert _check_alerts(out, "sqlite") > 0


@pytest.mark.postgres
def test_alerts_bench_raises_the_same_alerts_on_postgresql(postgres_admin_engine):
    url = postgres_admin_engine.url.render_as_string(hide_password=False)
    out = _run("bench/alerts.py", "--articles", "200", "--postgres-url", url)
    assert _check_alerts(out, "postgresql") == _check_alerts(out, "sqlite") > 0


def test_tone_bench_scores_every_labelled_set_and_prints_its_costs():
    from crawler.config import load_entities
    from crawler.tone.evaluation import load_labelled

    ids = {entity.id for entity in load_entities()}
    out = _run("bench/tone.py", "--repeat", "1")
    for name in ("dev", "dev2", "heldout", "heldout2", "heldout3", "heldout4", "heldout5"):
        path = ROOT / "tests" / "data" / "tone" / f"{name}.jsonl"
        if not path.exists():
            continue
        cells = _row(out, f"{name} ")
        assert int(cells[0]) == len(load_labelled(path, ids)), (name, out)
        assert len(cells) == 10 and all(0 <= float(value) <= 1 for value in cells[1:9]) and int(cells[9]) >= 0
    for stage in ("matching only", "tone only", "matching + tone"):
        assert re.search(rf"^{re.escape(stage)} +\d+", out, re.M), (stage, out)
    articles = int(re.search(r"^per demo article +ms +\((\d+) articles", out, re.M).group(1))
    assert articles > 100
    for step in ("extraction", "matching", "tone", "tone / extraction"):
        assert re.search(rf"^{re.escape(step)} +\d+\.\d\dx?$", out, re.M), (step, out)
