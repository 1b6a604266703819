"""An import job: the uploaded file, what checking it found, and what writing it did."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class ImportJob(models.Model):
    """One upload of one register. A dry run checks and previews; a real run writes all rows
    or none. The file is kept until the job is done (the error report is made from it) and
    then for `TIANMU_IMPORT_KEEP_DAYS`, so the preview can be confirmed without uploading again.

    Not change-logged itself: it *is* the record of an import, and the records it writes are
    change-logged one by one, attributed to `user`.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE
    )
    resource = models.CharField(_("register"), max_length=50)
    filename = models.CharField(_("file"), max_length=200)
    content = models.BinaryField(editable=False)
    dry_run = models.BooleanField(_("dry run"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    errors = models.JSONField(_("errors"), default=list)
    actions = models.JSONField(default=list, editable=False)
    language = models.CharField(max_length=10, default="zh-hans", editable=False)
    checked_by = models.ForeignKey(
        "self",
        verbose_name=_("dry run it confirms"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="confirmations",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.resource} · {self.filename}"

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)
