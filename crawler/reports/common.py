"""What every report shares: its tables, HTML rendering with Jinja2, PNG charts with matplotlib, and the
choice of agencies (the office's, from config/partners, or the ones given on the command line)."""

from __future__ import annotations

import base64
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
MONTHS_ID = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
             "November", "Desember"]
DAYS_ID = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
ZONE_LABELS = {"title": "judul", "lead": "teras", "body": "isi", "quote": "kutipan"}
# What the HTML reports call each table column (CSV and JSON keep the column names, which scripts read).
COLUMN_LABELS = {
    "agency_id": "Kode instansi", "agency_name": "Instansi", "entity_id": "Kode instansi", "entity_name": "Instansi",
    "articles": "Artikel", "mentions": "Sebutan", "advertorial": "Advertorial", "share": "Pangsa",
    "outlet": "Kode media", "outlet_name": "Media", "speaker": "Narasumber", "quotes": "Kutipan",
    "outlets": "Media",
}
TONE_LABELS = {"negative": "negatif", "neutral": "netral", "positive": "positif"}
# The tone tables' columns (crawler.reports.tone).
COLUMN_LABELS.update({
    "negative": "Negatif", "neutral": "Netral", "positive": "Positif", "unscored": "Belum dinilai",
    "negative_share": "Porsi negatif", "positive_share": "Porsi positif", "published_at": "Terbit",
    "title": "Judul", "evidence": "Kalimat penentu", "url": "Tautan",
})


class ReportError(Exception):
    """A report cannot be made as asked (unknown agency, bad week …); the message is one line."""


@dataclass
class ReportTable:
    """One table of a report: printed with --format table, written with --format csv."""

    name: str
    title: str
    columns: list[str]
    rows: list[tuple[Any, ...]]


@dataclass
class Chart:
    name: str
    title: str
    png: bytes
    labels: tuple[str, ...] = ()  # what the axis and legend say, as drawn (tests read them: a PNG cannot be)

    @property
    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


@dataclass
class Report:
    """A built report: its tables (the first is the CSV one), charts, and the context of its HTML template."""

    kind: str
    title: str
    tables: list[ReportTable]
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    charts: list[Chart] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def table(self, name: str) -> ReportTable:
        return next(table for table in self.tables if table.name == name)

    def render_html(self) -> str:
        from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

        environment = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=select_autoescape(["html"]),
                                  undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        environment.filters["date_id"] = date_id
        environment.filters["local_time"] = local_time
        environment.filters["zone_label"] = lambda zone: ZONE_LABELS.get(zone, zone)
        environment.filters["percent"] = percent_id
        environment.filters["column_label"] = column_label
        environment.filters["tone_label"] = lambda tone: TONE_LABELS.get(tone, tone)
        generated = dt.datetime.now(dt.timezone.utc).astimezone().isoformat(timespec="minutes")
        return environment.get_template(self.template).render(
            report=self, charts={chart.name: chart for chart in self.charts}, generated_at=generated,
            **self.context)


def percent_id(value: float | None) -> str:
    """A fraction as the reports show it, in tables and charts alike: 0.1481 -> "14.8 %"."""
    return "–" if value is None else f"{value * 100:.1f} %"


def day_label(day: dt.date) -> str:
    """A day in a table header or chart axis: "Sen 16" (Indonesian day abbreviation and day of month)."""
    return f"{DAYS_ID[day.weekday()][:3]} {day.day}"


def column_label(column: str) -> str:
    """The Indonesian heading of a report column; ISO dates become day labels ("Sen 16")."""
    try:
        return day_label(dt.date.fromisoformat(column))
    except ValueError:
        return COLUMN_LABELS.get(column, column)


def date_id(day: dt.date | None) -> str:
    """A date the Indonesian way: Jumat, 20 November 2026."""
    if day is None:
        return ""
    return f"{DAYS_ID[day.weekday()]}, {day.day} {MONTHS_ID[day.month - 1]} {day.year}"


def local_time(moment: dt.datetime | None, time_known: bool | None = True) -> str:
    """A publication time in its own zone: 14:32 WITA ("–" when unknown: the page gave the day only)."""
    if moment is None or time_known is False:
        return "–"
    names = {420: "WIB", 480: "WITA", 540: "WIT"}
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    return f"{moment:%H:%M} {names.get(minutes, moment.strftime('UTC%z'))}"


def week_start(day: dt.date) -> dt.date:
    """The Monday of the week of ``day``."""
    return day - dt.timedelta(days=day.weekday())


def parse_week(text: str) -> dt.date:
    """``2026-W47`` (ISO week) or any date in the week (``2026-11-16``) -> that week's Monday."""
    text = text.strip()
    try:
        if "W" in text.upper():
            year, week = text.upper().split("-W")
            return dt.date.fromisocalendar(int(year), int(week), 1)
        return week_start(dt.date.fromisoformat(text))
    except ValueError:
        raise ReportError(f"'{text}' is not a week; write 2026-W47 or a date in the week (2026-11-16)") from None


def select_agencies(wanted: Sequence[str] | None, office_agencies: Sequence[str] | None,
                    names: dict[str, Any], lineage: bool) -> list[str] | None:
    """The agency keys a report follows: ``wanted`` (command line), else the office's, else None (all)."""
    chosen = list(wanted or office_agencies or [])
    if not chosen:
        return None
    unknown = [agency for agency in chosen if agency not in names]
    if unknown:
        raise ReportError(f"unknown agency '{unknown[0]}': not in the database "
                          "(check the id with pantau entities list, then run a crawl or rematch)")
    keys = [names[agency].lineage_id if lineage else agency for agency in chosen]
    return list(dict.fromkeys(keys))


# -------------------------------------------------------------------------------------------------- charts

PALETTE = ["#1f5fa8", "#e07b22", "#2f9e44", "#c92a2a", "#7048e8", "#0b7285", "#e64980", "#868e96"]


def _figure(width: float = 8.0, height: float = 3.6) -> Any:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(width, height), dpi=100)
    axes.spines[["top", "right"]].set_visible(False)
    return figure, axes


def _png(figure: Any) -> bytes:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()


def _empty(axes: Any) -> None:
    axes.text(0.5, 0.5, "tidak ada data", ha="center", va="center", transform=axes.transAxes, color="#868e96")
    axes.set_xticks([])
    axes.set_yticks([])


def stacked_bar_chart(name: str, title: str, labels: list[str], series: dict[str, list[int]]) -> Chart:
    """Bars per label (days), stacked by series (agencies)."""
    figure, axes = _figure()
    if not any(any(values) for values in series.values()):
        _empty(axes)
    else:
        bottom = [0] * len(labels)
        for index, (series_name, values) in enumerate(series.items()):
            axes.bar(labels, values, bottom=bottom, label=series_name, color=PALETTE[index % len(PALETTE)])
            bottom = [b + v for b, v in zip(bottom, values)]
        axes.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        axes.yaxis.get_major_locator().set_params(integer=True)
    axes.set_title(title, fontsize=10)
    return Chart(name, title, _png(figure), labels=(*labels, *series))


def horizontal_bar_chart(name: str, title: str, labels: list[str], values: list[float],
                         value_format: str = "{:.0f}") -> Chart:
    figure, axes = _figure(height=max(2.4, 0.35 * len(labels) + 1.0))
    if not labels:
        _empty(axes)
    else:
        positions = list(range(len(labels)))[::-1]
        axes.barh(positions, values, color=PALETTE[0])
        axes.set_yticks(positions, labels, fontsize=8)
        for position, value in zip(positions, values):
            axes.text(value, position, " " + value_format.format(value), va="center", fontsize=8)
        axes.set_xlim(0, max(values) * 1.2 if max(values) > 0 else 1)
    axes.set_title(title, fontsize=10)
    return Chart(name, title, _png(figure),
                 labels=tuple(f"{label}: {value_format.format(value)}" for label, value in zip(labels, values)))
