"""The scheduled daemon: every enabled source crawled on its interval, each crawl a child process.

``pantau daemon`` and ``python schedule.py`` both run :class:`~crawler.daemon.service.Daemon`. The package is
split by concern: ``plan`` (pure scheduling decisions), ``runner`` (child crawls), ``lock`` (one daemon per
database), ``config_watch`` (reloads), ``status`` (what ``pantau status`` shows), ``alerts`` (a check after each run),
``logs`` and ``service``.
"""

from __future__ import annotations

from crawler.daemon.lock import DaemonAlreadyRunning
from crawler.daemon.service import Daemon, DaemonOptions

__all__ = ["Daemon", "DaemonAlreadyRunning", "DaemonOptions"]
