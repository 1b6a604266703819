"""`/api/v1/reporting-rounds`: open a round, list the rounds, read one with each reporter's
status, close it, declare nothing to report (docs/rounds.md)."""

from __future__ import annotations

import datetime

from ninja import Query, Router, Schema, Status

from tianmu.core.api import (
    InvalidInput,
    PageParams,
    check_page,
    ensure_can_create,
    get_visible_or_404,
    user_of,
)
from tianmu.rounds.choices import RoundKind, RoundStatus
from tianmu.rounds.forms import DeclareForm, RoundForm, reporters_from
from tianmu.rounds.models import Round
from tianmu.rounds.selectors import counts_of, reported_at, reporters_of, rounds_of
from tianmu.rounds.services import round_close, round_declare, round_open, round_settle

router = Router(tags=["reporting rounds"])


class ProgramRef(Schema):
    id: int
    name: str


class Counts(Schema):
    total: int
    reported: int
    declared: int
    pending: int
    overdue: int


class RoundOut(Schema):
    id: int
    program: ProgramRef
    kind: str
    kind_label: str
    period: str
    period_start: datetime.date
    period_end: datetime.date
    deadline: datetime.date
    status: str
    opened_by: str | None
    opened_at: datetime.datetime
    closed_at: datetime.datetime | None
    closed_by: str | None
    counts: Counts


class ReporterVillage(Schema):
    id: int
    name: str
    code: str | None


class ReporterOut(Schema):
    id: int
    name: str
    village: ReporterVillage | None
    organization: ProgramRef | None
    status: str
    reported_at: datetime.datetime | None
    declared_at: datetime.datetime | None
    declared_by: str | None
    note: str


class RoundDetailOut(RoundOut):
    reporters: list[ReporterOut]


class RoundPage(Schema):
    count: int
    items: list[RoundOut]


class RoundIn(Schema):
    program: int | None = None
    kind: str | None = None
    period: str | None = None
    deadline: str | None = None
    reporters: list[int | str] | None = None


class DeclareIn(Schema):
    note: str = ""


class RoundFilters(Schema):
    status: RoundStatus | None = None
    kind: RoundKind | None = None
    program: int | None = None


def _name(user) -> str | None:
    return user.username if user is not None else None


def _round(r: Round, counts: dict) -> dict:
    return {
        "id": r.pk,
        "program": {"id": r.program_id, "name": r.program.name},
        "kind": r.kind,
        "kind_label": str(r.get_kind_display()),
        "period": r.period,
        "period_start": r.period_start,
        "period_end": r.period_end,
        "deadline": r.deadline,
        "status": r.status,
        "opened_by": _name(r.opened_by),
        "opened_at": r.created,
        "closed_at": r.closed_at,
        "closed_by": _name(r.closed_by),
        "counts": counts,
    }


def _reporter(rep) -> dict:
    village = None
    if rep.village_id:
        village = {
            "id": rep.village_id,
            "name": rep.village.area.name,
            "code": rep.village.area.code,
        }
    org = (
        {"id": rep.organization_id, "name": rep.organization.name} if rep.organization_id else None
    )
    return {
        "id": rep.pk,
        "name": str(rep),
        "village": village,
        "organization": org,
        "status": rep.status,
        "reported_at": reported_at(rep),
        "declared_at": rep.declared_at,
        "declared_by": _name(rep.declared_by),
        "note": rep.note,
    }


def round_detail_data(user, pk: int) -> dict:
    """The detail answer: the round (settled first: it closes once everyone has reported)
    with the reporters `user` may see."""
    r = get_visible_or_404(user, rounds_of(user), pk)
    round_settle(user=user, round_=r)
    r = rounds_of(user).get(pk=pk)
    return _round(r, counts_of(user, [r])[r.pk]) | {
        "reporters": [_reporter(rep) for rep in reporters_of(user, r)]
    }


@router.get(
    "/reporting-rounds",
    response=RoundPage,
    summary="The reporting rounds you may see (latest deadline first), with their counts",
)
def round_list(request, page: Query[PageParams], filters: Query[RoundFilters]):
    user = user_of(request)
    check_page(page)
    qs = rounds_of(user)
    for name, value in filters.model_dump(exclude_none=True).items():
        qs = qs.filter(**{name: value})
    count = qs.count()
    items = list(qs[page.offset : page.offset + page.limit]) if count else []
    counts = counts_of(user, items)
    return {"count": count, "items": [_round(r, counts[r.pk]) for r in items]}


@router.post(
    "/reporting-rounds",
    response={201: RoundDetailOut},
    summary="Open a reporting round (programme admins)",
)
def round_create(request, payload: RoundIn):
    user = user_of(request)
    ensure_can_create(user, Round)  # not a programme admin: 404, whatever the input
    data = payload.model_dump()
    reporters = data.pop("reporters")
    form = RoundForm(data={k: ("" if v is None else str(v)) for k, v in data.items()}, user=user)
    if not form.is_valid():
        raise InvalidInput({k: [str(m) for m in v] for k, v in form.errors.items()})
    chosen = None
    if reporters is not None:
        chosen, unknown = reporters_from(reporters, kind=form.cleaned_data["kind"])
        if unknown:
            raise InvalidInput({"reporters": [_unknown_message(unknown)]})
    c = form.cleaned_data
    r = round_open(
        user=user, program=c["program"], kind=c["kind"], period=c["period"],
        deadline=c["deadline"], reporters=chosen,
    )  # fmt: skip
    return Status(201, round_detail_data(user, r.pk))


def _unknown_message(unknown: list[str]) -> str:
    from django.utils.translation import gettext as _

    return _("No village or organisation is named “%(values)s”.") % {"values": "、".join(unknown)}


@router.get(
    "/reporting-rounds/{int:round_id}",
    response=RoundDetailOut,
    summary="A reporting round with each reporter's status",
)
def round_detail(request, round_id: int):
    return round_detail_data(user_of(request), round_id)


@router.post(
    "/reporting-rounds/{int:round_id}/close",
    response=RoundDetailOut,
    summary="Close a reporting round (programme admins)",
)
def round_close_view(request, round_id: int):
    user = user_of(request)
    r = get_visible_or_404(user, Round, round_id)
    round_close(user=user, round_=r)
    return round_detail_data(user, round_id)


@router.post(
    "/reporting-rounds/{int:round_id}/declare",
    response=RoundDetailOut,
    summary="Declare nothing to report this period (the reporter)",
)
def round_declare_view(request, round_id: int, payload: DeclareIn):
    user = user_of(request)
    r = get_visible_or_404(user, Round, round_id)
    form = DeclareForm(data={"note": payload.note})
    if not form.is_valid():
        raise InvalidInput({k: [str(m) for m in v] for k, v in form.errors.items()})
    round_declare(user=user, round_=r, note=form.cleaned_data["note"])
    return round_detail_data(user, round_id)
