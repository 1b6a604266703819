"""The import pages: upload → preview (a dry run) → confirm, with progress and error reports."""

from __future__ import annotations

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from tianmu.core.api import InvalidInput
from tianmu.core.exports import xlsx_response
from tianmu.core.imports import error_report_xlsx, max_bytes, template_xlsx
from tianmu.exchange.models import ImportStatus
from tianmu.exchange.registers import importer
from tianmu.exchange.selectors import job_progress, job_status, jobs_of
from tianmu.exchange.services import import_confirm, import_create


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("file"),
        help_text=gettext_lazy("An Excel workbook (.xlsx) or a CSV file (UTF-8 or GBK)."),
    )


def _importer_or_404(name: str):
    imp = importer(name)
    if imp is None:
        raise Http404
    return imp


class ImportStartView(LoginRequiredMixin, View):
    def get(self, request, resource):
        imp = _importer_or_404(resource)
        return self._page(request, resource, imp, UploadForm())

    def post(self, request, resource):
        imp = _importer_or_404(resource)
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = import_create(
                    user=request.user,
                    resource=resource,
                    filename=upload.name,
                    content=upload.read(max_bytes() + 1),  # at most the limit into memory
                    dry_run=True,
                )
            except InvalidInput as exc:
                for messages in exc.errors.values():
                    for m in messages:
                        form.add_error("file", m)
            else:
                return redirect("exchange:import_detail", job.pk)
        return self._page(request, resource, imp, form, status=400)

    def _page(self, request, resource, imp, form, status=200):
        context = {
            "title": _("Import: %(register)s") % {"register": imp.title()},
            "register": imp.title(),
            "resource": resource,
            "form": form,
            "columns": imp.columns(request.user),
            "recent": jobs_of(request.user).filter(resource=resource)[:5],
        }
        return render(request, "exchange/import_start.html", context, status=status)


class ImportTemplateView(LoginRequiredMixin, View):
    def get(self, request, resource):
        imp = _importer_or_404(resource)
        return xlsx_response(template_xlsx(imp, request.user), f"{resource}-template.xlsx")


def _job_or_404(request, pk):
    job = jobs_of(request.user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


def _job_context(job):
    imp = importer(job.resource)
    return {
        "job": job,
        "status": job_status(job),
        "progress": job_progress(job),
        "finished": job.is_finished,
        "register": imp.title() if imp else job.resource,
    }


class ImportDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        job = _job_or_404(request, pk)
        actions = list(job.actions) if job.is_finished else []
        context = {
            **_job_context(job),
            "title": _("Import: %(register)s") % {"register": _job_context(job)["register"]},
            "actions": actions[:1000],
            "more_actions": max(0, len(actions) - 1000),
            "can_confirm": job.dry_run
            and job.status == ImportStatus.DONE
            and not job.confirmations.exists(),
            "confirmed": job.confirmations.order_by("-pk").first(),
            "form": UploadForm(),
        }
        return render(request, "exchange/import_detail.html", context)


class ImportStatusView(LoginRequiredMixin, View):
    """The progress bar, polled while the job runs; the whole page reloads when it ends."""

    def get(self, request, pk):
        job = _job_or_404(request, pk)
        response = render(request, "exchange/partials/import_status.html", _job_context(job))
        if job.is_finished:
            response["HX-Refresh"] = "true"
        return response


class ImportConfirmView(LoginRequiredMixin, View):
    def post(self, request, pk):
        job = _job_or_404(request, pk)
        try:
            new = import_confirm(user=request.user, job=job)
        except InvalidInput:
            return redirect("exchange:import_detail", job.pk)
        return redirect("exchange:import_detail", new.pk)


class ImportErrorsView(LoginRequiredMixin, View):
    def get(self, request, pk):
        job = _job_or_404(request, pk)
        body = error_report_xlsx(job.filename, bytes(job.content), job.errors)
        return xlsx_response(body, f"{job.resource}-errors.xlsx")
