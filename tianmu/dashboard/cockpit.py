"""The cockpit (驾驶舱): the figures of an area and period, each beside the previous period's,
one figure broken down and over time, and the villages on a map.

Every number is a registered figure (tianmu.core.kpis) or a part of one (its breakdown or
trend), so it equals the list its link opens. docs/cockpit.md.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from tianmu.alliances.models import Alliance, Pairing
from tianmu.core.kpis import (
    Period,
    breakdown,
    kpi_keys,
    kpi_spec,
    kpis,
    trend,
)
from tianmu.core.periods import named_period
from tianmu.core.scoping import visible_to
from tianmu.registry.models import Area, Village
from tianmu.registry.selectors import home_area


@dataclass(frozen=True)
class CockpitPeriod:
    value: str  # "2025", "2025Q3", "2025-10" or "custom"
    label: str
    current: Period
    previous: Period


def _shift_year(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def period_of(value: str | None, start=None, end=None, today=None) -> CockpitPeriod:
    """A year, quarter or month ("2025", "2025Q3", "2025-10") or a custom [start, end], with
    the period of the same length just before it. ValueError for anything else."""
    today = today or timezone.localdate()
    value = (value or "").strip() or str(today.year)
    if value == "custom":
        if start is None or end is None or end < start:
            raise ValueError(_("A custom period needs a start and an end on or after it."))
        days = (end - start).days + 1
        previous = Period(start - datetime.timedelta(days=days), start - datetime.timedelta(1))
        label = f"{start.isoformat()} – {end.isoformat()}"
        return CockpitPeriod("custom", label, Period(start, end), previous)
    named = named_period(value)
    if named is None or named.value != value:  # the canonical spelling only ("2025-03")
        raise ValueError(_("Unknown period “%(value)s”.") % {"value": value})
    first, last = named.start, named.end
    before = first - datetime.timedelta(days=1)
    if named.unit == "month":
        previous = Period(before.replace(day=1), before)
        label = _("%(year)s-%(month)02d") % {"year": first.year, "month": first.month}
    elif named.unit == "quarter":
        previous = Period(before.replace(day=1, month=before.month - 2), before)
        label = _("%(year)s Q%(quarter)s") % {"year": first.year, "quarter": last.month // 3}
    else:
        previous = Period(first.replace(year=first.year - 1), before)
        label = str(first.year)
    return CockpitPeriod(value, label, Period(first, last), previous)


def period_choices(today=None) -> list[tuple[str, list[tuple[str, str]]]]:
    """The picker's options: the last five years, eight quarters and 24 months."""
    today = today or timezone.localdate()
    years = [(str(y), str(y)) for y in range(today.year, today.year - 5, -1)]
    quarters, months = [], []
    y, q = today.year, (today.month - 1) // 3 + 1
    for _i in range(8):
        quarters.append((f"{y}Q{q}", period_of(f"{y}Q{q}").label))
        y, q = (y, q - 1) if q > 1 else (y - 1, 4)
    y, m = today.year, today.month
    for _i in range(24):
        months.append((f"{y}-{m:02d}", f"{y}-{m:02d}"))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return [(_("Years"), years), (_("Quarters"), quarters), (_("Months"), months)]


def area_chain(user, area) -> list[Area]:
    """The areas from the user's own area down to `area`, for the breadcrumb."""
    top = home_area(user)
    chain = [area]
    while chain[-1].parent_id and (top is None or chain[-1].pk != top.pk):
        chain.append(chain[-1].parent)
    visible = set(
        visible_to(user, Area).filter(pk__in=[a.pk for a in chain]).values_list("pk", flat=True)
    )
    return [a for a in reversed(chain) if a.pk in visible]


def change_of(value, before) -> dict | None:
    """The change on the previous period: the difference and, when it has one, the ratio."""
    try:
        now, then = Decimal(str(value)), Decimal(str(before))
    except ArithmeticError:
        return None
    difference = now - then
    percent = None if then == 0 else (difference / abs(then) * 100).quantize(Decimal("0.1"))
    return {
        "difference": difference,
        "percent": percent,
        "up": difference > 0,
        "down": difference < 0,
    }


def figure_cards(user, period: CockpitPeriod, area) -> list[dict]:
    """Every figure for the period and the one before, with the change between them."""
    now = kpis(user=user, period=period.current, area=area)
    before = kpis(user=user, period=period.previous, area=area)
    code = getattr(area, "code", None)
    cards = []
    for key in kpi_keys():
        spec = kpi_spec(key)
        cards.append(
            {
                "key": key,
                "value": now[key],
                "previous": before[key],
                "change": change_of(now[key], before[key]),
                "kind": spec.kind,
                "url": spec.url(area_code=code, start=period.current.start, end=period.current.end),
            }
        )
    return cards


def figure_breakdown(user, key: str, by: str, period: CockpitPeriod, area):
    return breakdown(key, user=user, by=by, period=period.current, area=area)


def figure_trend(user, key: str, period: CockpitPeriod, area) -> dict:
    """Twelve months up to the period's end, and the same months a year earlier."""
    end = min(period.current.end, timezone.localdate())
    first = datetime.date(end.year - 1, end.month, 1)
    if end.month == 12:
        first = datetime.date(end.year, 1, 1)
    else:
        first = datetime.date(end.year - 1, end.month + 1, 1)
    now = trend(key, user=user, interval="month", period=Period(first, end), area=area)
    earlier = trend(
        key,
        user=user,
        interval="month",
        period=Period(_shift_year(first, -1), _shift_year(end, -1)),
        area=area,
    )
    return {"now": now, "earlier": earlier}


def village_points(user, area, on: datetime.date) -> list[dict]:
    """The villages in `area` the user may see, with coordinates, and whether they were
    paired (a counted pairing) on `on`."""
    paired = Pairing.objects.filter(
        Alliance.counted_q("alliance__"),
        village=OuterRef("pk"),
        start__lte=on,
    ).exclude(end__lt=on)
    villages = visible_to(user, Village).filter(area__lat__isnull=False, area__lon__isnull=False)
    if area is not None:
        villages = villages.filter(area__path__startswith=area.subtree_prefix())
    rows = villages.annotate(paired=Exists(paired)).values(
        "pk", "area__name", "area__code", "area__lat", "area__lon", "paired"
    )
    return [
        {
            "id": row["pk"],
            "name": row["area__name"],
            "code": row["area__code"],
            "lat": row["area__lat"],
            "lon": row["area__lon"],
            "paired": row["paired"],
        }
        for row in rows
    ]


def results_summary(user, area) -> dict:
    """The programme of the area (its newest one the user sees): the effect on villages'
    operating income and the latest published assessment's alliances, top and bottom."""
    from django.core.exceptions import ValidationError
    from django.urls import reverse

    from tianmu.alliances.models import Program
    from tianmu.assessment.choices import AssessmentStatus
    from tianmu.assessment.models import Assessment
    from tianmu.impact.selectors import impact_estimate

    programs = visible_to(user, Program)
    if area is not None:
        chain = [area.pk, *area.ancestor_ids()]
        programs = programs.filter(area_id__in=chain)  # the area's own, or one above it
    program = programs.order_by("-start", "-pk").first()
    if program is None:
        return {}
    summary: dict = {"program": program}
    try:
        effect = impact_estimate(user=user, program=program, metric="operating_income", area=area)
        summary["impact"] = effect["sentence"]
    except ValidationError as error:
        summary["impact_error"] = " ".join(error.messages)
    summary["impact_url"] = reverse("impact:impact") + f"?program={program.pk}"
    published = (
        visible_to(user, Assessment)
        .filter(scheme__program=program, status=AssessmentStatus.PUBLISHED)
        .order_by("-year", "-version")
        .first()
    )
    if published is not None:
        alliances = [
            i for i in published.results.get("items", []) if i["subject"]["type"] == "alliance"
        ]
        summary["assessment"] = published
        summary["assessment_url"] = reverse("assessment:assessment_detail", args=[published.pk])
        summary["top"] = alliances[:3]
        summary["bottom"] = list(reversed(alliances[3:][-3:]))
    return summary
