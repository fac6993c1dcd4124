"""Alert rules, timing and checks without a crawl: rule-file validation (one line naming file, line, rule and
field; exit 2), ${ENV} channels, agency scopes (children, successor), quiet hours, digests and retry backoff —
checked against real SQLite and PostgreSQL databases and a real webhook receiver, with an injected clock."""

from __future__ import annotations

import datetime as dt
import textwrap
import zoneinfo
from pathlib import Path

import pytest

import storage
from crawler.alerts.check import check_alerts
from crawler.alerts.rules import AlertConfigError, load_alert_config, resolve_scope
from crawler.alerts.timing import QuietHours, digest_period, retry_time
from crawler.article import Article, Mention
from crawler.config import SourceConfig, load_entities
from storage import alerts as alert_store
from tests.cli_runner import run_pantau

WITA = zoneinfo.ZoneInfo("Asia/Makassar")
ENTITIES = load_entities()


def write_rules(directory: Path, text: str) -> Path:
    (directory / "alerts").mkdir(parents=True, exist_ok=True)
    path = directory / "alerts" / "rules.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


CHANNELS = """\
channels:
  hook:
    type: webhook
    url: ${HOOK_URL}
rules:
"""


@pytest.mark.parametrize(("rule", "line", "field", "problem"), [
    ("  - id: a\n    agency: bpbd-kaltim\n    condition: {type: spike, ratio: 0.5}\n    channels: [hook]\n",
     8, "condition.ratio", "greater than or equal to 1"),
    ("  - id: a\n    agency: bpbd-kaltim\n    condition:\n      type: spike\n      min_count: many\n"
     "    channels: [hook]\n", 10, "condition.min_count", "valid integer"),
    ("  - id: a\n    agency: bpbd-kaltim\n    condition: surge\n    channels: [hook]\n",
     8, "condition", "unknown condition 'surge'"),
    ("  - id: a\n    agency: bpbd-kalteng\n    condition: new_article\n    channels: [hook]\n",
     7, "agency", "names 'bpbd-kalteng', which no entity file defines"),
    ("  - id: a\n    condition: new_article\n    channels: [hook]\n", 6, "agency", "needs an agency"),
    ("  - id: a\n    agency: bpbd-kaltim\n    condition: new_article\n    channels: [mail]\n",
     9, "channels", "unknown channel 'mail'"),
    ("  - id: a\n    agency: bpbd-kaltim\n    condition: new_article\n    channels: [hook]\n    quiet: 22-6\n",
     10, "quiet", "unknown field"),
    ("  - id: a\n    agency: bpbd-kaltim\n    condition: new_article\n    channels: [hook]\n"
     "    quiet_hours: '22:00'\n", 10, "quiet_hours", "is not a span of local time"),
])
def test_rule_file_mistake_is_one_line_naming_file_line_rule_and_field(tmp_path, rule, line, field, problem):
    path = write_rules(tmp_path, CHANNELS + rule)
    with pytest.raises(AlertConfigError) as raised:
        load_alert_config(tmp_path, ENTITIES, environ={})
    message = str(raised.value)
    assert message.startswith(f"{path}:{line}: rule 'a': field '{field}': "), message
    assert problem in message and "\n" not in message


def test_cli_reports_a_rule_mistake_in_one_line_with_exit_code_2_and_changes_nothing(tmp_path):
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    (config_dir / "entities").symlink_to(Path(__file__).resolve().parent.parent / "config" / "entities")
    path = write_rules(config_dir, CHANNELS + "  - id: a\n    agency: bpbd-kaltim\n    condition: {type: spike, "
                       "weeks: 40}\n    channels: [hook]\n")
    database = tmp_path / "pantau.db"
    for command in (["alerts", "validate"], ["alerts", "check"]):
        result = run_pantau(*command, database_url=f"sqlite:///{database}", config_dir=config_dir)
        assert result.returncode == 2, result.stderr
        assert result.stderr.strip().splitlines() == [
            f"Error: {path}:8: rule 'a': field 'condition.weeks': Input should be less than or equal to 12"]
    assert not database.exists()


def test_channel_with_an_unset_variable_is_not_configured_and_a_set_one_is(tmp_path):
    write_rules(tmp_path, CHANNELS + "  - id: a\n    agency: bpbd-kaltim\n    condition: new_article\n"
                "    channels: [hook]\n")
    missing = load_alert_config(tmp_path, ENTITIES, environ={})
    assert not missing.channels["hook"].configured
    assert missing.channels["hook"].why_not() == \
        "channel 'hook' is not configured: HOOK_URL not set in the environment"
    ready = load_alert_config(tmp_path, ENTITIES, environ={"HOOK_URL": "http://127.0.0.1:9/x"})
    assert ready.channels["hook"].settings.url == "http://127.0.0.1:9/x"
    with pytest.raises(AlertConfigError, match=r"rules.yaml:4: channel 'hook': field 'url': 'ftp://x' is not"):
        load_alert_config(tmp_path, ENTITIES, environ={"HOOK_URL": "ftp://x"})


def test_bundled_example_rules_are_valid():
    config = load_alert_config(None, ENTITIES, environ={})
    assert {rule.condition for rule in config.rules} == {"spike", "new_article", "first_outlet", "keyword"}
    brida = config.rule("brida-berita-utama")
    assert brida.scope == {"balitbangda-kaltim", "brida-kaltim"}


def test_scope_takes_in_children_recursively_and_the_successor_chain():
    children = resolve_scope("pemprov-kaltim", ["children"], ENTITIES)
    assert {"pemprov-kaltim", "diskominfo-kaltim", "setda-kaltim", "biro-adpim-kaltim"} <= children
    assert "polda-kaltim" not in children and "dprd-kaltim" not in children
    assert resolve_scope("kominfo", ["successor"], ENTITIES) == {"kominfo", "komdigi"}
    assert resolve_scope("kominfo", [], ENTITIES) == {"kominfo"}
    assert resolve_scope("balitbangda-kaltim", ["successor", "children"], ENTITIES) == {"balitbangda-kaltim",
                                                                                      "brida-kaltim"}


def test_quiet_hours_digest_periods_and_backoff():
    quiet = QuietHours.parse("22:00-06:00")
    assert quiet.end_if_quiet(dt.datetime(2026, 11, 18, 23, 30, tzinfo=WITA), WITA) == \
        dt.datetime(2026, 11, 19, 6, 0, tzinfo=WITA)
    assert quiet.end_if_quiet(dt.datetime(2026, 11, 19, 5, 0, tzinfo=WITA), WITA) == \
        dt.datetime(2026, 11, 19, 6, 0, tzinfo=WITA)
    assert quiet.end_if_quiet(dt.datetime(2026, 11, 19, 6, 0, tzinfo=WITA), WITA) is None
    assert QuietHours.parse("12.00-13.30").end_if_quiet(dt.datetime(2026, 11, 19, 12, 10, tzinfo=WITA), WITA) == \
        dt.datetime(2026, 11, 19, 13, 30, tzinfo=WITA)
    label, end = digest_period(dt.datetime(2026, 11, 18, 23, 30, tzinfo=WITA), "daily", WITA)
    assert label == "2026-11-18" and end == dt.datetime(2026, 11, 19, tzinfo=WITA)
    label, end = digest_period(dt.datetime(2026, 11, 18, 14, 5, tzinfo=WITA), "hourly", WITA)
    assert label == "2026-11-18 14:00" and end == dt.datetime(2026, 11, 18, 15, tzinfo=WITA)
    now = dt.datetime(2026, 11, 18, tzinfo=dt.timezone.utc)
    delays = [retry_time(now, attempts) - now for attempts in range(1, 12)]
    assert delays[:4] == [dt.timedelta(0), dt.timedelta(minutes=5), dt.timedelta(minutes=10),
                          dt.timedelta(minutes=20)]
    assert delays == sorted(delays) and max(delays) == dt.timedelta(hours=6)
    assert retry_time(now, 12) is None


# ---------------------------------------------------------------------------------------------- checks


SOURCE = SourceConfig(key="diksi", name="Diksi", home_url="https://diksi.co/", timezone="Asia/Makassar",
                      region="Kalimantan Timur")
OTHER = SourceConfig(key="nasional", name="Kabar Nasional", home_url="https://nasional.example/",
                     timezone="Asia/Jakarta", scope="national")


def store(engine, source: SourceConfig, number: int, published: dt.datetime, *, zone: str = "title",
          entity: str = "bpbd-kaltim", text: str = "Isi berita.") -> None:
    title = f"BPBD Kaltim siaga banjir {number}"
    article = Article(url=f"{source.home_url}berita/{number}", canonical_url=f"{source.home_url}berita/{number}",
                      title=title, text=text, published_at=published.astimezone(zoneinfo.ZoneInfo(source.timezone)))
    mention = Mention(entity_id=entity, surface="BPBD Kaltim", start=0, end=11, field="title" if zone == "title"
                      else "text", zone=zone, snippet=f"{title}: petugas bersiaga.")  # type: ignore[arg-type]
    with storage.ArticleWriter(engine, source.key) as writer:
        writer.add(article, [mention])


@pytest.fixture
def engine(database_url):
    engine = storage.connect(database_url)
    storage.sync_config(engine, [SOURCE, OTHER], ENTITIES)
    yield engine
    engine.dispose()


def rules(tmp_path: Path, url: str, extra: str, condition: str = "new_article") -> object:
    write_rules(tmp_path, f"""\
        channels:
          hook: {{type: webhook, url: "{url}", timeout: 5}}
        rules:
          - id: bpbd
            agency: bpbd-kaltim
            condition: {condition}
            channels: [hook]
            timezone: Asia/Makassar
        {extra}""")
    return load_alert_config(tmp_path, ENTITIES, environ={})


def test_quiet_hours_hold_an_alert_until_they_end(engine, tmp_path, webhook_receiver):
    config = rules(tmp_path, webhook_receiver.url, "    quiet_hours: '22:00-06:00'")
    night = dt.datetime(2026, 11, 18, 23, 0, tzinfo=WITA)
    store(engine, SOURCE, 1, night - dt.timedelta(minutes=30))
    report = check_alerts(engine, config, now=night)
    assert len(report.new) == 1 and report.count("sent") == 0
    check_alerts(engine, config, now=dt.datetime(2026, 11, 19, 5, 59, tzinfo=WITA))
    assert webhook_receiver.received == []
    [row] = alert_store.list_alerts(engine)
    assert row.status == "pending" and row.next_attempt_at == dt.datetime(2026, 11, 19, 6, 0, tzinfo=WITA)
    report = check_alerts(engine, config, now=dt.datetime(2026, 11, 19, 6, 1, tzinfo=WITA))
    assert report.count("sent") == 1 and len(webhook_receiver.wait_for(1)) == 1
    assert webhook_receiver.received[0]["articles"][0]["published_local"] == "Rabu, 18 November 2026 22.30 WITA"


def test_digest_sends_one_message_per_rule_and_period(engine, tmp_path, webhook_receiver):
    config = rules(tmp_path, webhook_receiver.url, "    digest: daily")
    day = dt.datetime(2026, 11, 18, 9, 0, tzinfo=WITA)
    store(engine, SOURCE, 1, day)
    check_alerts(engine, config, now=day + dt.timedelta(minutes=5))
    store(engine, OTHER, 2, day + dt.timedelta(hours=3))
    store(engine, SOURCE, 3, day + dt.timedelta(hours=4), zone="body")  # not title/lead: no alert
    check_alerts(engine, config, now=day + dt.timedelta(hours=5))
    assert webhook_receiver.received == []
    assert {row.digest_period for row in alert_store.list_alerts(engine)} == {"2026-11-18"}
    report = check_alerts(engine, config, now=dt.datetime(2026, 11, 19, 0, 1, tzinfo=WITA))
    assert report.count("sent") == 2
    [digest] = webhook_receiver.wait_for(1)
    assert digest["pantau"] == "digest" and digest["period"] == "2026-11-18" and len(digest["alerts"]) == 2
    assert digest["subject"] == "[Pantau] Ringkasan bpbd (2026-11-18): 2 peringatan"
    times = [alert["articles"][0]["published_local"] for alert in digest["alerts"]]
    assert times == ["Rabu, 18 November 2026 09.00 WITA", "Rabu, 18 November 2026 11.00 WIB"]


def test_failed_send_is_retried_with_backoff_then_sent_once(engine, tmp_path, webhook_receiver):
    config = rules(tmp_path, webhook_receiver.url, "")
    now = dt.datetime(2026, 11, 18, 9, 0, tzinfo=WITA)
    store(engine, SOURCE, 1, now)
    webhook_receiver.fail_with = 500
    assert check_alerts(engine, config, now=now).count("failed") == 1
    assert check_alerts(engine, config, now=now + dt.timedelta(minutes=1)).count("failed") == 1  # next check
    [row] = alert_store.list_alerts(engine)
    assert row.attempts == 2 and row.next_attempt_at == now + dt.timedelta(minutes=6)
    assert row.last_error == f"webhook {webhook_receiver.url}: HTTP 500 Internal Server Error"
    webhook_receiver.fail_with = None
    assert check_alerts(engine, config, now=now + dt.timedelta(minutes=3)).deliveries == []  # backing off
    assert check_alerts(engine, config, now=now + dt.timedelta(minutes=7)).count("sent") == 1
    assert check_alerts(engine, config, now=now + dt.timedelta(minutes=8)).deliveries == []
    assert len(webhook_receiver.received) == 1
    [row] = alert_store.list_alerts(engine)
    assert row.status == "sent" and row.attempts == 3


def test_spike_compares_with_the_same_weekday_of_past_weeks(engine, tmp_path, webhook_receiver):
    config = rules(tmp_path, webhook_receiver.url, "", condition="{type: spike, ratio: 2, min_count: 3}")
    wednesday = dt.datetime(2026, 11, 18, 10, 0, tzinfo=WITA)
    number = 0
    for weeks, count in ((1, 2), (2, 1), (3, 1), (4, 0)):  # mean 1.0 on the four Wednesdays before
        for _ in range(count):
            number += 1
            store(engine, SOURCE, number, wednesday - dt.timedelta(weeks=weeks))
    for hours in range(2):  # Tuesday busy, but another weekday
        number += 1
        store(engine, SOURCE, number, wednesday - dt.timedelta(days=1, hours=hours))
    for hours in range(2):
        number += 1
        store(engine, OTHER, number, wednesday + dt.timedelta(hours=hours))
    assert check_alerts(engine, config, now=wednesday + dt.timedelta(hours=3)).new == []  # 2 < min_count 3
    number += 1
    store(engine, SOURCE, number, wednesday + dt.timedelta(hours=4), zone="lead")
    report = check_alerts(engine, config, now=wednesday + dt.timedelta(hours=5))
    assert report.new == [("bpbd:spike:2026-11-18", "hook")]
    [hook] = webhook_receiver.wait_for(1)
    assert hook["details"]["count"] == 3 and hook["details"]["baseline"] == [2, 1, 1, 0]
    assert len(hook["articles"]) == 3  # every article of the day, not only the last batch's
    number += 1
    store(engine, SOURCE, number, wednesday + dt.timedelta(hours=6))
    assert check_alerts(engine, config, now=wednesday + dt.timedelta(hours=7)).new == []  # one alert a day


def test_dry_run_records_and_sends_nothing(engine, tmp_path, webhook_receiver):
    config = rules(tmp_path, webhook_receiver.url, "")
    now = dt.datetime(2026, 11, 18, 9, 0, tzinfo=WITA)
    store(engine, SOURCE, 1, now)
    report = check_alerts(engine, config, now=now, dry_run=True)
    assert len(report.found) == 1 and report.known == set()
    assert alert_store.list_alerts(engine) == [] and alert_store.last_cursor(engine) is None
    assert webhook_receiver.received == []
    assert len(check_alerts(engine, config, now=now).new) == 1
    again = check_alerts(engine, config, now=now, dry_run=True, since=dt.date(2026, 11, 1))
    [(event, _)] = report.found
    assert again.known == {(event.dedupe_key, "hook")} and len(webhook_receiver.wait_for(1)) == 1


def test_apprise_channel_delivers_through_a_real_http_receiver(engine, tmp_path, webhook_receiver):
    host_port = webhook_receiver.url.removeprefix("http://").removesuffix("/hook")
    write_rules(tmp_path, f"""\
        channels:
          chat: {{type: apprise, urls: ["json://{host_port}/hook"], timeout: 10}}
        rules:
          - id: bpbd
            agency: bpbd-kaltim
            condition: new_article
            channels: [chat]
        """)
    config = load_alert_config(tmp_path, ENTITIES, environ={})
    now = dt.datetime(2026, 11, 18, 9, 0, tzinfo=WITA)
    store(engine, SOURCE, 1, now)
    assert check_alerts(engine, config, now=now).count("sent") == 1
    [message] = webhook_receiver.wait_for(1)
    assert message["title"] == "[Pantau] Berita baru: Badan Penanggulangan Bencana Daerah Provinsi Kalimantan Timur"
    assert "Terbit: Rabu, 18 November 2026 09.00 WITA" in message["message"]


def test_a_hanging_receiver_costs_one_timeout_and_is_recorded(engine, tmp_path):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    release = threading.Event()

    class Hang(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            release.wait(10)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hang)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        write_rules(tmp_path, f"""\
            channels:
              hook: {{type: webhook, url: "http://127.0.0.1:{server.server_address[1]}/x", timeout: 0.5}}
            rules:
              - id: bpbd
                agency: bpbd-kaltim
                condition: new_article
                channels: [hook]
            """)
        config = load_alert_config(tmp_path, ENTITIES, environ={})
        now = dt.datetime(2026, 11, 18, 9, 0, tzinfo=WITA)
        store(engine, SOURCE, 1, now)
        report = check_alerts(engine, config, now=now)
    finally:
        release.set()
        server.shutdown()
        server.server_close()
    assert report.count("failed") == 1
    [row] = alert_store.list_alerts(engine)
    assert row.status == "failed" and "timed out" in row.last_error


def test_a_condition_registered_by_another_module_is_validated_evaluated_and_shows_tone(engine, tmp_path,
                                                                                        webhook_receiver):
    from crawler.alerts import AlertEvent, ConditionParams, Tone, register_condition
    from crawler.alerts.registry import CONDITIONS

    class NegativeParams(ConditionParams):
        max_score: float = -0.3

    @register_condition("test_negative_article", NegativeParams)
    def negative(rule, params, batch):
        for article, mentions in batch.naming(rule.scope):
            tone = batch.tone(article.id, [mention.entity_id for mention in mentions])
            if tone and tone.label == "negative" and tone.score <= params.max_score:
                yield AlertEvent(dedupe_key=f"{rule.id}:negative:{article.id}", rule_id=rule.id,
                                 condition="test_negative_article", title="Berita negatif",
                                 summary="Berita bernada negatif.", entity_id=rule.agency,
                                 entity_name=rule.agency_name, items=(batch.item(article, rule.scope),))

    def tones(connection, article_ids):
        return {(article_ids[0], "bpbd-kaltim"): Tone("negative", -0.62)}

    previous_tone_loader = alert_store.FACT_LOADERS.get("tone")  # the real one, once crawler.tone registered it
    alert_store.FACT_LOADERS["tone"] = tones
    try:
        write_rules(tmp_path, f"""\
            channels:
              hook: {{type: webhook, url: "{webhook_receiver.url}"}}
            rules:
              - id: bpbd-negatif
                agency: bpbd-kaltim
                condition: {{type: test_negative_article, max_score: -0.5}}
                channels: [hook]
            """)
        config = load_alert_config(tmp_path, ENTITIES, environ={})
        assert config.rules[0].params.max_score == -0.5
        (tmp_path / "alerts" / "rules.yaml").write_text((tmp_path / "alerts" / "rules.yaml").read_text()
                                                        .replace("max_score: -0.5", "max_skor: -0.5"))
        with pytest.raises(AlertConfigError, match="field 'condition.max_skor': unknown field"):
            load_alert_config(tmp_path, ENTITIES, environ={})
        now = dt.datetime(2026, 11, 18, 9, 0, tzinfo=WITA)
        store(engine, SOURCE, 1, now)
        store(engine, SOURCE, 2, now + dt.timedelta(minutes=5))  # no tone: no event
        report = check_alerts(engine, config, now=now + dt.timedelta(minutes=10))
    finally:
        CONDITIONS.pop("test_negative_article", None)
        if previous_tone_loader is None:
            alert_store.FACT_LOADERS.pop("tone", None)
        else:
            alert_store.FACT_LOADERS["tone"] = previous_tone_loader
    assert report.count("sent") == 1
    [hook] = webhook_receiver.wait_for(1)
    assert hook["articles"][0]["tone"] == "negatif" and "Nada: negatif (skor -0,62)" in hook["text"]


def test_after_crawl_hook_reports_a_broken_rule_file_and_never_raises(tmp_path, database_url):
    from crawler.alerts.hook import check_after_crawl

    config_dir = tmp_path / "config"
    config_dir.mkdir()
    (config_dir / "entities").symlink_to(Path(__file__).resolve().parent.parent / "config" / "entities")
    assert check_after_crawl(database_url, config_dir) is None  # no alerts folder: nothing to do
    path = write_rules(config_dir, "rules:\n  - id: a\n    agency: [bpbd\n")
    outcome = check_after_crawl(database_url, config_dir)
    assert outcome.error.startswith(f"{path}:4: not valid YAML") and outcome.line.startswith("alerts not checked:")
    write_rules(config_dir, CHANNELS + "  - id: a\n    agency: bpbd-kaltim\n    condition: new_article\n"
                "    channels: [hook]\n")
    outcome = check_after_crawl("postgresql://pantau:x@127.0.0.1:1/none", config_dir)  # nothing listens on port 1
    assert outcome.report is None and outcome.error  # an unusable database: one line, no exception
