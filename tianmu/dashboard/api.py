"""API for the key figures: every KPI registered in `tianmu.dashboard.selectors`."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from tianmu.core.api import InvalidInput, json_value, user_of
from tianmu.core.kpis import INTERVALS, LEVELS, breakdown, default_range, trend
from tianmu.core.money import money_str
from tianmu.core.periods import period_errors
from tianmu.core.ratelimit import allow
from tianmu.core.scoping import visible_to
from tianmu.core.tables import object_url
from tianmu.dashboard.selectors import (
    Period,
    kpi_records,
    kpi_spec,
    kpis,
    public_counties,
    public_kpis,
)
from tianmu.registry.models import Area
from tianmu.registry.selectors import area_from_code

router = Router(tags=["dashboard"])


class KpiParams(Schema):
    area: str | None = Field(
        None, description="Division code (short forms such as 330112 accepted) or area id."
    )
    from_: datetime.date | None = Field(None, alias="from", description="Period start.")
    to: datetime.date | None = Field(None, description="Period end (inclusive).")


def _period_and_area(user, params: KpiParams) -> tuple[Period, Area | None]:
    """The validated period and area of a figure query: 400 naming the field when wrong.

    Either date alone is a half-open period; `to` before `from` is the only bad combination.
    """
    errors: dict[str, list[str]] = {}
    area = None
    if params.area and params.area.strip():
        area = area_from_code(params.area)
        # An area the user may not see is as unknown as one that does not exist.
        if area is not None and not visible_to(user, Area).filter(pk=area.pk).exists():
            area = None
        if area is None:
            errors["area"] = [
                _("No area with the division code “%(code)s”.") % {"code": params.area.strip()}
            ]
    for field, messages in period_errors(params.from_, params.to).items():
        errors[field] = [str(m) for m in messages]
    if errors:
        raise InvalidInput(errors)
    return Period(params.from_, params.to), area


@router.get(
    "/kpis",
    response=dict[str, Any],
    summary="Key figures for the user's scope",
    description=(
        "One key per registered KPI. Stocks count what was active at any time in [from, to] "
        "(today when neither is given); flows sum records dated in [from, to] (all time when "
        "neither is given). Money is a string with two decimals."
    ),
)
def kpi_values(request, params: Query[KpiParams]):
    user = user_of(request)
    period, area = _period_and_area(user, params)
    values = kpis(user=user, period=period, area=area)
    return {key: json_value(value) for key, value in values.items()}


class BreakdownParams(KpiParams):
    key: str = Field(..., description="A figure key, as in /kpis.")
    by: str = Field(..., description="child (the next level of areas), alliance or enterprise.")


class TrendParams(KpiParams):
    key: str = Field(..., description="A figure key, as in /kpis.")
    interval: str = Field("month", description="month, quarter or year.")


def _known_key(key: str):
    spec = kpi_spec(key)
    if spec is None:
        raise InvalidInput({"key": [_("No figure named “%(key)s”.") % {"key": key}]})
    return spec


@router.get(
    "/kpis/breakdown",
    response=dict[str, Any],
    summary="One key figure split by child area, alliance or enterprise",
    description=(
        "The figure `key` for the area (the user's own when none is given) and period, split "
        f"by `by` ({', '.join(LEVELS)}), largest first. Areas have a `code`, alliances and "
        "enterprises an `id`; each item has `name`, `value` and `url` (its records or its "
        "page). For a flow the items add up to `total`: records credited to no child, alliance "
        "or enterprise are one item with `code` and `id` null. docs/figures.md#breakdowns."
    ),
)
def kpi_breakdown(request, params: Query[BreakdownParams]):
    user = user_of(request)
    _known_key(params.key)
    period, area = _period_and_area(user, params)
    try:
        result = breakdown(params.key, user=user, by=params.by, period=period, area=area)
    except ValueError as error:
        raise InvalidInput({"by": [str(error)]}) from None
    items = []
    for item in result.items:
        where = {"code": item.code} if params.by == "child" else {"id": item.id}
        items.append({**where, "name": item.name, "value": json_value(item.value), "url": item.url})
    return {
        "key": params.key,
        "by": params.by,
        "area": result.area.code if result.area is not None else None,
        "total": json_value(result.total),
        "items": items,
    }


@router.get(
    "/kpis/trend",
    response=dict[str, Any],
    summary="One key figure per month, quarter or year",
    description=(
        'The figure `key` for each month ("2025-03"), quarter ("2025Q1") or year '
        '("2025") meeting [from, to], each clipped to it (default: the last 12 months, 8 '
        "quarters or 5 years up to today). For a flow the items add up to the figure over "
        "[from, to]; a stock counts what was active in each period. docs/figures.md#trends."
    ),
)
def kpi_trend(request, params: Query[TrendParams]):
    user = user_of(request)
    _known_key(params.key)
    if params.interval not in INTERVALS:
        raise InvalidInput(
            {"interval": [_("Use one of: %(choices)s.") % {"choices": ", ".join(INTERVALS)}]}
        )
    period, area = _period_and_area(user, params)
    end = period.end or timezone.localdate()
    start = period.start or default_range(params.interval, end)[0]
    errors = period_errors(start, end)
    if errors:  # `from` after today, with no `to`
        raise InvalidInput({field: [str(m) for m in msgs] for field, msgs in errors.items()})
    period = Period(start, end)
    try:
        items = trend(params.key, user=user, interval=params.interval, period=period, area=area)
    except ValueError as error:
        raise InvalidInput({"from": [str(error)]}) from None
    return {
        "key": params.key,
        "interval": params.interval,
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "items": [{"period": i.period, "value": json_value(i.value), "url": i.url} for i in items],
    }


class RecordPage(Schema):
    limit: int = Field(50, ge=1, description="Records per page (at most 1000).")
    offset: int = Field(0, ge=0, description="Records to skip.")


@router.get(
    "/kpis/{key}/records",
    response={200: dict[str, Any], 404: dict[str, Any]},
    summary="One key figure and the records it is counted from",
    description=(
        "The figure `key` (as in /kpis, with the same `area`, `from`, `to`), the number of "
        "records it counts (`count`), the sum of their amounts (`total`: a two-decimal string "
        "for money figures, null for counts) and one page of those records (`items`: id, "
        "label, url, date, and amount for money figures). `value` equals `count` for a count "
        "and `total` for an amount; for the ratio `par30` it is the ratio of those records."
    ),
)
def kpi_record_list(request, key: str, params: Query[KpiParams], page: Query[RecordPage]):
    user = user_of(request)
    spec = kpi_spec(key)
    if spec is None:
        return Status(404, {"detail": _("No figure named “%(key)s”.") % {"key": key}})
    max_limit = settings.TIANMU_API_MAX_LIMIT
    if page.limit > max_limit:
        raise InvalidInput({"limit": [_("At most %(max)s records per page.") % {"max": max_limit}]})
    period, area = _period_and_area(user, params)
    result = kpi_records(
        key, user=user, period=period, area=area, limit=page.limit, offset=page.offset
    )
    items = []
    for record in result.records:
        item = {
            "id": record.obj.pk,
            "label": str(record.obj),
            "url": object_url(record.obj),
            "date": json_value(record.date),
        }
        if spec.is_amount:
            item["amount"] = money_str(record.amount)
        items.append(item)
    return {
        "key": key,
        "value": json_value(result.value),
        "count": result.count,
        "total": money_str(result.total) if result.total is not None else None,
        "items": items,
    }


@router.get(
    "/public/kpis",
    auth=None,
    response={200: dict[str, Any], 429: dict[str, Any]},
    summary="Public aggregate figures of a county (no sign-in)",
    description=(
        "The same figures as /kpis for a whole county in a programme's area, for the public: "
        "aggregates only, no records and no personal data. `area` is the county's division "
        "code (default: the first county with a programme). Each client may ask "
        "TIANMU_PUBLIC_RATE_LIMIT times a minute (default 60); beyond that the answer is 429."
    ),
)
def public_kpi_values(request, params: Query[KpiParams]):
    if not allow("public", request):
        return Status(429, {"detail": _("Too many requests: try again in a minute.")})
    counties = public_counties()
    if params.area and params.area.strip():
        area = area_from_code(params.area)
        county = counties.filter(pk=area.pk).first() if area is not None else None
    else:
        county = counties.first()
    if county is None:
        raise InvalidInput(
            {
                "area": [
                    _("No county with a programme has the division code “%(code)s”.")
                    % {"code": (params.area or "").strip()}
                ]
            }
        )
    errors = period_errors(params.from_, params.to)
    if errors:
        raise InvalidInput({field: [str(m) for m in msgs] for field, msgs in errors.items()})
    values = public_kpis(county=county, period=Period(params.from_, params.to))
    return {key: json_value(value) for key, value in values.items()}
