"""Alerts end to end: real crawls of the demo site with the bundled example rules, a real SMTP server
(aiosmtpd) and a real webhook receiver on loopback, on SQLite and PostgreSQL.

The demo plants a spike, two first-time outlets, title/lead stories and a keyword
(``DemoSite.truth()["planted_alerts"]``); exactly those events must arrive, once each, and a second crawl
sends nothing. With the mail server down the alert is recorded as failed and goes out on the next check.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from crawler.config import default_config_dir
from tests.cli_runner import run_pantau
from tests.fixtures.news_site import write_demo_config

pytestmark = pytest.mark.slow


def _config(news_site, tmp_path: Path) -> Path:
    config_dir = write_demo_config(news_site, tmp_path / "config")
    (config_dir / "alerts").mkdir()
    shutil.copy(default_config_dir() / "alerts" / "example.yaml", config_dir / "alerts" / "example.yaml")
    return config_dir


def _env(smtp_server, webhook_receiver) -> dict[str, str]:
    return {"PANTAU_SMTP_HOST": "127.0.0.1", "PANTAU_SMTP_PORT": str(smtp_server.port),
            "PANTAU_ALERT_EMAIL": "humas@kaltimprov.example, kadis@kaltimprov.example",
            "PANTAU_ALERT_WEBHOOK": webhook_receiver.url}


def _planted(truth) -> set[tuple[str, str, tuple[str, ...]]]:
    return {(event["rule"], event["condition"], tuple(sorted(event["urls"]))) for event in truth["planted_alerts"]}


def _arrived(payloads) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(p["rule"], p["condition"], tuple(sorted(a["url"] for a in p["articles"]))) for p in payloads]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def alert_database(request, tmp_path) -> str:
    if request.param == "postgresql":
        return request.getfixturevalue("postgres_url")
    return f"sqlite:///{tmp_path / 'pantau.db'}"


def test_crawl_sends_exactly_the_planted_alerts_once(news_site, tmp_path, smtp_server, webhook_receiver,
                                                     alert_database):
    config_dir = _config(news_site, tmp_path)
    env = _env(smtp_server, webhook_receiver)
    truth = news_site.truth()
    planted = _planted(truth)
    assert len(planted) == 6 and {event[1] for event in planted} == {"spike", "keyword", "new_article",
                                                                     "first_outlet"}

    result = run_pantau("crawl", "--no-progress", database_url=alert_database, config_dir=config_dir, env=env,
                        timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "alerts: 11 new, 11 sent" in result.stdout  # 6 events on the webhook, 5 of them also by e-mail

    hooks = webhook_receiver.wait_for(6)
    arrived = _arrived(hooks)
    assert sorted(arrived) == sorted(planted)  # exactly the planted events, each once
    assert all(hook["content_type"].startswith("application/json") for hook in hooks)
    spike = next(hook for hook in hooks if hook["condition"] == "spike")
    assert spike["agency"]["id"] == "bpbd-kaltim" and spike["details"]["count"] == 6
    assert "Lonjakan pemberitaan" in spike["text"] and "WITA" in spike["text"] and "WIB" in spike["text"]

    mails = smtp_server.wait_for(5)
    assert len(mails) == 5  # the keyword rule has only the webhook
    assert sorted(mail["To"] for mail in mails) == ["humas@kaltimprov.example, kadis@kaltimprov.example"] * 5
    lead = next(mail for mail in mails if "Berita baru" in mail["Subject"]
                and "diksinusa" in mail.get_content().lower())
    body = lead.get_content()
    assert lead["Subject"] == "[Pantau] Berita baru: Badan Riset dan Inovasi Daerah Provinsi Kalimantan Timur"
    for label in ("Instansi: Badan Riset dan Inovasi Daerah", "Judul: ", "Media: ", "Terbit: ", "WITA",
                  "Cuplikan: ", "Tautan: http://127."):
        assert label in body, body
    assert "teras berita" in body  # named in the lead, not in the title

    listed = run_pantau("alerts", "list", "--json", "-n", "100", database_url=alert_database,
                        config_dir=config_dir, env=env)
    rows = json.loads(listed.stdout)
    assert len(rows) == 11 and {row["status"] for row in rows} == {"sent"}
    assert all(row["attempts"] == 1 and row["sent_at"] for row in rows)

    again = run_pantau("crawl", "--no-progress", database_url=alert_database, config_dir=config_dir, env=env,
                       timeout=600)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "alerts: 0 new, 0 sent" in again.stdout
    recheck = run_pantau("alerts", "check", "--since", "2026-09-01", database_url=alert_database,
                         config_dir=config_dir, env=env)
    assert recheck.returncode == 0, recheck.stderr
    assert "alerts: 0 new, 0 sent" in recheck.stdout and "recorded earlier" in recheck.stdout
    assert len(webhook_receiver.received) == 6 and len(smtp_server.inbox) == 5  # nothing arrived twice


def test_failed_send_is_recorded_and_sent_on_the_next_check(news_site, tmp_path, smtp_server, webhook_receiver):
    config_dir = _config(news_site, tmp_path)
    env = _env(smtp_server, webhook_receiver)
    database_url = f"sqlite:///{tmp_path / 'pantau.db'}"
    smtp_server.stop()
    webhook_receiver.fail_with = 503
    result = run_pantau("crawl", "--no-progress", database_url=database_url, config_dir=config_dir, env=env,
                        timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]  # alerts never fail the crawl
    assert "alerts: 11 new, 0 sent, 11 failed" in result.stdout

    failed = json.loads(run_pantau("alerts", "list", "--status", "failed", "--json", "-n", "100",
                                   database_url=database_url, config_dir=config_dir, env=env).stdout)
    assert len(failed) == 11 and all(row["attempts"] == 1 for row in failed)
    mail_errors = {row["last_error"] for row in failed if row["channel"] == "email-humas"}
    assert all(error.startswith(f"SMTP 127.0.0.1:{smtp_server.port}:") for error in mail_errors)
    assert {row["last_error"] for row in failed if row["channel"] == "webhook-tim"} == \
        {f"webhook {webhook_receiver.url}: HTTP 503 Service Unavailable"}

    smtp_server.start()  # back on the same port
    webhook_receiver.fail_with = None
    check = run_pantau("alerts", "check", database_url=database_url, config_dir=config_dir, env=env)
    assert check.returncode == 0, check.stderr
    assert "0 new, 11 sent" in check.stdout
    assert len(smtp_server.wait_for(5)) == 5 and len(webhook_receiver.wait_for(6)) == 6
    assert sorted(_arrived(webhook_receiver.received)) == sorted(_planted(news_site.truth()))
    rows = json.loads(run_pantau("alerts", "list", "--json", "-n", "100", database_url=database_url,
                                 config_dir=config_dir, env=env).stdout)
    assert {row["status"] for row in rows} == {"sent"} and {row["attempts"] for row in rows} == {2}
    assert "0 new, 0 sent" in run_pantau("alerts", "check", database_url=database_url, config_dir=config_dir,
                                         env=env).stdout
    assert len(smtp_server.inbox) == 5 and len(webhook_receiver.received) == 6
