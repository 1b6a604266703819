"""The registry's resources: areas, villages and organisations (tianmu.core.resources)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Exists, OuterRef
from django.utils import timezone
from ninja import Schema

from tianmu.core.models import DateRangeMixin
from tianmu.core.resources import Many, Nest, Resource, Shape, Val
from tianmu.registry.filtersets import (
    AreaFilterSet,
    OrganizationFilterSet,
    VillageFilterSet,
    VillageIncomeFilterSet,
)
from tianmu.registry.forms import AreaForm, OrganizationForm, VillageForm
from tianmu.registry.models import Area, ChamberMembership, Organization, Village, VillageIncome
from tianmu.registry.services import organization_save, village_delete, village_save
from tianmu.registry.tables import AreaTable, OrganizationTable, VillageTable

# --- Shapes that other apps nest ------------------------------------------------------------

AREA_REF = Shape("AreaRef", Area, {"id": None, "name": None, "code": None})
ORGANIZATION_REF = Shape("OrganizationRef", Organization, {"id": None, "name": None, "kind": None})
#: A village by its name and division code, which live on its area.
VILLAGE_REF = Shape(
    "VillageRef", Village, {"id": None, "name": Val("area__name"), "code": Val("area__code")}
)


def ref(shape: Shape, path: str) -> Nest:
    return Nest(shape, path)


# --- Areas ------------------------------------------------------------------------------------


class AreaIn(Schema):
    name: str | None = None
    level: str | None = None
    code: str | None = None
    parent: int | None = None
    lat: float | None = None
    lon: float | None = None


AREAS = Resource(
    model=Area,
    path="areas",
    pk_name="area_id",
    shape=Shape(
        "AreaOut",
        Area,
        {
            "id": None,
            "name": None,
            "level": None,
            "code": None,
            "parent": None,
            "lat": None,
            "lon": None,
        },
    ),
    filterset=AreaFilterSet,
    form=AreaForm,
    input_schema=AreaIn,
    table=AreaTable,
    natural_key=("code",),
    base_queryset=lambda user: Area.objects.select_related("parent"),
    labels={"list": "List areas", "detail": "Get an area", "create": "Create an area"},
    page_prefix="areas",
)


# --- Villages ---------------------------------------------------------------------------------


def villages_with_pairing_state(user=None):
    """Villages with `is_paired`: whether a pairing that counts is active today.

    Pairings are reached by their relation name only: registry is below alliances
    (docs/overview.md#layers), like VillageFilterSet's `active_prefix`."""
    today = timezone.localdate()
    # Which pairings count (never a draft alliance's) is the alliances app's rule, handed down
    # through the village FilterSet, like the village figures' (docs/overview.md#layers).
    active = Village.objects.filter(
        DateRangeMixin.active_on(today, prefix="pairings__"),
        VillageFilterSet.counted_q(None),
        pk=OuterRef("pk"),
    )
    return Village.objects.select_related("area__parent").annotate(is_paired=Exists(active))


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
    lat: float | None = None
    lon: float | None = None


INCOME = Shape(
    "IncomeOut", VillageIncome, {"year": None, "amount_yuan": None, "operating_yuan": None}
)

VILLAGES = Resource(
    model=Village,
    path="villages",
    pk_name="village_id",
    shape=Shape(
        "VillageOut",
        Village,
        {
            "id": None,
            "name": Val("area__name"),
            "code": Val("area__code"),
            "town": ref(AREA_REF, "area__parent"),
            # The village's coordinates are its area's, as its name and code are (docs/api.md).
            "lat": Val("area__lat"),
            "lon": Val("area__lon"),
            "population": None,
            "households": None,
            "low_income_households": None,
            "idle_farmland_mu": None,
            "main_products": None,
            "development_needs": None,
            "is_example": None,
            "incomes": Many("incomes", INCOME, order_by=("-year",)),
        },
    ),
    filterset=VillageFilterSet,
    form=VillageForm,
    input_schema=VillageIn,
    table=VillageTable,
    natural_key=("area__code",),
    base_queryset=villages_with_pairing_state,
    save=lambda user, form: village_save(user=user, village=form.instance, area=form.area),
    delete=lambda user, obj: village_delete(user=user, village=obj),
    page_prefix="villages",
)


#: Every village's income by year, as one list (the 三资 sheet's rows: docs/exchange.md), for
#: the API and its export; a village's page and its API show its own.
VILLAGE_INCOMES = Resource(
    model=VillageIncome,
    path="village-incomes",
    shape=Shape(
        "VillageIncomeOut",
        VillageIncome,
        {
            "id": None,
            "village": Nest(VILLAGE_REF, "village"),
            "year": None,
            "amount_yuan": None,
            "operating_yuan": None,
        },
    ),
    filterset=VillageIncomeFilterSet,
    operations=("list",),
    base_queryset=lambda user: VillageIncome.objects.select_related("village__area"),
    labels={"list": "List villages' collective incomes by year"},
)


# --- Organisations ----------------------------------------------------------------------------


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


CHAMBER_MEMBERSHIP = Shape(
    "ChamberMembershipOut",
    ChamberMembership,
    {
        "id": None,
        "chamber": ref(ORGANIZATION_REF, "chamber"),
        "enterprise": ref(ORGANIZATION_REF, "enterprise"),
    },
)

ORGANIZATION = Shape(
    "OrganizationOut",
    Organization,
    {
        "id": None,
        "kind": None,
        "name": None,
        "credit_code": None,
        "industry": None,
        "employees": None,
        "home_town": None,
        "capabilities": None,
        "fic_executive": None,
        "fic_position": None,
        "partner_kind": None,
        "service_area": Many("service_area", flat="pk", order_by=("pk",)),
        "is_example": None,
    },
)

ORGANIZATIONS = Resource(
    model=Organization,
    path="organizations",
    pk_name="org_id",
    shape=ORGANIZATION,
    detail_shape=Shape(
        "OrganizationDetailOut",
        Organization,
        {
            "chambers": Many(
                "chamber_memberships",
                CHAMBER_MEMBERSHIP,
                order_by=("chamber__name",),
                scoped=True,
            ),
            "chamber_members": Many(
                "chamber_members",
                CHAMBER_MEMBERSHIP,
                order_by=("enterprise__name",),
                scoped=True,
            ),
        },
        extends=ORGANIZATION,
    ),
    filterset=OrganizationFilterSet,
    form=OrganizationForm,
    input_schema=OrganizationIn,
    table=OrganizationTable,
    natural_key=("credit_code",),
    base_queryset=lambda user: Organization.objects.select_related("home_town"),
    save=lambda user, form: organization_save(
        user=user,
        organization=form.instance,
        service_area=form.cleaned_data.get("service_area") or [],
    ),
    labels={
        "list": "List organisations",
        "detail": "Get an organisation with its chamber memberships",
        "create": "Create an organisation",
        "update": "Change an organisation",
        "delete": "Delete an organisation",
    },
    page_prefix="organizations",
)
