"""Which canonical keys change between two versions of ``crawler.urls.normalize_url`` (issue #18), and how fast each
is, over every distinct http(s) URL quoted in the base commit's tests/ and config/ and in ../shared/data.

    git worktree add /tmp/base COMMIT
    python bench/url_keys.py --base /tmp/base

Prints each URL whose key differs (old, new), the count, and microseconds per URL of both, measured interleaved
in this process (a ratio, not an absolute speed).
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import timeit
from pathlib import Path

from crawler import urls as current

_URL = re.compile(r"""https?://[^\s"'<>\\)\]}`,]+""")
_SUFFIXES = {".py", ".toml", ".yaml", ".json", ".jsonl", ".txt", ".md", ".csv", ".html", ".xml"}


def corpus(tree: Path, shared_data: Path) -> list[str]:
    found: set[str] = set()
    for folder in (tree / "tests", shared_data, tree / "config"):
        for path in folder.rglob("*"):
            if path.is_file() and path.suffix in _SUFFIXES:
                found.update(match.group(0).rstrip(".;:")
                             for match in _URL.finditer(path.read_text("utf-8", "replace")))
    return sorted(found)


def _key(module, url: str) -> str:  # noqa: ANN001 - a crawler.urls module
    try:
        return module.normalize_url(url)
    except ValueError:
        return "ValueError"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", type=Path, required=True, help="worktree of the older commit")
    options = parser.parse_args()
    spec = importlib.util.spec_from_file_location("base_urls", options.base / "crawler" / "urls.py")
    assert spec is not None and spec.loader is not None
    base = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(base)
    tree = Path(__file__).resolve().parent.parent
    # The base commit's tests and config (not this tree's, whose new tests quote the URLs that change on purpose).
    urls = corpus(options.base, tree.parent.parent / "shared" / "data")
    changed = [(url, _key(base, url), _key(current, url)) for url in urls if _key(base, url) != _key(current, url)]
    for url, old, new in changed:
        print(f"{url}\n    old {old}\n    new {new}")
    print(f"{len(changed)} of {len(urls)} distinct URLs get a different key")
    readable = [url for url in urls if "ValueError" not in (_key(base, url), _key(current, url))]
    times = {"old": [], "new": []}
    for _ in range(5):  # interleaved, best of 5
        for name, module in (("old", base), ("new", current)):
            times[name].append(timeit.timeit(lambda m=module: [m.normalize_url(url) for url in readable],
                                             number=10))
    old, new = (min(times[name]) / 10 / len(readable) * 1e6 for name in ("old", "new"))
    print(f"normalize_url over {len(readable)} URLs: old {old:.1f} us/URL, new {new:.1f} us/URL, "
          f"new/old {new / old:.2f}")


if __name__ == "__main__":
    main()
