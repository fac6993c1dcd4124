"""Items that fail in a pipeline step with an exception: counted per run, so that such a run is not a success.

Scrapy only logs such an item (and sends ``item_error``); the crawl would exit 0 and the run be recorded as
succeeded. :class:`PipelineFailures` listens to ``item_error`` for one source's crawl: it counts the items,
keeps the first error and the step (the pipeline class) that raised it, and records the page as a fetch error
(``pipeline step … failed``), so that ``pantau runs --errors`` lists it and the next run asks for it again. A
page dropped on purpose (``DropItem``: not an article, unreadable, outside ``--since``) is not a failure.
"""

from __future__ import annotations

import logging
from types import TracebackType
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from twisted.python.failure import Failure

logger = logging.getLogger(__name__)


def failing_step(error: BaseException) -> str:
    """The pipeline class whose ``process_item`` raised ``error`` (innermost), e.g.
    ``pipelines.cluster.ClusterPipeline``; ``"pipeline"`` when the traceback does not say."""
    step = "pipeline"
    traceback: TracebackType | None = error.__traceback__
    while traceback is not None:
        frame = traceback.tb_frame
        owner = frame.f_locals.get("self") if frame.f_code.co_name == "process_item" else None
        if owner is not None:
            step = f"{type(owner).__module__}.{type(owner).__qualname__}"
        traceback = traceback.tb_next
    return step


class PipelineFailures:
    """The items of one source's crawl that raised in a pipeline step."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.count = 0
        self.first: str | None = None  # "<step>: <url>: <ExceptionType>: <message>"
        # weak=False: the dispatcher holds receivers weakly, and the crawl keeps this object, not the method.
        crawler.signals.connect(self._item_error, signal=signals.item_error, weak=False)

    def _item_error(self, item: Any, response: Any, spider: Any, failure: Failure) -> None:
        error = failure.value
        step = failing_step(error)
        url = getattr(item, "final_url", None) or getattr(item, "url", None) or "(an item without a URL)"
        reason = f"pipeline step {step} failed: {type(error).__name__}: {error}"
        self.count += 1
        if self.first is None:
            self.first = f"{step}: {url}: {type(error).__name__}: {error}"
        record = getattr(spider, "_record_error", None)
        if record is not None and getattr(item, "url", None):
            record(item.url, reason, kind="article", http_status=getattr(item, "status", None))
        else:
            logger.error("%s: %s", url, reason)

    def summary(self) -> str | None:
        """One line for the run's error_summary, or None when no item failed."""
        if not self.count:
            return None
        items = "1 item" if self.count == 1 else f"{self.count} items"
        return f"{items} failed in a pipeline step; first: {self.first}"
