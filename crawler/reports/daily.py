"""The daily e-kliping: the day's articles that name the office's agencies, grouped by agency.

The day is the publication's own local calendar day. Each agency group lists its articles by publication
time with the outlet, the most prominent zone of the mention (title, lead, body, quote), the passage of the
story that names the agency (not the title again, which the clipping already shows) and the link;
advertorials are marked, and so are stories a re-fetch found edited ("diubah") or taken down ("dihapus").
An article that names three agencies appears in three groups. Tone (crawler.tone): each group lists its negative
stories first, each clip shows its tone toward the agency and the deciding sentence, and a table gives the tone
share per agency (crawler.reports.tone).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy.engine import Engine

from crawler.reports.common import Report, ReportTable, date_id, select_agencies
from crawler.reports.tone import negative_first, tone_table
from storage.passages import passages_naming
from storage.reports import AgencyArticle, agency_articles, agency_names
from storage.versions import article_changes

COLUMNS = ["date", "agency_id", "agency_name", "published_at", "outlet", "outlet_name", "title", "zone",
           "mentions", "advertorial", "snippet", "url", "change", "tone"]
CHANGE_LABELS = {"edited": "diubah", "removed": "dihapus"}


@dataclass
class AgencyGroup:
    agency_id: str
    agency_name: str
    articles: list[AgencyArticle]


def build_daily_report(engine: Engine, day: dt.date, *, agencies: Sequence[str] | None = None,
                       office_agencies: Sequence[str] | None = None, office_name: str | None = None,
                       lineage: bool = True) -> Report:
    names = agency_names(engine)
    keys = select_agencies(agencies, office_agencies, names, lineage)
    articles = agency_articles(engine, day, day + dt.timedelta(days=1), agencies=keys,
                               key="lineage_id" if lineage else "entity_id")
    passages = passages_naming(engine, [(article.article_id, article.entity_id) for article in articles
                                        if article.top_zone == "title"])
    articles = [replace(article, snippet=passages.get((article.article_id, article.entity_id), article.snippet))
                for article in articles]
    by_agency: dict[str, list[AgencyArticle]] = {}
    for article in articles:
        by_agency.setdefault(article.agency_id, []).append(article)
    groups = []
    for agency_id, items in by_agency.items():
        items = negative_first(items)
        name = names[agency_id].name if agency_id in names else agency_id
        groups.append(AgencyGroup(agency_id, name, items))
    groups.sort(key=lambda group: (-len(group.articles), group.agency_name))
    changes = {article_id: CHANGE_LABELS[change]
               for article_id, change in article_changes(engine, [item.article_id for item in articles]).items()}
    rows = [(day.isoformat(), group.agency_id, group.agency_name,
             item.local_published, item.source_key,
             item.source_name, item.title, item.top_zone, item.mentions, item.is_advertorial, item.snippet,
             item.canonical_url, changes.get(item.article_id), item.tone)
            for group in groups for item in group.articles]
    title = f"Kliping berita {date_id(day)}"
    tones = tone_table(articles, {key: value.name for key, value in names.items()})
    return Report("daily", title, [ReportTable("clippings", title, COLUMNS, rows), tones], "daily.html",
                  context={"day": day, "groups": groups, "office_name": office_name, "changes": changes,
                           "tone_table": tones,
                           "article_count": len({item.article_id for item in articles})})
