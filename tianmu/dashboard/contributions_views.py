"""The contribution ledger on the organisation page: a detail panel (tianmu.core.panels)
registered by DashboardConfig.ready(), so registry's page shows it without importing the
dashboard (docs/contributions.md)."""

from __future__ import annotations

from tianmu.dashboard.contributions import (
    AWAITING,
    CONFIRMED,
    organization_contributions,
    organization_for_contributions,
    parse_year,
)


def contributions_panel(request, org) -> dict | None:
    """The panel's context for `?year=` (a bad year shows its message and the default year);
    None — no panel — when the user may not read this organisation's ledger."""
    user = request.user
    if organization_for_contributions(user=user, org_id=org.pk) is None:
        return None
    error = None
    try:
        year = parse_year(request.GET.get("year"))
    except ValueError as exc:
        year, error = None, str(exc)
    ledger = organization_contributions(user=user, org=org, year=year)
    years = ledger.years if ledger.year in ledger.years else sorted({*ledger.years, ledger.year})
    return {
        "ledger": ledger,
        "years": years,
        "year_error": error,
        "total_confirmed": ledger.total_yuan(CONFIRMED),
        "total_awaiting": ledger.total_yuan(AWAITING),
        "shows_total": any(line.key == "deliveries_yuan" for line in ledger.lines),
    }
