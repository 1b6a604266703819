"""Matching pages: the runs list, "Propose alliances", a run with its progress and proposals.

The run page polls its status partial with htmx while the run is queued or running; once it has
finished, the partial asks htmx to reload the page, which then shows the proposals.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views import View

from tianmu.alliances.models import Program
from tianmu.core.htmx import is_htmx, redirect_to, vary_on_htmx
from tianmu.core.scoping import can_create, editable_by, visible_to
from tianmu.core.services import NotFound
from tianmu.core.tables import object_url
from tianmu.core.views import (
    ObjectDetailView,
    ObjectHistoryView,
    ObjectListView,
    can_edit_object,
    model_url,
)
from tianmu.matching.explain import PARTS
from tianmu.matching.filtersets import MatchingRunFilterSet
from tianmu.matching.forms import RunForm
from tianmu.matching.models import MatchingRun, Proposal
from tianmu.matching.selectors import (
    diagnosis_explained,
    diagnosis_messages,
    proposals_with_members,
)
from tianmu.matching.services import (
    proposal_blockers,
    proposals_accept,
    run_create,
    run_rerun,
)
from tianmu.matching.tables import MatchingRunTable

RUNS = MatchingRun.objects.select_related("program__area", "requested_by")


class MatchingRunListView(ObjectListView):
    model = MatchingRun
    queryset = RUNS
    filterset_class = MatchingRunFilterSet
    table_class = MatchingRunTable


class MatchingRunAddView(LoginRequiredMixin, View):
    """Propose alliances for a programme: villages, pools and weights, then run."""

    template_name = "matching/matchingrun_add.html"

    def program(self) -> Program | None:
        programs = editable_by(self.request.user, Program).select_related("area")
        pk = self.request.GET.get("program") or self.request.POST.get("program")
        if pk:
            if not str(pk).isdigit():
                raise Http404
            return get_object_or_404(programs, pk=pk)
        only = list(programs[:2])
        return only[0] if len(only) == 1 else None

    def check(self):
        if not can_create(self.request.user, MatchingRun):
            raise Http404

    def render_form(self, form, program):
        programs = editable_by(self.request.user, Program).order_by("-start", "name")
        context = {
            "form": form,
            "program": program,
            "programs": programs,
            "model_meta": MatchingRun._meta,
            "list_url": model_url(MatchingRun),
        }
        return render(self.request, self.template_name, context)

    def get(self, request):
        self.check()
        program = self.program()
        form = RunForm(user=request.user, program=program) if program else None
        return self.render_form(form, program)

    def post(self, request):
        self.check()
        program = self.program()
        if program is None:
            raise Http404
        form = RunForm(request.POST, user=request.user, program=program)
        if form.is_valid():
            cd = form.cleaned_data
            try:
                run = run_create(
                    user=request.user,
                    program=cd["program"],
                    villages=cd["selected_villages"],
                    enterprise_pool=cd["enterprise_pool"],
                    chambers=list(cd["chambers"]) or None,
                    partners=list(cd["partners"]) or None,
                    weights=cd["weights"],
                    time_limit=cd.get("time_limit"),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            except NotFound as exc:
                raise Http404 from exc
            else:
                return redirect_to(request, object_url(run))
        return self.render_form(form, program)


def run_context(request, run: MatchingRun) -> dict:
    """What the run page shows: progress, figures, and each proposal beside the current
    alliance, with why it cannot be accepted (if it cannot)."""
    can_accept = run.is_finished and can_edit_object(request.user, run)
    proposals = proposals_with_members(run=run)
    for p in proposals:
        p.blockers = proposal_blockers(proposal=p) if can_accept and not p.accepted else []
    return {
        "run": run,
        "proposals": proposals,
        "can_accept": can_accept,
        "acceptable": [p for p in proposals if not p.accepted and not p.blockers],
        "diagnosis": diagnosis_explained(run),
        "solver_detail": diagnosis_messages(run),
        "parts_legend": list(PARTS.items()),
    }


class MatchingRunDetailView(ObjectDetailView):
    model = MatchingRun
    queryset = RUNS.select_related("source_run")
    detail_fields = (
        "program",
        "requested_by",
        "status",
        "solver_status",
        "objective",
        "bound",
        "gap",
        "seconds",
        "time_limit",
        "started",
        "finished",
        "source_run",
    )

    def extra_context(self, obj):
        return run_context(self.request, obj)


class MatchingRunStatusView(LoginRequiredMixin, View):
    """The progress bar alone, for htmx polling; a finished run reloads the whole page."""

    def get(self, request, pk):
        run = get_object_or_404(visible_to(request.user, MatchingRun), pk=pk)
        if run.is_finished and is_htmx(request):
            response = HttpResponse()
            response["HX-Refresh"] = "true"
            return response
        response = render(request, "matching/partials/run_status.html", {"run": run})
        return vary_on_htmx(response)


class MatchingRunAcceptView(LoginRequiredMixin, View):
    """Accept the proposals ticked on the run page (or all of them): draft alliances."""

    def post(self, request, pk):
        run = get_object_or_404(
            editable_by(request.user, MatchingRun).select_related("program"), pk=pk
        )
        if not can_create(request.user, Proposal):
            raise Http404
        ids = None
        if not request.POST.get("all"):
            try:
                ids = [int(v) for v in request.POST.getlist("villages")]
            except ValueError as exc:
                raise Http404 from exc
            if not ids:
                messages.error(request, _("Tick the proposals to accept."))
                return redirect_to(request, object_url(run))
        try:
            accepted = proposals_accept(user=request.user, run=run, village_ids=ids)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        except NotFound as exc:
            raise Http404 from exc
        else:
            created = sum(1 for _p, was_created in accepted if was_created)
            messages.success(
                request,
                _("%(n)d draft alliances created; %(m)d were accepted before.")
                % {"n": created, "m": len(accepted) - created},
            )
        return redirect_to(request, object_url(run))


class MatchingRunRerunView(LoginRequiredMixin, View):
    """Solve the run's saved instance again (reproducibility check, or after a failure)."""

    def post(self, request, pk):
        run = get_object_or_404(editable_by(request.user, MatchingRun), pk=pk)
        try:
            again = run_rerun(user=request.user, run=run)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect_to(request, object_url(run))
        except NotFound as exc:
            raise Http404 from exc
        return redirect_to(request, object_url(again))


class MatchingRunHistoryView(ObjectHistoryView):
    model = MatchingRun

    def related_history(self, obj):
        return [(Proposal, obj.proposals.all())]
