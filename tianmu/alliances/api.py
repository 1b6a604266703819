"""API for programmes, alliances (with their members) and pairings.

Memberships and pairings are history: they are ended (an end date), never deleted.
"""

from __future__ import annotations

import datetime

from ninja import Query, Router, Schema, Status

from tianmu.alliances.filtersets import (
    AllianceMemberFilterSet,
)
from tianmu.alliances.forms import (
    AllianceMemberForm,
    EndForm,
)
from tianmu.alliances.models import Alliance, AllianceMember, Pairing
from tianmu.alliances.resources import (
    ALLIANCE_REF,
    ALLIANCES,
    MEMBER,
    PAIRINGS,
    PROGRAM_REF,
    PROGRAMS,
)
from tianmu.alliances.services import member_add, member_end, pairing_end
from tianmu.core.api import (
    InvalidInput,
    Page,
    PageParams,
    bind_form,
    filter_parameters,
    filtered,
    get_editable_or_404,
    get_visible_or_404,
    payload_of,
    user_of,
)
from tianmu.core.resources import add_routes, one_of, page_of
from tianmu.core.scoping import visible_to

router = Router(tags=["alliances"])

#: Schemas other apps nest in theirs.
AllianceRef = ALLIANCE_REF.schema
ProgramRef = PROGRAM_REF.schema


class EndIn(Schema):
    end: datetime.date


class MemberIn(Schema):
    organization: int | None = None
    role: str | None = None
    function: str | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None


for resource in (PROGRAMS, ALLIANCES, PAIRINGS):
    add_routes(router, resource)


def _members(user, alliance: Alliance):
    return (
        visible_to(user, AllianceMember).filter(alliance=alliance).order_by("role", "start", "id")
    )


@router.get(
    "/alliances/{int:alliance_id}/members",
    response=Page[MEMBER.schema],
    openapi_extra=filter_parameters(AllianceMemberFilterSet),
    summary="List an alliance's members, current and ended",
)
def member_list(request, alliance_id: int, page: Query[PageParams]):
    user = user_of(request)
    alliance = get_visible_or_404(user, Alliance, alliance_id)
    return page_of(
        MEMBER, filtered(request, AllianceMemberFilterSet, _members(user, alliance)), page
    )


@router.post(
    "/alliances/{int:alliance_id}/members",
    response={201: MEMBER.schema},
    summary="Add a member to an alliance",
)
def member_create(request, alliance_id: int, payload: MemberIn):
    user = user_of(request)
    alliance = get_editable_or_404(user, Alliance.objects.select_related("program"), alliance_id)
    form = bind_form(AllianceMemberForm, payload_of(payload), user=user, alliance=alliance)
    member = member_add(user=user, member=form.instance)
    return Status(201, one_of(MEMBER, AllianceMember.objects.all(), member.pk))


@router.post(
    "/alliances/{int:alliance_id}/members/{int:member_id}/end",
    response=MEMBER.schema,
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
    member_end(user=user, member=member, end=end)
    return one_of(MEMBER, AllianceMember.objects.all(), member.pk)


def _end_date(payload: EndIn) -> datetime.date:
    """The end date, through the same form as the pages' “end” dialog."""
    form = EndForm(data=payload_of(payload))
    if not form.is_valid():
        raise InvalidInput({k: [str(m) for m in v] for k, v in form.errors.items()})
    return form.cleaned_data["end"]


@router.post(
    "/pairings/{int:pairing_id}/end",
    response=PAIRINGS.shape.schema,
    summary="End a pairing (it stays as history)",
)
def pairing_finish(request, pairing_id: int, payload: EndIn):
    user = user_of(request)
    pairing = get_editable_or_404(user, Pairing.objects.select_related("village__area"), pairing_id)
    pairing_end(user=user, pairing=pairing, end=_end_date(payload))
    return PAIRINGS.one(user, pairing.pk)
