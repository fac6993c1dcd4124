"""``pantau sources check``'s offline part: every kind of config file in a config folder, validated.

Each kind of config (a folder of the config directory) has one loader here; checking runs them all, in the
order in which they depend on each other (partners name agencies), and stops at the first mistake with the
loader's one-line :class:`~crawler.config.ConfigError` (file, line, entry, field). A folder that no loader
reads is reported, so that a misspelt folder name (``partner/``) is not silently ignored. A new kind of config
adds its loader to :data:`CONFIG_KINDS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.config import load_entities, load_sources


@dataclass
class ConfigCheck:
    """What a valid config folder holds: one short description per kind, and folders nothing reads."""

    config_dir: Path
    found: dict[str, str] = field(default_factory=dict)
    unread_folders: list[str] = field(default_factory=list)
    unavailable: list[str] = field(default_factory=list)  # kinds present that this installation cannot read
    loaded: dict[str, Any] = field(default_factory=dict)


def _sources(config_dir: Path, loaded: dict[str, Any]) -> tuple[Any, str]:
    sources = load_sources(config_dir)
    enabled = sum(source.enabled for source in sources)
    return sources, f"{len(sources)} sources ({enabled} enabled)"


def _entities(config_dir: Path, loaded: dict[str, Any]) -> tuple[Any, str]:
    entities = load_entities(config_dir)
    return entities, f"{len(entities)} agencies"


def _partners(config_dir: Path, loaded: dict[str, Any]) -> tuple[Any, str]:
    from crawler.partners import load_partners

    book = load_partners(config_dir, entities=loaded["entities"])
    office = f", office {book.office.name}" if book.office else ""
    return book, f"{len(book.partners)} partner contracts{office}"


def _alerts(config_dir: Path, loaded: dict[str, Any]) -> tuple[Any, str]:
    from crawler.alerts.rules import load_alert_config  # raises ModuleNotFoundError where alerts are not built in

    config = load_alert_config(config_dir, loaded["entities"])
    return config, f"{len(config.rules)} alert rules"


# Folder name -> loader; in dependency order (a loader may use what an earlier one loaded).
CONFIG_KINDS: dict[str, Callable[[Path, dict[str, Any]], tuple[Any, str]]] = {
    "sources": _sources,
    "entities": _entities,
    "partners": _partners,
    "alerts": _alerts,
}
# Kinds a config folder may leave out (Pantau works without partner contracts or alert rules).
OPTIONAL_KINDS = {"partners", "alerts"}


def check_config(config_dir: Path) -> ConfigCheck:
    """Load every kind of config in ``config_dir``; raises the first :class:`~crawler.config.ConfigError`."""
    check = ConfigCheck(config_dir)
    for kind, loader in CONFIG_KINDS.items():
        if kind in OPTIONAL_KINDS and not (config_dir / kind).exists():
            continue
        try:
            check.loaded[kind], check.found[kind] = loader(config_dir, check.loaded)
        except ModuleNotFoundError as error:
            if not (error.name or "").startswith("crawler."):
                raise
            check.unavailable.append(kind)  # a kind this Pantau does not have yet
    if config_dir.is_dir():
        check.unread_folders = sorted(
            path.name for path in config_dir.iterdir()
            if path.is_dir() and path.name not in CONFIG_KINDS and not path.name.startswith((".", "_")))
    return check
