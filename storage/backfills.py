"""Archive back-fills in SQL: a back-fill's parts (date ranges), their state as the workers crawl them, and the
progress ``pantau status`` shows. The rows are written by ``pantau backfill`` (parts queued) and by the workers
(running, then the run's final status)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from storage.db import write_transaction
from storage.models import Backfill, BackfillPart, Source
from storage.repository import UnknownSourceError, _wrap, utc_now


@dataclass(frozen=True)
class BackfillProgress:
    id: int
    source_key: str
    first_day: dt.date
    last_day: dt.date
    parts: int
    done: int  # parts whose run finished (any final status)
    succeeded: int
    running: int
    failed: int


def create_backfill(engine: Engine, source_key: str, first_day: dt.date, last_day: dt.date,
                    ranges: Sequence[tuple[dt.date, dt.date]]) -> tuple[int, list[int]]:
    """Record a back-fill of ``source_key`` and its parts (all queued); returns its id and the parts' ids."""
    now = utc_now()
    try:
        with write_transaction(engine) as connection:
            source_id = connection.execute(sa.select(Source.id).where(Source.key == source_key)).scalar()
            if source_id is None:
                raise UnknownSourceError(f"unknown source '{source_key}': it is not in the database")
            backfill_id = connection.execute(sa.insert(Backfill).values(
                source_id=source_id, first_day=first_day, last_day=last_day, created_at=now,
            ).returning(Backfill.id)).scalar_one()
            part_ids = [connection.execute(sa.insert(BackfillPart).values(
                backfill_id=backfill_id, first_day=first, last_day=last, status="queued", updated_at=now,
            ).returning(BackfillPart.id)).scalar_one() for first, last in ranges]
            return backfill_id, part_ids
    except SQLAlchemyError as error:
        raise _wrap(engine, "recording a back-fill", error) from None


def part_status(engine: Engine, part_id: int) -> tuple[str, int | None] | None:
    """A part's status and the run that crawled it (None when there is no such part)."""
    try:
        with engine.connect() as connection:
            row = connection.execute(sa.select(BackfillPart.status, BackfillPart.run_id)
                                     .where(BackfillPart.id == part_id)).first()
    except SQLAlchemyError as error:
        raise _wrap(engine, "reading a back-fill part", error) from None
    return None if row is None else (row.status, row.run_id)


def mark_part(engine: Engine, part_id: int, status: str, *, run_id: int | None = None) -> None:
    values: dict = {"status": status, "updated_at": utc_now()}
    if run_id is not None:
        values["run_id"] = run_id
    try:
        with write_transaction(engine) as connection:
            update = sa.update(BackfillPart).where(BackfillPart.id == part_id)
            if status in ("queued", "running"):  # a late duplicate delivery never undoes a finished crawl
                update = update.where(BackfillPart.status != "succeeded")
            connection.execute(update.values(**values))
    except SQLAlchemyError as error:
        raise _wrap(engine, "recording a back-fill part", error) from None


def backfill_progress(engine: Engine, *, unfinished_only: bool = False) -> list[BackfillProgress]:
    """Every back-fill (or those with parts still to crawl) with its parts counted by state, newest first."""
    finished = BackfillPart.status.in_(("succeeded", "failed", "timed-out", "interrupted"))
    query = (sa.select(Backfill.id, Source.key, Backfill.first_day, Backfill.last_day,
                       sa.func.count(BackfillPart.id),
                       sa.func.sum(sa.case((finished, 1), else_=0)),
                       sa.func.sum(sa.case((BackfillPart.status == "succeeded", 1), else_=0)),
                       sa.func.sum(sa.case((BackfillPart.status == "running", 1), else_=0)),
                       sa.func.sum(sa.case((BackfillPart.status.in_(("failed", "timed-out", "interrupted")), 1),
                                           else_=0)))
             .join(Source, Source.id == Backfill.source_id)
             .join(BackfillPart, BackfillPart.backfill_id == Backfill.id)
             .group_by(Backfill.id, Source.key, Backfill.first_day, Backfill.last_day)
             .order_by(Backfill.id.desc()))
    try:
        with engine.connect() as connection:
            rows = [BackfillProgress(*row[:4], *(int(value or 0) for value in row[4:]))
                    for row in connection.execute(query)]
    except SQLAlchemyError as error:
        raise _wrap(engine, "reading back-fills", error) from None
    return [row for row in rows if row.done < row.parts] if unfinished_only else rows


def backfill_run_ids(engine: Engine) -> set[int]:
    """The crawl runs that crawled a back-fill's date range (not a source's current news)."""
    try:
        with engine.connect() as connection:
            return set(connection.execute(sa.select(BackfillPart.run_id).where(BackfillPart.run_id.is_not(None)))
                       .scalars())
    except SQLAlchemyError as error:
        raise _wrap(engine, "reading back-fill runs", error) from None
