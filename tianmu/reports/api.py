"""`GET /api/v1/reports/{name}`: a generated report as JSON (default), xlsx or PDF."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from tianmu.core.api import InvalidInput, user_of
from tianmu.reports.definitions import ReportError, ReportNotFound
from tianmu.reports.render import CONTENT_TYPES, FORMATS, filename, render
from tianmu.reports.selectors import ReportInput, report_for

router = Router(tags=["reports"])


class ReportParams(Schema):
    area: str | None = Field(None, description="Division code (default: the user's own area).")
    period: str | None = Field(
        None,
        description=(
            "A month (2025-10), a quarter (2025Q3) or a year (2025); default: the last whole "
            "month (monthly), quarter (ledger) or year (alliance)."
        ),
    )
    alliance: int | None = Field(None, description="The alliance (the `alliance` report).")
    format: str = Field("json", description="json, xlsx or pdf.")


@router.get(
    "/reports/{name}",
    response={200: dict[str, Any], 404: dict[str, Any]},
    summary="A generated report: monthly brief, quarterly ledger or alliance report",
    description=(
        "`name` is monthly, ledger or alliance. JSON is `{report, area, period, figures: "
        "{key: value}, rows: [...]}`: `figures` uses the /api/v1/kpis keys "
        "and equals /api/v1/kpis for the same area and period; xlsx and pdf are the same "
        "numbers for people. A future period, or an area or alliance outside the user's scope, "
        "is refused naming the field. docs/reports.md."
    ),
)
def report_get(request, name: str, params: Query[ReportParams]):
    user = user_of(request)
    if params.format not in FORMATS:
        raise InvalidInput(
            {"format": [_("Use one of: %(choices)s.") % {"choices": ", ".join(FORMATS)}]}
        )
    try:
        report = report_for(
            user,
            ReportInput(
                name=name, area=params.area, period=params.period or "", alliance=params.alliance
            ),
        )
    except ReportError as error:
        if isinstance(error, ReportNotFound):  # outside the scope: as if it did not exist
            return Status(404, {"detail": str(error)})
        raise InvalidInput({error.field: [str(error)]}) from None
    if params.format == "json":
        return report.data()
    response = HttpResponse(
        render(report, params.format), content_type=CONTENT_TYPES[params.format]
    )
    response["Content-Disposition"] = f'attachment; filename="{filename(report, params.format)}"'
    return response
