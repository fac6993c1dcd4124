"""Alerts: rules in ``config/alerts/*.yaml`` that watch newly stored coverage and tell people — by e-mail
(SMTP), a webhook (JSON POST) or any apprise URL — once per event, in Indonesian.

The parts, in the order a check runs them (:func:`crawler.alerts.check.check_alerts`):

- :mod:`~crawler.alerts.rules` — load and validate the files (channels, rules, defaults; ``${ENV}`` values);
  an agency's scope optionally takes in its children and its successor (the dictionary's parent/successor).
- :mod:`~crawler.alerts.registry` — the condition registry and :class:`~crawler.alerts.registry.CheckBatch`.
- :mod:`~crawler.alerts.conditions` — the built-in conditions: ``new_article`` (title/lead zone), ``spike``
  (a day over the trailing weeks' level for that weekday), ``first_outlet``, ``keyword``.
- :mod:`~crawler.alerts.timing` — quiet hours, digest periods, retry backoff.
- :mod:`~crawler.alerts.messages` — the Indonesian text and the webhook JSON.
- :mod:`~crawler.alerts.channels` — the senders, each bounded by a timeout.
- storage/alerts.py — the SQL: new articles since the last check, history, the ``alert`` rows.
- :mod:`~crawler.alerts.hook` — what a crawl calls afterwards (never raises).

Adding a condition (the plug-in point; the tone analysis adds ``negative_article`` this way)
---------------------------------------------------------------------------------------------
1. Write a module with a parameters model and a function, and register it::

       from crawler.alerts.model import AlertEvent
       from crawler.alerts.registry import CheckBatch, ConditionParams, register_condition

       class NegativeParams(ConditionParams):          # the keys of `condition:` besides `type`
           max_score: float = -0.3

       @register_condition("negative_article", NegativeParams)   # needs_agency=False if it works without one
       def negative_article(rule, params, batch: CheckBatch):
           for article, mentions in batch.naming(rule.scope):     # the new articles naming the rule's agency
               tone = batch.tone(article.id, [m.entity_id for m in mentions])
               if tone and tone.label == "negative" and (tone.score or 0) <= params.max_score:
                   yield AlertEvent(
                       dedupe_key=f"{rule.id}:negative_article:{article.id}",   # what makes it one event
                       rule_id=rule.id, condition="negative_article", title="Berita negatif",
                       summary=f"Berita bernada negatif tentang {rule.agency_name}.",
                       entity_id=rule.agency, entity_name=rule.agency_name,
                       items=(batch.item(article, rule.scope),))

   The function receives the rule (:class:`~crawler.alerts.rules.AlertRule`: ``id``, ``agency``,
   ``agency_name``, ``scope`` — the entity ids it covers, ``timezone``), its validated parameters, and the
   batch: the articles stored since the last check (:class:`~crawler.alerts.model.ArticleFact`, each with its
   mentions), read-only ``history`` and ``now``. It returns (or yields) :class:`~crawler.alerts.model.AlertEvent`
   objects; the dedupe key must be the same whenever the same event is found again, because that key is what
   makes each alert go out once. It must not write anything.
2. Add the module's dotted name to :data:`crawler.alerts.registry.CONDITION_MODULES`.
3. Per-article data the condition needs from your own tables: register a loader in
   ``storage.alerts.FACT_LOADERS`` (``name -> fn(connection, article_ids)``); the batch carries its answer in
   ``batch.facts[name]``. Under the name ``"tone"`` it maps ``(article_id, entity_id)`` to
   :class:`~crawler.alerts.model.Tone`, and then every message (whatever the condition) shows the tone.

Rules then say ``condition: {type: negative_article, max_score: -0.5}``, validated like every other field.
"""

from __future__ import annotations

from crawler.alerts.model import AlertEvent, AlertItem, ArticleFact, MentionFact, Tone
from crawler.alerts.registry import CheckBatch, ConditionParams, register_condition

__all__ = ["AlertEvent", "AlertItem", "ArticleFact", "CheckBatch", "ConditionParams", "MentionFact", "Tone",
           "register_condition"]
