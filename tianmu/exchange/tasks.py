"""Background work for imports: thin, takes the job id, calls the service (safe to run twice)."""

from celery import shared_task

from tianmu.exchange.services import import_execute


@shared_task(name="exchange.import")
def run_import_job(job_id: int) -> str:
    return import_execute(job_id).status
