"""Starting and running imports (tianmu.core.imports does the checking and writing)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tianmu.core.api import InvalidInput
from tianmu.core.imports import max_bytes, run_import
from tianmu.core.services import service
from tianmu.exchange.models import ImportJob, ImportStatus
from tianmu.exchange.registers import importer
from tianmu.exchange.selectors import STALE_AFTER
from tianmu.exchange.selectors import progress_key as _progress_key

logger = logging.getLogger(__name__)


@service(atomic=False)
def import_create(*, user, resource: str, filename: str, content: bytes, dry_run: bool,
                  checked_by: ImportJob | None = None) -> ImportJob:  # fmt: skip
    """Queue an import of `content` into register `resource` and run it (in the background
    when a broker is configured, else now). Bad parameters are refused before anything is
    stored."""
    if importer(resource) is None:
        raise InvalidInput(
            {"resource": [_("No register “%(name)s” can be imported.") % {"name": resource}]}
        )
    if not content:
        raise InvalidInput({"file": [_("The file is empty.")]})
    if len(content) > max_bytes():
        raise InvalidInput(
            {
                "file": [
                    _("The file is larger than %(mb)s MB.") % {"mb": max_bytes() // (1024 * 1024)}
                ]
            }
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
    if settings.CELERY_TASK_ALWAYS_EAGER:
        import_execute(job.pk)  # no broker: now, in this process
    else:
        from tianmu.celery import app  # by name: tasks.py imports this module

        transaction.on_commit(lambda: app.send_task("exchange.import", args=[job.pk]))
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
                errors=[
                    {
                        "row": 0,
                        "column": "",
                        "message": _("The import stopped on an error; nothing was written."),
                    }
                ],
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


@service(atomic=False)
def import_confirm(*, user, job: ImportJob) -> ImportJob:
    """Write the file a dry run checked (without uploading it again)."""
    if not job.dry_run or job.status != ImportStatus.DONE:
        raise InvalidInput({"id": [_("Only a dry run that found no errors can be confirmed.")]})
    return import_create(
        user=user, resource=job.resource, filename=job.filename, content=bytes(job.content),
        dry_run=False, checked_by=job,
    )  # fmt: skip
