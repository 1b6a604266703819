"""The employment app's resources: workshops, positions, people and placements.

Personal data: `id_number` and `phone` are shown masked in every shape; the full value comes
only from the reveal endpoint (docs/personal-data.md).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Schema

from tianmu.core.api import InvalidInput
from tianmu.core.crypto import mask
from tianmu.core.resources import Calc, Many, Nest, Obj, Resource, Shape, Val, ref, village_ref
from tianmu.employment.filtersets import (
    PersonFilterSet,
    PlacementFilterSet,
    PositionFilterSet,
    WorkshopFilterSet,
)
from tianmu.employment.forms import PersonForm, PlacementForm, PositionForm, WorkshopForm
from tianmu.employment.models import MonthlyEarning, Person, Placement, Position, Workshop
from tianmu.employment.selectors import earnings_by_year
from tianmu.employment.services import (
    log_export_reveals,
    may_export_revealed,
    may_reveal,
    person_save,
    placement_report,
    placement_update,
    position_save,
    workshop_save,
)
from tianmu.employment.tables import PersonTable, PlacementTable, PositionTable, WorkshopTable

# --- Workshops --------------------------------------------------------------------------------


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


WORKSHOPS = Resource(
    model=Workshop,
    path="workshops",
    shape=Shape(
        "WorkshopOut",
        Workshop,
        {
            "id": None,
            "name": None,
            "kind": None,
            "enterprise": ref(Workshop, "enterprise"),
            "alliance": ref(Workshop, "alliance"),
            "town": ref(Workshop, "town"),
            "location": None,
            "villages": Many(
                "villages",
                village_ref(Workshop, "villages").shape,
                order_by=("area__code", "area__name"),
            ),
            "status": None,
            "opened_on": None,
            "description": None,
        },
    ),
    filterset=WorkshopFilterSet,
    form=WorkshopForm,
    input_schema=WorkshopIn,
    table=WorkshopTable,
    natural_key=("enterprise__credit_code", "name"),
    operations=("list", "detail", "create", "update"),
    base_queryset=lambda user: Workshop.objects.select_related("enterprise", "alliance", "town"),
    save=lambda user, form: workshop_save(
        user=user, workshop=form.instance, villages=form.cleaned_data.get("villages")
    ),
    labels={"list": "List workshops (共富工坊)"},
    page_prefix="workshops",
)


# --- Positions --------------------------------------------------------------------------------


class PositionIn(Schema):
    workshop: int | None = None
    title: str | None = None
    headcount: int | None = None
    pay_basis: str | None = None
    pay_rate_yuan: Decimal | None = None
    employment_type: str | None = None
    is_open: bool | None = None


POSITIONS = Resource(
    model=Position,
    path="positions",
    shape=Shape(
        "PositionOut",
        Position,
        {
            "id": None,
            "workshop": ref(Position, "workshop"),
            "title": None,
            "headcount": None,
            "pay_basis": None,
            "pay_rate_yuan": None,
            "employment_type": None,
            "is_open": None,
        },
    ),
    filterset=PositionFilterSet,
    form=PositionForm,
    input_schema=PositionIn,
    table=PositionTable,
    natural_key=("workshop__name", "title"),
    operations=("list", "detail", "create", "update"),
    base_queryset=lambda user: Position.objects.select_related("workshop"),
    save=lambda user, form: position_save(user=user, position=form.instance),
    labels={"list": "List positions (共富岗)"},
    page_prefix="positions",
)


# --- People -----------------------------------------------------------------------------------


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


PERSON = Shape(
    "PersonOut",
    Person,
    {
        "id": None,
        "name": None,
        "village": village_ref(Person, "village"),
        "household": None,
        "low_income": None,
        "gender": None,
        "birth_year": None,
        "id_number": Calc(
            lambda r: mask(r["id_number"], keep_start=6, keep_end=4), needs=("id_number",), type=str
        ),
        "phone": Calc(
            lambda r: mask(r["phone"], keep_start=3, keep_end=4), needs=("phone",), type=str
        ),
        "is_example": None,
    },
)

REVEAL_CHUNK = 500


def _reveal_for_export(user, params, rows):
    """An export's rows, with full ID numbers and phones when `reveal=1` is asked for by a
    user who may see them (programme admins; each person revealed is logged)."""
    if str(params.get("reveal", "")).lower() not in ("1", "true", "yes"):
        return rows
    if not may_export_revealed(user):
        raise InvalidInput(
            {"reveal": [_("Only programme admins may export full ID numbers and phones.")]}
        )

    def revealed():
        chunk: list[dict] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) == REVEAL_CHUNK:
                yield from _reveal_chunk(user, chunk)
                chunk = []
        yield from _reveal_chunk(user, chunk)

    return revealed()


def _reveal_chunk(user, chunk: list[dict]) -> list[dict]:
    if not chunk:
        return chunk
    people = Person.objects.select_related("village__area").in_bulk([r["id"] for r in chunk])
    shown = [
        people[r["id"]] for r in chunk if r["id"] in people and may_reveal(user, people[r["id"]])
    ]
    log_export_reveals(user=user, people=shown)
    full = {p.pk: p for p in shown}
    for row in chunk:
        person = full.get(row["id"])
        if person is not None:
            row["id_number"], row["phone"] = person.id_number, person.phone
    return chunk


PEOPLE = Resource(
    model=Person,
    path="people",
    shape=PERSON,
    detail_shape=Shape(
        "PersonDetailOut",
        Person,
        {
            "earnings_by_year": Obj(
                lambda person, user: earnings_by_year(person_ids=[person.pk]).get(person.pk, {}),
                type=dict[str, str],
            )
        },
        extends=PERSON,
    ),
    filterset=PersonFilterSet,
    form=PersonForm,
    input_schema=PersonIn,
    table=PersonTable,
    natural_key=("id_number",),
    operations=("list", "detail", "create", "update"),
    base_queryset=lambda user: Person.objects.select_related("village__area"),
    save=lambda user, form: person_save(user=user, person=form.instance),
    export_rows=_reveal_for_export,
    labels={
        "list": "List people (ID number and phone masked)",
        "detail": "Get a person with yearly earnings (ID number and phone masked)",
        "create": "Register a person",
    },
    page_prefix="people",
)


# --- Placements -------------------------------------------------------------------------------


class PlacementIn(Schema):
    person: int | None = None
    position: int | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    employment_type: str | None = None
    note: str | None = None
    corrects: int | None = None


def _placement_save(user, form) -> Placement:
    if form.instance.pk is None:
        return placement_report(user=user, placement=form.instance)
    return placement_update(user=user, placement=form.instance)


PLACEMENTS = Resource(
    model=Placement,
    path="placements",
    shape=Shape(
        "PlacementOut",
        Placement,
        {
            "id": None,
            "person": ref(Placement, "person"),
            "position": Nest(
                Shape(
                    "PositionRef",
                    Position,
                    {"id": None, "title": None, "workshop": ref(Position, "workshop")},
                ),
                "position",
            ),
            "start": None,
            "end": None,
            "employment_type": None,
            "note": None,
            "confirmation": None,
            "reported_side": None,
            "dispute_reason": None,
            "corrects": None,
        },
    ),
    filterset=PlacementFilterSet,
    form=PlacementForm,
    input_schema=PlacementIn,
    table=PlacementTable,
    natural_key=("person__id_number", "position__title", "start"),
    operations=("list", "detail", "create", "update"),
    base_queryset=lambda user: Placement.objects.select_related("person", "position__workshop"),
    save=_placement_save,
    labels={"create": "Report a placement (the other side confirms it)"},
    page_prefix="placements",
)

EARNING = Shape("EarningOut", MonthlyEarning, {"month": None, "amount_yuan": None})

__all__ = ["EARNING", "PEOPLE", "PLACEMENTS", "POSITIONS", "WORKSHOPS", "Val"]
