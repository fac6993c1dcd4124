"""What crawls stored, read back from the database: for a crawl's printed summary, and the source keys that
commands accept beside the config's (a source crawled with ``--demo`` or since removed from the config).

The summary must count what the database holds, not what the crawl queued (a second Ctrl-C, or a batch the
database refused, leaves the two apart). An article stored or rewritten by a run carries that run's id in
``article.last_crawl_run_id``, and its mentions are the ones that run wrote.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from storage.db import StorageError, safe_url
from storage.models import Article, Mention, Source


def mentions_by_entity_for_runs(engine: Engine, run_ids: Sequence[int]) -> dict[int, Counter[str]]:
    """For each run id, the stored mentions per agency id in the articles that run stored or rewrote."""
    wanted = [run_id for run_id in run_ids if run_id]
    if not wanted:
        return {}
    query = (sa.select(Article.last_crawl_run_id, Mention.entity_id, sa.func.count())
             .join(Mention, Mention.article_id == Article.id)
             .where(Article.last_crawl_run_id.in_(wanted))
             .group_by(Article.last_crawl_run_id, Mention.entity_id))
    counts: dict[int, Counter[str]] = {run_id: Counter() for run_id in wanted}
    try:
        with engine.connect() as connection:
            for run_id, entity_id, count in connection.execute(query):
                counts[run_id][entity_id] = count
    except SQLAlchemyError as error:
        raise StorageError(f"cannot read the crawl's mentions from {safe_url(engine.url)}: "
                           f"{str(getattr(error, 'orig', error)).splitlines()[0]}") from None
    return counts


def stored_source_keys(engine: Engine) -> set[str]:
    """The key of every source that has stored articles."""
    query = sa.select(Source.key).where(sa.exists().where(Article.source_id == Source.id))
    try:
        with engine.connect() as connection:
            return set(connection.execute(query).scalars())
    except SQLAlchemyError as error:
        raise StorageError(f"cannot read the sources of {safe_url(engine.url)}: "
                           f"{str(getattr(error, 'orig', error)).splitlines()[0]}") from None
