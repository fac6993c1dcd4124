"""Alert messages in Indonesian: the subject, the text of one alert or of a digest, and the JSON a webhook gets.

Times are printed in the outlet's own zone with its Indonesian abbreviation (WIB, WITA, WIT), the way the
outlet itself prints them: "Rabu, 18 November 2026 14.05 WITA".
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence
from typing import Any

from crawler.alerts.model import AlertEvent, AlertItem, ArticleFact, Tone


DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember"]
ZONE_NAMES = {420: "WIB", 480: "WITA", 540: "WIT"}
TONE_WORDS = {"negative": "negatif", "neutral": "netral", "positive": "positif"}
SNIPPET_CHARS = 300


def zone_name(offset_minutes: int) -> str:
    if offset_minutes in ZONE_NAMES:
        return ZONE_NAMES[offset_minutes]
    hours, minutes = divmod(abs(offset_minutes), 60)
    return f"UTC{'+' if offset_minutes >= 0 else '-'}{hours}" + (f":{minutes:02d}" if minutes else "")


def local_time(moment: dt.datetime, offset_minutes: int | None, timezone: str) -> dt.datetime:
    """``moment`` in the outlet's own zone: its stored offset, else the source's configured time zone."""
    if offset_minutes is not None:
        return moment.astimezone(dt.timezone(dt.timedelta(minutes=offset_minutes)))
    return moment.astimezone(zoneinfo.ZoneInfo(timezone))


def format_local(moment: dt.datetime) -> str:
    """'Rabu, 18 November 2026 14.05 WITA' for an aware local datetime."""
    offset = int((moment.utcoffset() or dt.timedelta()).total_seconds() // 60)
    return (f"{DAYS[moment.weekday()]}, {moment.day} {MONTHS[moment.month - 1]} {moment.year} "
            f"{moment:%H.%M} {zone_name(offset)}")


def article_item(article: ArticleFact, snippet: str, tone: Tone | None = None) -> AlertItem:
    if article.published_at is not None:
        local = local_time(article.published_at, article.published_utc_offset, article.source_timezone)
        published_local, published_iso = format_local(local), local.isoformat(timespec="minutes")
    else:
        published_local, published_iso = "waktu terbit tidak diketahui", None
    snippet = " ".join(snippet.split())
    if len(snippet) > SNIPPET_CHARS:
        snippet = snippet[:SNIPPET_CHARS].rsplit(" ", 1)[0] + "…"
    return AlertItem(article_id=article.id, headline=article.title or "(tanpa judul)", outlet=article.source_name,
                     published_local=published_local, published_at=published_iso, snippet=snippet, url=article.url,
                     tone=TONE_WORDS.get(tone.label, tone.label) if tone else None,
                     tone_score=tone.score if tone else None)


def _item_lines(item: AlertItem) -> list[str]:
    lines = [f"Judul: {item.headline}", f"Media: {item.outlet}", f"Terbit: {item.published_local}"]
    if item.tone:
        score = f" (skor {item.tone_score:+.2f})".replace(".", ",") if item.tone_score is not None else ""
        lines.append(f"Nada: {item.tone}{score}")
    lines += [f"Cuplikan: \u201c{item.snippet}\u201d", f"Tautan: {item.url}"]
    return lines


def subject(event: AlertEvent) -> str:
    about = f": {event.entity_name}" if event.entity_name else ""
    return f"[Pantau] {event.title}{about}"


def text(event: AlertEvent) -> str:
    """The plain-text message for one alert."""
    lines = [f"Peringatan Pantau \u2014 {event.title}", ""]
    if event.entity_name:
        lines.append(f"Instansi: {event.entity_name}")
    lines += [event.summary, ""]
    for number, item in enumerate(event.items, 1):
        if len(event.items) > 1:
            lines.append(f"{number}.")
        lines += _item_lines(item) + [""]
    lines.append(f"Aturan: {event.rule_id}")
    return "\n".join(lines).rstrip() + "\n"


def digest_subject(rule_id: str, period: str, events: Sequence[AlertEvent]) -> str:
    return f"[Pantau] Ringkasan {rule_id} ({period}): {len(events)} peringatan"


def digest_text(rule_id: str, period: str, events: Sequence[AlertEvent]) -> str:
    lines = [f"Ringkasan peringatan Pantau \u2014 aturan {rule_id}, periode {period}",
             f"{len(events)} peringatan.", ""]
    for number, event in enumerate(events, 1):
        about = f" \u2014 {event.entity_name}" if event.entity_name else ""
        lines += [f"{number}. {event.title}{about}", event.summary]
        for item in event.items:
            lines += ["   " + line for line in _item_lines(item)]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def payload(events: Sequence[AlertEvent], *, rule_id: str, digest_period: str | None) -> dict[str, Any]:
    """The JSON body a webhook receives (one alert, or a digest of several)."""
    if digest_period is None:
        event = events[0]
        return {"pantau": "alert", **event.as_dict(), "subject": subject(event), "text": text(event)}
    return {"pantau": "digest", "rule": rule_id, "period": digest_period,
            "subject": digest_subject(rule_id, digest_period, events),
            "text": digest_text(rule_id, digest_period, events),
            "alerts": [event.as_dict() for event in events]}
