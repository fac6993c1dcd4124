"""The built-in alert conditions: a new article naming the agency in the title or lead, a spike of coverage
over the trailing weeks' level for that weekday, an outlet covering the agency for the first time, a keyword.

Each condition only reads the :class:`~crawler.alerts.registry.CheckBatch` and returns events whose dedupe key
names exactly what makes the event one event (an article, a local day, an outlet), so evaluating the same
articles twice — a re-run, an overlapping ``--since`` — finds the same keys and alerts nobody twice.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections import Counter
from collections.abc import Iterator
from typing import Literal

from pydantic import Field, field_validator

from crawler.alerts.model import AlertEvent
from crawler.alerts.registry import CheckBatch, ConditionParams, register_condition
from crawler.alerts.rules import AlertRule

Zone = Literal["title", "lead", "body", "quote"]


class NewArticleParams(ConditionParams):
    zones: list[Zone] = Field(default_factory=lambda: ["title", "lead"], min_length=1)
    include_advertorials: bool = True


@register_condition("new_article", NewArticleParams)
def new_article(rule: AlertRule, params: NewArticleParams, batch: CheckBatch) -> Iterator[AlertEvent]:
    """A new article names the agency in the given zones (default: the title or the lead)."""
    zones = frozenset(params.zones)
    for article, mentions in batch.naming(rule.scope, zones):
        if article.is_advertorial and not params.include_advertorials:
            continue
        where = "judul" if any(mention.zone == "title" for mention in mentions) else "teras berita"
        named = _named(batch, mentions[0].entity_id, rule)
        yield AlertEvent(
            dedupe_key=f"{rule.id}:new_article:{article.id}", rule_id=rule.id, condition="new_article",
            title="Berita baru", entity_id=mentions[0].entity_id, entity_name=named,
            summary=f"{named} disebut di {where} berita {article.source_name}.",
            items=(batch.item(article, rule.scope, mentions[0].snippet),), details={"zone": mentions[0].zone})


class SpikeParams(ConditionParams):
    ratio: float = Field(default=3.0, ge=1.0, description="day count / mean of the same weekday in past weeks")
    min_count: int = Field(default=5, ge=1, description="articles that day, at least")
    weeks: int = Field(default=4, ge=1, le=12)


@register_condition("spike", SpikeParams)
def spike(rule: AlertRule, params: SpikeParams, batch: CheckBatch) -> Iterator[AlertEvent]:
    """Articles naming the agency on one local day reach ``min_count`` and ``ratio`` times the mean of the same
    weekday over the previous ``weeks`` weeks."""
    zone = zoneinfo.ZoneInfo(rule.timezone)
    new = batch.naming(rule.scope)
    days = sorted({article.local_moment(zone).date() for article, _ in new})
    if not days:
        return
    start = _local_midnight(days[0] - dt.timedelta(weeks=params.weeks), zone)
    end = _local_midnight(days[-1] + dt.timedelta(days=1), zone)
    covered = batch.history.coverage(rule.scope, start, end)
    per_day = Counter(moment.astimezone(zone).date() for _, moment in covered)
    articles_by_day: dict[dt.date, list[int]] = {}
    for article_id, moment in sorted(covered, key=lambda pair: (pair[1], pair[0])):
        articles_by_day.setdefault(moment.astimezone(zone).date(), []).append(article_id)
    for day in days:
        count = per_day[day]
        baseline = [per_day[day - dt.timedelta(weeks=week)] for week in range(1, params.weeks + 1)]
        mean = sum(baseline) / len(baseline)
        if count < params.min_count or count < params.ratio * mean:
            continue
        # Every article of that day, not only the new ones: the day's count crossed the line with this batch.
        day_articles = batch.history.articles(articles_by_day.get(day, []))
        items = tuple(batch.item(article, rule.scope)
                      for article in sorted(day_articles, key=lambda article: (article.moment, article.id)))
        yield AlertEvent(
            dedupe_key=f"{rule.id}:spike:{day.isoformat()}", rule_id=rule.id, condition="spike",
            title="Lonjakan pemberitaan", entity_id=rule.agency, entity_name=rule.agency_name,
            summary=(f"{count} berita menyebut {rule.agency_name} pada {_day_name(day)}, {_date_id(day)}; "
                     f"rata-rata {_number(mean)} pada hari yang sama dalam {params.weeks} minggu sebelumnya."),
            items=items, details={"day": day.isoformat(), "count": count, "baseline_mean": mean,
                                  "baseline": baseline})


class FirstOutletParams(ConditionParams):
    max_age_days: int = Field(default=7, ge=1, description="the outlet's first article was stored this recently")


@register_condition("first_outlet", FirstOutletParams)
def first_outlet(rule: AlertRule, params: FirstOutletParams, batch: CheckBatch) -> Iterator[AlertEvent]:
    """An outlet publishes its first article naming the agency, after other outlets already covered it.

    Decided on publication times, not on the order of crawls: when a batch brings coverage of the agency, every
    outlet whose first article was stored in the last ``max_age_days`` and is preceded by another outlet's counts
    (the dedupe key is per outlet, so each outlet alerts once, ever)."""
    if not batch.naming(rule.scope):
        return
    firsts = batch.history.first_by_outlet(rule.scope)
    recent = batch.now - dt.timedelta(days=params.max_age_days)
    found = []
    for outlet, (moment, article_id, stored) in sorted(firsts.items()):
        earlier = [key for key, other in firsts.items() if key != outlet and other[:2] < (moment, article_id)]
        if earlier and stored >= recent:
            found.append((outlet, article_id, len(earlier)))
    articles = {article.id: article for article in batch.history.articles([article_id for _, article_id, _ in found])}
    for outlet, article_id, before in found:
        article = articles.get(article_id)
        if article is None:  # pragma: no cover - deleted between the two queries
            continue
        named_id = next((mention.entity_id for mention in article.names(rule.scope)), rule.agency)
        named = _named(batch, named_id, rule)
        yield AlertEvent(
            dedupe_key=f"{rule.id}:first_outlet:{outlet}", rule_id=rule.id, condition="first_outlet",
            title="Media baru", entity_id=named_id, entity_name=named,
            summary=f"{article.source_name} memberitakan {named} untuk pertama kalinya.",
            items=(batch.item(article, rule.scope),), details={"outlet": outlet, "outlets_before": before})


class KeywordParams(ConditionParams):
    keywords: list[str] = Field(min_length=1, description="words or phrases, matched whole and in any case")
    fields: list[Literal["title", "text"]] = Field(default_factory=lambda: ["title", "text"], min_length=1)

    @field_validator("keywords")
    @classmethod
    def _not_blank(cls, values: list[str]) -> list[str]:
        if any(not value.strip() for value in values):
            raise ValueError("a keyword is empty")
        return values


@register_condition("keyword", KeywordParams, needs_agency=False)
def keyword(rule: AlertRule, params: KeywordParams, batch: CheckBatch) -> Iterator[AlertEvent]:
    """A new article contains one of the keywords (and names the agency, when the rule has one)."""
    pattern = re.compile(r"(?<!\w)(?:%s)(?!\w)" % "|".join(
        r"\s+".join(map(re.escape, word.split())) for word in params.keywords), re.IGNORECASE)
    for article in batch.articles:
        if rule.agency and not article.names(rule.scope):
            continue
        for name in params.fields:
            text = article.title if name == "title" else article.text
            match = pattern.search(text or "")
            if match:
                break
        else:
            continue
        snippet = _passage(text, match.start(), match.end())
        found = " ".join(match.group().split())
        about = f" tentang {rule.agency_name}" if rule.agency else ""
        yield AlertEvent(
            dedupe_key=f"{rule.id}:keyword:{article.id}", rule_id=rule.id, condition="keyword",
            title=f"Kata kunci \u201c{found}\u201d", entity_id=rule.agency, entity_name=rule.agency_name,
            summary=f"Berita{about} di {article.source_name} memuat kata kunci \u201c{found}\u201d.",
            items=(batch.item(article, rule.scope, snippet),), details={"keyword": found})


# ------------------------------------------------------------------------------------------------ helpers

_DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
_MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
           "November", "Desember"]


def _named(batch: CheckBatch, entity_id: str | None, rule: AlertRule) -> str | None:
    """The name of the body the article names (BRIDA Kaltim for a rule on its predecessor Balitbangda)."""
    return batch.entity_names.get(entity_id or "", rule.agency_name)


def _local_midnight(day: dt.date, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), zone).astimezone(dt.timezone.utc)


def _day_name(day: dt.date) -> str:
    return _DAYS[day.weekday()]


def _date_id(day: dt.date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _number(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def _passage(text: str, start: int, end: int, width: int = 110) -> str:
    """The sentence-ish passage around a match, cut at spaces."""
    low = max(0, start - width)
    high = min(len(text), end + width)
    passage = text[low:high]
    if low > 0 and " " in passage:
        passage = "…" + passage.split(" ", 1)[1]
    if high < len(text) and " " in passage:
        passage = passage.rsplit(" ", 1)[0] + "…"
    return " ".join(passage.split())

