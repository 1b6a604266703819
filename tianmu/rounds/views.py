"""The round pages: the list, a form to open a round (programme admins), and a round with its
reporters (phone cards; overdue in red), the reporter's "nothing to report" button and the
admin's close button. The same forms and services as `/api/v1/reporting-rounds`."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from tianmu.core.scoping import can_create, editable_by, scope_for
from tianmu.core.services import NotFound
from tianmu.rounds.choices import ReporterStatus
from tianmu.rounds.forms import DeclareForm, RoundForm
from tianmu.rounds.kinds import KINDS, kind_of
from tianmu.rounds.models import Round
from tianmu.rounds.selectors import (
    counts_of,
    is_complete,
    own_reporter,
    reported_at,
    reporters_of,
    rounds_of,
)
from tianmu.rounds.services import round_close, round_declare, round_open, round_settle


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class RoundListView(LoginRequiredMixin, View):
    def get(self, request):
        user = request.user
        page = Paginator(rounds_of(user), settings.TIANMU_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        rounds = list(page.object_list)
        counts = counts_of(user, rounds)
        for r in rounds:
            if r.is_open and is_complete(counts[r.pk]):
                round_settle(user=user, round_=r)  # everyone has reported: it closes
                r.refresh_from_db(fields=["status", "closed_at"])
        rows = [{"round": r, "counts": counts[r.pk]} for r in rounds]
        context = {"page_obj": page, "rows": rows, "may_open": can_create(user, Round)}
        return render(request, "rounds/round_list.html", context)


class RoundAddView(LoginRequiredMixin, View):
    def get(self, request):
        if not can_create(request.user, Round):
            raise Http404
        return self.page(request, RoundForm(user=request.user))

    def post(self, request):
        if not can_create(request.user, Round):
            raise Http404
        form = RoundForm(request.POST, user=request.user)
        if form.is_valid():
            c = form.cleaned_data
            try:
                r = round_open(
                    user=request.user, program=c["program"], kind=c["kind"],
                    period=c["period"], deadline=c["deadline"],
                )  # fmt: skip
            except ValidationError as exc:
                _add_errors(form, exc)
            except NotFound as exc:
                raise Http404 from exc
            else:
                messages.success(request, _("The round “%(round)s” is open.") % {"round": r})
                return redirect("rounds:round_detail", r.pk)
        return self.page(request, form, status=400)

    def page(self, request, form, status=200):
        kinds = [(k.label, k.counts) for k in KINDS.values()]
        return render(
            request, "rounds/round_form.html", {"form": form, "kinds": kinds}, status=status
        )


class RoundDetailView(LoginRequiredMixin, View):
    model = Round  # what the `<int:pk>` names (the page walks of the tests read it)

    def get(self, request, pk):
        return self.page(request, pk)

    def page(self, request, pk, *, declare_form=None, close_errors=None, status=200):
        user = request.user
        r = rounds_of(user).filter(pk=pk).first()
        if r is None:
            raise Http404
        if r.is_open:
            r = round_settle(user=user, round_=r)
            r = rounds_of(user).get(pk=pk)
        shown = request.GET.get("status")
        shown = shown if shown in ReporterStatus.values else None
        reporters = list(reporters_of(user, r, status=shown))
        for rep in reporters:
            rep.when = reported_at(rep)
        mine = own_reporter(user, r)
        scope = scope_for(user)
        context = {
            "round": r,
            "kind": kind_of(r.kind),
            "counts": counts_of(user, [r])[r.pk],
            "reporters": reporters,
            "shown": shown,
            "statuses": ReporterStatus.choices,
            "mine": mine,
            "report_url": kind_of(r.kind).report_url(mine.reporter) if mine else None,
            "declare_form": (
                declare_form or DeclareForm()
                if mine and r.is_open and mine.status not in ("reported", "declared")
                else None
            ),
            "may_close": r.is_open and editable_by(user, Round).filter(pk=r.pk).exists(),
            "close_errors": close_errors or [],
            "town_only": scope.role == "town",
        }
        return render(request, "rounds/round_detail.html", context, status=status)


class RoundDeclareView(RoundDetailView):
    def get(self, request, pk):
        return redirect("rounds:round_detail", pk)

    def post(self, request, pk):
        r = rounds_of(request.user).filter(pk=pk).first()
        if r is None:
            raise Http404
        form = DeclareForm(request.POST)
        if form.is_valid():
            try:
                round_declare(user=request.user, round_=r, note=form.cleaned_data["note"])
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Recorded: nothing to report this period."))
                return redirect("rounds:round_detail", pk)
        return self.page(request, pk, declare_form=form, status=400)


class RoundCloseView(RoundDetailView):
    def get(self, request, pk):
        return redirect("rounds:round_detail", pk)

    def post(self, request, pk):
        r = rounds_of(request.user).filter(pk=pk).first()
        if r is None:
            raise Http404
        try:
            round_close(user=request.user, round_=r)
        except ValidationError as exc:
            return self.page(request, pk, close_errors=exc.messages, status=400)
        messages.success(request, _("The round is closed."))
        return redirect("rounds:round_detail", pk)
