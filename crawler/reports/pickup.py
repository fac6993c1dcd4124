"""Press-release pickup: per release, which outlets ran it, when, how much of it, credited or not, partner or not.

Reads story clusters through storage.clusters (v_pickup). A pickup is an article in the release's story
cluster (crawler.clusters: a copy, an edited copy or a one-paragraph pickup); a story of the same event that
the outlet wrote itself is not one. ``partner`` means the outlet has a contract in config/partners running on
the day of the release. Outlets that ran nothing are the configured, enabled news sources without a pickup.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from crawler.partners import PartnerBook
from crawler.reports.common import Report, ReportError, ReportTable
from storage.clusters import PickupRecord, ReleaseRecord, list_releases, news_outlets, pickups
from storage.reports import agency_names

REUSE_LABELS = {"verbatim": "utuh", "edited": "disunting", "paragraph": "satu paragraf", None: "–"}
COLUMNS = ["release_id", "release_title", "agency_id", "release_published_at", "outlet", "outlet_name", "partner",
           "url", "title", "published_at", "delay_minutes", "reuse", "release_share", "credited"]
SILENT_COLUMNS = ["release_id", "release_title", "outlet", "outlet_name", "partner"]


@dataclass
class ReleaseResult:
    release: ReleaseRecord
    agency_name: str
    pickups: list[PickupRecord] = field(default_factory=list)
    silent: list[tuple[str, str]] = field(default_factory=list)  # (outlet key, name) that ran nothing
    partners: set[str] = field(default_factory=set)  # outlets under contract on the release day

    @property
    def credited(self) -> int:
        return sum(1 for pickup in self.pickups if pickup.credited)


def delay_text(minutes: float | None) -> str:
    """A delay the way the office reads it: 45 menit, 3 jam 10 menit, 2 hari 4 jam."""
    if minutes is None:
        return "–"
    if minutes < 0:
        return "sebelum rilis"
    total = int(round(minutes))
    days, rest = divmod(total, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} hari {hours} jam"
    if hours:
        return f"{hours} jam {mins} menit"
    return f"{mins} menit"


def _partners_on(book: PartnerBook | None, day: dt.date) -> set[str]:
    if book is None:
        return set()
    return {partner.outlet for partner in book.partners if partner.period.start <= day <= partner.period.end}


def build_pickup_report(engine: Engine, *, release_id: int | None = None, since: dt.date | None = None,
                        until: dt.date | None = None, book: PartnerBook | None = None,
                        timezone: str = "Asia/Makassar") -> Report:
    """The pickup of one release (``release_id``) or of every release published from ``since`` to ``until``
    (inclusive, days in ``timezone``, the office's)."""
    zone = zoneinfo.ZoneInfo(timezone)
    start = dt.datetime.combine(since, dt.time(), zone) if since else None
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), zone) if until else None
    releases = list_releases(engine, start, end, release_id=release_id)
    if release_id is not None and not releases:
        raise ReportError(f"no release with id {release_id} (see pantau releases list)")
    names = agency_names(engine)
    outlets = news_outlets(engine)
    found = pickups(engine, [release.article_id for release in releases])
    results: list[ReleaseResult] = []
    rows, silent_rows = [], []
    for release in releases:
        agency = names.get(release.agency_id) if release.agency_id else None
        result = ReleaseResult(release, agency.name if agency else (release.agency_id or "–"))
        result.pickups = [pickup for pickup in found if pickup.release_article_id == release.article_id]
        day = (release.published_at or dt.datetime.now(dt.timezone.utc)).astimezone(zone).date()
        result.partners = _partners_on(book, day)
        ran = {pickup.source_key for pickup in result.pickups}
        result.silent = [(key, name) for key, name in outlets.items() if key not in ran]
        for pickup in result.pickups:
            rows.append((release.article_id, release.title, release.agency_id, _iso(release.published_at),
                         pickup.source_key, pickup.source_name, pickup.source_key in result.partners,
                         pickup.canonical_url, pickup.title, _iso(pickup.published_at),
                         None if pickup.delay_minutes is None else round(pickup.delay_minutes),
                         pickup.reuse, None if pickup.release_share is None else round(pickup.release_share, 3),
                         pickup.credited))
        silent_rows += [(release.article_id, release.title, key, name, key in result.partners)
                        for key, name in result.silent]
        results.append(result)
    span = (f"rilis {release_id}" if release_id is not None
            else f"{since or 'awal'} s.d. {until or 'sekarang'}")
    title = f"Pemuatan siaran pers, {span}"
    tables = [ReportTable("pickup", title, COLUMNS, rows),
              ReportTable("not_run", "Media yang tidak memuat", SILENT_COLUMNS, silent_rows)]
    return Report("pickup", title, tables, "pickup.html",
                  context={"results": results, "reuse_labels": REUSE_LABELS, "delay_text": delay_text,
                           "zone": zone, "span": span})


def _iso(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="minutes")


def pickup_pieces(engine: Engine, since: dt.date, until: dt.date, outlets: Sequence[str]) -> list[PickupRecord]:
    """Pickups on ``outlets`` published in [since, until) UTC days, for the partner report's quota option."""
    start = dt.datetime.combine(since, dt.time(), dt.timezone.utc) - dt.timedelta(days=31)
    releases = list_releases(engine, start, dt.datetime.combine(until, dt.time(), dt.timezone.utc))
    return [pickup for pickup in pickups(engine, [release.article_id for release in releases])
            if pickup.source_key in outlets]
