"""The daemon's log: one line per event on stderr (text or JSON), optionally also a rotating file."""

from __future__ import annotations

import datetime as dt
import logging
import logging.handlers
from pathlib import Path
from typing import Literal

import pythonjsonlogger.json

LogFormat = Literal["text", "json"]
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(pythonjsonlogger.json.JsonFormatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, pid, and the exception if any."""

    def __init__(self) -> None:
        super().__init__("%(name)s %(levelname)s %(message)s %(process)d",
                         rename_fields={"name": "logger", "levelname": "level", "process": "pid",
                                        "exc_info": "exception"},
                         json_ensure_ascii=False)

    def add_fields(self, log_record: dict, record: logging.LogRecord, message_dict: dict) -> None:
        super().add_fields(log_record, record, message_dict)
        log_record["level"] = record.levelname.lower()
        log_record["time"] = dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(
            timespec="milliseconds")


class OneLineFormatter(logging.Formatter):
    """The text format, with tracebacks folded onto the same line so that one event stays one line."""

    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).replace("\n", " | ")


def configure_logging(*, log_format: LogFormat = "text", log_file: Path | None = None, level: int = logging.INFO,
                      max_bytes: int = 10 * 1024 * 1024, backups: int = 5) -> None:
    """Replace the root handlers: stderr, and ``log_file`` rotated at ``max_bytes`` keeping ``backups`` files."""
    formatter: logging.Formatter = JsonFormatter() if log_format == "json" else OneLineFormatter(TEXT_FORMAT)
    handlers: list[logging.Handler] = [logging.StreamHandler()]
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.handlers.RotatingFileHandler(log_file, maxBytes=max_bytes, backupCount=backups,
                                                             encoding="utf-8"))
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    for handler in handlers:
        handler.setFormatter(formatter)
        root.addHandler(handler)
    root.setLevel(level)
    # The daemon logs its own line per crawl and per missed, skipped or failed job (its APScheduler listeners);
    # APScheduler's own lines for the same events would say everything twice.
    logging.getLogger("apscheduler.scheduler").setLevel(logging.ERROR)
    logging.getLogger("apscheduler.executors").setLevel(logging.CRITICAL)
    logging.getLogger("alembic").setLevel(max(level, logging.WARNING))
