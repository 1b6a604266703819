"""Reporting rounds (报送任务): what is to be reported, by whom, for which period, by when.

A round's reporters are generated from its kind and its programme's county when it opens
(tianmu/rounds/kinds.py) and kept as rows, so later changes to the registry do not change who
was asked. Whether a reporter has reported is computed from the records the kind names
(selectors.py); the row only keeps an explicit "nothing to report this period".
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from tianmu.core.models import ChangeLoggedModel
from tianmu.rounds.choices import RoundKind, RoundStatus


class Round(ChangeLoggedModel):
    """One round: a programme asks its villages, enterprises or banks for one kind of record
    for one period, by a deadline (on or after the period's last day)."""

    program = models.ForeignKey(
        "alliances.Program",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="rounds",
    )
    kind = models.CharField(_("what is reported"), max_length=24, choices=RoundKind.choices)
    period = models.CharField(
        _("period"), max_length=7, help_text=_("A month (2025-10), a quarter (2025Q3) or a year.")
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=8, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the round closed by itself, everyone having reported."),
    )

    class Meta:
        ordering = ["-deadline", "-pk"]
        verbose_name = _("reporting round")
        verbose_name_plural = _("reporting rounds")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period}"

    def clean(self):
        super().clean()
        if self.deadline and self.period_end and self.deadline < self.period_end:
            raise ValidationError(
                {
                    "deadline": _(
                        "The deadline cannot be before the period ends (%(end)s): "
                        "a period is reported once it is over."
                    )
                    % {"end": self.period_end.isoformat()}
                }
            )

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN


class RoundReporter(ChangeLoggedModel):
    """A village or an organisation asked to report in a round. Reported or not is computed
    from the records; `declared_at` records "nothing to report this period"."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="reporters"
    )
    village = models.ForeignKey(
        "registry.Village",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    declared_at = models.DateTimeField(_("declared nothing to report at"), null=True, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("declared by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["round", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(village__isnull=False, organization__isnull=True)
                | models.Q(village__isnull=True, organization__isnull=False),
                name="round_reporter_one_of",
            ),
            models.UniqueConstraint(
                fields=["round", "village"], name="round_reporter_village_once"
            ),
            models.UniqueConstraint(
                fields=["round", "organization"], name="round_reporter_organization_once"
            ),
        ]
        verbose_name = _("round reporter")
        verbose_name_plural = _("round reporters")

    def __str__(self) -> str:
        return str(self.reporter)

    @property
    def reporter(self):
        return self.village if self.village_id else self.organization
