"""Background work for matching: thin, takes the run id, calls the service (safe to run twice).

Both go to the "matching" queue (settings.CELERY_TASK_ROUTES); beat runs the reaper every minute.
"""

from celery import shared_task

from tianmu.matching.execution import run_execute, run_reap


@shared_task(name="matching.run")
def run_matching(run_id: int, user_id: int | None = None) -> str:
    """Solve run `run_id` as user `user_id`, who started it (the change log names them).

    A message queued without a user (before tasks named theirs) runs as the run's requester.
    A run another worker already claimed is left to it (run_execute claims atomically).
    """
    from django.contrib.auth import get_user_model

    from tianmu.matching.models import MatchingRun

    if user_id is None:
        user_id = (
            MatchingRun.objects.filter(pk=run_id).values_list("requested_by_id", flat=True).first()
        )
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return run_execute(user=user, run_id=run_id).status


@shared_task(name="matching.reap")
def reap_matching() -> list[int]:
    """Mark failed the runs whose worker stopped; returns their ids."""
    return run_reap(user=None)
