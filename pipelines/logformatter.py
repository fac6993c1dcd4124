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
