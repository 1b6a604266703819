"""API for the key figures: every KPI registered in `tianmu.dashboard.selectors`."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from tianmu.core.api import InvalidInput, json_value, user_of
from tianmu.core.scoping import visible_to
from tianmu.dashboard.selectors import Period, kpis, public_counties, public_kpis
from tianmu.registry.models import Area
from tianmu.registry.selectors import area_from_code

router = Router(tags=["dashboard"])


class KpiParams(Schema):
    area: str | None = Field(
        None, description="Division code (short forms such as 330112 accepted) or area id."
    )
    from_: datetime.date | None = Field(None, alias="from", description="Period start.")
    to: datetime.date | None = Field(None, description="Period end (inclusive).")


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
    if params.from_ and params.to and params.to < params.from_:
        errors["to"] = [_("The end date cannot be before the start date.")]
    if errors:
        raise InvalidInput(errors)
    values = kpis(user=user, period=Period(params.from_, params.to), area=area)
    return {key: json_value(value) for key, value in values.items()}


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
    if params.from_ and params.to and params.to < params.from_:
        raise InvalidInput({"to": [_("The end date cannot be before the start date.")]})
    values = public_kpis(county=county, period=Period(params.from_, params.to))
    return {key: json_value(value) for key, value in values.items()}
