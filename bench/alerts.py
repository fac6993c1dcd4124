"""Alert benchmark: what an alert check costs next to storing the articles it checks.

Synthetic articles (about 3 KB of text, 3 mentions each, over 50 agencies and eight weeks) are stored with
ArticleWriter (batched, as a crawl stores them: the baseline), then one alert check runs 4 rules per agency for
10 agencies (new_article, spike, first_outlet, keyword: 40 rules) over all of them, recording every event (the
channels are left unconfigured, so nothing leaves the machine), then a second check that finds nothing new.
Ratios are check time / store time of the same articles in the same run. SQLite always; PostgreSQL when a
server is given (``--postgres-url`` or env PANTAU_TEST_POSTGRES_URL).

    python bench/alerts.py [--articles 5000] [--postgres-url URL]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import storage  # noqa: E402
from crawler.alerts.check import check_alerts  # noqa: E402
from crawler.alerts.rules import load_alert_config  # noqa: E402
from crawler.article import Mention  # noqa: E402

# The synthetic articles and throwaway databases of bench/storage.py (whose module name would shadow storage).
_spec = importlib.util.spec_from_file_location("bench_storage", Path(__file__).resolve().parent / "storage.py")
_storage_bench = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(_storage_bench)  # type: ignore[union-attr]
ENTITIES, SOURCE, WITA = _storage_bench.ENTITIES, _storage_bench.SOURCE, _storage_bench.WITA
fresh_database, make_articles = _storage_bench.fresh_database, _storage_bench.make_articles

RULE_AGENCIES = [f"opd-{n}" for n in range(10)]


def rules_file(folder: Path) -> Path:
    lines = ["channels:", "  hook: {type: webhook, url: '${PANTAU_BENCH_UNSET_HOOK}'}", "rules:"]
    for agency in RULE_AGENCIES:
        for condition in ("new_article", "spike", "first_outlet", "{type: keyword, keywords: [anggaran daerah]}"):
            name = condition.split(",")[0].removeprefix("{type: ")
            lines += [f"  - id: {agency}-{name}", f"    agency: {agency}", f"    condition: {condition}",
                      "    channels: [hook]"]
    (folder / "alerts").mkdir(parents=True, exist_ok=True)
    path = folder / "alerts" / "bench.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def bench(kind: str, postgres_url: str | None, count: int, folder: Path) -> list[tuple]:
    records = make_articles(count)
    for number, (article, mentions, _quotes) in enumerate(records):  # spread over eight weeks, a title mention each
        article.published_at = dt.datetime(2026, 9, 1, 8, 0, tzinfo=WITA) + dt.timedelta(minutes=16 * number)
        mentions.insert(0, Mention(mentions[0].entity_id, "Dinas Contoh", 0, 12, "title", "title",
                                   snippet=article.title or ""))
    config = load_alert_config(folder, ENTITIES, environ={})
    rows = []
    with fresh_database(kind, postgres_url) as url:
        engine = storage.connect(url)
        storage.sync_config(engine, [SOURCE], ENTITIES)
        started = time.perf_counter()
        with storage.ArticleWriter(engine, "bench", batch_size=500) as writer:
            for article, mentions, quotes in records:
                writer.add(article, mentions, quotes, 200)
        store = time.perf_counter() - started
        rows.append((kind, "store (baseline)", count, store, count / store, 1.0, ""))
        first_seen = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)
        for label in ("first check", "second check (nothing new)"):
            started = time.perf_counter()
            report = check_alerts(engine, config, now=first_seen + dt.timedelta(hours=2))
            seconds = time.perf_counter() - started
            rows.append((kind, label, report.articles, seconds, report.articles / seconds if report.articles else 0,
                         seconds / store, f"{len(report.new)} alerts"))
        engine.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--postgres-url", default=os.environ.get("PANTAU_TEST_POSTGRES_URL"))
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pantau-bench-alerts-") as folder:
        rules_file(Path(folder))
        results = bench("sqlite", None, options.articles, Path(folder))
        if options.postgres_url:
            results += bench("postgresql", options.postgres_url, options.articles, Path(folder))
    print(f"{'database':<11} {'case':<28} {'articles':>8} {'seconds':>8} {'articles/s':>11} {'x store':>8}  result")
    for kind, label, count, seconds, rate, ratio, note in results:
        print(f"{kind:<11} {label:<28} {count:>8} {seconds:>8.2f} {rate:>11.0f} {ratio:>8.2f}  {note}")
    print(textwrap.fill(f"{len(RULE_AGENCIES) * 4} rules; x store = check seconds / store seconds of the same "
                        "articles in this run.", 110))


if __name__ == "__main__":
    main()
