"""Config reloads for the daemon: notice edits, validate them, and keep the last good copy for the crawls.

The daemon is told of edits by watchfiles (inotify on Linux: :class:`ConfigEvents`), and reloads on such an event,
on SIGHUP, or — the safety net for file systems that send no events (some network and bind mounts) — when a slow
poll finds the folder's fingerprint (every file's path, size and modification time) changed. The fingerprint stays
the one test of "changed": an event only says "look now", so an edit made while a reload runs is never lost. A valid config is copied into a private snapshot folder that child crawls read, so a
half-saved or broken edit never reaches a crawl: the daemon logs one error and keeps the last good schedule
and files until the next edit fixes them.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
from collections.abc import Callable
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


class ConfigEvents:
    """A thread that calls ``on_change`` when watchfiles reports an edit in the config folder (debounced)."""

    def __init__(self, config_dir: Path, on_change: Callable[[], None], *, debounce_ms: int = 200) -> None:
        self.config_dir, self.on_change, self.debounce_ms = config_dir, on_change, debounce_ms
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self.failed: str | None = None  # why the watch stopped, when it did

    @property
    def active(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and self.failed is None

    def start(self) -> ConfigEvents:
        self._thread = threading.Thread(target=self._watch, name="pantau-config-watch", daemon=True)
        self._thread.start()
        self._ready.wait(timeout=5)  # the first watch set up (or failed): edits from now on are seen
        return self

    def _relevant(self, _change: object, path: str) -> bool:
        try:
            return not _ignored(Path(path).relative_to(self.config_dir))
        except ValueError:
            return True

    def _watch(self) -> None:
        import watchfiles

        try:
            for _changes in watchfiles.watch(self.config_dir, watch_filter=self._relevant, debounce=self.debounce_ms,
                                             stop_event=self._stop, yield_on_timeout=True, rust_timeout=500,
                                             raise_interrupt=False, recursive=True):
                self._ready.set()
                if _changes:
                    self.on_change()
        except Exception as error:  # noqa: BLE001 - e.g. no inotify watches left: the slow poll takes over
            self.failed = f"{type(error).__name__}: {error}"
            logger.warning("cannot watch %s for edits (%s); checking it every poll instead", self.config_dir,
                           self.failed)
        finally:
            self._ready.set()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)


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
