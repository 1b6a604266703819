"""Pages of the impact app: the effect on village income, the ledger check, income status,
the programme's income rules, and the income panel of the village page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from tianmu.alliances.models import Alliance, Program
from tianmu.core.scoping import editable_by, visible_to
from tianmu.core.services import NotFound
from tianmu.core.views import add_service_errors
from tianmu.impact.choices import IncomeStatus, Metric
from tianmu.impact.forms import RULE_FIELDS, IncomeRulesForm
from tianmu.impact.selectors import (
    BOOTSTRAP_DRAWS,
    impact_estimate,
    impact_params,
    impact_parts,
    ledger_check,
    parse_year,
    rules_for,
    village_income_chart,
    village_statuses,
)
from tianmu.impact.services import income_rules_save

STATUS_CLASSES = {
    IncomeStatus.GREEN: "text-bg-success",
    IncomeStatus.YELLOW: "text-bg-warning",
    IncomeStatus.RED: "text-bg-danger",
    IncomeStatus.UNKNOWN: "text-bg-secondary",
}


def village_income_panel(request, village):
    """The village page's income panel (registered on registry's Village, see apps.py)."""
    chart = village_income_chart(user=request.user, village=village)
    if chart is None:
        return None
    if chart["status"] is not None:
        chart["status_class"] = STATUS_CLASSES[chart["status"].status]
    return chart


def _choices(user, data) -> dict:
    programs = list(visible_to(user, Program).order_by("-start", "name"))
    selected = str(data.get("program") or (programs[0].pk if programs else ""))
    alliances = (
        visible_to(user, Alliance).filter(program_id=int(selected)).order_by("name")
        if selected.isdigit() and len(selected) < 19
        else Alliance.objects.none()
    )
    return {
        "programs": programs,
        "selected_program": selected,
        "alliances": alliances,
        "metrics": Metric.choices,
        "selected_metric": str(data.get("metric") or Metric.OPERATING),
        "selected_alliance": str(data.get("alliance") or ""),
        "area_input": str(data.get("area") or ""),
        "year_input": str(data.get("year") or ""),
    }


def _errors(exc: ValidationError) -> list[str]:
    return [str(m) for msgs in exc.message_dict.values() for m in msgs]


def _year(data) -> tuple[int | None, list[str]]:
    try:
        return parse_year(data.get("year")), []
    except ValidationError as exc:
        return None, _errors(exc)


class ImpactView(LoginRequiredMixin, View):
    """/impact/?program=…&metric=…&area=…&alliance=…: the estimate in words, a chart, the
    villages compared and the method with its assumptions."""

    def get(self, request):
        data = request.GET.copy()
        context = _choices(request.user, data)
        data.setdefault("program", context["selected_program"])
        context["draws"] = BOOTSTRAP_DRAWS
        try:
            params = impact_params(request.user, data)
            result = impact_estimate(user=request.user, **params)
        except ValidationError as exc:
            context["errors"] = _errors(exc)
            return render(request, "impact/impact.html", context, status=200)
        context["result"] = result
        context["option"] = _impact_option(result)
        if params["area"] is None and params["alliance"] is None:
            parts = impact_parts(
                user=request.user, program=params["program"], metric=params["metric"]
            )
            for rows in parts.values():
                for row in rows:
                    row["url"] = "?" + urlencode(
                        {
                            "program": params["program"].pk,
                            "metric": params["metric"],
                            **row["query"],
                        }
                    )
            context["parts"] = parts
        return render(request, "impact/impact.html", context)


def _impact_option(result: dict) -> dict:
    labels = [_("before the pairing"), _("after the pairing")]
    return {
        "grid": {"left": 80, "right": 10, "top": 20, "bottom": 50},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "xAxis": {"type": "category", "data": [str(x) for x in labels]},
        "yAxis": {"type": "value"},
        "series": [
            {
                "type": "line",
                "name": str(_("paired villages")),
                "data": [
                    float(result["paired"]["before_mean"]),
                    float(result["paired"]["after_mean"]),
                ],
            },
            {
                "type": "line",
                "name": str(_("comparison villages")),
                "lineStyle": {"type": "dashed"},
                "data": [
                    float(result["comparison"]["before_mean"]),
                    float(result["comparison"]["after_mean"]),
                ],
            },
        ],
    }


def _yearly(request):
    """The page context with its programme and area choices, the year, the checked parameters
    (None when refused) and the errors, for the pages of one programme's year."""
    data = request.GET.copy()
    context = _choices(request.user, data)
    data.setdefault("program", context["selected_program"])
    year, errors = _year(data)
    context["year"] = year
    context["year_input"] = context["year_input"] or year
    params = None
    try:
        params = impact_params(request.user, data)
    except ValidationError as exc:
        errors += _errors(exc)
    return context, year, params, errors


class LedgerCheckView(LoginRequiredMixin, View):
    """/impact/ledger/?program=…&year=…: villages to follow up."""

    def get(self, request):
        context, year, params, errors = _yearly(request)
        if errors:
            context["errors"] = errors
        else:
            context["result"] = ledger_check(
                user=request.user, program=params["program"], year=year, area=params["area"]
            )
        return render(request, "impact/ledger.html", context)


class StatusView(LoginRequiredMixin, View):
    """/impact/status/?program=…&year=…: every village's status and the rule that decided."""

    def get(self, request):
        context, year, params, errors = _yearly(request)
        if errors:
            context["errors"] = errors
            return render(request, "impact/status.html", context)
        program = params["program"]
        rows = village_statuses(user=request.user, program=program, year=year, area=params["area"])
        for row in rows:
            row["class"] = STATUS_CLASSES[row["status"].status]
        context.update(
            rows=rows,
            program=program,
            rules=rules_for(program),
            can_edit=editable_by(request.user, Program).filter(pk=program.pk).exists(),
        )
        return render(request, "impact/status.html", context)


class RulesEditView(LoginRequiredMixin, View):
    """/impact/rules/<programme>/: the programme's admins set its target and thresholds."""

    def get_program(self, pk):
        program = get_object_or_404(visible_to(self.request.user, Program), pk=pk)
        if not editable_by(self.request.user, Program).filter(pk=pk).exists():
            raise Http404
        return program

    def render_form(self, program, form):
        return render(self.request, "impact/rules.html", {"program": program, "form": form})

    def get(self, request, pk):
        program = self.get_program(pk)
        return self.render_form(program, IncomeRulesForm(instance=rules_for(program)))

    def post(self, request, pk):
        program = self.get_program(pk)
        form = IncomeRulesForm(request.POST, instance=rules_for(program))
        if form.is_valid():
            try:
                income_rules_save(
                    user=request.user,
                    program=program,
                    values={k: form.cleaned_data[k] for k in RULE_FIELDS},
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except NotFound as exc:
                raise Http404 from exc
            else:
                messages.success(
                    request, _("Saved the income rules of “%(program)s”.") % {"program": program}
                )
                return redirect(f"{_status_url()}?program={program.pk}")
        return self.render_form(program, form)


def _status_url() -> str:
    from django.urls import reverse

    return reverse("impact:status")
