"""Child-crawl entry for a daemon that may crawl loopback and private addresses (the demo site, tests).

Normally the daemon starts ``python -m crawler … crawl KEY``. With ``pantau daemon --allow-private-addresses``
it starts ``python -m crawler.daemon.child …`` instead: the same command line, with the crawl settings that
``pantau crawl --demo`` uses (private addresses allowed, no politeness delays). Never for real news sites.
"""

from __future__ import annotations

import crawler.settings as crawl_settings_module
from crawler.cli import main

crawl_settings_module.PANTAU_ALLOW_PRIVATE_ADDRESSES = True
crawl_settings_module.AUTOTHROTTLE_ENABLED = False
crawl_settings_module.DOWNLOAD_DELAY = 0

if __name__ == "__main__":
    main()
