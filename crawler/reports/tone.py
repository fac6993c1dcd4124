"""The tone parts of the daily and weekly reports: tone share per agency and the negative stories first.

Built from the :class:`~storage.reports.AgencyArticle` rows a report already read (their ``tone`` comes from
v_article_entity). Labels are Indonesian: negatif, netral, positif; an article stored before tone existed (no
tone until ``pantau rematch``) counts as "belum dinilai".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from crawler.reports.common import TONE_LABELS as _LABELS
from crawler.reports.common import Chart, ReportTable, horizontal_bar_chart, stacked_bar_chart
from storage.reports import TONE_RANK, AgencyArticle

TONE_LABELS: dict[str | None, str] = {**_LABELS, None: "belum dinilai"}
TONE_COLUMNS = ["agency_id", "agency_name", "articles", "negative", "neutral", "positive", "unscored",
                "negative_share", "positive_share"]
NEGATIVE_COLUMNS = ["published_at", "agency_id", "agency_name", "outlet", "title", "evidence", "url"]


def tone_label(tone: str | None) -> str:
    return TONE_LABELS.get(tone, str(tone))


def negative_first(articles: Iterable[AgencyArticle]) -> list[AgencyArticle]:
    """Articles with negative ones first, then positive, then neutral; by publication time within each."""
    return sorted(articles, key=lambda item: (TONE_RANK.get(item.tone or "", 3), item.published_at is None,
                                              item.published_at, item.article_id))


def tone_table(articles: Sequence[AgencyArticle], names: Mapping[str, str]) -> ReportTable:
    """Tone share per agency: counts per tone and the negative and positive shares, most negative first."""
    counts: dict[str, Counter[str | None]] = {}
    for article in articles:
        counts.setdefault(article.agency_id, Counter())[article.tone] += 1
    rows = []
    for agency, tones in counts.items():
        total = sum(tones.values())
        rows.append((agency, names.get(agency, agency), total, tones["negative"], tones["neutral"], tones["positive"],
                     tones[None], round(tones["negative"] / total, 4), round(tones["positive"] / total, 4)))
    rows.sort(key=lambda row: (-row[3], -row[7], -row[2], row[0]))
    return ReportTable("tone", "Nada pemberitaan per instansi", TONE_COLUMNS, rows)


def negative_stories_table(articles: Sequence[AgencyArticle], names: Mapping[str, str]) -> ReportTable:
    negative = [item for item in negative_first(articles) if item.tone == "negative"]
    rows = [(item.local_published, item.agency_id, names.get(item.agency_id, item.agency_id), item.source_name,
             item.title, (item.tone_evidence or "").split("\n")[0], item.canonical_url) for item in negative]
    return ReportTable("negative_stories", "Berita bernada negatif", NEGATIVE_COLUMNS, rows)


def tone_chart(table: ReportTable, limit: int = 10) -> Chart:
    rows = table.rows[:limit]
    return stacked_bar_chart(table.name, "Nada pemberitaan per instansi (artikel)", [row[1] for row in rows],
                             {"negatif": [row[3] for row in rows], "netral": [row[4] for row in rows],
                              "positif": [row[5] for row in rows]})


def negative_chart(table: ReportTable, limit: int = 10) -> Chart:
    per_agency = Counter(row[2] for row in table.rows)  # the agency's name, as the other charts show it
    top = per_agency.most_common(limit)
    return horizontal_bar_chart(table.name, "Berita bernada negatif per instansi", [agency for agency, _ in top],
                                [count for _, count in top])
