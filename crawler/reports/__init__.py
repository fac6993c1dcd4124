"""Report builders for ``pantau report``: partner-media evaluation, the daily e-kliping, the weekly brief and
press-release pickup.

Each builder reads through storage.reports (the only SQL) and returns a :class:`~crawler.reports.common.Report`:
named tables for the terminal and CSV, and an HTML page (Jinja2 templates in ``templates/``, charts as PNG from
matplotlib embedded as data URIs, so that one file can be mailed or printed). docs/reports.md explains every
figure and how it is counted.
"""

from crawler.reports.common import Report, ReportError, ReportTable, week_start
from crawler.reports.daily import build_daily_report
from crawler.reports.partners import build_partner_report
from crawler.reports.pickup import build_pickup_report
from crawler.reports.weekly import build_weekly_report

__all__ = ["Report", "ReportError", "ReportTable", "build_daily_report", "build_partner_report",
           "build_pickup_report", "build_weekly_report", "week_start"]
