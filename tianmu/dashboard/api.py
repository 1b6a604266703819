"""API for the key figures: every KPI registered in `tianmu.dashboard.selectors`."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from tianmu.core.api import InvalidInput, json_value, user_of
from tianmu.core.money import money_str
from tianmu.core.periods import period_errors
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
    response=dict[str, Any],
    summary="Public aggregate figures of a county (no sign-in)",
    description=(
        "The same figures as /kpis for a whole county that runs a programme, for the public: "
        "aggregates only, no records and no personal data. `area` is the county's division "
        "code (default: the first county with a programme)."
    ),
)
def public_kpi_values(request, params: Query[KpiParams]):
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
