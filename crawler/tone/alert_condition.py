"""The alert condition ``negative_article`` (issue 13): a new article that is negative toward the rule's agency.

Plugs the tone analysis (crawler.tone, stored by storage/tone.py) into crawler.alerts at its documented plug-in
point: the condition is registered with :func:`~crawler.alerts.registry.register_condition` (this module is in
``CONDITION_MODULES``), and two fact loaders in ``storage.alerts.FACT_LOADERS`` give every check the stored tone
of its articles: ``"tone"`` (so every alert message, whatever its condition, shows the tone) and
``"tone_evidence"`` (the sentence that made an article negative, which this condition's message quotes).

Rules say ``condition: {type: negative_article}``; ``max_score`` (default 0) keeps only articles at least that
negative (-0.5: clearly negative ones), ``include_advertorials`` (default false) counts paid pieces too.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from crawler.alerts.model import AlertEvent
from crawler.alerts.registry import CheckBatch, ConditionParams, register_condition
from storage import alerts as alert_store
from storage.tone import alert_tone_evidence, alert_tone_facts

alert_store.FACT_LOADERS.setdefault("tone", alert_tone_facts)
alert_store.FACT_LOADERS.setdefault("tone_evidence", alert_tone_evidence)


class NegativeArticleParams(ConditionParams):
    max_score: float = Field(default=0.0, ge=-1.0, le=0.0,
                             description="tone score at most this (-1 very negative .. 0)")
    include_advertorials: bool = False


@register_condition("negative_article", NegativeArticleParams)
def negative_article(rule, params: NegativeArticleParams, batch: CheckBatch) -> Iterator[AlertEvent]:
    """A new article is negative toward the agency (crawler.tone), quoting the sentence that made it so."""
    evidence = batch.facts.get("tone_evidence") or {}
    for article, mentions in batch.naming(rule.scope):
        if article.is_advertorial and not params.include_advertorials:
            continue
        for entity_id in dict.fromkeys(mention.entity_id for mention in mentions):
            tone = batch.tone(article.id, [entity_id])
            if tone is None or tone.label != "negative" or (tone.score or 0.0) > params.max_score:
                continue
            name = batch.entity_names.get(entity_id, rule.agency_name)
            sentence = evidence.get((article.id, entity_id)) or None
            yield AlertEvent(
                dedupe_key=f"{rule.id}:negative_article:{article.id}", rule_id=rule.id,
                condition="negative_article", title="Berita negatif", entity_id=entity_id, entity_name=name,
                summary=f"Berita bernada negatif tentang {name} di {article.source_name}.",
                items=(batch.item(article, frozenset({entity_id}), sentence),),
                details={"tone_score": tone.score})
            break  # one alert per article and rule, for the first agency of the scope it is negative toward
