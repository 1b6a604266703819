"""The period lock: a locked month of a county, and the one check every write path runs.

Apart from tianmu/core/workflow.py (which re-exports these names) because
tianmu/core/services.py runs the check on every save and delete, and workflow.py builds on
services.py: a module below both keeps the imports acyclic (docs/overview.md#layers).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tianmu.core.models import ChangeLoggedModel


class PeriodLock(ChangeLoggedModel):
    """A locked month of a county: records dated in it are read-only."""

    county = models.ForeignKey(
        "registry.Area",
        verbose_name=gettext_lazy("county"),
        on_delete=models.PROTECT,
        related_name="period_locks",
    )
    month = models.DateField(
        gettext_lazy("month"), help_text=gettext_lazy("The first day of the month.")
    )
    reason = models.CharField(gettext_lazy("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["county", "month"], name="period_lock_once")]
        verbose_name = gettext_lazy("period lock")
        verbose_name_plural = gettext_lazy("period locks")

    def __str__(self) -> str:
        return f"{self.county} {self.month:%Y-%m}"

    def clean(self):
        super().clean()
        if self.month and self.month.day != 1:
            self.month = self.month.replace(day=1)


def ensure_period_open(*, date: datetime.date | None, area) -> None:
    """Refuse a write dated in a locked month of the area's county."""
    if date is None or area is None:
        return
    month = date.replace(day=1)
    ids = [*area.ancestor_ids(), area.pk]
    lock = PeriodLock.objects.filter(county_id__in=ids, month=month).first()
    if lock is not None:
        raise ValidationError(
            _("%(month)s is locked for %(county)s; its records are read-only.")
            % {"month": f"{month:%Y-%m}", "county": lock.county}
        )


def check_period_lock(instance) -> None:
    """The one period-lock check every write path runs (`object_save` before and after the
    change, `object_delete`, confirm, dispute, review, `bulk_create_logged`).

    A model opts in by declaring its date and area: `workflow_date()` (the date that places
    the record in a month) and `workflow_area()` (the area whose county may lock it).
    """
    if not hasattr(instance, "workflow_date"):
        return
    date = instance.workflow_date()
    if date is None:
        return
    ensure_period_open(date=date, area=instance.workflow_area())
