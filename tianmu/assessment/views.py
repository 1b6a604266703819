"""Pages: the indicator table (口径表) with thresholds, assessment schemes, results, export."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tianmu.assessment.choices import SubjectType
from tianmu.assessment.forms import RunForm, SchemeForm, ThresholdForm
from tianmu.assessment.models import Assessment, AssessmentScheme, IndicatorThreshold
from tianmu.assessment.selectors import (
    assessments_visible,
    indicator_rows,
    items_by_type,
    schemes_visible,
)
from tianmu.assessment.services import (
    assessment_publish,
    assessment_run,
    scheme_save,
    threshold_delete,
    threshold_set,
)
from tianmu.core.exports import xlsx_response
from tianmu.core.indicators import indicator_name
from tianmu.core.scoping import can_create, editable_by
from tianmu.core.services import NotFound


def _add_errors(form, exc: ValidationError, fields=()) -> None:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
    for field, msgs in errors.items():
        for msg in msgs:
            form.add_error(field if field in fields else None, msg)


@login_required
def indicator_list(request):
    """The 口径表: every figure's definition, unit, kind, source, owner, frequency and the
    thresholds of the programmes the user sees; programme admins set thresholds here."""
    user = request.user
    may_set = can_create(user, IndicatorThreshold)
    editable = set(editable_by(user, IndicatorThreshold).values_list("pk", flat=True))
    context = {
        "rows": indicator_rows(user),
        "form": ThresholdForm(user=user) if may_set else None,
        "editable": editable,
    }
    return render(request, "assessment/indicator_list.html", context)


@login_required
@require_POST
def threshold_set_view(request):
    form = ThresholdForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            threshold_set(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc, fields=("alert", "excellence", "indicator"))
        except NotFound as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("Saved."))
            return redirect("assessment:indicator_list")
    context = {"rows": indicator_rows(request.user), "form": form, "editable": set()}
    return render(request, "assessment/indicator_list.html", context, status=400)


@login_required
@require_POST
def threshold_delete_view(request, pk):
    threshold = get_object_or_404(editable_by(request.user, IndicatorThreshold), pk=pk)
    threshold_delete(user=request.user, threshold=threshold)
    messages.success(request, _("Deleted."))
    return redirect("assessment:indicator_list")


@login_required
def scheme_list(request):
    schemes = schemes_visible(request.user).order_by("program__name", "name")
    context = {
        "schemes": schemes,
        "may_add": can_create(request.user, AssessmentScheme),
    }
    return render(request, "assessment/scheme_list.html", context)


@login_required
def scheme_add(request):
    if not can_create(request.user, AssessmentScheme):
        raise Http404
    form = SchemeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scheme = AssessmentScheme(
            program=data["program"],
            name=data["name"],
            description=data["description"],
            indicators=data["indicator_rows"],
            grades=data["grade_rows"],
        )
        try:
            scheme = scheme_save(user=request.user, scheme=scheme)
        except ValidationError as exc:
            _add_errors(form, exc, fields=("name", "grades", "program"))
        except NotFound as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("Saved."))
            return redirect("assessment:scheme_detail", pk=scheme.pk)
    status = 400 if form.is_bound else 200
    return render(request, "assessment/scheme_form.html", {"form": form}, status=status)


@login_required
def scheme_detail(request, pk):
    scheme = get_object_or_404(schemes_visible(request.user), pk=pk)
    may_run = editable_by(request.user, AssessmentScheme).filter(pk=pk).exists()
    form = RunForm(request.POST or None) if may_run else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                assessment = assessment_run(
                    user=request.user, scheme=scheme, year=form.cleaned_data["year"]
                )
            except ValidationError as exc:
                _add_errors(form, exc, fields=("year",))
            else:
                messages.success(request, _("Assessed."))
                return redirect("assessment:assessment_detail", pk=assessment.pk)
    parts = [{**p, "name": indicator_name(p["indicator"])} for p in scheme.indicators]
    context = {
        "scheme": scheme,
        "parts": parts,
        "assessments": assessments_visible(request.user).filter(scheme=scheme),
        "form": form,
    }
    status = 400 if form is not None and form.is_bound and form.errors else 200
    return render(request, "assessment/scheme_detail.html", context, status=status)


def _groups(assessment):
    labels = dict(SubjectType.choices)
    names = {
        p["indicator"]: indicator_name(p["indicator"])
        for p in assessment.results.get("scheme", {}).get("indicators", [])
    }
    groups = []
    for kind, items in items_by_type(assessment):
        named = [
            {**item, "parts": [{**p, "name": names.get(p["indicator"], p["indicator"])}
                               for p in item["parts"]]}
            for item in items
        ]  # fmt: skip
        columns = [p["name"] for p in named[0]["parts"]] if named else []
        groups.append({"type": kind, "label": labels.get(kind, kind), "items": named,
                       "columns": columns})  # fmt: skip
    return groups, names


@login_required
def assessment_detail(request, pk):
    assessment = get_object_or_404(assessments_visible(request.user), pk=pk)
    groups, names = _groups(assessment)
    may_publish = (
        not assessment.is_published and editable_by(request.user, Assessment).filter(pk=pk).exists()
    )
    context = {
        "assessment": assessment,
        "groups": groups,
        "names": names,
        "may_publish": may_publish,
    }
    return render(request, "assessment/assessment_detail.html", context)


@login_required
@require_POST
def assessment_publish_view(request, pk):
    assessment = get_object_or_404(editable_by(request.user, Assessment), pk=pk)
    try:
        assessment_publish(user=request.user, assessment=assessment)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Published."))
    return redirect("assessment:assessment_detail", pk=pk)


@login_required
def assessment_export(request, pk):
    """The result as a workbook: one sheet per subject type, ranked, with every part."""
    from openpyxl import Workbook

    assessment = get_object_or_404(assessments_visible(request.user), pk=pk)
    groups, names = _groups(assessment)
    book = Workbook()
    book.remove(book.active)
    for group in groups:
        sheet = book.create_sheet(str(group["label"])[:31])
        keys = [p["indicator"] for p in group["items"][0]["parts"]] if group["items"] else []
        header = [_("Rank"), _("Name"), _("Score"), _("Grade")]
        for key in keys:
            name = names.get(key, key)
            header += [
                _("%(indicator)s: value") % {"indicator": name},
                _("%(indicator)s: points") % {"indicator": name},
            ]
        sheet.append([str(h) for h in header])
        for item in group["items"]:
            row = [item["rank"], item["subject"]["name"], _float(item["score"]), item["grade"]]
            for part in item["parts"]:
                row += [_float(part["value"]), _float(part["points"])]
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    filename = f"assessment-{assessment.year}-v{assessment.version}.xlsx"
    return xlsx_response(buffer.getvalue(), filename)


def _float(value):
    if value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return value
