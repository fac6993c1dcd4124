"""Log lines for dropped items that name the page and the reason, never the item's megabytes of HTML."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.http import Response
from scrapy.logformatter import LogFormatter, LogFormatterResult
from twisted.python.failure import Failure


class PantauLogFormatter(LogFormatter):
    def dropped(self, item: Any, exception: BaseException, response: Response | Failure | None,
                spider: Spider) -> LogFormatterResult:
        # The reason already names the URL (pipelines raise DropItem("<url>: why")); errors are counted and
        # logged where they happen, so a drop is only worth a debug line.
        return {"level": logging.DEBUG, "msg": "Dropped: %(exception)s", "args": {"exception": exception}}

    def item_error(self, item: Any, exception: BaseException, response: Response | Failure | None,
                   spider: Spider) -> LogFormatterResult:
        # Scrapy's own line prints the whole item (megabytes of HTML); the page's URL and the traceback, which
        # Scrapy appends, say what is needed. pipelines.failures counts the item against the run.
        url = getattr(item, "final_url", None) or getattr(item, "url", None) or type(item).__name__
        return {"level": logging.ERROR, "msg": "Error processing %(url)s in a pipeline step: %(exception)s",
                "args": {"url": url, "exception": exception}}
