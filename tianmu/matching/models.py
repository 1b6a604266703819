"""Matching runs (the optimiser run from the platform) and the proposals they make.

A run keeps everything needed to reproduce it: the instance JSON built from the registry at the
time, the weights, the time limit, and the solver's result. Re-solving the saved instance gives
the same result except for `seconds` (docs/matching-platform.md).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tianmu.core.models import ChangeLoggedModel
from tianmu.matching.choices import FINISHED, EnterprisePool, RunStatus, SolverStatus


class MatchingRun(ChangeLoggedModel):
    """One run of the alliance optimiser for a programme: its inputs, progress and result."""

    program = models.ForeignKey(
        "alliances.Program",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="matching_runs",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source_run = models.ForeignKey(
        "self",
        verbose_name=_("re-run of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reruns",
        help_text=_("A re-run solves this earlier run's saved instance again."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    # What was asked for: the village ids (resolved when the run was created) and the pools.
    options = models.JSONField(_("options"), default=dict, blank=True)
    weights = models.JSONField(_("weights"), default=dict, blank=True)
    time_limit = models.FloatField(
        _("time limit (s)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0.1), MaxValueValidator(3600)],
    )
    instance = models.JSONField(_("instance"), null=True, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    notes = models.JSONField(
        _("notes"),
        default=list,
        blank=True,
        help_text=_("What the instance builder had to assume (missing coordinates, …)."),
    )
    error = models.TextField(_("error"), blank=True)
    # The solver's figures, copied from the result for lists and filters.
    solver_status = models.CharField(
        _("solver status"), max_length=10, choices=SolverStatus.choices, blank=True
    )
    objective = models.FloatField(_("objective"), null=True, blank=True)
    bound = models.FloatField(_("bound"), null=True, blank=True)
    gap = models.FloatField(_("gap"), null=True, blank=True)
    seconds = models.FloatField(_("solver seconds"), null=True, blank=True)
    started = models.DateTimeField(_("started"), null=True, blank=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    # Who is solving it: the worker that claimed the queued run (host:pid), and when it last
    # reported (each stage); a run silent too long has lost its worker (execution.run_reap).
    worker = models.CharField(_("worker"), max_length=200, blank=True)
    heartbeat = models.DateTimeField(_("heartbeat"), null=True, blank=True)

    # The instance and result are written once and can be large (a county is ~100 KB); the
    # change log records that they were set, not a second and third copy of them per update.
    changelog_masked = ("instance", "result")

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")

    def __str__(self) -> str:
        return _("Matching run #%(id)s") % {"id": self.pk}

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @property
    def village_ids(self) -> list[int]:
        return list(self.options.get("villages", []))

    @property
    def enterprise_pool(self) -> str:
        return self.options.get("enterprise_pool", EnterprisePool.FIC)

    def clean(self):
        super().clean()
        if not self.options.get("villages"):
            raise ValidationError({"options": _("A run needs at least one village.")})


class Proposal(ChangeLoggedModel):
    """One proposed alliance of a run (for one village), and whether it was accepted.

    `members` holds the proposal as the page and API show it: per role, the organisation ids in
    the solver's order (best first) with their score and explanation; core members carry the
    function (智囊团/资源团/创新团) assigned to them.
    """

    run = models.ForeignKey(
        MatchingRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="proposals"
    )
    village = models.ForeignKey(
        "registry.Village",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    score = models.FloatField(_("score"))
    members = models.JSONField(_("members"), default=dict)
    current_alliance = models.ForeignKey(
        "alliances.Alliance",
        verbose_name=_("current alliance"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The alliance paired with the village when the run was made."),
    )
    alliance = models.ForeignKey(
        "alliances.Alliance",
        verbose_name=_("created alliance"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        ordering = ["run", "-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "village"], name="proposal_one_per_village"),
        ]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")

    def __str__(self) -> str:
        return _("Proposal for %(village)s (run #%(run)s)") % {
            "village": self.village,
            "run": self.run_id,
        }

    @property
    def accepted(self) -> bool:
        return self.alliance_id is not None
