"""API for an organisation's contribution ledger (docs/contributions.md)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from ninja import Field, Query, Router, Schema

from tianmu.core.api import InvalidInput, json_value, user_of
from tianmu.dashboard.contributions import (
    organization_contributions,
    organization_for_contributions,
    parse_year,
)

router = Router(tags=["dashboard"])


class YearParams(Schema):
    year: str | None = Field(
        None, description="Calendar year (default: the latest year with records)."
    )


@router.get(
    "/organizations/{int:org_id}/contributions",
    response=dict[str, Any],
    summary="An organisation's contributions in a year, confirmed and awaiting apart",
    description=(
        "`confirmed` and `awaiting` hold one key per instrument (agreements, deliveries, "
        "deliveries_yuan, purchases, purchases_yuan, jobs, loans, loans_yuan, events, "
        "projects; awaiting only for the two-sided ones); money is a two-decimal string. "
        "`links` gives, for each number, the list of exactly the records it counts; `years` "
        "the years with records; `totals` what it bought from villages (deliveries_yuan + "
        "purchases_yuan). Counted over the records the user may see; an "
        "organisation's own users read only their own ledger."
    ),
)
def contribution_ledger(request, org_id: int, params: Query[YearParams]):
    user = user_of(request)
    org = organization_for_contributions(user=user, org_id=org_id)
    if org is None:
        raise Http404
    try:
        year = parse_year(params.year)
    except ValueError as exc:
        raise InvalidInput({"year": [str(exc)]}) from exc
    ledger = organization_contributions(user=user, org=org, year=year)
    return {
        "year": ledger.year,
        "confirmed": {k: json_value(c.value) for k, c in ledger.confirmed.items()},
        "awaiting": {k: json_value(c.value) for k, c in ledger.awaiting.items()},
        "links": {
            "confirmed": {k: c.url for k, c in ledger.confirmed.items()},
            "awaiting": {k: c.url for k, c in ledger.awaiting.items()},
        },
        "totals": {
            "confirmed": json_value(ledger.total_yuan("confirmed")),
            "awaiting": json_value(ledger.total_yuan("awaiting")),
        },
        "years": ledger.years,
    }
