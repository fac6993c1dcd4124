"""The User-Agent names Pantau, its version and the operator's contact; real crawls without one warn once."""

from __future__ import annotations

import logging

import crawler.identity as identity
from crawler import __version__
from crawler.settings import crawl_settings


def test_user_agent_names_pantau_its_version_and_the_contact(monkeypatch):
    monkeypatch.delenv(identity.USER_AGENT_ENV, raising=False)
    monkeypatch.setenv(identity.CONTACT_ENV, "humas@kaltimprov.go.id")
    assert crawl_settings()["USER_AGENT"] == (
        f"Pantau/{__version__} (news monitoring for public relations; +humas@kaltimprov.go.id)")
    monkeypatch.setenv(identity.USER_AGENT_ENV, "DiskominfoBot/1.0")
    assert crawl_settings()["USER_AGENT"] == "DiskominfoBot/1.0"


def test_real_crawls_without_a_contact_warn_once_and_local_ones_never(monkeypatch, caplog):
    monkeypatch.delenv(identity.USER_AGENT_ENV, raising=False)
    monkeypatch.delenv(identity.CONTACT_ENV, raising=False)
    monkeypatch.setattr(identity, "_warned", False)
    with caplog.at_level(logging.WARNING, logger="crawler.identity"):
        crawl_settings(fast_local=True)
        assert not caplog.records
        crawl_settings()
        crawl_settings()
    assert [record.getMessage().split(":")[0] for record in caplog.records] == ["no contact in the User-Agent"]
    assert "Pantau/" in crawl_settings(fast_local=True)["USER_AGENT"]
