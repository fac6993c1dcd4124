"""The HTML reports speak one language, Indonesian, as a humas office reads them: headings, column names and day
labels; charts name agencies and people (never ids) and show shares as the tables do (14.8 %); the partners
page's warnings are Indonesian notes; the daily clipping shows the passage naming the agency, not the title
again. Fails on English words in the templates or in the rendered reports."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import lxml.html
import pytest

from crawler.partners import Month, load_partners
from crawler.reports import build_daily_report, build_partner_report, build_weekly_report
from crawler.reports.common import TEMPLATES_DIR, percent_id
from tests.cli_runner import run_pantau
from tests.fixtures.demo_crawl import CrawledDemo

# English words a report must not show (whole words, any case). Words both languages use ("media",
# "advertorial", "status", "total", "data") are not listed.
ENGLISH = {"share", "voice", "article", "articles", "mention", "mentions", "agency", "agencies", "outlet",
           "outlets", "speaker", "speakers", "quote", "quotes", "warning", "note", "not", "the", "is", "of", "yet",
           "database", "crawled", "source", "sources", "none", "no", "other", "others", "week", "day",
           "mon", "tue", "wed", "thu", "fri", "sat", "sun", "quota", "pieces", "period", "contract", "date",
           "title", "snippet", "url", "zone", "id", "name", "entity", "entity_id", "entity_name", "agency_id",
           "agency_name", "outlet_name", "in", "and", "by", "generated"}
WEEK = dt.date(2026, 11, 16)
DAY = dt.date(2026, 11, 19)
MONTH = "2026-10"


def _english_words(text: str) -> set[str]:
    return {word for word in re.findall(r"[A-Za-z_]+", text) if word.lower() in ENGLISH}


def _visible_text(html: str) -> str:
    """What the report itself says: without the articles' own words (linked titles, snippets) and URLs."""
    document = lxml.html.fromstring(html)
    for element in document.xpath("//p[@class='url'] | //p[@class='snippet'] | //a | //style | //script"):
        element.drop_tree()
    return " ".join(document.xpath("//body//text()"))


def _template_text(path: Path) -> str:
    text = re.sub(r"{#.*?#}|{%.*?%}|{{.*?}}", " ", path.read_text(encoding="utf-8"), flags=re.S)
    text = re.sub(r"<style.*?</style>", " ", text, flags=re.S)
    return re.sub(r"<[^>]+>", " ", text)


@pytest.mark.parametrize("template", sorted(path.name for path in TEMPLATES_DIR.glob("*.html")))
def test_report_templates_have_no_english_words(template: str) -> None:
    assert _english_words(_template_text(TEMPLATES_DIR / template)) == set()


@pytest.fixture
def reports(crawled_demo: CrawledDemo):  # noqa: ANN201 - (weekly, daily, partners) Report objects
    book = load_partners(crawled_demo.config_dir)
    office = book.office
    agencies = office.agencies if office else None
    weekly = build_weekly_report(crawled_demo.engine, WEEK, office_agencies=agencies)
    daily = build_daily_report(crawled_demo.engine, DAY, office_agencies=agencies)
    partners = build_partner_report(crawled_demo.engine, book, Month.parse(MONTH))
    return weekly, daily, partners


def test_rendered_reports_have_no_english_words(reports) -> None:  # noqa: ANN001
    for report in reports:
        assert _english_words(_visible_text(report.render_html())) == set(), report.kind


def test_weekly_report_days_headings_and_percentages(reports) -> None:  # noqa: ANN001
    weekly = reports[0]
    document = lxml.html.fromstring(weekly.render_html())
    headings = [h2.text_content() for h2 in document.xpath("//h2")]
    assert "Pangsa pemberitaan" in headings
    day_headers = document.xpath("//table[@data-table='daily']/thead//th/text()")[2:9]
    assert day_headers == ["Sen 16", "Sel 17", "Rab 18", "Kam 19", "Jum 20", "Sab 21", "Min 22"]
    daily_chart = next(chart for chart in weekly.charts if chart.name == "daily")
    assert list(daily_chart.labels[:7]) == day_headers

    voice = weekly.table("share_of_voice")
    cells = [row.xpath("td")[-1].text_content() for row in
             document.xpath("//table[@data-table='share_of_voice']/tbody/tr")]
    assert cells and all(re.fullmatch(r"\d+\.\d %", cell) for cell in cells), cells
    assert cells == [percent_id(row[-1]) for row in voice.rows]
    chart = next(chart for chart in weekly.charts if chart.name == "share_of_voice")
    # The chart names each agency as the table does, and shows the same percentage.
    assert list(chart.labels) == [f"{row[1]}: {cell}" for row, cell in zip(voice.rows, cells)]


def test_weekly_charts_name_agencies_and_tell_speakers_apart(reports) -> None:  # noqa: ANN001
    weekly = reports[0]
    ids = {row[0] for row in weekly.table("daily").rows} | {row[0] for row in weekly.table("share_of_voice").rows}
    for chart in weekly.charts:
        shown = {label.split(": ")[0] for label in chart.labels}
        assert not shown & ids, (chart.name, shown & ids)
    speakers = next(chart for chart in weekly.charts if chart.name == "speakers")
    assert speakers.labels and len({label.split(": ")[0] for label in speakers.labels}) == len(speakers.labels)


def test_partners_warnings_are_indonesian_notes(reports) -> None:  # noqa: ANN001
    partners = reports[2]
    assert partners.warnings  # the bundled contracts name outlets the demo crawl does not have
    notes = lxml.html.fromstring(partners.render_html()).xpath("//p[@class='note']")
    assert [note.text_content() for note in notes] == [f"Catatan: {warning}" for warning in partners.warnings]
    assert all("belum" in warning for warning in partners.warnings)


def test_daily_clipping_snippet_is_the_passage_naming_the_agency(reports, crawled_demo: CrawledDemo) -> None:  # noqa: ANN001
    daily = reports[1]
    clips = lxml.html.fromstring(daily.render_html()).xpath("//div[@class='clip']")
    assert clips
    for clip in clips:
        title = clip.xpath("h3/a")[0].text_content().strip()
        snippet = clip.xpath("p[@class='snippet']")[0].text_content().strip(" …")
        assert snippet and snippet not in title and title not in snippet, (title, snippet)


def test_report_cli_writes_indonesian_html(crawled_demo: CrawledDemo, tmp_path: Path) -> None:
    output = tmp_path / "mingguan.html"
    result = run_pantau("report", "weekly", "--week", "2026-W47", "--format", "html", "-o", str(output),
                        database_url=crawled_demo.url, config_dir=crawled_demo.config_dir)
    assert result.returncode == 0, result.stderr
    assert _english_words(_visible_text(output.read_text(encoding="utf-8"))) == set()
