"""What every part of the repository shares: the tables, the clock, chunked IN lists, the source lookup
and the one way SQLAlchemy errors become one-line :class:`~storage.db.StorageError` messages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from storage import models
from storage.db import StorageError, safe_url

RunTrigger = Literal["manual", "scheduled"]
RunStatus = Literal["running", "succeeded", "failed", "timed-out", "interrupted"]
FINISHED_STATUSES = ("succeeded", "failed", "timed-out", "interrupted")

source_table = models.Source.__table__
crawl_run_table = models.CrawlRun.__table__
article_table = models.Article.__table__
entity_table = models.Entity.__table__
alias_table = models.EntityAlias.__table__
mention_table = models.Mention.__table__
quote_table = models.Quote.__table__

# Stay well under SQLite's and PostgreSQL's limits on bound parameters in one IN (…) list.
_IN_CHUNK = 500


class UnknownSourceError(StorageError):
    """A source key that the ``source`` table does not have (sync the config first)."""


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _chunks(items: Sequence[Any], size: int = _IN_CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _source_row(connection: Connection, source_key: str) -> sa.Row[Any]:
    row = connection.execute(
        sa.select(source_table.c.id, source_table.c.timezone).where(source_table.c.key == source_key)
    ).first()
    if row is None:
        raise UnknownSourceError(f"unknown source '{source_key}': it is not in the database; "
                                 "check the key (pantau sources list) or sync the config first")
    return row


def _wrap(engine: Engine, action: str, error: SQLAlchemyError) -> StorageError:
    original = getattr(error, "orig", None) or error
    first = next((line.strip() for line in str(original).splitlines() if line.strip()), type(error).__name__)
    return StorageError(f"{action} failed on {safe_url(engine.url)}: {first}")


def _without_nul(value: str | None) -> str | None:
    # PostgreSQL text cannot hold NUL characters; a stray one in a scraped page must not lose the batch.
    return value.replace("\x00", "") if value and "\x00" in value else value
