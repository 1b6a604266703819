"""API for programmes, alliances (with their members) and pairings.

Memberships and pairings are history: they are ended (an end date), never deleted.
"""

from __future__ import annotations

import datetime

from django.db.models import Prefetch
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from tianmu.alliances.filtersets import (
    AllianceFilterSet,
    AllianceMemberFilterSet,
    PairingFilterSet,
    ProgramFilterSet,
)
from tianmu.alliances.forms import (
    AllianceForm,
    AllianceMemberForm,
    EndForm,
    PairingForm,
    ProgramForm,
)
from tianmu.alliances.models import Alliance, AllianceMember, DateRangeMixin, Pairing, Program
from tianmu.alliances.selectors import alliance_rule_check
from tianmu.alliances.services import member_add, member_end, pairing_create, pairing_end
from tianmu.core.api import (
    InvalidInput,
    Page,
    PageParams,
    VillageRef,
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
from tianmu.core.services import object_delete, object_save
from tianmu.registry.api import AreaRef, OrganizationRef

router = Router(tags=["alliances"])


# --- Schemas ----------------------------------------------------------------------------------


class ProgramRef(Schema):
    id: int
    name: str


class AllianceRef(Schema):
    id: int
    name: str


class ProgramOut(Schema):
    id: int
    name: str
    county: AreaRef
    start: datetime.date
    end: datetime.date | None
    core_count: int
    chamber_count: int
    chamber_must_be_local: bool
    partners_min: int
    partners_max: int | None
    core_must_be_fic: bool
    description: str
    formula: str


class ProgramIn(Schema):
    name: str | None = None
    county: int | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    core_count: int | None = None
    chamber_count: int | None = None
    chamber_must_be_local: bool | None = None
    partners_min: int | None = None
    partners_max: int | None = None
    core_must_be_fic: bool | None = None
    description: str | None = None


class PairingBrief(Schema):
    id: int
    village: VillageRef
    start: datetime.date
    end: datetime.date | None
    note: str


class PairingOut(PairingBrief):
    alliance: AllianceRef
    active: bool

    @staticmethod
    def resolve_active(obj) -> bool:
        return obj.is_active(timezone.localdate())


class PairingIn(Schema):
    alliance: int | None = None
    village: int | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    note: str | None = None


class EndIn(Schema):
    end: datetime.date


class MemberOut(Schema):
    id: int
    organization: OrganizationRef
    role: str
    function: str
    start: datetime.date
    end: datetime.date | None
    active: bool

    @staticmethod
    def resolve_active(obj) -> bool:
        return obj.is_active(timezone.localdate())


class MemberIn(Schema):
    organization: int | None = None
    role: str | None = None
    function: str | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None


class RuleCheckOut(Schema):
    ok: bool
    problems: list[str]
    counts: dict[str, int]


class AllianceOut(Schema):
    id: int
    name: str
    status: str
    positioning: str
    program: ProgramRef
    current_pairing: PairingBrief | None

    @staticmethod
    def resolve_current_pairing(obj):
        current = getattr(obj, "current_pairings", None)
        return current[0] if current else None


class AllianceDetailOut(AllianceOut):
    members: list[MemberOut]
    rule_check: RuleCheckOut

    @staticmethod
    def resolve_members(obj):
        return obj.member_rows


class AllianceIn(Schema):
    program: int | None = None
    name: str | None = None
    status: str | None = None
    positioning: str | None = None


# --- Programmes -------------------------------------------------------------------------------


def _programs(user):
    return visible_to(user, Program).select_related("county")


@router.get(
    "/programs",
    response=Page[ProgramOut],
    openapi_extra=filter_parameters(ProgramFilterSet),
    summary="List programmes",
)
def program_list(request, page: Query[PageParams]):
    return paginate(filtered(request, ProgramFilterSet, _programs(user_of(request))), page)


@router.get("/programs/{int:program_id}", response=ProgramOut, summary="Get a programme")
def program_detail(request, program_id: int):
    return get_visible_or_404(user_of(request), _programs(user_of(request)), program_id)


@router.post("/programs", response={201: ProgramOut}, summary="Create a programme")
def program_create(request, payload: ProgramIn):
    user = user_of(request)
    ensure_can_create(user, Program)
    form = bind_form(ProgramForm, payload_of(payload), user=user)
    program = object_save(user=user, instance=form.instance)
    return Status(201, _programs(user).get(pk=program.pk))


@router.patch("/programs/{int:program_id}", response=ProgramOut, summary="Change a programme")
def program_update(request, program_id: int, payload: ProgramIn):
    user = user_of(request)
    program = get_editable_or_404(user, Program, program_id)
    form = bind_form(ProgramForm, payload_of(payload), user=user, instance=program, partial=True)
    object_save(user=user, instance=form.instance)
    return _programs(user).get(pk=program.pk)


@router.delete("/programs/{int:program_id}", response={204: None}, summary="Delete a programme")
def program_delete(request, program_id: int):
    user = user_of(request)
    object_delete(user=user, instance=get_editable_or_404(user, Program, program_id))
    return Status(204, None)


# --- Alliances --------------------------------------------------------------------------------


def _alliances(user):
    today = timezone.localdate()
    current = Pairing.objects.filter(DateRangeMixin.active_on(today)).select_related(
        "village__area"
    )
    return (
        visible_to(user, Alliance)
        .select_related("program")
        .prefetch_related(Prefetch("pairings", queryset=current, to_attr="current_pairings"))
    )


def _alliance_detail(user, pk: int) -> Alliance:
    alliance = get_visible_or_404(user, _alliances(user), pk)
    alliance.rule_check = alliance_rule_check(alliance=alliance)
    alliance.member_rows = list(_members(user, alliance))
    return alliance


def _members(user, alliance: Alliance):
    return (
        visible_to(user, AllianceMember)
        .filter(alliance=alliance)
        .select_related("organization")
        .order_by("role", "start", "id")
    )


@router.get(
    "/alliances",
    response=Page[AllianceOut],
    openapi_extra=filter_parameters(AllianceFilterSet),
    summary="List alliances",
)
def alliance_list(request, page: Query[PageParams]):
    return paginate(filtered(request, AllianceFilterSet, _alliances(user_of(request))), page)


@router.get(
    "/alliances/{int:alliance_id}",
    response=AllianceDetailOut,
    summary="Get an alliance with its members, current pairing and rule check",
)
def alliance_detail(request, alliance_id: int):
    return _alliance_detail(user_of(request), alliance_id)


@router.post("/alliances", response={201: AllianceDetailOut}, summary="Create an alliance")
def alliance_create(request, payload: AllianceIn):
    user = user_of(request)
    ensure_can_create(user, Alliance)
    form = bind_form(AllianceForm, payload_of(payload), user=user)
    alliance = object_save(user=user, instance=form.instance)
    return Status(201, _alliance_detail(user, alliance.pk))


@router.patch(
    "/alliances/{int:alliance_id}", response=AllianceDetailOut, summary="Change an alliance"
)
def alliance_update(request, alliance_id: int, payload: AllianceIn):
    user = user_of(request)
    alliance = get_editable_or_404(user, Alliance, alliance_id)
    form = bind_form(AllianceForm, payload_of(payload), user=user, instance=alliance, partial=True)
    object_save(user=user, instance=form.instance)
    return _alliance_detail(user, alliance.pk)


@router.delete(
    "/alliances/{int:alliance_id}",
    response={204: None},
    summary="Delete an alliance that has no members or pairings",
)
def alliance_delete(request, alliance_id: int):
    user = user_of(request)
    object_delete(user=user, instance=get_editable_or_404(user, Alliance, alliance_id))
    return Status(204, None)


@router.get(
    "/alliances/{int:alliance_id}/members",
    response=Page[MemberOut],
    openapi_extra=filter_parameters(AllianceMemberFilterSet),
    summary="List an alliance's members, current and ended",
)
def member_list(request, alliance_id: int, page: Query[PageParams]):
    user = user_of(request)
    alliance = get_visible_or_404(user, Alliance, alliance_id)
    return paginate(filtered(request, AllianceMemberFilterSet, _members(user, alliance)), page)


@router.post(
    "/alliances/{int:alliance_id}/members",
    response={201: MemberOut},
    summary="Add a member to an alliance",
)
def member_create(request, alliance_id: int, payload: MemberIn):
    user = user_of(request)
    alliance = get_editable_or_404(user, Alliance.objects.select_related("program"), alliance_id)
    form = bind_form(AllianceMemberForm, payload_of(payload), user=user, alliance=alliance)
    return Status(201, member_add(user=user, member=form.instance))


@router.post(
    "/alliances/{int:alliance_id}/members/{int:member_id}/end",
    response=MemberOut,
    summary="End a membership (it stays as history)",
)
def member_finish(request, alliance_id: int, member_id: int, payload: EndIn):
    user = user_of(request)
    alliance = get_editable_or_404(user, Alliance, alliance_id)
    member = get_editable_or_404(
        user, AllianceMember.objects.filter(alliance=alliance).select_related("organization"),
        member_id,
    )  # fmt: skip
    end = _end_date(payload)
    return member_end(user=user, member=member, end=end)


def _end_date(payload: EndIn) -> datetime.date:
    """The end date, through the same form as the pages' “end” dialog."""
    form = EndForm(data=payload_of(payload))
    if not form.is_valid():
        raise InvalidInput({k: [str(m) for m in v] for k, v in form.errors.items()})
    return form.cleaned_data["end"]


# --- Pairings ---------------------------------------------------------------------------------


def _pairings(user):
    return visible_to(user, Pairing).select_related("alliance", "village__area")


@router.get(
    "/pairings",
    response=Page[PairingOut],
    openapi_extra=filter_parameters(PairingFilterSet),
    summary="List pairings",
)
def pairing_list(request, page: Query[PageParams]):
    return paginate(filtered(request, PairingFilterSet, _pairings(user_of(request))), page)


@router.get("/pairings/{int:pairing_id}", response=PairingOut, summary="Get a pairing")
def pairing_detail(request, pairing_id: int):
    return get_visible_or_404(user_of(request), _pairings(user_of(request)), pairing_id)


@router.post("/pairings", response={201: PairingOut}, summary="Pair an alliance with a village")
def pairing_add(request, payload: PairingIn):
    user = user_of(request)
    ensure_can_create(user, Pairing)
    form = bind_form(PairingForm, payload_of(payload), user=user)
    pairing = pairing_create(user=user, pairing=form.instance)
    return Status(201, _pairings(user).get(pk=pairing.pk))


@router.post(
    "/pairings/{int:pairing_id}/end",
    response=PairingOut,
    summary="End a pairing (it stays as history)",
)
def pairing_finish(request, pairing_id: int, payload: EndIn):
    user = user_of(request)
    pairing = get_editable_or_404(user, _pairings(user), pairing_id)
    pairing_end(user=user, pairing=pairing, end=_end_date(payload))
    return pairing
