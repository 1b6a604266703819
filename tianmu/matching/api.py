"""API for matching runs: start one, follow it, accept its proposals (docs/matching-platform.md).

Runs are visible to the admins and leaders of the programme's county; only its admins start
runs and accept proposals. Anything else is answered 404 and writes nothing.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from tianmu.alliances.api import AllianceRef, ProgramRef
from tianmu.alliances.models import Program
from tianmu.core.api import (
    InvalidInput,
    Page,
    PageParams,
    VillageRef,
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
from tianmu.matching.filtersets import MatchingRunFilterSet
from tianmu.matching.forms import AcceptForm, RunForm, default_weights
from tianmu.matching.models import MatchingRun
from tianmu.matching.selectors import diagnosis_messages, proposals_with_members
from tianmu.matching.services import proposals_accept, run_create, run_rerun

router = Router(tags=["matching"])


# --- Schemas ----------------------------------------------------------------------------------


class RunIn(Schema):
    program: int | None = None
    villages: list[int] | None = None
    town: int | None = None
    enterprise_pool: str | None = None
    chambers: list[int] | None = None
    partners: list[int] | None = None
    weights: dict[str, float] | None = None
    time_limit: float | None = None


class RunOut(Schema):
    id: int
    program: ProgramRef
    requested_by: str | None
    source_run: int | None = Field(alias="source_run_id")
    status: str
    progress: int
    options: dict[str, Any]
    weights: dict[str, float]
    time_limit: float | None
    notes: list[str]
    error: str
    solver_status: str
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float | None
    created: datetime.datetime
    started: datetime.datetime | None
    finished: datetime.datetime | None

    @staticmethod
    def resolve_requested_by(obj) -> str | None:
        return obj.requested_by.username if obj.requested_by_id else None


class MemberRow(Schema):
    organization: int
    name: str
    role: str
    function: str
    score: float | None
    explanation: dict[str, Any]

    @staticmethod
    def resolve_name(obj) -> str:
        return obj["org"].name if obj.get("org") else ""


class ProposalOut(Schema):
    id: int
    village: VillageRef
    score: float
    members: list[MemberRow]
    current_alliance: AllianceRef | None
    alliance: AllianceRef | None
    accepted: bool
    accepted_at: datetime.datetime | None

    @staticmethod
    def resolve_members(obj):
        return obj.member_rows


class RunDetailOut(RunOut):
    result: dict[str, Any] | None
    diagnosis: list[str]
    proposals: list[ProposalOut]

    @staticmethod
    def resolve_diagnosis(obj) -> list[str]:
        return diagnosis_messages(obj)

    @staticmethod
    def resolve_proposals(obj):
        return obj.proposal_rows


class AcceptIn(Schema):
    villages: list[int] | None = None


class AcceptOut(Schema):
    alliances: list[int]
    created: list[int]
    proposals: list[ProposalOut]


# --- Endpoints --------------------------------------------------------------------------------


def _runs(user):
    return visible_to(user, MatchingRun).select_related("program", "requested_by")


def _detail(user, pk: int) -> MatchingRun:
    run = get_visible_or_404(user, _runs(user), pk)
    run.proposal_rows = proposals_with_members(run=run)
    return run


def _status(run: MatchingRun) -> int:
    """201 once the run has finished (always, without a broker), 202 while it is queued."""
    return 201 if run.is_finished else 202


@router.get(
    "/matching/runs",
    response=Page[RunOut],
    openapi_extra=filter_parameters(MatchingRunFilterSet),
    summary="List matching runs",
)
def run_list(request, page: Query[PageParams]):
    return paginate(filtered(request, MatchingRunFilterSet, _runs(user_of(request))), page)


@router.post(
    "/matching/runs",
    response={201: RunDetailOut, 202: RunDetailOut},
    summary="Propose alliances: start a matching run",
)
def run_start(request, payload: RunIn):
    user = user_of(request)
    ensure_can_create(user, MatchingRun)
    data = payload_of(payload)
    if data.get("program") is not None:
        get_editable_or_404(user, Program, data["program"])  # unknown or not theirs: 404
    weights = data.pop("weights", None) or {}
    known = default_weights()
    unknown = sorted(set(weights) - set(known))
    if unknown:
        raise InvalidInput(
            {
                "weights": [
                    _("Unknown weight(s) %(names)s; known: %(known)s.")
                    % {"names": ", ".join(unknown), "known": ", ".join(known)}
                ]
            }
        )
    for key, value in weights.items():
        data[f"weight_{key}"] = value
    for key in ("villages", "chambers", "partners"):
        if data.get(key) is None:
            data.pop(key, None)
    if "villages" in data and not data.get("selection"):
        data["selection"] = "list"  # a list, even an empty one, means "these villages"
    form = RunForm(data=data, user=user)
    if not form.is_valid():
        errors: dict[str, list[str]] = {}
        for field, messages in form.errors.items():
            if field.startswith("weight_"):
                key = field.removeprefix("weight_")
                errors.setdefault("weights", []).extend(f"{key}: {m}" for m in messages)
            else:
                errors[field] = [str(m) for m in messages]
        raise InvalidInput(errors)
    cd = form.cleaned_data
    run = run_create(
        user=user,
        program=cd["program"],
        villages=cd["selected_villages"],
        enterprise_pool=cd["enterprise_pool"],
        chambers=list(cd["chambers"]) or None,
        partners=list(cd["partners"]) or None,
        weights=cd["weights"],
        time_limit=cd.get("time_limit"),
    )
    return Status(_status(run), _detail(user, run.pk))


@router.get(
    "/matching/runs/{int:run_id}",
    response=RunDetailOut,
    summary="Get a matching run: status, progress, result and proposals",
)
def run_detail(request, run_id: int):
    return _detail(user_of(request), run_id)


@router.get(
    "/matching/runs/{int:run_id}/instance",
    response=dict[str, Any] | None,
    summary="The run's saved solver instance (docs/matching.md contract)",
)
def run_instance(request, run_id: int):
    return get_visible_or_404(user_of(request), MatchingRun, run_id).instance


@router.post(
    "/matching/runs/{int:run_id}/rerun",
    response={201: RunDetailOut, 202: RunDetailOut},
    summary="Solve a run's saved instance again, as a new run",
)
def run_again(request, run_id: int):
    user = user_of(request)
    run = get_editable_or_404(user, MatchingRun, run_id)
    again = run_rerun(user=user, run=run)
    return Status(_status(again), _detail(user, again.pk))


@router.post(
    "/matching/runs/{int:run_id}/accept",
    response={200: AcceptOut, 201: AcceptOut},
    summary="Accept proposals: create draft alliances with members and pairings",
)
def run_accept(request, run_id: int, payload: AcceptIn):
    user = user_of(request)
    run = get_editable_or_404(user, MatchingRun.objects.select_related("program"), run_id)
    villages = payload_of(payload).get("villages")
    if villages is not None:
        form = AcceptForm(
            data={"villages": villages},
            village_ids=run.proposals.values_list("village_id", flat=True),
        )
        if not form.is_valid():
            raise InvalidInput({k: [str(m) for m in v] for k, v in form.errors.items()})
        villages = form.cleaned_data["villages"]
        if not villages:
            raise InvalidInput(
                {"villages": [_("Name at least one village, or leave the list out.")]}
            )
    if not run.is_finished:
        raise InvalidInput({"__all__": [_("The run has not finished yet.")]})
    accepted = proposals_accept(user=user, run=run, village_ids=villages)
    ids = {p.pk for p, _was_created in accepted}
    rows = [p for p in proposals_with_members(run=run) if p.pk in ids]
    created = [p.alliance_id for p, was_created in accepted if was_created]
    body = {
        "alliances": [p.alliance_id for p, _was_created in accepted],
        "created": created,
        "proposals": rows,
    }
    return Status(201 if created else 200, body)
