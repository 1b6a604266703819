"""Imports through the API (docs/exchange.md): upload, poll, download the template or errors."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from tianmu.core.api import InvalidInput, user_of
from tianmu.core.exports import XLSX_TYPE as XLSX
from tianmu.core.exports import xlsx_response
from tianmu.core.imports import error_report_xlsx, max_bytes, template_xlsx
from tianmu.exchange.models import ImportJob
from tianmu.exchange.registers import importer, importers
from tianmu.exchange.selectors import job_progress, job_status, jobs_of
from tianmu.exchange.services import import_create

router = Router(tags=["imports"])


class ImportErrorOut(Schema):
    row: int
    column: str
    message: str


class ImportOut(Schema):
    id: int
    resource: str
    filename: str
    dry_run: bool
    status: str
    progress: int
    rows: int
    created: int
    updated: int
    unchanged: int
    errors: list[ImportErrorOut]


class ImportIn(Schema):
    resource: str
    dry_run: bool = False


def job_out(job: ImportJob) -> dict:
    return {
        "id": job.pk,
        "resource": job.resource,
        "filename": job.filename,
        "dry_run": job.dry_run,
        "status": job_status(job),
        "progress": job_progress(job),
        "rows": job.rows,
        "created": job.created,
        "updated": job.updated,
        "unchanged": job.unchanged,
        "errors": job.errors,
    }


def _job(request, import_id: int) -> ImportJob:
    job = jobs_of(user_of(request)).filter(pk=import_id).first()
    if job is None:
        raise Http404
    return job


@router.post(
    "/imports", response={201: ImportOut}, summary="Import a sheet (xlsx or csv) into a register"
)
def import_start(request, data: Form[ImportIn], file: File[UploadedFile]):
    content = file.read(max_bytes() + 1)  # never more than the limit into memory
    job = import_create(
        user=user_of(request),
        resource=data.resource,
        filename=file.name or "",
        content=content,
        dry_run=data.dry_run,
    )
    return Status(201, job_out(job))


@router.get("/imports", response=list[ImportOut], summary="Your recent imports")
def import_list(request):
    return [job_out(j) for j in jobs_of(user_of(request))[:50]]


@router.get(
    "/imports/template",
    summary="An empty sheet to fill in for a register (xlsx)",
    response={200: None},
    openapi_extra={"responses": {200: {"description": "An xlsx workbook", "content": {XLSX: {}}}}},
)
def import_template(request, resource: str):
    imp = importer(resource)
    if imp is None:
        names = ", ".join(importers())
        raise InvalidInput({"resource": [_("Choose one of: %(names)s.") % {"names": names}]})
    return xlsx_response(template_xlsx(imp, user_of(request)), f"{resource}-template.xlsx")


@router.get("/imports/{int:import_id}", response=ImportOut, summary="An import's status and result")
def import_get(request, import_id: int):
    return job_out(_job(request, import_id))


@router.get(
    "/imports/{int:import_id}/errors",
    summary="The uploaded sheet with an error column (xlsx)",
    response={200: None},
    openapi_extra={"responses": {200: {"description": "An xlsx workbook", "content": {XLSX: {}}}}},
)
def import_errors(request, import_id: int):
    job = _job(request, import_id)
    body = error_report_xlsx(job.filename, bytes(job.content), job.errors)
    return xlsx_response(body, f"{job.resource}-errors.xlsx")
