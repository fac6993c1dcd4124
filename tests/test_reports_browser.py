"""Each HTML report opened in headless Chromium (Debian's ``chromium``) over the DevTools protocol
(--remote-debugging-pipe: no websocket library, no port): fails on a console error, an uncaught exception, a
failed resource, or a chart image that did not load. The reports come from one real demo crawl per database."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from crawler.partners import Month, load_partners
from crawler.reports import build_daily_report, build_partner_report, build_weekly_report

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def chromium() -> str:
    """Chromium's path; under CI (where tests/run-all.sh installs it) a missing browser fails, never skips."""
    if CHROMIUM is None:
        message = "needs Debian's chromium package (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


class DevTools:
    """A minimal CDP client over the pipe pair Chromium reads on fd 3 and writes on fd 4."""

    def __init__(self, user_data_dir: Path) -> None:
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def wire() -> None:  # in the child: Chromium reads commands on fd 3 and writes answers on fd 4
            reader = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10)
            writer = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)
            os.dup2(reader, 3)
            os.dup2(writer, 4)

        self.process = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
             f"--user-data-dir={user_data_dir}", "--remote-debugging-pipe", "about:blank"],
            close_fds=False, preexec_fn=wire, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        os.close(to_child_r)
        os.close(from_child_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def _read_message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("no answer from Chromium")
            chunk = os.read(self._from_child, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, params: dict[str, Any] | None = None, session: str | None = None,
             timeout: float = 30) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_child, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, timeout: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        for event in self.events:
            if event.get("method") == method:
                return event
        while True:
            event = self._read_message(deadline)
            self.events.append(event)
            if event.get("method") == method:
                return event

    def close(self) -> None:
        try:
            self.call("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_child)
        os.close(self._from_child)


def open_report(path: Path, user_data_dir: Path) -> tuple[list[str], list[dict[str, Any]]]:
    """Load ``path``; return the problems seen (console errors, exceptions, failed loads) and the charts."""
    browser = DevTools(user_data_dir)
    try:
        target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page.enable", "Runtime.enable", "Log.enable", "Network.enable"):
            browser.call(domain, session=session)
        browser.call("Page.navigate", {"url": path.as_uri()}, session=session)
        browser.wait_for("Page.loadEventFired")
        charts = browser.call("Runtime.evaluate", {"returnByValue": True, "expression": """
            [...document.querySelectorAll('img.chart')].map(img => ({
                name: img.dataset.chart, alt: img.alt, loaded: img.complete && img.naturalWidth > 0,
                width: img.naturalWidth}))"""}, session=session)["result"]["value"]
        problems = []
        for event in browser.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                problems.append(f"console.{params['type']}: {params.get('args')}")
            elif method == "Runtime.exceptionThrown":
                problems.append(f"exception: {params['exceptionDetails'].get('text')}")
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                problems.append(f"log: {params['entry'].get('text')} {params['entry'].get('url', '')}")
            elif method == "Network.loadingFailed":
                problems.append(f"failed to load: {params.get('errorText')}")
        return problems, charts
    finally:
        browser.close()


@pytest.fixture
def reports_dir(crawled_demo, tmp_path) -> dict[str, Path]:
    book = load_partners(crawled_demo.config_dir)
    office = dict(office_agencies=book.office.agencies, office_name=book.office.name)
    reports = {
        "partners": build_partner_report(crawled_demo.engine, book, Month.parse("2026-10")),
        "daily": build_daily_report(crawled_demo.engine, dt.date(2026, 10, 26), **office),
        "weekly": build_weekly_report(crawled_demo.engine, dt.date(2026, 10, 26), **office),
    }
    paths = {}
    for name, report in reports.items():
        paths[name] = tmp_path / f"{name}.html"
        paths[name].write_text(report.render_html(), encoding="utf-8")
    return paths


@pytest.mark.usefixtures("chromium")
@pytest.mark.parametrize("name, charts_expected", [("partners", 0), ("daily", 0), ("weekly", 6)])
def test_report_opens_in_chromium_without_errors_and_with_every_chart(reports_dir, tmp_path, name,
                                                                      charts_expected):
    problems, charts = open_report(reports_dir[name], tmp_path / "chromium-profile")
    assert problems == []
    assert len(charts) == charts_expected
    assert all(chart["loaded"] and chart["width"] >= 400 for chart in charts), charts


@pytest.mark.usefixtures("chromium")
def test_browser_check_catches_console_errors_and_broken_charts(tmp_path):
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><html><body><img class='chart' data-chart='x' alt='x' "
                    "src='data:image/png;base64,AAAA'><script>console.error('boom')</script></body></html>")
    problems, charts = open_report(page, tmp_path / "chromium-profile")
    assert any("boom" in problem for problem in problems)
    assert charts and not charts[0]["loaded"]
