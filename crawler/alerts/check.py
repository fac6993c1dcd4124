"""One alert check: evaluate every enabled rule over the articles stored since the last check, record each new
event once per channel, then send what is due (pending, or failed and due for a retry), within a time budget.

This is where the pure conditions meet storage (storage/alerts.py) and the channels; ``pantau crawl``, the
daemon and ``pantau alerts check`` all call :func:`check_alerts`. A failing rule is logged and skipped; a
failing send is recorded on its row and retried on a later check; nothing here raises for a channel's sake.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine

from crawler.alerts import channels as channel_senders
from crawler.alerts.model import AlertEvent
from crawler.alerts.registry import CheckBatch, conditions
from crawler.alerts.rules import AlertConfig
from crawler.alerts.timing import first_send_time, retry_time
from storage import alerts as alert_store

logger = logging.getLogger(__name__)

# A first check (no earlier one recorded) looks at the articles stored in this past span, not the whole archive.
FIRST_LOOKBACK = dt.timedelta(days=1)
# A claimed alert belongs to its checker this long; a checker that dies leaves it to the next check after that.
CLAIM_LEASE = dt.timedelta(minutes=10)
# A check stops sending after this many seconds; what is left goes out on the next check.
SEND_BUDGET_SECONDS = 60.0
# --since DATE means from midnight of DATE in this zone.
SINCE_ZONE = zoneinfo.ZoneInfo("Asia/Jakarta")


@dataclass
class Delivery:
    alert_id: int
    rule_id: str
    channel: str
    status: str  # sent | failed | gave-up | skipped | held
    error: str | None = None


@dataclass
class CheckReport:
    articles: int = 0
    found: list[tuple[AlertEvent, tuple[str, ...]]] = field(default_factory=list)  # every event, with its channels
    new: list[tuple[str, str]] = field(default_factory=list)  # (dedupe key, channel) recorded by this check
    known: set[tuple[str, str]] = field(default_factory=set)  # dry run: pairs already recorded earlier
    deliveries: list[Delivery] = field(default_factory=list)
    rule_errors: list[str] = field(default_factory=list)
    dry_run: bool = False

    def count(self, status: str) -> int:
        return sum(delivery.status == status for delivery in self.deliveries)

    def line(self) -> str:
        """One line for the crawl summary and the logs."""
        if self.dry_run:
            fresh = sum((event.dedupe_key, name) not in self.known for event, names in self.found for name in names)
            return (f"alerts (dry run): {len(self.found)} events in {self.articles} articles, {fresh} alert(s) not "
                    "yet recorded")
        parts = [f"{len(self.new)} new", f"{self.count('sent')} sent"]
        for status in ("failed", "gave-up", "skipped", "held"):
            if self.count(status):
                parts.append(f"{self.count(status)} {status}")
        return f"alerts: {', '.join(parts)} ({self.articles} new articles checked)"


def check_alerts(engine: Engine, config: AlertConfig, *, now: dt.datetime | None = None, dry_run: bool = False,
                 since: dt.date | None = None, send_budget: float = SEND_BUDGET_SECONDS,
                 entity_names: dict[str, str] | None = None) -> CheckReport:
    """Evaluate, record and send; see the module docstring."""
    started = now or alert_store.utcnow()
    report = CheckReport(dry_run=dry_run)
    rules = config.active_rules
    previous = alert_store.last_cursor(engine)
    upto = alert_store.max_article_id(engine)
    if since is not None:
        after, published_since = 0, dt.datetime.combine(since, dt.time(), SINCE_ZONE).astimezone(dt.timezone.utc)
    else:
        # Counted back from the newest stored article, not the wall clock: a crawl on another clock (the demo
        # site's, a test's) stores first_seen_at in its own time.
        newest = alert_store.newest_first_seen(engine)
        reference = min(started, newest) if newest is not None else started
        after = previous if previous is not None else \
            alert_store.first_article_id_since(engine, reference - FIRST_LOOKBACK)
        published_since = None
    articles = alert_store.new_articles(engine, after_id=after, upto_id=upto, published_since=published_since) \
        if rules else []
    report.articles = len(articles)
    batch = CheckBatch(articles=articles, history=alert_store.StoredHistory(engine), now=started,
                       entity_names=dict(entity_names or {}),
                       facts=alert_store.load_facts(engine, [article.id for article in articles]))
    registry = conditions()
    rows: list[dict[str, Any]] = []
    for rule in rules:
        try:
            found = list(registry[rule.condition].evaluate(rule, rule.params, batch)) if articles else []
        except Exception as error:  # noqa: BLE001 - one broken rule must not stop the others
            logger.exception("alert rule %s failed", rule.id)
            report.rule_errors.append(f"{rule.id}: {error}")
            continue
        zone = zoneinfo.ZoneInfo(rule.timezone)
        for event in found:
            report.found.append((event, rule.channels))
            due, period = first_send_time(started, quiet=rule.quiet_hours, digest=rule.digest, zone=zone)
            for name in rule.channels:
                channel = config.channels[name]
                rows.append({
                    "dedupe_key": event.dedupe_key, "channel": name, "rule_id": rule.id,
                    "condition": event.condition, "entity_id": event.entity_id, "article_ids": event.article_ids,
                    "event": event.as_dict(), "status": "pending" if channel.configured else "skipped",
                    "digest_period": period, "created_at": started,
                    "next_attempt_at": due if channel.configured else None, "sent_at": None, "attempts": 0,
                    "last_error": None if channel.configured else channel.why_not(),
                })
    if dry_run:
        report.known = alert_store.known_alerts(engine, [(row["dedupe_key"], row["channel"]) for row in rows])
        return report
    report.new = alert_store.record_alerts(engine, rows)
    for row in rows:
        if row["status"] == "skipped" and (row["dedupe_key"], row["channel"]) in report.new:
            report.deliveries.append(Delivery(0, row["rule_id"], row["channel"], "skipped", row["last_error"]))
    report.deliveries += deliver_due(engine, config, now=started, budget=send_budget)
    alert_store.record_check(engine, started_at=started, finished_at=alert_store.utcnow(),
                             last_article_id=max(upto, previous or 0), articles=len(articles),
                             events=len(report.new), sent=report.count("sent"),
                             failed=report.count("failed") + report.count("gave-up"))
    logger.info("%s", report.line())
    return report


def deliver_due(engine: Engine, config: AlertConfig, *, now: dt.datetime,
                budget: float = SEND_BUDGET_SECONDS) -> list[Delivery]:
    """Send every alert due by ``now`` (digests grouped per rule, channel and period); record each outcome."""
    claimed = alert_store.claim_due(engine, now, CLAIM_LEASE)
    deliveries: list[Delivery] = []
    groups: dict[tuple[Any, ...], list[alert_store.AlertRow]] = {}
    for row in claimed:
        key = (row.rule_id, row.channel, row.digest_period) if row.digest_period else ("single", row.id)
        groups.setdefault(key, []).append(row)
    deadline = time.monotonic() + budget
    for rows in groups.values():
        ids = [row.id for row in rows]
        first = rows[0]
        rule = config.rule(first.rule_id)
        if rule is not None and rule.quiet_hours is not None:
            quiet_end = rule.quiet_hours.end_if_quiet(now, zoneinfo.ZoneInfo(rule.timezone))
            if quiet_end is not None:
                alert_store.release(engine, ids, quiet_end)
                deliveries += [Delivery(row.id, row.rule_id, row.channel, "held") for row in rows]
                continue
        if time.monotonic() > deadline:
            alert_store.release(engine, ids, now)
            continue
        channel = config.channels.get(first.channel)
        if channel is None or not channel.configured:
            reason = channel.why_not() if channel else f"channel '{first.channel}' is no longer in config/alerts"
            alert_store.mark_skipped(engine, ids, reason)
            deliveries += [Delivery(row.id, row.rule_id, row.channel, "skipped", reason) for row in rows]
            continue
        events = [AlertEvent.from_dict(row.event) for row in rows]
        try:
            channel_senders.send(channel, events, rule_id=first.rule_id, digest_period=first.digest_period)
        except channel_senders.SendError as error:
            attempts = max(row.attempts for row in rows) + 1
            retry = retry_time(now, attempts)
            alert_store.mark_failed(engine, ids, str(error), retry)
            status = "failed" if retry else "gave-up"
            logger.warning("alert %s via %s not sent (attempt %d%s): %s", first.dedupe_key, first.channel, attempts,
                           f", next at {retry.isoformat(timespec='seconds')}" if retry else ", giving up", error)
            deliveries += [Delivery(row.id, row.rule_id, row.channel, status, str(error)) for row in rows]
            continue
        except Exception as error:  # noqa: BLE001 - a sender bug is a failed send, not a failed check
            logger.exception("alert %s via %s: unexpected error", first.dedupe_key, first.channel)
            alert_store.mark_failed(engine, ids, f"unexpected error: {error}", retry_time(now, first.attempts + 1))
            deliveries += [Delivery(row.id, row.rule_id, row.channel, "failed", str(error)) for row in rows]
            continue
        alert_store.mark_sent(engine, ids, max(now, alert_store.utcnow()))
        deliveries += [Delivery(row.id, row.rule_id, row.channel, "sent") for row in rows]
    return deliveries
