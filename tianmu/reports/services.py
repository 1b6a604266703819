"""Writes of the reports app: keeping a report as it was made."""

from __future__ import annotations

from django.utils.translation import get_language

from tianmu.core.scoping import can_create
from tianmu.core.services import NotFound, service
from tianmu.reports.definitions import build
from tianmu.reports.models import KeptReport


@service
def report_keep(*, user, report: str, area, period: str, alliance=None) -> KeptReport:
    """Make report `report` for `area` and `period` and keep it, frozen, with who made it.

    `user=None` is the scheduled run (Celery beat): it makes the report through the scoping of
    a read-only viewer of the county (tianmu.dashboard.selectors.public_viewer is the same
    idea for the public), so a kept report never holds more than that county's staff see.
    """
    viewer = user
    if user is None:
        from tianmu.dashboard.selectors import public_viewer

        viewer = public_viewer(area)
    elif not can_create(user, KeptReport):
        raise NotFound()
    made = build(report, user=viewer, area=area, period=period, alliance=alliance)
    return KeptReport.objects.create(
        report=report,
        area=made.area,
        period=made.period.value,
        alliance=alliance,
        language=get_language() or "zh-hans",
        made_at=made.made_at,
        made_by=user if getattr(user, "pk", None) else None,
        content=made.stored(),
    )
