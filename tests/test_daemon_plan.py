"""The daemon's scheduling decisions, with a frozen clock: nothing here sleeps or starts a scheduler."""

from __future__ import annotations

import datetime as dt
import signal

import pytest

from crawler.config import SourceConfig
from crawler.daemon.plan import (
    diff_plans,
    failing_streak,
    final_status,
    first_run_time,
    plan_jobs,
    stable_offset,
    validate_plans,
)

NOW = dt.datetime(2026, 11, 26, 3, 0, tzinfo=dt.timezone.utc)


def source(key: str, **fields: object) -> SourceConfig:
    return SourceConfig.model_validate({"key": key, "name": key.title(), "home_url": f"https://{key}.example/",
                                        **fields})


def test_plan_jobs_one_job_per_enabled_source_with_explicit_ids() -> None:
    plans = plan_jobs([source("diksi", interval_minutes=30), source("off", enabled=False),
                       source("tribun", cron="0 */2 * * *", timezone="Asia/Makassar")])
    assert sorted(plans) == ["crawl:diksi", "crawl:tribun"]
    assert plans["crawl:diksi"].every == dt.timedelta(minutes=30)
    assert plans["crawl:tribun"].cron == "0 */2 * * *" and plans["crawl:tribun"].every is None


def test_plan_jobs_default_interval_when_the_source_gives_none() -> None:
    plan = plan_jobs([source("diksi")])["crawl:diksi"]
    assert plan.every == dt.timedelta(minutes=60)
    assert plan.describe() == "every 1 h"


def test_plan_jobs_every_override_replaces_interval_and_cron() -> None:
    plans = plan_jobs([source("a", interval_minutes=30), source("b", cron="5 * * * *")],
                      every_override=dt.timedelta(seconds=20))
    assert {plan.every for plan in plans.values()} == {dt.timedelta(seconds=20)}
    assert all(plan.cron is None for plan in plans.values())


def test_jitter_is_a_tenth_of_the_interval_capped() -> None:
    short = plan_jobs([source("a", interval_minutes=10)])["crawl:a"]
    long = plan_jobs([source("b", interval_minutes=24 * 60)])["crawl:b"]
    assert short.jitter == dt.timedelta(minutes=1)
    assert long.jitter == dt.timedelta(minutes=2)
    assert plan_jobs([source("c")], max_jitter=dt.timedelta(0))["crawl:c"].jitter == dt.timedelta(0)


def test_interval_trigger_fires_every_interval_within_its_jitter() -> None:
    plan = plan_jobs([source("a", interval_minutes=30)])["crawl:a"]
    trigger = plan.trigger()
    first = trigger.get_next_fire_time(None, NOW)
    second = trigger.get_next_fire_time(first, first)
    assert dt.timedelta(minutes=27) <= second - first <= dt.timedelta(minutes=33)


def test_cron_trigger_runs_in_the_source_time_zone() -> None:
    plan = plan_jobs([source("a", cron="0 7 * * *", timezone="Asia/Makassar")],
                     max_jitter=dt.timedelta(0))["crawl:a"]
    fire = plan.trigger().get_next_fire_time(None, NOW)  # 03:00 UTC is 11:00 WITA: next 07:00 WITA is tomorrow
    assert fire.astimezone(dt.timezone.utc) == dt.datetime(2026, 11, 26, 23, 0, tzinfo=dt.timezone.utc)


def test_validate_plans_names_the_source_with_a_bad_cron() -> None:
    plans = plan_jobs([source("a", cron="every monday")])
    with pytest.raises(ValueError, match="source 'a': bad cron expression 'every monday'"):
        validate_plans(plans)


def test_first_run_of_a_never_crawled_source_is_now_plus_a_stable_spread() -> None:
    plan = plan_jobs([source("a", interval_minutes=30)])["crawl:a"]
    first = first_run_time(plan, last_started_at=None, now=NOW)
    assert NOW <= first < NOW + plan.jitter
    assert first == first_run_time(plan, last_started_at=None, now=NOW)  # repeatable, not random


def test_first_run_after_restart_waits_for_the_rest_of_the_interval() -> None:
    plan = plan_jobs([source("a", interval_minutes=30)], max_jitter=dt.timedelta(0))["crawl:a"]
    recent = NOW - dt.timedelta(minutes=10)
    assert first_run_time(plan, last_started_at=recent, now=NOW) == NOW + dt.timedelta(minutes=20)


def test_first_run_after_a_long_outage_is_due_now() -> None:
    plan = plan_jobs([source("a", interval_minutes=30)], max_jitter=dt.timedelta(0))["crawl:a"]
    assert first_run_time(plan, last_started_at=NOW - dt.timedelta(days=3), now=NOW) == NOW


def test_first_run_of_a_cron_source_is_left_to_the_trigger() -> None:
    plan = plan_jobs([source("a", cron="0 7 * * *")])["crawl:a"]
    assert first_run_time(plan, last_started_at=None, now=NOW) is None


def test_stable_offsets_spread_sources_apart() -> None:
    spread = dt.timedelta(minutes=2)
    offsets = {stable_offset(f"source-{n}", spread) for n in range(20)}
    assert len(offsets) == 20 and all(dt.timedelta(0) <= offset < spread for offset in offsets)


def test_misfire_grace_is_half_the_interval_at_most_fifteen_minutes() -> None:
    plans = plan_jobs([source("a", interval_minutes=10), source("b", interval_minutes=600)])
    assert plans["crawl:a"].misfire_grace == dt.timedelta(minutes=5)
    assert plans["crawl:b"].misfire_grace == dt.timedelta(minutes=15)


def test_diff_plans_finds_added_removed_disabled_and_retimed_sources() -> None:
    old = plan_jobs([source("a", interval_minutes=30), source("b"), source("c")])
    new = plan_jobs([source("a", interval_minutes=15), source("b"), source("c", enabled=False), source("d")])
    changes = diff_plans(old, new)
    assert [plan.source_key for plan in changes.added] == ["d"]
    assert changes.removed == ("crawl:c",)
    assert [plan.source_key for plan in changes.retimed] == ["a"]
    assert diff_plans(new, new).empty


LIMIT = dt.timedelta(minutes=30)


def test_final_status_keeps_what_the_child_recorded() -> None:
    assert final_status(row_status="succeeded", returncode=0, timed_out=False, stopping=False,
                        time_limit=LIMIT) == (None, None, False)
    assert final_status(row_status="failed", returncode=1, timed_out=False, stopping=False,
                        time_limit=LIMIT) == (None, None, False)


def test_final_status_time_limit_overrides_the_child() -> None:
    status, reason, override = final_status(row_status="failed", returncode=0, timed_out=True, stopping=False,
                                            time_limit=LIMIT)
    assert (status, override) == ("timed-out", True)
    assert "30 min" in reason


def test_final_status_shutdown_means_interrupted() -> None:
    assert final_status(row_status="running", returncode=-signal.SIGKILL, timed_out=False, stopping=True,
                        time_limit=LIMIT)[0] == "interrupted"


def test_final_status_of_a_crashed_child_names_the_signal_or_the_last_output() -> None:
    status, reason, override = final_status(row_status="running", returncode=-signal.SIGSEGV, timed_out=False,
                                            stopping=False, time_limit=LIMIT)
    assert (status, override) == ("failed", False) and "SIGSEGV" in reason
    _, reason, _ = final_status(row_status="running", returncode=2, timed_out=False, stopping=False,
                                time_limit=LIMIT, output_tail="Traceback …\nError: bad sources file\n")
    assert reason == "the crawl process exited with code 2: Error: bad sources file"


class Run:
    def __init__(self, status: str) -> None:
        self.status = status


def test_failing_streak_counts_failures_since_the_last_success() -> None:
    history = [Run("running"), Run("failed"), Run("timed-out"), Run("failed"), Run("succeeded"), Run("failed")]
    assert failing_streak(history) == 3
    assert failing_streak([Run("succeeded"), Run("failed")]) == 0
    assert failing_streak([Run("interrupted"), Run("failed")]) == 0
    assert failing_streak([]) == 0
