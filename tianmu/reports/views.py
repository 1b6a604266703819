"""The 报表 page: pick a report, area and period, preview it with links to the records,
download it as xlsx, PDF or JSON, keep it; and the kept reports as they were made."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from tianmu.alliances.models import Alliance
from tianmu.core.scoping import can_create, visible_to
from tianmu.core.services import NotFound
from tianmu.dashboard.cockpit import period_choices
from tianmu.registry.selectors import child_areas
from tianmu.reports.definitions import NAMES, ReportError
from tianmu.reports.models import KeptReport
from tianmu.reports.render import CONTENT_TYPES, FORMATS, filename, sections_of
from tianmu.reports.render import render as render_report
from tianmu.reports.selectors import (
    ReportInput,
    alliance_of,
    area_of,
    kept_report,
    kept_reports,
    report_for,
)
from tianmu.reports.services import report_keep


class ReportForm(forms.Form):
    report = forms.ChoiceField(label=pgettext_lazy("noun", "Report"), choices=list(NAMES.items()))
    area = forms.ChoiceField(label=gettext_lazy("Area"), required=False)
    period = forms.ChoiceField(label=gettext_lazy("Period"))
    alliance = forms.ChoiceField(label=gettext_lazy("Alliance"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        parent, children = child_areas(user, None)
        areas = ([parent] if parent is not None else []) + children
        self.fields["area"].choices = [(a.code, a.name) for a in areas] or [("", "—")]
        self.fields["period"].choices = [(str(g), opts) for g, opts in period_choices()]
        self.fields["alliance"].choices = [("", "—")] + [
            (a.pk, a.name) for a in visible_to(user, Alliance).order_by("name")
        ]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"


def _input(data) -> ReportInput:
    return ReportInput(
        name=data.get("report") or "monthly",
        area=data.get("area") or None,
        period=data.get("period") or "",
        alliance=data.get("alliance") or None,
    )


@login_required
def report_page(request):
    user = request.user
    form = ReportForm(request.GET or None, user=user)
    report = error = None
    if request.GET.get("report"):
        try:
            report = report_for(user, _input(request.GET))
        except ReportError as exc:
            error = exc
    query = urlencode({k: v for k, v in request.GET.items() if v and k != "format"})
    context = {
        "form": form,
        "report": report,
        "sections": sections_of(report) if report else [],
        "error": error,
        "query": query,
        "formats": FORMATS,
        "can_keep": can_create(user, KeptReport),
        "kept": kept_reports(user)[:20],
    }
    return render(request, "reports/report_page.html", context, status=400 if error else 200)


def _download(report, fmt: str) -> HttpResponse:
    response = HttpResponse(render_report(report, fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename(report, fmt)}"'
    return response


@login_required
def report_download(request):
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS:
        raise Http404()
    try:
        report = report_for(request.user, _input(request.GET))
    except ReportError as error:
        messages.error(request, str(error))
        return redirect("reports:report_page")
    return _download(report, fmt)


@login_required
@require_POST
def report_keep_view(request):
    given = _input(request.POST)
    try:
        kept = report_keep(
            user=request.user,
            report=given.name,
            area=area_of(request.user, given.area),
            period=given.period,
            alliance=alliance_of(request.user, given.alliance),
        )
    except ReportError as error:
        messages.error(request, str(error))
        return redirect("reports:report_page")
    except (NotFound, PermissionDenied):
        raise Http404() from None
    messages.success(request, _("Kept: %(report)s.") % {"report": kept})
    return redirect("reports:report_page")


@login_required
def kept_download(request, pk: int, fmt: str):
    if fmt not in FORMATS:
        raise Http404()
    kept = get_object_or_404(kept_reports(request.user), pk=pk)
    return _download(kept_report(kept), fmt)
