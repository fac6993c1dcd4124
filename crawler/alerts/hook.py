"""The alert check a crawl runs when it is done (``pantau crawl``, the daemon): load the rules, check, and
report one line — never raise, so that alerts can neither fail nor stop a crawl.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from crawler.alerts.check import CheckReport, check_alerts
from crawler.alerts.rules import alert_files, load_alert_config
from crawler.config import ConfigError, load_entities

logger = logging.getLogger(__name__)


@dataclass
class AfterCrawl:
    report: CheckReport | None = None
    error: str | None = None

    @property
    def line(self) -> str:
        if self.error:
            return f"alerts not checked: {self.error}"
        return self.report.line() if self.report else "alerts: no rules"


def check_after_crawl(database_url: str, config_dir: Path, *, engine: Engine | None = None) -> AfterCrawl | None:
    """Check the alert rules of ``config_dir`` against the database; None when there is no alerts folder."""
    if not alert_files(config_dir):
        return None
    own_engine = engine is None
    try:
        entities = load_entities(config_dir)
        config = load_alert_config(config_dir, entities)
        if not config.rules:
            return AfterCrawl()
        if engine is None:
            import storage

            engine = storage.connect(database_url)
        report = check_alerts(engine, config, entity_names={entity.id: entity.name for entity in entities})
        return AfterCrawl(report)
    except ConfigError as error:
        logger.error("alerts not checked: %s", error)
        return AfterCrawl(error=str(error))
    except Exception as error:  # noqa: BLE001 - the crawl is done and stored; alerts must not turn it into a failure
        logger.exception("alert check failed")
        return AfterCrawl(error=f"{type(error).__name__}: {error}")
    finally:
        if own_engine and engine is not None:
            engine.dispose()
