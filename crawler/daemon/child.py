"""Child-crawl entry for a daemon that may crawl loopback and private addresses (the demo site, tests).

Normally the daemon starts ``python -m crawler … crawl KEY``. With ``pantau daemon --allow-private-addresses``
it starts ``python -m crawler.daemon.child …`` instead: the same command line, with the crawl settings that
``pantau crawl --demo`` uses (private addresses allowed, no politeness delays). Never for real news sites.
"""

from __future__ import annotations

from typing import Any

import crawler.settings
from crawler.cli import main

_crawl_settings = crawler.settings.crawl_settings


def _local_crawl_settings(*, fast_local: bool = False, **overrides: Any) -> dict[str, Any]:
    return _crawl_settings(fast_local=True, **overrides)


if __name__ == "__main__":
    # crawler.crawl imports crawl_settings when the crawl command runs, after this replacement.
    crawler.settings.crawl_settings = _local_crawl_settings
    main()
