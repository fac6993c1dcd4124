"""The whole demo news site: generates every outlet's stories, serves each outlet on its own loopback address,
and reports the running configuration (``sources_toml``) and the truth record (``truth``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from crawler.config import EntityConfig
from crawler.demo.agencies import AgencyBook
from crawler.demo.alerts import planted_events, planted_stories
from crawler.demo.changes import EPOCH_STEP, anchor_for, change_records, plan_outlet_changes
from crawler.demo.customcms import CustomCmsOutlet
from crawler.demo.faulty import FaultyOutlet
from crawler.demo.national import NationalOutlet
from crawler.demo.outlet import Outlet
from crawler.demo.pressoffice import plant_releases, releases_truth
from crawler.demo.server import OutletServer, can_bind
from crawler.demo.stories import StoryGenerator
from crawler.demo.wordpress import WordPressOutlet

logger = logging.getLogger(__name__)

DEFAULT_SEED = 20261120
DEFAULT_END_DATE = dt.date(2026, 11, 20)
DEFAULT_DAYS = 61
DEFAULT_PER_DAY = 1.0
# `pantau crawl --demo` and `pantau demo serve` use this port, so that the demo outlets keep their URLs from one
# run to the next and a second crawl finds every article already stored.
DEFAULT_PORT = 8470
# The national portal also keeps a few archive stories around the Kominfo -> Komdigi rename (21 October 2024),
# so that validity periods are exercised whatever the end date.
ARCHIVE_DAYS = [dt.date(2024, 10, day) for day in (8, 14, 17, 20, 21, 23, 28, 31)]


class DemoSite:
    """Generated news outlets served over loopback HTTP. See :mod:`crawler.demo` for the API."""

    def __init__(self, seed: int = DEFAULT_SEED, end_date: dt.date | str = DEFAULT_END_DATE,
                 per_day: float = DEFAULT_PER_DAY, include_faulty: bool = False, *, days: int = DEFAULT_DAYS,
                 port: int = 0, today: dt.date | Callable[[], dt.date] | None = None, archive: bool = True,
                 entities: Iterable[EntityConfig] | None = None, config_dir: Path | None = None,
                 hang_seconds: float = 30.0, epoch: int = 0, wordpress_rest: str = "on") -> None:
        if isinstance(end_date, str):
            end_date = dt.date.fromisoformat(end_date)
        if per_day <= 0 or days < 1:
            raise ValueError("per_day must be positive and days at least 1")
        self.seed, self.end_date, self.per_day, self.days, self.port = seed, end_date, per_day, days, port
        self.include_faulty = include_faulty
        today_fn = (lambda: today) if isinstance(today, dt.date) else today
        self.book = AgencyBook(entities) if entities is not None else AgencyBook.load(config_dir)
        start = end_date - dt.timedelta(days=days - 1)
        self.outlets: list[Outlet] = []
        for outlet_class in (WordPressOutlet, CustomCmsOutlet, NationalOutlet):
            extra = [day for day in ARCHIVE_DAYS if day < start] if archive and outlet_class is NationalOutlet else []
            stories = StoryGenerator(self.book, outlet_class.style, seed=seed, start=start, end=end_date,
                                     per_day=per_day, extra_days=extra, tone_stories=True).generate()
            stories += planted_stories(self.book, outlet_class.style, seed=seed, start=start, end=end_date,
                                       first_index=len(stories))
            self.outlets.append(outlet_class(stories, today=today_fn))
        # Releases of a press office, and their copies added (after their own stories) to the outlets above.
        press_office = plant_releases(self.outlets, self.book, seed=seed, start=start, end=end_date)
        if press_office is not None:
            press_office._today = today_fn
            self.outlets.append(press_office)
        if include_faulty:
            self.outlets.append(FaultyOutlet(seed=seed, end_date=end_date, today=today_fn,
                                             hang_seconds=hang_seconds))
        for outlet in self.outlets:
            if isinstance(outlet, WordPressOutlet):
                outlet.rest_api = wordpress_rest
        self.servers: list[OutletServer] = []
        self.epoch = 0
        self.anchor = anchor_for(end_date, self.outlets[0].zone)
        self.set_epoch(epoch)

    # ------------------------------------------------------------------------------------------- the clock

    def now(self) -> dt.datetime:
        """The site's clock: the morning after the newest stories at epoch 0, ``EPOCH_STEP`` later per epoch."""
        return self.anchor + self.epoch * EPOCH_STEP

    def set_epoch(self, epoch: int) -> None:
        """Move the clock (while serving, too): from epoch 1 on each healthy outlet has edited, removed and added
        stories (see :mod:`crawler.demo.changes`; :meth:`changes` lists them)."""
        if epoch < 0:
            raise ValueError("epoch must be 0 or more")
        self.epoch = epoch
        for outlet in self.outlets:
            if isinstance(outlet, FaultyOutlet):
                continue
            if epoch >= 1 and outlet.changes is None:
                outlet.changes = plan_outlet_changes(outlet, self.book, seed=self.seed, anchor=self.anchor,
                                                     lastmod_in_discovery=outlet.lastmod_in_discovery)
            outlet.set_epoch(epoch, EPOCH_STEP)

    def changes(self) -> list[dict[str, Any]]:
        """What the clock changed by the current epoch: ``{outlet, change: edited|removed|added, url, title,
        …}``; edits also say ``edit`` (headline or paragraph), ``previous_title`` and ``removed_mentions``."""
        self._ensure_addresses()
        return [record for outlet in self.outlets if outlet.changes is not None
                for record in change_records(outlet, outlet.changes, self.epoch)]

    # ------------------------------------------------------------------------------------------- serving

    def start(self) -> DemoSite:
        """Start every outlet's server (outlet i on 127.0.0.(11+i), or 127.0.0.1 where that cannot bind)."""
        if self.servers:
            return self
        own_addresses = can_bind("127.0.0.12")
        if not own_addresses:
            logger.warning("cannot bind 127.0.0.12; all demo outlets share 127.0.0.1 on distinct ports")
        try:
            for number, outlet in enumerate(self.outlets, 1):
                if own_addresses:
                    host, port = f"127.0.0.{11 + number}", self.port
                else:  # one address for all: a fixed port becomes a run of ports
                    host, port = "127.0.0.1", self.port + number - 1 if self.port else 0
                self.servers.append(OutletServer(outlet, host, port).start())
        except BaseException:
            self.stop()
            raise
        for outlet in self.outlets:
            if isinstance(outlet, FaultyOutlet):
                outlet.redirect_target = self.outlets[0].home_url
        return self

    def stop(self) -> None:
        for server in self.servers:
            server.stop()
        self.servers = []

    def __enter__(self) -> DemoSite:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return bool(self.servers)

    def outlet(self, key: str) -> Outlet:
        for outlet in self.outlets:
            if outlet.key == key:
                return outlet
        raise KeyError(f"no demo outlet '{key}' (have: {', '.join(o.key for o in self.outlets)})")

    # ------------------------------------------------------------------------------------------- reports

    def _ensure_addresses(self) -> None:
        if not self.running:
            # Without servers the URLs would have no port; give every outlet its addresses anyway so that
            # ``truth()`` of a stopped site still names the paths (port 0 marks "not serving").
            for outlet in self.outlets:
                if not outlet.by_path:
                    outlet.index_paths()

    def sources_toml(self) -> str:
        """A ready ``[[sources]]`` file for the running outlets (crawler.config.SourceConfig fields)."""
        if not self.running:
            raise RuntimeError("start the demo site before asking for its sources (the ports are not known yet)")
        lines = ["# Sources for the Pantau demo news site (generated; valid while `pantau demo serve` runs).", ""]
        for outlet in self.outlets:
            lines.append("[[sources]]")
            for name, value in outlet.source_entry().items():
                if value is not None:
                    lines.append(f"{name} = {_toml_value(value)}")
            lines.append("")
        return "\n".join(lines)

    def truth(self) -> dict[str, Any]:
        """What a perfect crawl must find; see :mod:`crawler.demo.truth` for the fields."""
        self._ensure_addresses()
        return {
            "seed": self.seed, "end_date": self.end_date.isoformat(), "days": self.days, "per_day": self.per_day,
            "outlets": [outlet.truth() for outlet in self.outlets],
            "planted_alerts": planted_events(self.outlets, self.end_date),
            "releases": releases_truth(self.outlets),
        }

    def truth_json(self) -> str:
        return json.dumps(self.truth(), ensure_ascii=False, indent=1)

    def article_urls(self) -> list[str]:
        return [article["url"] for outlet in self.truth()["outlets"] for article in outlet["articles"]]


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        if "'" not in value and "\\" in value:
            return f"'{value}'"  # literal string: regular expressions stay readable
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if value is None:
        raise ValueError("TOML has no null; leave the field out")
    raise TypeError(f"cannot write {type(value).__name__} to TOML")
