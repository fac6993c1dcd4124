"""Alert checks for the daemon: after every scheduled crawl, in a thread of their own.

A crawl that finishes asks for a check (:meth:`AlertChecker.request`); the checker thread runs one, and requests
that arrive meanwhile are folded into a single further check, so crawls never wait for mail servers and a burst
of finished runs does not queue a burst of checks. Rules are read from the live config folder at each check; a
broken rule file is logged and the check skipped (the crawls go on).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import Engine

from crawler.alerts.hook import check_after_crawl

logger = logging.getLogger(__name__)


class AlertChecker:
    def __init__(self, engine: Engine, database_url: str, config_dir: Callable[[], Path]) -> None:
        self.engine, self.database_url, self.config_dir = engine, database_url, config_dir
        self._wanted = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="pantau-alerts", daemon=True)
        self.checks = 0

    def start(self) -> AlertChecker:
        self._thread.start()
        return self

    def request(self) -> None:
        self._wanted.set()

    def stop(self, timeout: float = 30.0) -> None:
        """No new checks; wait up to ``timeout`` for one in progress (its sends are bounded by their timeouts)."""
        self._stopping.set()
        self._wanted.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _loop(self) -> None:
        while True:
            self._wanted.wait()
            if self._stopping.is_set():
                return
            self._wanted.clear()
            try:
                outcome = check_after_crawl(self.database_url, self.config_dir(), engine=self.engine)
            except Exception:  # noqa: BLE001 - check_after_crawl does not raise; this guards the thread itself
                logger.exception("alert check failed")
                continue
            self.checks += 1
            if outcome is not None and outcome.error is None:
                logger.info("%s", outcome.line)
