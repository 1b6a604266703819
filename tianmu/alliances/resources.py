"""The alliances app's resources: programmes, alliances (with members) and pairings."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone
from ninja import Schema

from tianmu.alliances.filtersets import AllianceFilterSet, PairingFilterSet, ProgramFilterSet
from tianmu.alliances.forms import AllianceForm, PairingForm, ProgramForm
from tianmu.alliances.models import Alliance, AllianceMember, DateRangeMixin, Pairing, Program
from tianmu.alliances.selectors import alliance_rule_check
from tianmu.alliances.services import pairing_create
from tianmu.alliances.tables import AllianceTable, PairingTable, ProgramTable
from tianmu.core.resources import ACTIVE, Calc, Many, Nest, Obj, Resource, Shape, Val, village_ref
from tianmu.registry.resources import AREA_REF, ORGANIZATION_REF

PROGRAM_REF = Shape("ProgramRef", Program, {"id": None, "name": None})
ALLIANCE_REF = Shape("AllianceRef", Alliance, {"id": None, "name": None})

# --- Programmes -------------------------------------------------------------------------------


class ProgramIn(Schema):
    name: str | None = None
    area: int | None = None
    county: int | None = None  # the former name of `area`, still accepted
    start: datetime.date | None = None
    end: datetime.date | None = None
    core_count: int | None = None
    chamber_count: int | None = None
    chamber_must_be_local: bool | None = None
    partners_min: int | None = None
    partners_max: int | None = None
    core_must_be_fic: bool | None = None
    description: str | None = None


def _program_input(data: dict) -> dict:
    """`county` is the former name of `area`: a client that still sends it sets the area."""
    county = data.pop("county", None)
    if county is not None and data.get("area") is None:
        data["area"] = county
    return data


def _formula(row) -> str:
    return f"{row['core_count']}+{row['chamber_count']}+X"


PROGRAMS = Resource(
    model=Program,
    path="programs",
    pk_name="program_id",
    shape=Shape(
        "ProgramOut",
        Program,
        {
            "id": None,
            "name": None,
            # `county` is kept for existing clients: the same area as `area` (a county, a city
            # or the province; docs/programmes.md).
            "county": Nest(AREA_REF, "area", export=False),
            "area": Nest(AREA_REF, "area"),
            "start": None,
            "end": None,
            "core_count": None,
            "chamber_count": None,
            "chamber_must_be_local": None,
            "partners_min": None,
            "partners_max": None,
            "core_must_be_fic": None,
            "description": None,
            "formula": Calc(_formula, needs=("core_count", "chamber_count"), type=str),
        },
    ),
    filterset=ProgramFilterSet,
    form=ProgramForm,
    input_schema=ProgramIn,
    table=ProgramTable,
    natural_key=("name",),
    base_queryset=lambda user: Program.objects.select_related("area"),
    prepare=_program_input,
    labels={"list": "List programmes", "detail": "Get a programme"},
    page_prefix="programs",
)


# --- Pairings ---------------------------------------------------------------------------------

PAIRING_BRIEF = Shape(
    "PairingBrief",
    Pairing,
    {
        "id": None,
        "village": village_ref(Pairing, "village"),
        "start": None,
        "end": None,
        "note": None,
    },
)


class PairingIn(Schema):
    alliance: int | None = None
    village: int | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    note: str | None = None


PAIRINGS = Resource(
    model=Pairing,
    path="pairings",
    pk_name="pairing_id",
    shape=Shape(
        "PairingOut",
        Pairing,
        {"alliance": Nest(ALLIANCE_REF, "alliance"), "active": ACTIVE},
        extends=PAIRING_BRIEF,
    ),
    filterset=PairingFilterSet,
    form=PairingForm,
    input_schema=PairingIn,
    table=PairingTable,
    natural_key=("alliance__name", "village__area__code", "start"),
    operations=("list", "detail", "create"),
    base_queryset=lambda user: Pairing.objects.select_related(
        "alliance__program", "village__area__parent"
    ),
    save=lambda user, form: pairing_create(user=user, pairing=form.instance),
    labels={"create": "Pair an alliance with a village"},
    page_prefix="pairings",
)


# --- Alliances --------------------------------------------------------------------------------

MEMBER = Shape(
    "MemberOut",
    AllianceMember,
    {
        "id": None,
        "organization": Nest(ORGANIZATION_REF, "organization"),
        "role": None,
        "function": None,
        "start": None,
        "end": None,
        "active": ACTIVE,
    },
)


class RuleCheckOut(Schema):
    ok: bool
    problems: list[str]
    counts: dict[str, int]


def _rule_check(alliance: Alliance, user) -> dict:
    check = alliance_rule_check(alliance=alliance)
    return {"ok": check.ok, "problems": check.problems, "counts": check.counts}


def _current() -> Q:
    return DateRangeMixin.active_on(timezone.localdate())


ALLIANCE = Shape(
    "AllianceOut",
    Alliance,
    {
        "id": None,
        "name": None,
        "status": None,
        "positioning": None,
        "program": Nest(PROGRAM_REF, "program"),
        "current_pairing": Many(
            "pairings", PAIRING_BRIEF, where=_current, order_by=("-start",), first=True
        ),
    },
)


class AllianceIn(Schema):
    program: int | None = None
    name: str | None = None
    status: str | None = None
    positioning: str | None = None


ALLIANCES = Resource(
    model=Alliance,
    path="alliances",
    pk_name="alliance_id",
    shape=ALLIANCE,
    detail_shape=Shape(
        "AllianceDetailOut",
        Alliance,
        {
            "members": Many("members", MEMBER, scoped=True, order_by=("role", "start", "id")),
            "rule_check": Obj(_rule_check, type=RuleCheckOut),
        },
        extends=ALLIANCE,
    ),
    filterset=AllianceFilterSet,
    form=AllianceForm,
    input_schema=AllianceIn,
    table=AllianceTable,
    natural_key=("program__name", "name"),
    base_queryset=lambda user: Alliance.objects.select_related("program__area"),
    labels={
        "detail": "Get an alliance with its members, current pairing and rule check",
        "delete": "Delete an alliance that has no members or pairings",
    },
    page_prefix="",
)

# Val is re-exported for apps that extend these shapes.
__all__ = ["ALLIANCES", "ALLIANCE_REF", "MEMBER", "PAIRINGS", "PROGRAMS", "PROGRAM_REF", "Val"]
