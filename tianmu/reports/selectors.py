"""Reads of the reports app: a report for a user's request, and the kept reports they see."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from tianmu.alliances.models import Alliance
from tianmu.core.scoping import visible_to
from tianmu.registry.models import Area
from tianmu.registry.selectors import area_from_code
from tianmu.reports.definitions import Report, ReportNotFound, build
from tianmu.reports.models import KeptReport


@dataclass(frozen=True)
class ReportInput:
    name: str
    area: str | None
    period: str
    alliance: int | str | None = None


def area_of(user, code: str | None):
    if not code or not str(code).strip():
        return None
    area = area_from_code(str(code))
    if area is None or not visible_to(user, Area).filter(pk=area.pk).exists():
        raise ReportNotFound(
            "area", _("No area with the division code “%(code)s”.") % {"code": code}
        )
    return area


def alliance_of(user, value):
    if value in (None, ""):
        return None
    try:
        pk = int(value)
    except (TypeError, ValueError):
        pk = None
    alliance = visible_to(user, Alliance).filter(pk=pk).first() if pk is not None else None
    if alliance is None:
        raise ReportNotFound("alliance", _("No such alliance."))
    return alliance


def report_for(user, given: ReportInput) -> Report:
    """The report asked for, in the user's scope; ReportError names the bad field."""
    return build(
        given.name,
        user=user,
        area=area_of(user, given.area),
        period=given.period,
        alliance=alliance_of(user, given.alliance),
    )


def kept_reports(user):
    return visible_to(user, KeptReport).select_related("area", "alliance", "made_by")


def kept_report(kept: KeptReport) -> Report:
    """A kept report as it was made (for its xlsx, PDF and JSON)."""
    return Report.from_stored(kept.content, area=kept.area, alliance=kept.alliance)
