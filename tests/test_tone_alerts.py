"""The alert condition ``negative_article`` (crawler/tone/alert_condition.py): articles stored with their tone by
the crawl's writer, a rule per agency, a real webhook receiver; exactly the negative article is sent, once, with
its tone and the sentence that made it negative, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import textwrap
import zoneinfo
from pathlib import Path

import pytest

import storage
from crawler.alerts.check import check_alerts
from crawler.alerts.rules import AlertConfigError, load_alert_config
from crawler.article import Article
from crawler.config import SourceConfig, load_entities
from crawler.mentions import Matcher
from crawler.tone import ToneScorer
from storage.tone import ToneArticleWriter

WITA = zoneinfo.ZoneInfo("Asia/Makassar")
ENTITIES = load_entities()
SOURCE = SourceConfig(key="kabar", name="Kabar Mahakam", home_url="https://kabar.example/", region="Kalimantan Timur",
                      scope="regional", timezone="Asia/Makassar")
STORIES = [  # (title, text): negative, positive and neutral toward Dinkes Kaltim, and negative toward another body
    ("Pelayanan Dinkes Kaltim Dikeluhkan Warga", "Warga mengeluhkan pelayanan Dinkes Kaltim yang lamban."),
    ("Dinkes Kaltim Raih Penghargaan", "Dinkes Kaltim meraih penghargaan pelayanan publik terbaik."),
    ("Dinkes Kaltim Gelar Imunisasi", "Dinkes Kaltim menggelar imunisasi di Samarinda."),
    ("Proyek Dinas PUPR Kaltim Mangkrak", "Proyek jembatan Dinas PUPR Kaltim mangkrak sejak tahun lalu."),
]


def rules(tmp_path: Path, url: str, condition: str = "{type: negative_article}"):
    (tmp_path / "alerts").mkdir(parents=True, exist_ok=True)
    (tmp_path / "alerts" / "rules.yaml").write_text(textwrap.dedent(f"""\
        channels:
          hook: {{type: webhook, url: "{url}", timeout: 5}}
        rules:
          - id: dinkes-negatif
            agency: dinkes-kaltim
            condition: {condition}
            channels: [hook]
            timezone: Asia/Makassar
        """), encoding="utf-8")
    return load_alert_config(tmp_path, ENTITIES, environ={})


@pytest.fixture
def engine(database_url):
    engine = storage.connect(database_url)
    storage.sync_config(engine, [SOURCE], ENTITIES)
    matcher, scorer = Matcher(ENTITIES), ToneScorer(ENTITIES)
    published = dt.datetime(2026, 11, 18, 9, 0, tzinfo=WITA)
    with ToneArticleWriter(engine, SOURCE.key) as writer:
        for number, (title, text) in enumerate(STORIES):
            article = Article(url=f"https://kabar.example/{number}", canonical_url=f"https://kabar.example/{number}",
                              title=title, text=text, published_at=published + dt.timedelta(minutes=number))
            mentions = matcher.find(article, SOURCE)
            writer.add(article, mentions, tone=scorer.assess(article, mentions))
    yield engine
    engine.dispose()


def test_negative_article_alert_is_sent_once_with_tone_and_evidence(engine, tmp_path, webhook_receiver):
    config = rules(tmp_path, webhook_receiver.url)
    now = dt.datetime(2026, 11, 18, 10, 0, tzinfo=WITA)
    report = check_alerts(engine, config, now=now)
    assert report.count("sent") == 1 and len(webhook_receiver.received) == 1
    body = str(webhook_receiver.received[0])
    assert "Pelayanan Dinkes Kaltim Dikeluhkan Warga" in body and "negatif" in body
    assert "Raih Penghargaan" not in body and "Imunisasi" not in body and "PUPR" not in body
    assert "Warga mengeluhkan pelayanan Dinkes Kaltim yang lamban." in body  # the deciding sentence
    assert check_alerts(engine, config, now=now + dt.timedelta(minutes=5)).new == []
    assert len(webhook_receiver.received) == 1


def test_negative_article_threshold_and_bad_parameter(engine, tmp_path, webhook_receiver):
    config = rules(tmp_path, webhook_receiver.url, "{type: negative_article, max_score: -1.0}")  # stored -0.999
    assert check_alerts(engine, config, now=dt.datetime(2026, 11, 18, 10, 0, tzinfo=WITA)).new == []
    with pytest.raises(AlertConfigError, match="max_score"):
        rules(tmp_path, webhook_receiver.url, "{type: negative_article, max_score: 2}")
