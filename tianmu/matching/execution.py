"""Executing a matching run: build the instance, solve it, store the result and proposals.

The work of the background task (tasks.py calls `run_execute`); apart from services.py, which
schedules that task, so neither imports the other in a circle.
"""

from __future__ import annotations

import copy
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tianmu.core.services import service
from tianmu.matching.choices import PROGRESS, RunStatus
from tianmu.matching.models import MatchingRun, Proposal
from tianmu.matching.selectors import (
    InstanceBuildError,
    assign_functions,
    current_alliances,
    instance_build,
)

logger = logging.getLogger(__name__)


def _advance(run: MatchingRun, status: str, **fields) -> None:
    run.status = status
    run.progress = PROGRESS[status]
    for name, value in fields.items():
        setattr(run, name, value)
    run.save(update_fields=["status", "progress", "last_updated", *fields])


@service(atomic=False)
def run_execute(*, user, run_id: int) -> MatchingRun:
    """Build the instance (unless the run already has one), solve it, store the result and the
    proposals, as `user` (who started the run). Safe to call twice: a finished run is left as
    it is. Not one transaction: each step commits so the run's page can show its progress."""
    from tianmu.matching.solver import InstanceError, solve

    run = MatchingRun.objects.select_related("program__area", "requested_by").get(pk=run_id)
    if run.is_finished:
        return run
    try:
        _advance(run, RunStatus.BUILDING, started=timezone.now())
        if run.instance is None:
            instance, notes = instance_build(
                program=run.program,
                village_ids=run.village_ids,
                pool=run.enterprise_pool,
                chamber_ids=run.options.get("chambers"),
                partner_ids=run.options.get("partners"),
                weights=run.weights,
            )
            _advance(run, RunStatus.SOLVING, instance=instance, notes=notes)
        else:
            _advance(run, RunStatus.SOLVING)
        # The solver gets a copy: the saved instance stays exactly what was solved.
        result = solve(copy.deepcopy(run.instance), time_limit=run.time_limit)
        with transaction.atomic():
            _store_result(run, result)
    except (InstanceBuildError, InstanceError) as exc:
        _advance(run, RunStatus.FAILED, error=str(exc), finished=timezone.now())
    except Exception as exc:  # the run must end failed, never stay "solving" forever
        logger.exception("Matching run %s failed", run.pk)
        message = _("Internal error: %(error)s") % {"error": exc}
        _advance(run, RunStatus.FAILED, error=message, finished=timezone.now())
    return run


def _store_result(run: MatchingRun, result: dict) -> None:
    _advance(
        run,
        RunStatus.DONE,
        result=result,
        solver_status=result["status"],
        objective=result.get("objective"),
        bound=result.get("bound"),
        gap=result.get("gap"),
        seconds=result.get("seconds"),
        finished=timezone.now(),
    )
    if not result.get("alliances"):
        return
    roles_of = {e["id"]: e.get("roles", []) for e in run.instance.get("enterprises", [])}
    village_ids = [int(a["village"]) for a in result["alliances"]]
    current = current_alliances(program=run.program, village_ids=village_ids)
    for a in result["alliances"]:
        village_id = int(a["village"])
        functions = (
            assign_functions(a["core"], roles_of) if run.instance["rules"].get("core_roles") else {}
        )
        members = {
            "core": _member_rows(a, "core", functions),
            "chamber": _member_rows(a, "chamber", {}),
            "partner": _member_rows(a, "partners", {}),
        }
        proposal = Proposal(
            run=run,
            village_id=village_id,
            score=a["score"],
            members=members,
            current_alliance_id=current.get(village_id),
        )
        proposal.full_clean()
        proposal.save()


def _member_rows(alliance: dict, key: str, functions: dict[str, str]) -> list[dict]:
    explanation = alliance.get("explanation", {}).get(key, {})
    rows = []
    for org_id in alliance[key]:
        ex = explanation.get(org_id, {})
        rows.append(
            {
                "organization": int(org_id),
                "score": ex.get("score"),
                "function": functions.get(org_id, ""),
                "explanation": ex,
            }
        )
    return rows
