"""API for the registry: areas, villages (with yearly collective incomes) and organisations
(with chamber memberships). Reads go through `visible_to` and the FilterSets, writes through
the forms and services the pages use (see docs/api.md)."""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from tianmu.core.api import (
    Money,
    Page,
    PageParams,
    bind_form,
    ensure_can_create,
    filter_parameters,
    filtered,
    get_editable_or_404,
    get_visible_or_404,
    paginate,
    payload_of,
    user_of,
)
from tianmu.core.scoping import editable_by, visible_to
from tianmu.core.services import object_delete, object_save
from tianmu.registry.filtersets import AreaFilterSet, OrganizationFilterSet, VillageFilterSet
from tianmu.registry.forms import (
    AreaForm,
    ChamberMembershipForm,
    OrganizationForm,
    VillageForm,
    VillageIncomeForm,
)
from tianmu.registry.models import Area, ChamberMembership, Organization, Village, VillageIncome
from tianmu.registry.services import organization_save, village_delete, village_save

router = Router(tags=["registry"])


# --- Schemas ----------------------------------------------------------------------------------


class AreaRef(Schema):
    id: int
    name: str
    code: str | None


class OrganizationRef(Schema):
    id: int
    name: str
    kind: str


class AreaOut(Schema):
    id: int
    name: str
    level: str
    code: str | None
    parent: int | None = Field(alias="parent_id")
    lat: float | None
    lon: float | None


class AreaIn(Schema):
    name: str | None = None
    level: str | None = None
    code: str | None = None
    parent: int | None = None
    lat: float | None = None
    lon: float | None = None


class IncomeOut(Schema):
    year: int
    amount_yuan: Money


class IncomeIn(Schema):
    amount_yuan: Decimal | None = None


class VillageOut(Schema):
    id: int
    name: str
    code: str | None
    town: AreaRef
    population: int | None
    households: int | None
    low_income_households: int | None
    idle_farmland_mu: Money | None
    main_products: list[str]
    development_needs: list[str]
    is_example: bool
    incomes: list[IncomeOut]

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.area.name

    @staticmethod
    def resolve_code(obj) -> str | None:
        return obj.area.code

    @staticmethod
    def resolve_town(obj):
        return obj.area.parent

    @staticmethod
    def resolve_incomes(obj):
        return list(obj.incomes.all())  # prefetched, newest year first


class VillageIn(Schema):
    name: str | None = None
    code: str | None = None
    town: int | None = None
    population: int | None = None
    households: int | None = None
    low_income_households: int | None = None
    idle_farmland_mu: Decimal | None = None
    main_products: list[str] | None = None
    development_needs: list[str] | None = None
    is_example: bool | None = None


class OrganizationOut(Schema):
    id: int
    kind: str
    name: str
    credit_code: str | None
    industry: str
    employees: int | None
    home_town: int | None = Field(alias="home_town_id")
    capabilities: list[str]
    fic_executive: bool
    fic_position: str
    partner_kind: str
    service_area: list[int]
    is_example: bool

    @staticmethod
    def resolve_service_area(obj) -> list[int]:
        return sorted(a.pk for a in obj.service_area.all())  # prefetched


class ChamberMembershipOut(Schema):
    id: int
    chamber: OrganizationRef
    enterprise: OrganizationRef


class OrganizationDetailOut(OrganizationOut):
    chambers: list[ChamberMembershipOut]
    chamber_members: list[ChamberMembershipOut]

    @staticmethod
    def resolve_chambers(obj):
        return obj.api_chambers

    @staticmethod
    def resolve_chamber_members(obj):
        return obj.api_chamber_members


class OrganizationIn(Schema):
    kind: str | None = None
    name: str | None = None
    credit_code: str | None = None
    industry: str | None = None
    employees: int | None = None
    home_town: int | None = None
    capabilities: list[str] | None = None
    fic_executive: bool | None = None
    fic_position: str | None = None
    partner_kind: str | None = None
    service_area: list[int] | None = None
    is_example: bool | None = None


class ChamberMemberIn(Schema):
    enterprise: int


# --- Areas ------------------------------------------------------------------------------------


def _areas(user):
    return visible_to(user, Area)


@router.get(
    "/areas",
    response=Page[AreaOut],
    openapi_extra=filter_parameters(AreaFilterSet),
    summary="List areas",
)
def area_list(request, page: Query[PageParams]):
    qs = filtered(request, AreaFilterSet, _areas(user_of(request)))
    return paginate(qs, page)


@router.get("/areas/{int:area_id}", response=AreaOut, summary="Get an area")
def area_detail(request, area_id: int):
    return get_visible_or_404(user_of(request), Area, area_id)


@router.post("/areas", response={201: AreaOut}, summary="Create an area")
def area_create(request, payload: AreaIn):
    user = user_of(request)
    ensure_can_create(user, Area)
    form = bind_form(AreaForm, payload_of(payload), user=user)
    return Status(201, object_save(user=user, instance=form.instance))


@router.patch("/areas/{int:area_id}", response=AreaOut, summary="Change an area")
def area_update(request, area_id: int, payload: AreaIn):
    user = user_of(request)
    area = get_editable_or_404(user, Area, area_id)
    form = bind_form(AreaForm, payload_of(payload), user=user, instance=area, partial=True)
    return object_save(user=user, instance=form.instance)


@router.delete("/areas/{int:area_id}", response={204: None}, summary="Delete an area")
def area_delete(request, area_id: int):
    user = user_of(request)
    object_delete(user=user, instance=get_editable_or_404(user, Area, area_id))
    return Status(204, None)


# --- Villages ---------------------------------------------------------------------------------


def _villages(user):
    return visible_to(user, Village).select_related("area__parent").prefetch_related("incomes")


def _village_payload(payload: VillageIn) -> dict:
    data = payload_of(payload)
    if "idle_farmland_mu" in data and data["idle_farmland_mu"] is not None:
        data["idle_farmland_mu"] = str(data["idle_farmland_mu"])
    return data


@router.get(
    "/villages",
    response=Page[VillageOut],
    openapi_extra=filter_parameters(VillageFilterSet),
    summary="List villages",
)
def village_list(request, page: Query[PageParams]):
    qs = filtered(request, VillageFilterSet, _villages(user_of(request)))
    return paginate(qs, page)


@router.get("/villages/{int:village_id}", response=VillageOut, summary="Get a village")
def village_detail(request, village_id: int):
    return get_visible_or_404(user_of(request), _villages(user_of(request)), village_id)


@router.post("/villages", response={201: VillageOut}, summary="Create a village")
def village_create(request, payload: VillageIn):
    user = user_of(request)
    ensure_can_create(user, Village)
    form = bind_form(VillageForm, _village_payload(payload), user=user)
    village = village_save(user=user, village=form.instance, area=form.area)
    return Status(201, _villages(user).get(pk=village.pk))


@router.patch("/villages/{int:village_id}", response=VillageOut, summary="Change a village")
def village_update(request, village_id: int, payload: VillageIn):
    user = user_of(request)
    village = get_editable_or_404(user, Village.objects.select_related("area"), village_id)
    form = bind_form(
        VillageForm, _village_payload(payload), user=user, instance=village, partial=True
    )
    village_save(user=user, village=form.instance, area=form.area)
    return _villages(user).get(pk=village.pk)


@router.delete("/villages/{int:village_id}", response={204: None}, summary="Delete a village")
def village_remove(request, village_id: int):
    user = user_of(request)
    village = get_editable_or_404(user, Village.objects.select_related("area"), village_id)
    village_delete(user=user, village=village)
    return Status(204, None)


@router.put(
    "/villages/{int:village_id}/incomes/{int:year}",
    response=IncomeOut,
    summary="Set a village's collective income for a year",
)
def village_income_set(request, village_id: int, year: int, payload: IncomeIn):
    user = user_of(request)
    village = get_editable_or_404(user, Village, village_id)
    income = VillageIncome.objects.filter(village=village, year=year).first()
    data = {"village": village.pk, "year": year, **payload_of(payload)}
    if data.get("amount_yuan") is not None:
        data["amount_yuan"] = str(data["amount_yuan"])
    form = bind_form(VillageIncomeForm, data, user=user, instance=income)
    return object_save(user=user, instance=form.instance)


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


# --- Organisations ----------------------------------------------------------------------------


def _organizations(user):
    return visible_to(user, Organization).prefetch_related("service_area")


def _organization_detail(user, pk: int) -> Organization:
    org = get_visible_or_404(user, _organizations(user), pk)
    memberships = visible_to(user, ChamberMembership).select_related("chamber", "enterprise")
    # Kept beside the managers of the same names, which cannot be assigned to.
    org.api_chambers = list(memberships.filter(enterprise=org).order_by("chamber__name"))
    org.api_chamber_members = list(memberships.filter(chamber=org).order_by("enterprise__name"))
    return org


def _organization_save(user, form) -> Organization:
    service_area = form.cleaned_data.get("service_area") or []
    return organization_save(user=user, organization=form.instance, service_area=service_area)


@router.get(
    "/organizations",
    response=Page[OrganizationOut],
    openapi_extra=filter_parameters(OrganizationFilterSet),
    summary="List organisations",
)
def organization_list(request, page: Query[PageParams]):
    qs = filtered(request, OrganizationFilterSet, _organizations(user_of(request)))
    return paginate(qs, page)


@router.get(
    "/organizations/{int:org_id}",
    response=OrganizationDetailOut,
    summary="Get an organisation with its chamber memberships",
)
def organization_detail(request, org_id: int):
    return _organization_detail(user_of(request), org_id)


@router.post(
    "/organizations", response={201: OrganizationDetailOut}, summary="Create an organisation"
)
def organization_create(request, payload: OrganizationIn):
    user = user_of(request)
    ensure_can_create(user, Organization)
    form = bind_form(OrganizationForm, payload_of(payload), user=user)
    org = _organization_save(user, form)
    return Status(201, _organization_detail(user, org.pk))


@router.patch(
    "/organizations/{int:org_id}",
    response=OrganizationDetailOut,
    summary="Change an organisation",
)
def organization_update(request, org_id: int, payload: OrganizationIn):
    user = user_of(request)
    org = get_editable_or_404(user, Organization, org_id)
    form = bind_form(OrganizationForm, payload_of(payload), user=user, instance=org, partial=True)
    _organization_save(user, form)
    return _organization_detail(user, org.pk)


@router.delete(
    "/organizations/{int:org_id}", response={204: None}, summary="Delete an organisation"
)
def organization_delete(request, org_id: int):
    user = user_of(request)
    object_delete(user=user, instance=get_editable_or_404(user, Organization, org_id))
    return Status(204, None)


@router.get(
    "/organizations/{int:org_id}/chamber-members",
    response=list[ChamberMembershipOut],
    summary="List a chamber's member enterprises",
)
def chamber_member_list(request, org_id: int):
    return _organization_detail(user_of(request), org_id).api_chamber_members


@router.post(
    "/organizations/{int:org_id}/chamber-members",
    response={201: ChamberMembershipOut},
    summary="Add an enterprise to a chamber of commerce",
)
def chamber_member_add(request, org_id: int, payload: ChamberMemberIn):
    user = user_of(request)
    chamber = get_editable_or_404(user, Organization, org_id)
    data = {"chamber": chamber.pk, "enterprise": payload.enterprise}
    form = bind_form(ChamberMembershipForm, data, user=user)
    membership = object_save(user=user, instance=form.instance)
    return Status(
        201,
        ChamberMembership.objects.select_related("chamber", "enterprise").get(pk=membership.pk),
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
