"""Scheduled reports (Celery beat, settings.CELERY_BEAT_SCHEDULE): the monthly brief for the
month just ended and the quarterly ledger for the quarter just ended, for every county that
runs a programme, kept as they were made. Safe to run twice (a second run keeps a second
copy, with its own time)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone
from django.utils.translation import override

from tianmu.dashboard.selectors import public_counties
from tianmu.reports.definitions import last_month, last_quarter
from tianmu.reports.services import report_keep


def _keep_for_counties(report: str, period: str) -> int:
    made = 0
    with override("zh-hans"):
        for county in public_counties():
            report_keep(user=None, report=report, area=county, period=period)
            made += 1
    return made


@shared_task(name="reports.monthly")
def keep_monthly_briefs() -> int:
    return _keep_for_counties("monthly", last_month(timezone.localdate()))


@shared_task(name="reports.ledger")
def keep_quarterly_ledgers() -> int:
    return _keep_for_counties("ledger", last_quarter(timezone.localdate()))
