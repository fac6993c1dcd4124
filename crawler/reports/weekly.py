"""The weekly issues brief: mentions per day per agency, top outlets, share of voice and most-quoted speakers,
each with a chart.

Per-day counts and top outlets cover the office's agencies (by lineage); share of voice is every agency's
share of all counted mentions that week (the v_share_of_voice view); speakers are every named speaker. Tone
(crawler.reports.tone): the week's negative stories come first, then the tone share per agency.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from sqlalchemy.engine import Engine

from crawler.reports.common import (
    Report,
    ReportTable,
    date_id,
    day_label,
    horizontal_bar_chart,
    select_agencies,
    stacked_bar_chart,
    week_start,
)
from crawler.reports.tone import negative_chart, negative_stories_table, tone_chart, tone_table
from storage.reports import SpeakerCount, agency_articles, agency_names, share_of_voice, top_speakers

TOP = 10
CHART_SERIES = 7


def build_weekly_report(engine: Engine, week: dt.date, *, agencies: Sequence[str] | None = None,
                        office_agencies: Sequence[str] | None = None, office_name: str | None = None,
                        lineage: bool = True) -> Report:
    monday = week_start(week)
    end = monday + dt.timedelta(days=7)
    days = [monday + dt.timedelta(days=offset) for offset in range(7)]
    names = agency_names(engine)
    keys = select_agencies(agencies, office_agencies, names, lineage)
    articles = agency_articles(engine, monday, end, agencies=keys, key="lineage_id" if lineage else "entity_id")

    per_day: dict[str, Counter[dt.date]] = {}
    mentions_per_agency: Counter[str] = Counter()
    for article in articles:
        per_day.setdefault(article.agency_id, Counter())[article.published_date] += 1
        mentions_per_agency[article.agency_id] += article.mentions
    agency_order = sorted(per_day, key=lambda agency: (-sum(per_day[agency].values()), agency))
    daily_rows = [(agency, names[agency].name if agency in names else agency,
                   *[per_day[agency][day] for day in days], sum(per_day[agency].values()),
                   mentions_per_agency[agency]) for agency in agency_order]
    daily_table = ReportTable("daily", "Artikel per hari per instansi",
                              ["agency_id", "agency_name", *[day.isoformat() for day in days], "articles",
                               "mentions"], daily_rows)

    outlets: dict[str, dict[str, object]] = {}
    for article in articles:
        entry = outlets.setdefault(article.source_key, {"name": article.source_name, "articles": set(),
                                                        "advertorial": set(), "mentions": 0})
        entry["articles"].add(article.article_id)  # type: ignore[union-attr]
        if article.is_advertorial:
            entry["advertorial"].add(article.article_id)  # type: ignore[union-attr]
        entry["mentions"] += article.mentions  # type: ignore[operator]
    outlet_rows = sorted(((key, entry["name"], len(entry["articles"]), len(entry["advertorial"]),  # type: ignore
                           entry["mentions"]) for key, entry in outlets.items()),
                         key=lambda row: (-row[2], -row[4], row[0]))[:TOP]
    outlet_table = ReportTable("outlets", "Media teratas", ["outlet", "outlet_name", "articles",
                                                             "advertorial", "mentions"], outlet_rows)

    voices = share_of_voice(engine, "week", monday)
    voice_rows = [(voice.entity_id, voice.entity_name, voice.articles, voice.mentions, round(voice.share, 4))
                  for voice in voices[:TOP]]
    if len(voices) > TOP:
        rest = voices[TOP:]
        voice_rows.append(("(lainnya)", f"{len(rest)} instansi lain", sum(v.articles for v in rest),
                           sum(v.mentions for v in rest), round(sum(v.share for v in rest), 4)))
    voice_table = ReportTable("share_of_voice", "Pangsa pemberitaan", ["entity_id", "entity_name", "articles",
                                                                       "mentions", "share"], voice_rows)

    speakers = top_speakers(engine, monday, end, limit=TOP)
    speaker_rows = [(speaker.speaker, speaker.entity_id, speaker.entity_name, speaker.quotes, speaker.articles,
                     speaker.outlets) for speaker in speakers]
    speaker_table = ReportTable("speakers", "Narasumber paling banyak dikutip",
                                ["speaker", "entity_id", "entity_name", "quotes", "articles", "outlets"],
                                speaker_rows)

    # Charts name agencies and people as readers know them, never by id.
    series = {(names[agency].name if agency in names else agency): [per_day[agency][day] for day in days]
              for agency in agency_order[:CHART_SERIES]}
    if len(agency_order) > CHART_SERIES:
        series["lainnya"] = [sum(per_day[agency][day] for agency in agency_order[CHART_SERIES:]) for day in days]
    charts = [
        stacked_bar_chart("daily", "Artikel per hari per instansi", [day_label(day) for day in days], series),
        horizontal_bar_chart("outlets", "Media teratas (artikel)", [row[1] for row in outlet_rows],
                             [row[2] for row in outlet_rows]),
        horizontal_bar_chart("share_of_voice", "Pangsa pemberitaan (% sebutan)", [row[1] for row in voice_rows],
                             [row[4] * 100 for row in voice_rows], "{:.1f} %"),
        horizontal_bar_chart("speakers", "Narasumber paling banyak dikutip (kutipan)",
                             speaker_labels(speakers), [row[3] for row in speaker_rows]),
    ]
    agency_labels = {key: value.name for key, value in names.items()}
    negative_table, tone_share = negative_stories_table(articles, agency_labels), tone_table(articles, agency_labels)
    charts += [negative_chart(negative_table), tone_chart(tone_share)]
    sunday = monday + dt.timedelta(days=6)
    iso = monday.isocalendar()
    title = f"Laporan mingguan {iso.year}-W{iso.week:02d} ({date_id(monday)} – {date_id(sunday)})"
    return Report("weekly", title, [daily_table, negative_table, tone_share, outlet_table, voice_table,
                                    speaker_table], "weekly.html",
                  charts=charts, context={"monday": monday, "sunday": sunday, "days": days,
                                          "office_name": office_name,
                                          "article_count": len({a.article_id for a in articles})})


def speaker_labels(speakers: Sequence[SpeakerCount]) -> list[str]:
    """Chart labels for speakers: the name, and the agency too when the same name appears more than once
    (one person quoted for two agencies, or two people of one name), so that no two bars look the same."""
    repeated = {name for name, count in Counter(speaker.speaker for speaker in speakers).items() if count > 1}
    return [f"{speaker.speaker} ({speaker.entity_name or 'tanpa instansi'})" if speaker.speaker in repeated
            else speaker.speaker for speaker in speakers]
