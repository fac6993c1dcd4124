"""Config mirroring: validated sources and agencies into ``source``, ``entity`` and ``entity_alias``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from crawler.config import EntityConfig, SourceConfig
from storage.db import write_transaction
from storage.repository.common import (
    _chunks,
    _wrap,
    alias_table,
    entity_table,
    source_table,
    utc_now,
)

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

@dataclass
class SyncResult:
    """What :func:`sync_config` changed (all zero when the database already mirrored the config)."""

    sources_added: int = 0
    sources_updated: int = 0
    sources_removed: int = 0
    entities_added: int = 0
    entities_updated: int = 0
    entities_removed: int = 0
    aliases_added: int = 0
    aliases_removed: int = 0

    @property
    def changed(self) -> bool:
        return any(asdict(self).values())


def _source_values(source: SourceConfig) -> dict[str, Any]:
    return {
        "key": source.key,
        "name": source.name,
        "home_url": source.home_url,
        "region": source.region,
        "scope": source.scope,
        "timezone": source.timezone,
        "language": source.language,
        "interval_minutes": source.interval_minutes,
        "cron": source.cron,
        "enabled": source.enabled,
        "in_config": True,
        "config": source.model_dump(mode="json", by_alias=True),
    }


def _entity_values(entity: EntityConfig) -> dict[str, Any]:
    return {
        "id": entity.id,
        "name": entity.name,
        "acronym": entity.acronym,
        "kind": entity.kind,
        "level": entity.level,
        "region": entity.region,
        "valid_from": entity.valid_from,
        "valid_to": entity.valid_to,
        "in_config": True,
    }


def explicit_aliases(entity: EntityConfig) -> list[str]:
    """The surface forms an entity names itself: its name, acronym and aliases, in that order, once each."""
    forms = [entity.name, entity.acronym, *entity.aliases]
    return list(dict.fromkeys(form.strip() for form in forms if form and form.strip()))


def _differs(row: Mapping[str, Any], values: Mapping[str, Any]) -> bool:
    return any(row[name] != value for name, value in values.items())


def sync_config(engine: Engine, sources: Iterable[SourceConfig], entities: Iterable[EntityConfig]) -> SyncResult:
    """Mirror validated config into ``source``, ``entity`` and ``entity_alias`` in one transaction.

    New rows are inserted and changed rows updated; sources and agencies that left the config keep their rows
    (their articles and mentions point at them) with ``in_config`` false, and such sources are disabled.
    Explicit aliases follow the config exactly; derived aliases (:func:`sync_derived_aliases`) are left alone.
    Running it twice changes nothing the second time.
    """
    sources, entities = list(sources), list(entities)
    result = SyncResult()
    now = utc_now()
    try:
        with write_transaction(engine) as connection:
            _sync_sources(connection, sources, now, result)
            _sync_entities(connection, entities, now, result)
            _sync_explicit_aliases(connection, entities, result)
    except SQLAlchemyError as error:
        raise _wrap(engine, "syncing the config", error) from None
    if result.changed:
        logger.info("config synced: %s", result)
    return result


def _sync_sources(connection: Connection, sources: list[SourceConfig], now: dt.datetime,
                  result: SyncResult) -> None:
    existing = {row.key: row._mapping for row in connection.execute(sa.select(source_table))}
    for source in sources:
        values = _source_values(source)
        row = existing.get(source.key)
        if row is None:
            connection.execute(source_table.insert().values(**values, updated_at=now))
            result.sources_added += 1
        elif _differs(row, values):
            connection.execute(source_table.update().where(source_table.c.id == row["id"])
                               .values(**values, updated_at=now))
            result.sources_updated += 1
    configured = {source.key for source in sources}
    removed = [row["id"] for key, row in existing.items() if key not in configured and row["in_config"]]
    if removed:
        connection.execute(source_table.update().where(source_table.c.id.in_(removed))
                           .values(enabled=False, in_config=False, updated_at=now))
        result.sources_removed = len(removed)


def _sync_entities(connection: Connection, entities: list[EntityConfig], now: dt.datetime,
                   result: SyncResult) -> None:
    existing = {row.id: row._mapping for row in connection.execute(sa.select(entity_table))}
    # Insert without links first: a parent or successor may come later in the list (foreign keys are checked
    # at once on SQLite), then set the links.
    for entity in entities:
        values = _entity_values(entity)
        row = existing.get(entity.id)
        if row is None:
            connection.execute(entity_table.insert().values(**values, updated_at=now))
            result.entities_added += 1
        elif _differs(row, values) or (row["parent_id"], row["successor_id"]) != (entity.parent, entity.successor):
            connection.execute(entity_table.update().where(entity_table.c.id == entity.id)
                               .values(**values, updated_at=now))
            result.entities_updated += 1
    for entity in entities:
        row = existing.get(entity.id)
        if row is None or (row["parent_id"], row["successor_id"]) != (entity.parent, entity.successor):
            connection.execute(entity_table.update().where(entity_table.c.id == entity.id)
                               .values(parent_id=entity.parent, successor_id=entity.successor))
    configured = {entity.id for entity in entities}
    removed = [key for key, row in existing.items() if key not in configured and row["in_config"]]
    for chunk in _chunks(removed):
        connection.execute(entity_table.update().where(entity_table.c.id.in_(chunk))
                           .values(in_config=False, updated_at=now))
    result.entities_removed = len(removed)


def _sync_explicit_aliases(connection: Connection, entities: list[EntityConfig], result: SyncResult) -> None:
    existing: dict[str, dict[str, tuple[int, str]]] = {}
    for row in connection.execute(sa.select(alias_table)):
        existing.setdefault(row.entity_id, {})[row.alias] = (row.id, row.origin)
    inserts: list[dict[str, Any]] = []
    promote: list[int] = []
    remove: list[int] = []
    for entity in entities:
        wanted = explicit_aliases(entity)
        stored = existing.get(entity.id, {})
        for alias in wanted:
            if alias not in stored:
                inserts.append({"entity_id": entity.id, "alias": alias, "origin": "explicit"})
            elif stored[alias][1] != "explicit":
                promote.append(stored[alias][0])
        remove.extend(alias_id for alias, (alias_id, origin) in stored.items()
                      if origin == "explicit" and alias not in wanted)
    if inserts:
        connection.execute(alias_table.insert(), inserts)
    for chunk in _chunks(promote):
        connection.execute(alias_table.update().where(alias_table.c.id.in_(chunk)).values(origin="explicit"))
    for chunk in _chunks(remove):
        connection.execute(alias_table.delete().where(alias_table.c.id.in_(chunk)))
    result.aliases_added, result.aliases_removed = len(inserts) + len(promote), len(remove)


def sync_derived_aliases(engine: Engine, aliases: Mapping[str, Iterable[str]]) -> int:
    """Replace the derived aliases of each entity in ``aliases`` (forms that are explicit stay explicit).

    Returns the number of derived aliases stored. Entities not in the mapping keep theirs.
    """
    try:
        with write_transaction(engine) as connection:
            ids = list(aliases)
            explicit: dict[str, set[str]] = {}
            for chunk in _chunks(ids):
                connection.execute(alias_table.delete().where(alias_table.c.entity_id.in_(chunk),
                                                              alias_table.c.origin == "derived"))
                for row in connection.execute(sa.select(alias_table.c.entity_id, alias_table.c.alias)
                                              .where(alias_table.c.entity_id.in_(chunk))):
                    explicit.setdefault(row.entity_id, set()).add(row.alias)
            rows = [{"entity_id": entity_id, "alias": alias, "origin": "derived"}
                    for entity_id, forms in aliases.items()
                    for alias in dict.fromkeys(forms) if alias not in explicit.get(entity_id, set())]
            if rows:
                connection.execute(alias_table.insert(), rows)
            return len(rows)
    except SQLAlchemyError as error:
        raise _wrap(engine, "storing derived aliases", error) from None
