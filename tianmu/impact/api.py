"""API of the impact app (docs/impact.md): the programme's effect on village income, the
ledger check, villages' income status and the programme's income rules."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from tianmu.core.api import InvalidInput, bind_form, json_value, user_of
from tianmu.core.scoping import editable_by
from tianmu.impact.forms import RULE_FIELDS, IncomeRulesForm
from tianmu.impact.models import IncomeRules
from tianmu.impact.selectors import (
    impact_estimate,
    impact_params,
    ledger_check,
    parse_year,
    rules_for,
    village_statuses,
)
from tianmu.impact.services import income_rules_save

router = Router(tags=["impact"])


class ImpactVillageOut(Schema):
    id: int
    name: str
    code: str


class GroupOut(Schema):
    villages: int = Field(description="Villages in the group (comparison: one per match).")
    before_mean: str
    after_mean: str


class ImpactRowOut(Schema):
    village: ImpactVillageOut
    code: str
    paired: bool
    before: str
    after: str
    match_for: str | None = Field(
        None, description="For a comparison row: the code of the paired village it matches."
    )


class ImpactOut(Schema):
    metric: str
    method: str
    paired: GroupOut
    comparison: GroupOut
    effect: str
    ci95: list[str]
    by_village: list[ImpactRowOut]
    sentence: str


class ImpactParams(Schema):
    program: str | None = Field(None, description="Programme id.")
    metric: str | None = Field(
        None, description="collective_income or operating_income (the default)."
    )
    area: str | None = Field(None, description="Only paired villages in this area (a town).")
    alliance: str | None = Field(None, description="Only villages paired with this alliance.")


def _params(user, params: Schema) -> dict:
    try:
        return impact_params(user, params.model_dump())
    except ValidationError as exc:
        raise InvalidInput(_messages(exc)) from exc


def _messages(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}


def _plain(data):
    if isinstance(data, dict):
        return {k: _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    return json_value(data)


@router.get(
    "/impact",
    response=ImpactOut,
    summary="The programme's effect on village income (difference in differences)",
    description=(
        "Paired villages (a counted pairing of the programme, with income years before and "
        "from its start year on) against never-paired villages of the same county matched by "
        "nearest baseline income and population; `effect` = (paired after − before) − "
        "(comparison after − before), `ci95` by a bootstrap over villages (2,000 draws, fixed "
        "seed). Money as two-decimal strings. See docs/impact.md."
    ),
)
def impact(request, params: Query[ImpactParams]):
    user = user_of(request)
    p = _params(user, params)
    result = impact_estimate(
        user=user, program=p["program"], metric=p["metric"], area=p["area"], alliance=p["alliance"]
    )
    return _plain(result)


class LedgerParams(Schema):
    program: str | None = Field(None, description="Programme id.")
    year: str | None = Field(None, description="The year checked (default: last year).")
    area: str | None = Field(None, description="Only villages in this area.")


class LedgerLinksOut(Schema):
    payments: str | None
    project_sales: str | None
    incomes: str


class LedgerItemOut(Schema):
    village: ImpactVillageOut
    receipts_yuan: str
    purchase_yuan: str
    project_sales_yuan: str
    income_yuan: str | None
    previous_income_yuan: str | None
    income_growth_yuan: str | None
    excess_yuan: str | None
    reason: str
    links: LedgerLinksOut


class MarginOut(Schema):
    yuan: str
    rate: str


class LedgerOut(Schema):
    program: int
    year: int
    margin: MarginOut
    items: list[LedgerItemOut]


def _year(value: str | None) -> int:
    try:
        return parse_year(value)
    except ValidationError as exc:
        raise InvalidInput(_messages(exc)) from exc


@router.get(
    "/impact/ledger-check",
    response=LedgerOut,
    summary="Villages whose confirmed receipts exceed the growth of their reported income",
)
def ledger(request, params: Query[LedgerParams]):
    user = user_of(request)
    p = _params(user, ImpactParams(program=params.program, area=params.area))
    result = ledger_check(user=user, program=p["program"], year=_year(params.year), area=p["area"])
    return _plain(result)


class StatusItemOut(Schema):
    village: ImpactVillageOut
    year: int
    operating_yuan: str | None
    previous_operating_yuan: str | None
    status: str
    rule: str


class StatusOut(Schema):
    program: int
    year: int
    items: list[StatusItemOut]


@router.get(
    "/impact/income-status",
    response=StatusOut,
    summary="Each village's income status (green / yellow / red) for a year, with its rule",
)
def income_status_list(request, params: Query[LedgerParams]):
    user = user_of(request)
    p = _params(user, ImpactParams(program=params.program, area=params.area))
    year = _year(params.year)
    items = [
        {
            "village": {
                "id": s["village"].pk,
                "name": s["village"].name,
                "code": s["village"].area.code,
            },
            "year": year,
            "operating_yuan": s["operating"],
            "previous_operating_yuan": s["previous"],
            "status": s["status"].status,
            "rule": s["status"].reason,
        }
        for s in village_statuses(user=user, program=p["program"], year=year, area=p["area"])
    ]
    return _plain({"program": p["program"].pk, "year": year, "items": items})


class RulesOut(Schema):
    program: int
    target_operating_yuan: str
    yellow_rate: str
    yellow_if_growing: bool
    ledger_margin_yuan: str
    ledger_margin_rate: str


class RulesIn(Schema):
    target_operating_yuan: str | None = None
    yellow_rate: str | None = None
    yellow_if_growing: bool | None = None
    ledger_margin_yuan: str | None = None
    ledger_margin_rate: str | None = None


class ProgramParam(Schema):
    program: str | None = Field(None, description="Programme id.")


def _rules_out(rules: IncomeRules) -> dict:
    return {
        "program": rules.program_id,
        "target_operating_yuan": json_value(rules.target_operating_yuan),
        "yellow_rate": f"{rules.yellow_rate:.4f}",
        "yellow_if_growing": rules.yellow_if_growing,
        "ledger_margin_yuan": json_value(rules.ledger_margin_yuan),
        "ledger_margin_rate": f"{rules.ledger_margin_rate:.4f}",
    }


@router.get(
    "/impact/income-rules",
    response=RulesOut,
    summary="A programme's weak-village target, status thresholds and ledger margin",
)
def income_rules(request, params: Query[ProgramParam]):
    user = user_of(request)
    p = _params(user, ImpactParams(program=params.program))
    return _rules_out(rules_for(p["program"]))


@router.put(
    "/impact/income-rules",
    response=RulesOut,
    summary="Set a programme's income rules (programme admins)",
    description="Fields left out keep their value. Rates are fractions (0.8 is 80 %).",
)
def income_rules_set(request, params: Query[ProgramParam], payload: RulesIn):
    user = user_of(request)
    program = _params(user, ImpactParams(program=params.program))["program"]
    if not editable_by(user, type(program)).filter(pk=program.pk).exists():
        raise InvalidInput({"program": [_("Only the programme's admins set its income rules.")]})
    rules = rules_for(program)
    given = {k: v for k, v in payload.dict().items() if v is not None}
    data = {name: getattr(rules, name) for name in RULE_FIELDS} | given
    form = bind_form(IncomeRulesForm, data, user=None, instance=rules)
    saved = income_rules_save(
        user=user, program=program, values={k: form.cleaned_data[k] for k in RULE_FIELDS}
    )
    return _rules_out(saved)
