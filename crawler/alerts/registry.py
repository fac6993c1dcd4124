"""The condition registry: the names a rule's ``condition:`` may take, each with its parameters and its check.

A condition is a function ``evaluate(rule, params, batch) -> Iterable[AlertEvent]`` registered under a name
with :func:`register_condition`; its parameters are a pydantic model (a subclass of :class:`ConditionParams`),
which validates the rule file's ``condition:`` mapping like every other config field. :class:`CheckBatch` is
what a check hands every condition: the articles stored since the last check (with their mentions), read-only
history, the time, and ``facts`` that other analyses load for the same articles (tone, for one).
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from crawler.alerts.messages import article_item
from crawler.alerts.model import COUNTED_ZONES, AlertEvent, AlertItem, ArticleFact, History, MentionFact, Tone

if TYPE_CHECKING:
    from crawler.alerts.rules import AlertRule

# Modules that register conditions when imported. A new condition module (the tone analysis's
# "negative_article", for one) adds its dotted name here.
CONDITION_MODULES: list[str] = ["crawler.alerts.conditions", "crawler.tone.alert_condition"]


class ConditionParams(BaseModel):
    """Base of every condition's parameters (the keys of ``condition:`` besides ``type``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


Evaluate = Callable[["AlertRule", Any, "CheckBatch"], Iterable[AlertEvent]]


@dataclass(frozen=True)
class ConditionType:
    name: str
    params: type[ConditionParams]
    evaluate: Evaluate
    needs_agency: bool = True
    description: str = ""


CONDITIONS: dict[str, ConditionType] = {}


def register_condition(name: str, params: type[ConditionParams] = ConditionParams, *, needs_agency: bool = True,
                       ) -> Callable[[Evaluate], Evaluate]:
    """Decorator: make ``evaluate`` the condition ``name`` (``needs_agency``: rules must name an ``agency``)."""

    def register(evaluate: Evaluate) -> Evaluate:
        if name in CONDITIONS and CONDITIONS[name].evaluate is not evaluate:
            raise ValueError(f"alert condition '{name}' is registered twice")
        doc = (evaluate.__doc__ or "").strip().splitlines()
        CONDITIONS[name] = ConditionType(name, params, evaluate, needs_agency, doc[0] if doc else "")
        return evaluate

    return register


def conditions() -> dict[str, ConditionType]:
    """Every registered condition, after importing :data:`CONDITION_MODULES`."""
    for module in CONDITION_MODULES:
        importlib.import_module(module)
    return CONDITIONS


@dataclass
class CheckBatch:
    """What one check gives every condition."""

    articles: list[ArticleFact]
    history: History
    now: dt.datetime
    entity_names: dict[str, str] = field(default_factory=dict)
    # Extra per-article data other analyses load for these articles. "tone" maps (article id, entity id) to a
    # crawler.alerts.model.Tone; when present, every message shows it.
    facts: dict[str, Any] = field(default_factory=dict)

    def naming(self, entity_ids: frozenset[str], zones: frozenset[str] = COUNTED_ZONES,
               ) -> list[tuple[ArticleFact, list[MentionFact]]]:
        """The new articles that name one of ``entity_ids`` in ``zones``, with those mentions."""
        found = []
        for article in self.articles:
            mentions = article.names(entity_ids, zones)
            if mentions:
                found.append((article, mentions))
        return found

    def tone(self, article_id: int, entity_ids: Iterable[str]) -> Tone | None:
        tones = self.facts.get("tone") or {}
        for entity_id in entity_ids:
            if (article_id, entity_id) in tones:
                return tones[(article_id, entity_id)]
        return None

    def item(self, article: ArticleFact, entity_ids: frozenset[str] = frozenset(), snippet: str | None = None,
             ) -> AlertItem:
        """The message line for ``article``: the snippet naming the agency (or ``snippet``), tone when known."""
        if snippet is None:
            named = article.names(entity_ids) if entity_ids else []
            snippet = named[0].snippet if named else article.text[:200]
        mentioned = [mention.entity_id for mention in article.names(entity_ids)] if entity_ids else []
        return article_item(article, snippet, self.tone(article.id, mentioned or entity_ids))
