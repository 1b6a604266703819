"""API for workshops, positions, people, placements and earnings (docs/employment.md).

Personal data: `id_number` and `phone` are always masked in responses; the full value comes
only from `POST /people/{id}/reveal`, for programme admins and the person's village cadre,
and every reveal is logged and rate-limited (docs/personal-data.md). Exact ID-number search
and the access log are in `api_people.py`.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema, Status

from tianmu.core.api import (
    InvalidInput,
    Money,
    Page,
    PageParams,
    Ref,
    VillageRef,
    add_confirmation_routes,
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
from tianmu.core.scoping import visible_to
from tianmu.employment.filtersets import (
    PersonFilterSet,
    PlacementFilterSet,
    PositionFilterSet,
    WorkshopFilterSet,
)
from tianmu.employment.forms import (
    EarningForm,
    PersonForm,
    PlacementForm,
    PositionForm,
    WorkshopForm,
)
from tianmu.employment.models import MonthlyEarning, Person, Placement, Position, Workshop
from tianmu.employment.selectors import earnings_by_year
from tianmu.employment.services import (
    earning_record,
    person_reveal,
    person_save,
    placement_report,
    placement_update,
    position_save,
    workshop_save,
)

router = Router(tags=["employment"])


# --- Schemas ----------------------------------------------------------------------------------


class WorkshopOut(Schema):
    id: int
    name: str
    kind: str
    enterprise: Ref
    alliance: Ref | None
    town: Ref | None
    location: str
    villages: list[VillageRef]
    status: str
    opened_on: datetime.date | None
    description: str

    @staticmethod
    def resolve_villages(obj):
        return list(obj.villages.all())  # prefetched


class WorkshopIn(Schema):
    name: str | None = None
    kind: str | None = None
    enterprise: int | None = None
    alliance: int | None = None
    town: int | None = None
    location: str | None = None
    villages: list[int] | None = None
    status: str | None = None
    opened_on: datetime.date | None = None
    description: str | None = None


class PositionOut(Schema):
    id: int
    workshop: Ref
    title: str
    headcount: int
    pay_basis: str
    pay_rate_yuan: Money | None
    employment_type: str
    is_open: bool


class PositionIn(Schema):
    workshop: int | None = None
    title: str | None = None
    headcount: int | None = None
    pay_basis: str | None = None
    pay_rate_yuan: Decimal | None = None
    employment_type: str | None = None
    is_open: bool | None = None


class PersonOut(Schema):
    id: int
    name: str
    village: VillageRef
    household: str
    low_income: bool
    gender: str
    birth_year: int | None
    id_number: str
    phone: str
    is_example: bool

    @staticmethod
    def resolve_id_number(obj) -> str:
        return obj.id_number_masked

    @staticmethod
    def resolve_phone(obj) -> str:
        return obj.phone_masked


class PersonDetailOut(PersonOut):
    earnings_by_year: dict[str, str]

    @staticmethod
    def resolve_earnings_by_year(obj) -> dict[str, str]:
        return obj.api_earnings


class PersonIn(Schema):
    name: str | None = None
    village: int | None = None
    household: str | None = None
    low_income: bool | None = None
    gender: str | None = None
    birth_year: int | None = None
    id_number: str | None = None
    phone: str | None = None
    clear_id_number: bool | None = None
    clear_phone: bool | None = None
    is_example: bool | None = None


class RevealIn(Schema):
    field: str


class RevealOut(Schema):
    field: str
    value: str


class PersonRef(Schema):
    id: int
    name: str


class PositionRef(Schema):
    id: int
    title: str
    workshop: Ref


class PlacementOut(Schema):
    id: int
    person: PersonRef
    position: PositionRef
    start: datetime.date
    end: datetime.date | None
    employment_type: str
    note: str
    confirmation: str
    reported_side: str
    dispute_reason: str
    corrects: int | None = Field(alias="corrects_id")


class PlacementIn(Schema):
    person: int | None = None
    position: int | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    employment_type: str | None = None
    note: str | None = None
    corrects: int | None = None


class EarningIn(Schema):
    month: datetime.date
    amount_yuan: Decimal


class EarningOut(Schema):
    month: datetime.date
    amount_yuan: Money


def _money_payload(data: dict, *names: str) -> dict:
    for name in names:
        if data.get(name) is not None:
            data[name] = str(data[name])
    return data


# --- Workshops --------------------------------------------------------------------------------


def _workshops(user):
    return (
        visible_to(user, Workshop)
        .select_related("enterprise", "alliance", "town")
        .prefetch_related("villages__area")
    )


@router.get(
    "/workshops",
    response=Page[WorkshopOut],
    openapi_extra=filter_parameters(WorkshopFilterSet),
    summary="List workshops (共富工坊)",
)
def workshop_list(request, page: Query[PageParams]):
    return paginate(filtered(request, WorkshopFilterSet, _workshops(user_of(request))), page)


@router.get("/workshops/{int:pk}", response=WorkshopOut, summary="Get a workshop")
def workshop_detail(request, pk: int):
    return get_visible_or_404(user_of(request), _workshops(user_of(request)), pk)


def _workshop_write(user, form) -> Workshop:
    villages = form.cleaned_data.get("villages")
    workshop = workshop_save(user=user, workshop=form.instance, villages=villages)
    return _workshops(user).get(pk=workshop.pk)


@router.post("/workshops", response={201: WorkshopOut}, summary="Create a workshop")
def workshop_create(request, payload: WorkshopIn):
    user = user_of(request)
    ensure_can_create(user, Workshop)
    return Status(
        201, _workshop_write(user, bind_form(WorkshopForm, payload_of(payload), user=user))
    )


@router.patch("/workshops/{int:pk}", response=WorkshopOut, summary="Change a workshop")
def workshop_update(request, pk: int, payload: WorkshopIn):
    user = user_of(request)
    workshop = get_editable_or_404(user, Workshop, pk)
    form = bind_form(WorkshopForm, payload_of(payload), user=user, instance=workshop, partial=True)
    return _workshop_write(user, form)


# --- Positions --------------------------------------------------------------------------------


def _positions(user):
    return visible_to(user, Position).select_related("workshop")


@router.get(
    "/positions",
    response=Page[PositionOut],
    openapi_extra=filter_parameters(PositionFilterSet),
    summary="List positions (共富岗)",
)
def position_list(request, page: Query[PageParams]):
    return paginate(filtered(request, PositionFilterSet, _positions(user_of(request))), page)


@router.get("/positions/{int:pk}", response=PositionOut, summary="Get a position")
def position_detail(request, pk: int):
    return get_visible_or_404(user_of(request), _positions(user_of(request)), pk)


@router.post("/positions", response={201: PositionOut}, summary="Create a position")
def position_create(request, payload: PositionIn):
    user = user_of(request)
    ensure_can_create(user, Position)
    data = _money_payload(payload_of(payload), "pay_rate_yuan")
    position = position_save(user=user, position=bind_form(PositionForm, data, user=user).instance)
    return Status(201, _positions(user).get(pk=position.pk))


@router.patch("/positions/{int:pk}", response=PositionOut, summary="Change a position")
def position_update(request, pk: int, payload: PositionIn):
    user = user_of(request)
    position = get_editable_or_404(user, Position, pk)
    data = _money_payload(payload_of(payload), "pay_rate_yuan")
    form = bind_form(PositionForm, data, user=user, instance=position, partial=True)
    position_save(user=user, position=form.instance)
    return _positions(user).get(pk=position.pk)


# --- People -----------------------------------------------------------------------------------


def _people(user):
    return visible_to(user, Person).select_related("village__area")


def _person_detail(user, pk: int) -> Person:
    person = get_visible_or_404(user, _people(user), pk)
    person.api_earnings = earnings_by_year(person_ids=[person.pk]).get(person.pk, {})
    return person


@router.get(
    "/people",
    response=Page[PersonOut],
    openapi_extra=filter_parameters(PersonFilterSet),
    summary="List people (ID number and phone masked)",
)
def person_list(request, page: Query[PageParams]):
    return paginate(filtered(request, PersonFilterSet, _people(user_of(request))), page)


@router.get(
    "/people/{int:pk}",
    response=PersonDetailOut,
    summary="Get a person with yearly earnings (ID number and phone masked)",
)
def person_detail(request, pk: int):
    return _person_detail(user_of(request), pk)


@router.post("/people", response={201: PersonDetailOut}, summary="Register a person")
def person_create(request, payload: PersonIn):
    user = user_of(request)
    ensure_can_create(user, Person)
    person = person_save(
        user=user, person=bind_form(PersonForm, payload_of(payload), user=user).instance
    )
    return Status(201, _person_detail(user, person.pk))


@router.patch("/people/{int:pk}", response=PersonDetailOut, summary="Change a person")
def person_update(request, pk: int, payload: PersonIn):
    user = user_of(request)
    person = get_editable_or_404(user, Person, pk)
    form = bind_form(PersonForm, payload_of(payload), user=user, instance=person, partial=True)
    person_save(user=user, person=form.instance)
    return _person_detail(user, pk)


@router.post(
    "/people/{int:pk}/reveal",
    response={200: RevealOut, 403: dict, 429: dict},
    summary="Show a person's full ID number or phone (admins and their village cadre; "
    "logged, rate-limited)",
)
def person_reveal_value(request, pk: int, payload: RevealIn, response: HttpResponse):
    from django.core.exceptions import PermissionDenied
    from django.utils.cache import add_never_cache_headers

    from tianmu.employment.services import RateLimited

    add_never_cache_headers(response)  # the answer holds the full value: never stored
    user = user_of(request)
    person = get_visible_or_404(user, Person, pk)
    try:
        value = person_reveal(user=user, person=person, field=payload.field)
    except PermissionDenied as exc:
        # The person is visible, so saying “not allowed” leaks nothing; a 404 would mislead.
        return Status(403, {"detail": str(exc)})
    except RateLimited as exc:
        return Status(429, {"detail": str(exc)})
    return {"field": payload.field, "value": value}


# --- Placements -------------------------------------------------------------------------------


def _placements(user):
    return visible_to(user, Placement).select_related("person", "position__workshop")


@router.get(
    "/placements",
    response=Page[PlacementOut],
    openapi_extra=filter_parameters(PlacementFilterSet),
    summary="List placements",
)
def placement_list(request, page: Query[PageParams]):
    return paginate(filtered(request, PlacementFilterSet, _placements(user_of(request))), page)


@router.get("/placements/{int:pk}", response=PlacementOut, summary="Get a placement")
def placement_detail(request, pk: int):
    return get_visible_or_404(user_of(request), _placements(user_of(request)), pk)


@router.post(
    "/placements",
    response={201: PlacementOut},
    summary="Report a placement (the other side confirms it)",
)
def placement_create(request, payload: PlacementIn):
    user = user_of(request)
    ensure_can_create(user, Placement)
    form = bind_form(PlacementForm, payload_of(payload), user=user)
    placement = placement_report(user=user, placement=form.instance)
    return Status(201, _placements(user).get(pk=placement.pk))


@router.patch("/placements/{int:pk}", response=PlacementOut, summary="Change a placement")
def placement_change(request, pk: int, payload: PlacementIn):
    user = user_of(request)
    placement = get_editable_or_404(user, Placement, pk)
    form = bind_form(
        PlacementForm, payload_of(payload), user=user, instance=placement, partial=True
    )
    placement_update(user=user, placement=form.instance)
    return _placements(user).get(pk=pk)


add_confirmation_routes(
    router, path="/placements", model=Placement, response=PlacementOut, label="a placement",
    reload=_placements,
)  # fmt: skip


@router.get(
    "/placements/{int:pk}/earnings",
    response=list[EarningOut],
    summary="A placement's monthly earnings",
)
def earning_list(request, pk: int):
    user = user_of(request)
    placement = get_visible_or_404(user, Placement, pk)
    return list(visible_to(user, MonthlyEarning).filter(placement=placement).order_by("month"))


@router.post(
    "/placements/{int:pk}/earnings",
    response={201: EarningOut},
    summary="Record a month's earnings (replaces that month's figure while it is open)",
)
def earning_set(request, pk: int, payload: EarningIn):
    user = user_of(request)
    placement = get_editable_or_404(
        user, Placement.objects.select_related("person__village__area"), pk
    )
    form = EarningForm(data=_money_payload(payload_of(payload), "amount_yuan"))
    if not form.is_valid():
        raise InvalidInput({k: [str(m) for m in v] for k, v in form.errors.items()})
    earning = earning_record(
        user=user,
        placement=placement,
        month=form.cleaned_data["month"],
        amount_yuan=form.cleaned_data["amount_yuan"],
    )
    return Status(201, earning)
