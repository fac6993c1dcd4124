"""Config reloads for the daemon: notice edits, validate them, and keep the last good copy for the crawls.

The daemon polls a fingerprint of the config folder (every file's path, size and modification time) and reloads
on a change or on SIGHUP. A valid config is copied into a private snapshot folder that child crawls read, so a
half-saved or broken edit never reaches a crawl: the daemon logs one error and keeps the last good schedule
and files until the next edit fixes them.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from crawler.config import ConfigError, EntityConfig, SourceConfig, load_entities, load_sources

logger = logging.getLogger(__name__)

Fingerprint = tuple[tuple[str, int, int], ...]


def config_fingerprint(config_dir: Path) -> Fingerprint:
    """(relative path, size, mtime_ns) of every config file; changes whenever a file is edited, added or removed."""
    entries = []
    if config_dir.is_dir():
        for path in sorted(config_dir.rglob("*")):
            if path.is_file() and not _ignored(path.relative_to(config_dir)):
                try:
                    stat = path.stat()
                except OSError:  # removed while we looked
                    continue
                entries.append((str(path.relative_to(config_dir)), stat.st_size, stat.st_mtime_ns))
    return tuple(entries)


def _ignored(relative: Path) -> bool:
    return any(part.startswith(".") or part == "__pycache__" or part.endswith("~") for part in relative.parts)


@dataclass(frozen=True)
class LoadedConfig:
    sources: list[SourceConfig]
    entities: list[EntityConfig]
    snapshot_dir: Path
    fingerprint: Fingerprint


class ConfigWatcher:
    """Loads the config folder when it changed; keeps snapshots of good versions for the child crawls."""

    def __init__(self, config_dir: Path) -> None:
        self.config_dir = config_dir
        self.current: LoadedConfig | None = None
        self._seen: Fingerprint | None = None
        self._root = Path(tempfile.mkdtemp(prefix="pantau-daemon-config-"))
        self._generation = 0

    def changed(self) -> bool:
        return config_fingerprint(self.config_dir) != self._seen

    def load(self) -> LoadedConfig:
        """Validate the folder as it is now and snapshot it; raises :class:`ConfigError` on a mistake.

        A failed load remembers the fingerprint, so the same broken files are reported once, not every poll.
        """
        fingerprint = config_fingerprint(self.config_dir)
        self._seen = fingerprint
        self._generation += 1
        snapshot = self._root / f"v{self._generation}"
        try:
            shutil.copytree(self.config_dir, snapshot, ignore=shutil.ignore_patterns(".*", "__pycache__", "*~"))
        except FileNotFoundError:
            raise ConfigError(self.config_dir, "directory not found (set --config or PANTAU_CONFIG)") from None
        except OSError as error:
            raise ConfigError(self.config_dir, f"cannot read the config folder ({error})") from None
        try:
            # Validate the snapshot, not the live folder: what is validated is exactly what crawls will read.
            sources = load_sources(snapshot)
            entities = load_entities(snapshot)
        except ConfigError as error:
            shutil.rmtree(snapshot, ignore_errors=True)
            raise _relocate(error, snapshot, self.config_dir) from None
        loaded = LoadedConfig(sources=sources, entities=entities, snapshot_dir=snapshot, fingerprint=fingerprint)
        self.current = loaded
        return loaded

    def invalidate(self) -> None:
        """Make the next :meth:`changed` say yes (a reload failed for a reason other than the files)."""
        self._seen = None

    def forget_snapshot(self, snapshot: Path) -> None:
        """Delete an old snapshot once no crawl uses it."""
        if self.current is None or snapshot != self.current.snapshot_dir:
            shutil.rmtree(snapshot, ignore_errors=True)

    def close(self) -> None:
        shutil.rmtree(self._root, ignore_errors=True)


def _relocate(error: ConfigError, snapshot: Path, config_dir: Path) -> ConfigError:
    """The same error, naming the user's file instead of the snapshot copy."""
    path = error.path
    try:
        path = config_dir / error.path.relative_to(snapshot)
    except ValueError:
        pass
    return ConfigError(path, error.problem, line=error.line, entry=error.entry, field=error.field)
