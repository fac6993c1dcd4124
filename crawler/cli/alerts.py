"""``pantau alerts check|list|validate``: evaluate the alert rules now, and show what was sent and what failed."""

from __future__ import annotations

import datetime as dt

import click

from crawler.cli import AppContext, cli
from crawler.cli.db import OutputFormat, open_database, output_options, print_rows, storage_errors


@cli.group("alerts")
def alerts_group() -> None:
    """Alert rules (config/alerts/*.yaml): check them now, list what was sent.

    Example: pantau alerts check --dry-run
    """


def _load(app: AppContext):  # noqa: ANN202
    from crawler.alerts.rules import load_alert_config
    from crawler.config import load_entities

    entities = load_entities(app.config_dir)
    return load_alert_config(app.config_dir, entities), entities


@alerts_group.command("check")
@click.option("--dry-run", is_flag=True, help="Show what the rules find; record and send nothing.")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Evaluate every article published on or after this day (YYYY-MM-DD), not only the new ones. "
                   "Events already recorded are not sent again.")
@output_options
@click.pass_obj
def alerts_check(app: AppContext, dry_run: bool, since: dt.datetime | None, output_format: OutputFormat) -> None:
    """Evaluate the alert rules over the articles stored since the last check, and send what is due.

    Failed sends that are due for a retry go out too. Each event is recorded once per channel, so running
    this twice sends nothing twice. A mistake in a rule file is one line and exit code 2.

    Example: pantau alerts check --since 2026-11-18 --dry-run
    """
    from crawler.alerts.check import check_alerts

    config, entities = _load(app)
    engine = open_database(app)
    try:
        with storage_errors():
            report = check_alerts(engine, config, dry_run=dry_run, since=since.date() if since else None,
                                  entity_names={entity.id: entity.name for entity in entities})
    finally:
        engine.dispose()
    rows = []
    for event, channels in report.found:
        for channel in channels:
            pair = (event.dedupe_key, channel)
            state = ("recorded earlier" if pair in report.known else "new") if dry_run else \
                ("new" if pair in report.new else "recorded earlier")
            rows.append((event.rule_id, event.condition, event.entity_id or "", channel, state,
                         len(event.items), event.summary))
    print_rows(["rule", "condition", "agency", "channel", "state", "articles", "summary"], rows, output_format,
               title="Alert events" if output_format == "table" else None)
    if not dry_run and output_format == "table":
        for delivery in report.deliveries:
            if delivery.status != "sent":
                click.echo(f"{delivery.rule_id} via {delivery.channel}: {delivery.status}"
                           + (f": {delivery.error}" if delivery.error else ""))
    if output_format == "table":
        click.echo(report.line())
    for problem in report.rule_errors:
        click.echo(f"rule failed: {problem}", err=True)


@alerts_group.command("list")
@click.option("--status", "statuses", multiple=True,
              type=click.Choice(["pending", "sent", "failed", "gave-up", "skipped"]),
              help="Only alerts with this status (repeatable).")
@click.option("--rule", "rule_id", default=None, help="Only alerts of this rule.")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Only alerts recorded on or after this day (UTC).")
@click.option("-n", "--limit", default=50, show_default=True, type=click.IntRange(min=1))
@output_options
@click.pass_obj
def alerts_list(app: AppContext, statuses: tuple[str, ...], rule_id: str | None, since: dt.datetime | None,
                limit: int, output_format: OutputFormat) -> None:
    """List recorded alerts, newest first: what was sent, what failed (with the error) and what waits.

    Example: pantau alerts list --status failed
    """
    from storage import alerts as alert_store

    engine = open_database(app)
    try:
        with storage_errors():
            found = alert_store.list_alerts(engine, status=statuses or None, rule_id=rule_id, limit=limit,
                                            since=since.replace(tzinfo=dt.timezone.utc) if since else None)
    finally:
        engine.dispose()
    rows = [(row.id, row.created_at, row.rule_id, row.condition, row.entity_id, row.channel, row.status,
             row.attempts, row.sent_at, row.next_attempt_at if row.status in ("pending", "failed") else None,
             (row.event.get("articles") or [{}])[0].get("headline", "") if row.event else "", row.last_error)
            for row in found]
    print_rows(["id", "created_at", "rule", "condition", "agency", "channel", "status", "attempts", "sent_at",
                "next_attempt_at", "headline", "last_error"], rows, output_format,
               title="Alerts" if output_format == "table" else None)


@alerts_group.command("validate")
@click.pass_obj
def alerts_validate(app: AppContext) -> None:
    """Validate config/alerts/*.yaml against the agency dictionary; one line and exit 2 on a mistake.

    Example: pantau --config ./my-config alerts validate
    """
    config, _ = _load(app)
    unconfigured = [channel for channel in config.channels.values() if not channel.configured]
    click.echo(f"OK: {len(config.rules)} rules ({len(config.active_rules)} enabled), {len(config.channels)} "
               f"channels in {app.config_dir / 'alerts'}")
    for channel in unconfigured:
        click.echo(f"note: {channel.why_not()}")
