"""Reading import jobs: each user sees their own."""

from __future__ import annotations

import datetime

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from tianmu.exchange.models import ImportJob, ImportStatus

#: A running job whose progress has not moved for this long has stopped (killed midway: its
#: transaction never committed, so nothing it wrote remains).
STALE_AFTER = datetime.timedelta(minutes=30)


def progress_key(job_id: int) -> str:
    return f"tianmu:import:{job_id}:progress"


def jobs_of(user) -> QuerySet[ImportJob]:
    if user is None or not user.is_authenticated:
        return ImportJob.objects.none()
    return ImportJob.objects.filter(user=user).defer("content", "actions")


def job_progress(job: ImportJob) -> int:
    if job.is_finished:
        return 100
    return int(cache.get(progress_key(job.pk), job.progress) or 0)


def job_status(job: ImportJob) -> str:
    """The job's status, where a job that stopped without finishing reads "failed"."""
    moving = cache.get(progress_key(job.pk)) is not None
    old = job.created_at < timezone.now() - STALE_AFTER
    if job.status == ImportStatus.RUNNING and not moving and old:
        return ImportStatus.FAILED
    return job.status
