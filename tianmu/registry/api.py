"""API for the registry: areas, villages (with yearly collective incomes) and organisations
(with chamber memberships). The CRUD routes come from the resources in `resources.py`; this
module adds what is the registry's own (docs/api.md)."""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404
from ninja import Router, Schema, Status

from tianmu.core.api import bind_form, get_editable_or_404, payload_of, user_of
from tianmu.core.resources import add_routes
from tianmu.core.scoping import editable_by
from tianmu.core.services import object_delete, object_save
from tianmu.registry.forms import ChamberMembershipForm, VillageIncomeForm
from tianmu.registry.models import ChamberMembership, Organization, Village, VillageIncome
from tianmu.registry.resources import (
    AREA_REF,
    AREAS,
    CHAMBER_MEMBERSHIP,
    INCOME,
    ORGANIZATION_REF,
    ORGANIZATIONS,
    VILLAGE_INCOMES,
    VILLAGES,
)

router = Router(tags=["registry"])

#: Schemas other apps nest in theirs.
AreaRef = AREA_REF.schema
OrganizationRef = ORGANIZATION_REF.schema

for resource in (AREAS, VILLAGES, ORGANIZATIONS, VILLAGE_INCOMES):
    add_routes(router, resource)


class IncomeIn(Schema):
    amount_yuan: Decimal | None = None
    operating_yuan: Decimal | None = None


class ChamberMemberIn(Schema):
    enterprise: int


@router.put(
    "/villages/{int:village_id}/incomes/{int:year}",
    response=INCOME.schema,
    summary="Set a village's collective income for a year",
)
def village_income_set(request, village_id: int, year: int, payload: IncomeIn):
    user = user_of(request)
    village = get_editable_or_404(user, Village, village_id)
    income = VillageIncome.objects.filter(village=village, year=year).first()
    data = {"village": village.pk, "year": year, **payload_of(payload)}
    for key in ("amount_yuan", "operating_yuan"):
        if data.get(key) is not None:
            data[key] = str(data[key])
    form = bind_form(VillageIncomeForm, data, user=user, instance=income)
    income = object_save(user=user, instance=form.instance)
    return INCOME.rows(VillageIncome.objects.filter(pk=income.pk))[0]


@router.delete(
    "/villages/{int:village_id}/incomes/{int:year}",
    response={204: None},
    summary="Remove a village's collective income for a year",
)
def village_income_delete(request, village_id: int, year: int):
    user = user_of(request)
    village = get_editable_or_404(user, Village, village_id)
    income = VillageIncome.objects.filter(village=village, year=year).first()
    if income is None:
        raise Http404
    object_delete(user=user, instance=income)
    return Status(204, None)


@router.get(
    "/organizations/{int:org_id}/chamber-members",
    response=list[CHAMBER_MEMBERSHIP.schema],
    summary="List a chamber's member enterprises",
)
def chamber_member_list(request, org_id: int):
    return ORGANIZATIONS.one(user_of(request), org_id)["chamber_members"]


@router.post(
    "/organizations/{int:org_id}/chamber-members",
    response={201: CHAMBER_MEMBERSHIP.schema},
    summary="Add an enterprise to a chamber of commerce",
)
def chamber_member_add(request, org_id: int, payload: ChamberMemberIn):
    user = user_of(request)
    chamber = get_editable_or_404(user, Organization, org_id)
    data = {"chamber": chamber.pk, "enterprise": payload.enterprise}
    form = bind_form(ChamberMembershipForm, data, user=user)
    membership = object_save(user=user, instance=form.instance)
    return Status(
        201, CHAMBER_MEMBERSHIP.rows(ChamberMembership.objects.filter(pk=membership.pk))[0]
    )


@router.delete(
    "/organizations/{int:org_id}/chamber-members/{int:membership_id}",
    response={204: None},
    summary="Remove an enterprise from a chamber of commerce",
)
def chamber_member_remove(request, org_id: int, membership_id: int):
    user = user_of(request)
    memberships = editable_by(user, ChamberMembership).filter(chamber_id=org_id)
    object_delete(user=user, instance=get_editable_or_404(user, memberships, membership_id))
    return Status(204, None)
