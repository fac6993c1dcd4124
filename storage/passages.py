"""The passage of an article that names an agency, for the daily clipping (e-kliping).

v_article_entity gives each article-agency pair the snippet of its most prominent mention, which for a
mention in the title is the title itself; a clipping that already shows the title wants the sentence of the
story that names the agency. This reads, per pair, the snippet of its first mention outside the title (lead
first, then body, quote, caption, by position), or nothing when the agency is named only in the title.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from storage.db import StorageError, safe_url
from storage.models import Mention

ZONE_ORDER = ("lead", "body", "quote", "caption")
_CHUNK = 500


def passages_naming(engine: Engine, pairs: Iterable[tuple[int, str]]) -> dict[tuple[int, str], str]:
    """For each (article id, entity id), the snippet of its first mention outside the title, when there is one."""
    wanted = sorted(set(pairs))
    rank = sa.case({zone: index for index, zone in enumerate(ZONE_ORDER)}, value=Mention.zone)
    found: dict[tuple[int, str], str] = {}
    try:
        with engine.connect() as connection:
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start:start + _CHUNK]
                query = (sa.select(Mention.article_id, Mention.entity_id, Mention.snippet)
                         .where(Mention.article_id.in_({article_id for article_id, _ in chunk}),
                                Mention.zone.in_(ZONE_ORDER))
                         .order_by(Mention.article_id, Mention.entity_id, rank, Mention.start_offset))
                keys = set(chunk)
                for article_id, entity_id, snippet in connection.execute(query):
                    key = (article_id, entity_id)
                    if key in keys and key not in found:
                        found[key] = snippet
    except SQLAlchemyError as error:
        raise StorageError(f"cannot read mention passages from {safe_url(engine.url)}: "
                           f"{str(getattr(error, 'orig', error)).splitlines()[0]}") from None
    return found
