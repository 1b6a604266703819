from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    """Where a matching run is in its lifecycle (docs/matching-platform.md)."""

    QUEUED = "queued", _("Queued")
    BUILDING = "building", _("Building the instance")
    SOLVING = "solving", _("Solving")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


#: A run's solver time limit unless it asks for another (seconds).
DEFAULT_TIME_LIMIT = 60.0

#: Statuses after which a run never changes again.
FINISHED = {RunStatus.DONE, RunStatus.FAILED}

#: The progress bar's value at the start of each stage (percent).
PROGRESS = {
    RunStatus.QUEUED: 0,
    RunStatus.BUILDING: 10,
    RunStatus.SOLVING: 40,
    RunStatus.DONE: 100,
    RunStatus.FAILED: 100,
}


class EnterprisePool(models.TextChoices):
    """Which enterprises a run may propose as core members."""

    FIC = "fic", _("FIC executive-committee members of the county")
    ALL = "all", _("All enterprises of the county")


class SolverStatus(models.TextChoices):
    OPTIMAL = "optimal", _("Optimal")
    FEASIBLE = "feasible", _("Feasible (time limit)")
    INFEASIBLE = "infeasible", _("Infeasible")
