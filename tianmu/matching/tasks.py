"""Background work for matching: thin, takes the run id, calls the service (safe to run twice)."""

from celery import shared_task


@shared_task(name="matching.run")
def run_matching(run_id: int) -> str:
    from tianmu.matching.services import run_execute

    return run_execute(run_id=run_id).status
