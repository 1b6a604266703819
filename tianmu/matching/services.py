"""Writes for matching: start a run, accept its proposals; executing a run (the background
task's work) is in execution.py, so that this module can schedule the task without a cycle.

Lifecycle: queued → building (the instance from the registry) → solving → done, or failed with
a message. Accepting a proposal creates a draft alliance with its members and its pairing
through the alliances services, so the rules, scope checks and change log are the usual ones.
"""

from __future__ import annotations

import copy

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tianmu.alliances.choices import AllianceStatus, MemberRole
from tianmu.alliances.models import Alliance, AllianceMember, DateRangeMixin, Pairing, Program
from tianmu.alliances.services import member_add, pairing_create
from tianmu.core.services import ensure_editable, object_save, service
from tianmu.matching.choices import DEFAULT_TIME_LIMIT, EnterprisePool
from tianmu.matching.execution import run_execute  # noqa: F401  (its old home)
from tianmu.matching.models import MatchingRun, Proposal
from tianmu.matching.selectors import proposal_term
from tianmu.matching.tasks import run_matching
from tianmu.registry.models import Organization, Village

#: Solver time limit when the request names none (it bounds only the MIP path).


# --- Starting a run ---------------------------------------------------------------------------


# Starting a run commits the run row before the solve is scheduled (atomic=False; the save
# itself is atomic): without a broker the solve runs in-process right away, and it must not
# hold a write transaction open for its whole time limit (SQLite would lock out every writer).
@service(atomic=False)
def run_create(
    *,
    user,
    program: Program,
    villages: list[Village],
    enterprise_pool: str = EnterprisePool.FIC,
    chambers: list[Organization] | None = None,
    partners: list[Organization] | None = None,
    weights: dict | None = None,
    time_limit: float | None = None,
) -> MatchingRun:
    """Record a run with its inputs and schedule it. The villages are resolved by the caller
    (the form) so the run keeps exactly which ones it covered."""
    options = {
        "villages": sorted(v.pk for v in villages),
        "enterprise_pool": enterprise_pool,
        "chambers": sorted(c.pk for c in chambers) if chambers else None,
        "partners": sorted(p.pk for p in partners) if partners else None,
    }
    run = MatchingRun(
        program=program,
        requested_by=user,
        options=options,
        weights=dict(weights or {}),
        time_limit=time_limit if time_limit is not None else DEFAULT_TIME_LIMIT,
    )
    object_save(user=user, instance=run)
    run_schedule(run_id=run.pk, user_id=user.pk)
    run.refresh_from_db()
    return run


@service(atomic=False)  # as run_create
def run_rerun(*, user, run: MatchingRun) -> MatchingRun:
    """Solve a run's saved instance again, as a new run (the registry is not read again)."""
    ensure_editable(user, run)
    if run.instance is None:
        raise ValidationError(_("This run has no saved instance to solve again."))
    again = MatchingRun(
        program=run.program,
        requested_by=user,
        source_run=run,
        options=copy.deepcopy(run.options),
        weights=copy.deepcopy(run.weights),
        time_limit=run.time_limit,
        instance=copy.deepcopy(run.instance),
        notes=list(run.notes),
    )
    object_save(user=user, instance=again)
    run_schedule(run_id=again.pk, user_id=user.pk)
    again.refresh_from_db()
    return again


def run_schedule(*, run_id: int, user_id: int | None) -> None:
    """Hand the run to Celery, naming who started it so the task's writes are theirs. Workers
    get it after the commit (they must see the row); without a broker it runs here and now,
    in-process, on the connection that already sees it."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        run_matching.delay(run_id, user_id)
    else:
        transaction.on_commit(lambda: run_matching.delay(run_id, user_id))


# --- Accepting proposals ----------------------------------------------------------------------


def proposal_blockers(*, proposal: Proposal, today=None) -> list[str]:
    """Why the proposal cannot be accepted now (empty when it can)."""
    program = proposal.run.program
    start, end = proposal_term(program, today)
    problems = []
    if end is not None and end < start:
        problems.append(_("The programme has ended."))
        return problems
    clash = (
        Pairing.objects.filter(
            DateRangeMixin.overlapping(start, end),
            village=proposal.village_id,
            alliance__program=program,
        )
        .select_related("alliance")
        .first()
    )
    if clash is not None and clash.alliance_id != proposal.alliance_id:
        problems.append(
            _(
                "“%(village)s” is already paired with “%(alliance)s” in this programme; end that "
                "pairing before accepting a new alliance for the village."
            )
            % {"village": proposal.village, "alliance": clash.alliance}
        )
    core_ids = [m["organization"] for m in proposal.members.get("core", [])]
    busy = (
        AllianceMember.objects.filter(
            DateRangeMixin.overlapping(start, end),
            role=MemberRole.CORE,
            alliance__program=program,
            organization_id__in=core_ids,
        )
        .select_related("organization", "alliance")
        .order_by("organization__name")
    )
    # Its own alliance, and the village's current one (the pairing message above says it).
    for own in (proposal.alliance_id, proposal.current_alliance_id if clash else None):
        if own is not None:
            busy = busy.exclude(alliance_id=own)
    for m in busy:
        problems.append(
            _("“%(org)s” is already a core enterprise of “%(alliance)s” in this programme.")
            % {"org": m.organization, "alliance": m.alliance}
        )
    return problems


@service
def proposals_accept(
    *, user, run: MatchingRun, village_ids: list[int] | None = None
) -> list[tuple[Proposal, bool]]:
    """Accept the run's proposals for `village_ids` (all when None), all or nothing.

    Each accepted proposal becomes a draft alliance with its members and its pairing, for the
    proposal term (today to the programme's end). A proposal accepted before is returned as it
    is — accepting twice creates nothing. Returns (proposal, created) pairs.
    """
    ensure_editable(user, run)
    qs = run.proposals.select_related("village__area__parent", "run__program", "alliance")
    if village_ids is not None:
        wanted = set(village_ids)
        qs = qs.filter(village_id__in=wanted)
    # Locked in a fixed order, so two admins accepting at once cannot both create one.
    proposals = list(qs.select_for_update(of=("self",)).order_by("pk"))
    if village_ids is not None:
        missing = wanted - {p.village_id for p in proposals}
        if missing:
            raise ValidationError(
                {
                    "villages": _("The run has no proposal for village id(s) %(ids)s.")
                    % {"ids": ", ".join(str(i) for i in sorted(missing))}
                }
            )
    if not proposals:
        raise ValidationError({"villages": _("The run has no proposals to accept.")})
    errors = []
    for p in proposals:
        if p.alliance_id is None:
            errors += [f"{p.village}: {msg}" for msg in proposal_blockers(proposal=p)]
    if errors:
        raise ValidationError({"villages": errors})
    return [(p, _accept_one(user=user, proposal=p)) for p in proposals]


def _alliance_name(program: Program, village: Village) -> str:
    base = f"{village.town}{village.name}共富联盟"
    name, n = base, 1
    taken = set(
        Alliance.objects.filter(program=program, name__startswith=base).values_list(
            "name", flat=True
        )
    )
    while name in taken:
        n += 1
        name = f"{base}（{n}）"
    return name


def _accept_one(*, user, proposal: Proposal) -> bool:
    if proposal.alliance_id is not None:
        return False
    run = proposal.run
    program = run.program
    start, end = proposal_term(program)
    alliance = Alliance(
        program=program,
        name=_alliance_name(program, proposal.village),
        status=AllianceStatus.DRAFT,
    )
    object_save(user=user, instance=alliance)
    term = {"start": start, "end": end}
    roles = [
        (MemberRole.CORE, proposal.members.get("core", [])),
        (MemberRole.CHAMBER, proposal.members.get("chamber", [])),
        (MemberRole.PARTNER, proposal.members.get("partner", [])),
    ]
    for role, rows in roles:
        for row in rows:
            member = AllianceMember(
                alliance=alliance,
                organization_id=row["organization"],
                role=role,
                function=row.get("function", "") if role == MemberRole.CORE else "",
                **term,
            )
            member_add(user=user, member=member)
    pairing_create(
        user=user,
        pairing=Pairing(
            alliance=alliance,
            village=proposal.village,
            note=_("Proposed by matching run #%(id)s") % {"id": run.pk},
            **term,
        ),
    )
    proposal.alliance = alliance
    proposal.accepted_by = user
    proposal.accepted_at = timezone.now()
    object_save(user=user, instance=proposal)
    return True
