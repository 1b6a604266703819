"""A kept report: what a generated report showed when it was made, frozen."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tianmu.core.models import ChangeLoggedModel


class KeptReport(ChangeLoggedModel):
    """A report as it was made (by a person, or on schedule by Celery beat): its sections,
    figures and notes stored as data, so xlsx, PDF and JSON of it show what it showed then."""

    report = models.CharField(_("report"), max_length=20)
    area = models.ForeignKey(
        "registry.Area",
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        related_name="kept_reports",
        null=True,
        blank=True,
    )
    period = models.CharField(_("period"), max_length=10)
    alliance = models.ForeignKey(
        "alliances.Alliance",
        verbose_name=_("alliance"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="kept_reports",
    )
    language = models.CharField(_("language"), max_length=10)
    made_at = models.DateTimeField(_("made at"))
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    content = models.JSONField(_("content"))

    class Meta:
        ordering = ["-made_at", "-pk"]
        verbose_name = _("kept report")
        verbose_name_plural = _("kept reports")

    def __str__(self) -> str:
        return f"{self.report} {self.period} {self.area or ''}".strip()
