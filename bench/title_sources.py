"""Which statement of the headline do the reference titles follow, and can a different weighting of the title
vote be expected to do better on publishers it has not seen?

For every reference page it collects the page's statements of the headline (the ``<h1>``, JSON-LD headline,
og:title, twitter:title and <title>, site names stripped: crawler.extract.title_evidence) and prints:

1. per kind of statement, on how many pages it is present and how often it equals the reference title;
2. on pages where og:title says something other than the JSON-LD headline and the ``<h1>``, which one the
   reference follows, counted by page and by publisher;
3. the title vote (crawler.extract.vote_title) with Pantau's weights, the best weights of a small grid chosen on
   all pages (what tuning on this set would report), and the same grid chosen publisher by publisher on the
   other publishers only (leave one publisher out: what tuning can be expected to give on new publishers), and
   weights set to how often fundus's parsers read each kind of statement (FUNDUS_SHARES).

Example: python bench/title_sources.py --data ../shared/data/extraction-dev
"""

from __future__ import annotations

import argparse
import itertools
from collections import Counter, defaultdict
from pathlib import Path

from crawler.evaluation import load_reference_pages, norm
from crawler.extract import title_evidence, vote_title

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "extraction-dev"
KINDS = ("h1", "jsonld", "og", "twitter", "title")
PRIORITIES = (("h1", "jsonld", "og", "twitter", "title"), ("og", "h1", "jsonld", "twitter", "title"),
              ("jsonld", "og", "h1", "twitter", "title"))


# What the reference titles of the fundus pages are: the value each publisher's fundus parser reads first. Of the
# 173 publisher parsers of fundus 0.5.7 (PyPI), 84 read og:title, 71 the JSON-LD headline, 10 the <title> or a
# meta title, 6 an element of the visible headline, none twitter:title. Used as vote weights, these shares are
# a rule taken from outside this set, so its score here is a fair estimate.
FUNDUS_SHARES = {"og": 84 / 173, "jsonld": 71 / 173, "title": 10 / 173, "h1": 6 / 173, "twitter": 0.0}
FUNDUS_PRIORITY = ("og", "jsonld", "title", "h1", "twitter")


def weight_grid() -> list[tuple[dict[str, float], tuple[str, ...]]]:
    grid = []
    for h1, jsonld, og, title, twitter, priority in itertools.product(
            (0.5, 1.0, 1.5), (0.5, 1.0, 1.5), (0.5, 1.0, 1.5), (0.25, 0.5, 1.0), (0.0, 0.25, 0.5), PRIORITIES):
        grid.append(({"h1": h1, "jsonld": jsonld, "og": og, "title": title, "twitter": twitter}, priority))
    return grid


def is_exact(page: dict, weights: dict[str, float] | None = None, priority: tuple[str, ...] | None = None) -> bool:
    """Whether the title vote, with these weights (default: Pantau's), gives the page's reference title."""
    chosen = vote_title(page["evidence"], weights, priority)
    return chosen is not None and norm(chosen) == page["reference"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="extraction-dev folder")
    args = parser.parse_args(argv)

    pages = []
    for reference in load_reference_pages(args.data):
        row = reference.row
        evidence = title_evidence(reference.html, row["url"])
        pages.append({"site": row["site"], "set": row["set"], "reference": norm(row["title"]), "evidence": evidence})

    print("1. statements that equal the reference title")
    print(f"{'kind':<9}{'present':>9}{'equal':>8}{'share':>8}")
    for kind in KINDS:
        present = [page for page in pages if any(k == kind for k, _ in page["evidence"])]
        equal = [page for page in present
                 if any(k == kind and norm(text) == page["reference"] for k, text in page["evidence"])]
        share = len(equal) / len(present) if present else 0.0
        print(f"{kind:<9}{len(present):>9}{len(equal):>8}{share:>8.3f}")

    print("\n2. og:title against the JSON-LD headline and <h1> where they differ")
    follows: Counter[str] = Counter()
    by_publisher: dict[str, Counter[str]] = defaultdict(Counter)
    for page in pages:
        stated = {kind: norm(text) for kind, text in reversed(page["evidence"])}  # reversed: the first <h1> wins
        others = {stated[kind] for kind in ("jsonld", "h1") if kind in stated}
        if "og" not in stated or not others or stated["og"] in others:
            continue
        verdict = "og" if stated["og"] == page["reference"] else (
            "jsonld/h1" if page["reference"] in others else "neither")
        follows[verdict] += 1
        by_publisher[page["site"]][verdict] += 1
    publishers = Counter(max(counts, key=counts.get) for counts in by_publisher.values())
    print(f"{'reference follows':<20}{'pages':>7}{'publishers':>12}")
    for verdict in ("og", "jsonld/h1", "neither"):
        print(f"{verdict:<20}{follows[verdict]:>7}{publishers[verdict]:>12}")

    print("\n3. the title vote, exact titles")
    grid = weight_grid()
    right = [[is_exact(page, weights, priority) for page in pages] for weights, priority in grid]
    pantau = sum(is_exact(page) for page in pages)
    best = max(range(len(grid)), key=lambda index: sum(right[index]))
    held_out = 0
    for site in sorted({page["site"] for page in pages}):
        train = [i for i, page in enumerate(pages) if page["site"] != site]
        chosen = max(range(len(grid)), key=lambda index: sum(right[index][i] for i in train))
        held_out += sum(right[chosen][i] for i, page in enumerate(pages) if page["site"] == site)
    total = len(pages)
    print(f"{'rule':<48}{'exact':>7}{'share':>8}")
    print(f"{'Pantau weights (fixed)':<48}{pantau:>7}{pantau / total:>8.3f}")
    print(f"{'best of grid, chosen on all pages':<48}{sum(right[best]):>7}{sum(right[best]) / total:>8.3f}")
    print(f"{'grid chosen leaving each publisher out':<48}{held_out:>7}{held_out / total:>8.3f}")
    surveyed = sum(is_exact(page, FUNDUS_SHARES, FUNDUS_PRIORITY) for page in pages)
    print(f"{'weights = how often fundus parsers read each':<48}{surveyed:>7}{surveyed / total:>8.3f}")
    print(f"best of grid: {grid[best][0]} priority {grid[best][1][:3]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
