"""System checks of a deployment (`tianmu check --deploy`)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def jobs_need_a_broker(app_configs, **kwargs):
    """Production runs background jobs on Celery workers, never inside a web request."""
    if settings.DEBUG or settings.CELERY_BROKER_URL:
        return []
    return [
        Error(
            "CELERY_BROKER_URL is not set: background jobs (matching runs, imports, reports) "
            "would run inside web requests.",
            hint="Set CELERY_BROKER_URL=redis://127.0.0.1:6379/0 and start the workers "
            "(docs/deploy.md, 'The production stack'); unset TIANMU_JOBS_IN_PROCESS.",
            id="tianmu.E010",
        )
    ]
