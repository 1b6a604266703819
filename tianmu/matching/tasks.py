"""Background work for matching: thin, takes the run id, calls the service (safe to run twice)."""

from celery import shared_task

from tianmu.matching.execution import run_execute


@shared_task(name="matching.run")
def run_matching(run_id: int) -> str:
    return run_execute(run_id=run_id).status
