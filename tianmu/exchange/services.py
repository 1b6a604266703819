"""Starting and running imports (tianmu.core.imports does the checking and writing)."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tianmu.core.api import InvalidInput
from tianmu.core.imports import max_bytes, run_import
from tianmu.exchange.models import ImportJob, ImportStatus
from tianmu.exchange.registers import importer

logger = logging.getLogger(__name__)

#: A running job whose progress has not moved for this long has stopped (killed midway: its
#: transaction never committed, so nothing it wrote remains).
STALE_AFTER = datetime.timedelta(minutes=30)

def _progress_key(job_id: int) -> str:
    return f"tianmu:import:{job_id}:progress"


def import_create(*, user, resource: str, filename: str, content: bytes, dry_run: bool,
                  checked_by: ImportJob | None = None) -> ImportJob:  # fmt: skip
    """Queue an import of `content` into register `resource` and run it (in the background
    when a broker is configured, else now). Bad parameters are refused before anything is
    stored."""
    if importer(resource) is None:
        raise InvalidInput({"resource": [_("No register “%(name)s” can be imported.") % {"name": resource}]})
    if not content:
        raise InvalidInput({"file": [_("The file is empty.")]})
    if len(content) > max_bytes():
        raise InvalidInput(
            {"file": [_("The file is larger than %(mb)s MB.") % {"mb": max_bytes() // (1024 * 1024)}]}
        )
    job = ImportJob.objects.create(
        user=user,
        resource=resource,
        filename=(filename or "upload")[:200],
        content=content,
        dry_run=dry_run,
        checked_by=checked_by,
        language=translation.get_language() or "zh-hans",
    )
    from tianmu.exchange.tasks import run_import_job

    if settings.CELERY_TASK_ALWAYS_EAGER:
        run_import_job(job.pk)  # no broker: now, in this process (the job is in this transaction)
    else:
        transaction.on_commit(lambda: run_import_job.delay(job.pk))
    job.refresh_from_db()
    return job


def import_execute(job_id: int) -> ImportJob:
    """Run job `job_id` as its user, in the language it was uploaded in. Safe to call twice:
    a job that is no longer queued is left as it is."""
    updated = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING
    )
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    if not updated:
        return job
    imp = importer(job.resource)

    def progress(done: int, total: int) -> None:
        # The rows are written in one transaction that nobody else sees until it commits, so
        # the progress goes through the cache (Redis when workers run; see docs/exchange.md).
        cache.set(_progress_key(job.pk), int(done * 100 / max(total, 1)), STALE_AFTER.seconds)

    with translation.override(job.language):
        try:
            outcome = run_import(
                imp, job.user, job.filename, bytes(job.content), dry_run=job.dry_run,
                progress=progress,
            )  # fmt: skip
        except Exception:  # noqa: BLE001  (a bug must not leave the job "running" for ever)
            logger.exception("import job %s stopped", job.pk)
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportStatus.FAILED,
                errors=[{"row": 0, "column": "", "message": _("The import stopped on an error; nothing was written.")}],
                finished_at=timezone.now(),
            )
            cache.delete(_progress_key(job.pk))
            job.refresh_from_db()
            return job
    failed = bool(outcome.errors)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.FAILED if failed else ImportStatus.DONE,
        progress=100,
        rows=outcome.rows,
        created=outcome.created,
        updated=outcome.updated,
        unchanged=outcome.unchanged,
        errors=[e.as_dict() for e in outcome.errors],
        actions=[list(a) for a in outcome.actions[:5000]],
        finished_at=timezone.now(),
    )
    cache.delete(_progress_key(job.pk))
    job.refresh_from_db()
    return job


def job_progress(job: ImportJob) -> int:
    if job.is_finished:
        return 100
    return int(cache.get(_progress_key(job.pk), job.progress) or 0)


def job_status(job: ImportJob) -> str:
    """The job's status, where a job that stopped without finishing reads "failed"."""
    if job.status == ImportStatus.RUNNING and cache.get(_progress_key(job.pk)) is None:
        if job.created_at < timezone.now() - STALE_AFTER:
            return ImportStatus.FAILED
    return job.status


def import_confirm(*, user, job: ImportJob) -> ImportJob:
    """Write the file a dry run checked (without uploading it again)."""
    if not job.dry_run or job.status != ImportStatus.DONE:
        raise InvalidInput({"id": [_("Only a dry run that found no errors can be confirmed.")]})
    return import_create(
        user=user, resource=job.resource, filename=job.filename, content=bytes(job.content),
        dry_run=False, checked_by=job,
    )  # fmt: skip
