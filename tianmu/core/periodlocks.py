"""The period lock: a locked month of a county or a town, and the one check every write path
runs.

Apart from tianmu/core/workflow.py (which re-exports these names and holds the lock and unlock
services) because tianmu/core/services.py runs the check on every save and delete, and
workflow.py builds on services.py: a module below both keeps the imports acyclic
(docs/overview.md#layers).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tianmu.core.models import ChangeLoggedModel


class PeriodLockQuerySet(models.QuerySet):
    def active(self) -> PeriodLockQuerySet:
        """Locks that hold (not lifted)."""
        return self.filter(unlocked_at__isnull=True)


class PeriodLock(ChangeLoggedModel):
    """A locked month of a county or a town: records dated in it, in that area (a town's
    villages, a county's towns and villages), are read-only. Lifting the lock keeps the row,
    with who lifted it, when and why; a lifted lock no longer locks and the month may be locked
    again."""

    area = models.ForeignKey(
        "registry.Area",
        verbose_name=gettext_lazy("area"),
        on_delete=models.PROTECT,
        related_name="period_locks",
        help_text=gettext_lazy("A county or a town; a town's lock covers its villages."),
    )
    month = models.DateField(
        gettext_lazy("month"), help_text=gettext_lazy("The first day of the month.")
    )
    reason = models.CharField(gettext_lazy("reason"), max_length=200, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("locked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    unlocked_at = models.DateTimeField(gettext_lazy("unlocked at"), null=True, blank=True)
    unlocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("unlocked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    unlock_reason = models.CharField(gettext_lazy("unlock reason"), max_length=300, blank=True)

    objects = PeriodLockQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "month"],
                condition=models.Q(unlocked_at__isnull=True),
                name="period_lock_once",
            )
        ]
        verbose_name = gettext_lazy("period lock")
        verbose_name_plural = gettext_lazy("period locks")

    def __str__(self) -> str:
        return f"{self.area} {self.month:%Y-%m}"

    def clean(self):
        super().clean()
        if self.month and self.month.day != 1:
            self.month = self.month.replace(day=1)

    @property
    def is_active(self) -> bool:
        return self.unlocked_at is None


def ensure_period_open(*, date: datetime.date | None, area) -> None:
    """Refuse a write dated in a locked month of the area or of an area above it."""
    if date is None or area is None:
        return
    month = date.replace(day=1)
    ids = [*area.ancestor_ids(), area.pk]
    lock = (
        PeriodLock.objects.active()
        .filter(area_id__in=ids, month=month)
        .select_related("area")
        .first()
    )
    if lock is not None:
        raise ValidationError(
            _("%(month)s is locked for %(area)s; its records are read-only.")
            % {"month": f"{month:%Y-%m}", "area": lock.area}
        )


def check_period_lock(instance) -> None:
    """The one period-lock check every write path runs (`object_save` before and after the
    change, `object_delete`, confirm, dispute, review, `bulk_create_logged`).

    A model opts in by declaring its date and area: `workflow_date()` (the date that places
    the record in a month) and `workflow_area()` (the area whose county or town may lock it).
    """
    if not hasattr(instance, "workflow_date"):
        return
    date = instance.workflow_date()
    if date is None:
        return
    ensure_period_open(date=date, area=instance.workflow_area())
