"""Executing a matching run: build the instance, solve it, store the result and proposals.

The work of the background task (tasks.py calls `run_execute`); apart from services.py, which
schedules that task, so neither imports the other in a circle.
"""

from __future__ import annotations

import copy
import datetime
import logging
import os
import socket

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tianmu.core.changelog import record_update
from tianmu.core.models import snapshot
from tianmu.core.services import service
from tianmu.matching.choices import DEFAULT_TIME_LIMIT, PROGRESS, RunStatus
from tianmu.matching.models import MatchingRun, Proposal
from tianmu.matching.selectors import (
    InstanceBuildError,
    assign_functions,
    current_alliances,
    instance_build,
)

logger = logging.getLogger(__name__)


#: The stages of a run that a worker is working on.
RUNNING = (RunStatus.BUILDING, RunStatus.SOLVING)


class RunLost(Exception):
    """The run is no longer this worker's: it was reaped (or finished) while we worked."""


def _worker_name() -> str:
    """This process, as a run's `worker` names it: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


def _advance(run: MatchingRun, status: str, **fields) -> None:
    """Move the run to `status` (and beat), if it is still ours: a run that was reaped while
    this worker was slow is left failed, never overwritten with a late result."""
    now = timezone.now()
    with transaction.atomic():
        still_ours = (
            MatchingRun.objects.select_for_update()
            .filter(pk=run.pk, worker=run.worker, status__in=RUNNING)
            .exists()
        )
        if not still_ours:
            raise RunLost(run.pk)
        run.status = status
        run.progress = PROGRESS[status]
        run.heartbeat = now
        for name, value in fields.items():
            setattr(run, name, value)
        run.save(update_fields=["status", "progress", "heartbeat", "last_updated", *fields])


@service
def run_claim(*, user, run_id: int, worker: str) -> MatchingRun | None:
    """Take the queued run for `worker`, atomically: one UPDATE … WHERE status='queued', so of
    two workers handed the same run (a redelivered message, a double click) exactly one gets
    it. Returns the claimed run, or None when it was not queued (taken, finished, missing)."""
    before = MatchingRun.objects.filter(pk=run_id).first()
    if before is None or before.status != RunStatus.QUEUED:
        return None
    image = snapshot(before)
    now = timezone.now()
    fields = {
        "status": RunStatus.BUILDING,
        "progress": PROGRESS[RunStatus.BUILDING],
        "worker": worker,
        "started": now,
        "heartbeat": now,
        "last_updated": now,
    }
    claimed = MatchingRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(**fields)
    if claimed != 1:
        return None
    for name, value in fields.items():
        setattr(before, name, value)
    record_update(before, image)
    return before


def _stale_runs():
    """Runs being worked on whose worker has been silent for longer than the run's time limit
    plus TIANMU_MATCHING_STALE_SECONDS (a solve beats before and after, never during)."""
    grace = settings.TIANMU_MATCHING_STALE_SECONDS
    now = timezone.now()
    # The longest allowed time limit bounds the first cut in SQL; the run's own is checked here.
    oldest = now - datetime.timedelta(seconds=grace)
    candidates = MatchingRun.objects.filter(status__in=RUNNING, heartbeat__lt=oldest)
    stale = []
    for run in candidates.order_by("pk"):
        limit = run.time_limit if run.time_limit is not None else DEFAULT_TIME_LIMIT
        if run.heartbeat < now - datetime.timedelta(seconds=limit + grace):
            stale.append(run)
    return stale


@service
def run_reap(*, user) -> list[int]:
    """Mark failed every run whose worker stopped (killed, out of memory, machine restarted),
    so it does not show "solving" for ever; its page offers a re-run. Each is one conditional
    UPDATE (still running, same heartbeat), so a worker that beats meanwhile keeps its run.
    Returns the ids reaped. Celery beat runs it every minute (task matching.reap)."""
    reaped = []
    for run in _stale_runs():
        image = snapshot(run)
        now = timezone.now()
        fields = {
            "status": RunStatus.FAILED,
            "progress": PROGRESS[RunStatus.FAILED],
            "error": _("Failed: worker stopped (%(worker)s) before the run was finished.")
            % {"worker": run.worker or "?"},
            "finished": now,
            "last_updated": now,
        }
        done = MatchingRun.objects.filter(
            pk=run.pk, status=run.status, heartbeat=run.heartbeat
        ).update(**fields)
        if done != 1:
            continue
        for name, value in fields.items():
            setattr(run, name, value)
        record_update(run, image)
        logger.warning("Matching run %s reaped: worker %s stopped", run.pk, run.worker)
        reaped.append(run.pk)
    return reaped


@service(atomic=False)
def run_execute(*, user, run_id: int) -> MatchingRun:
    """Claim the queued run, build the instance (unless the run already has one), solve it,
    store the result and the proposals, as `user` (who started the run). Safe to call twice
    and from two workers at once: only the one that claims the run solves it; the other gets
    the run as it is. Not one transaction: each step commits so the run's page can show its
    progress."""
    from tianmu.matching.solver import InstanceError, solve

    run = run_claim(user=user, run_id=run_id, worker=_worker_name())
    if run is None:
        return MatchingRun.objects.get(pk=run_id)
    run = MatchingRun.objects.select_related("program__area", "requested_by").get(pk=run_id)
    try:
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
    except RunLost:
        logger.warning("Matching run %s was reaped while %s worked on it", run.pk, run.worker)
        run.refresh_from_db()
    except (InstanceBuildError, InstanceError) as exc:
        _fail(run, str(exc))
    except Exception as exc:  # the run must end failed, never stay "solving" forever
        logger.exception("Matching run %s failed", run.pk)
        _fail(run, _("Internal error: %(error)s") % {"error": exc})
    return run


def _fail(run: MatchingRun, message: str) -> None:
    try:
        _advance(run, RunStatus.FAILED, error=message, finished=timezone.now())
    except RunLost:
        run.refresh_from_db()


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
