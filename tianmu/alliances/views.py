"""Pages of programmes, alliances and pairings.

The alliance page is where the work happens: its members (current and ended), its pairing
(current and past) and the rule check. Each section is an htmx partial with its own form;
after a change the response fires `rules-changed` and the rule-check panel reloads itself.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from tianmu.alliances.forms import (
    AllianceMemberForm,
    EndForm,
    PairingForm,
)
from tianmu.alliances.models import Alliance, AllianceMember, DateRangeMixin, Pairing, Program
from tianmu.alliances.selectors import alliance_members, alliance_rule_check
from tianmu.alliances.services import member_add, member_end, pairing_create, pairing_end
from tianmu.core.htmx import is_htmx, trigger
from tianmu.core.scoping import can_create, editable_by, visible_to
from tianmu.core.services import NotFound
from tianmu.core.tables import object_url, term_state
from tianmu.core.views import (
    ObjectDetailView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    add_service_errors,
    can_edit_object,
    section_response,
)

RULES_CHANGED = "rules-changed"


def _count(model, **filters):
    """A correlated COUNT subquery (keeps list pages at one query, whatever the joins)."""
    qs = (
        model.objects.filter(**filters)
        .order_by()
        .values(next(iter(filters)).removesuffix("_id"))
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(qs, output_field=IntegerField()), 0)


# --- Programmes -------------------------------------------------------------------------------


class ProgramListView(ObjectListView):
    def base_queryset(self):
        return Program.objects.select_related("area").annotate(
            alliance_count=_count(Alliance, program=OuterRef("pk"))
        )


class ProgramDetailView(ObjectDetailView):
    detail_fields = (
        "name",
        "area",
        "start",
        "end",
        ("formula", _("Rules")),
        "core_count",
        "core_must_be_fic",
        "chamber_count",
        "chamber_must_be_local",
        "partners_min",
        "partners_max",
        "description",
    )

    def extra_context(self, obj):
        user = self.request.user
        alliances = alliance_rows(visible_to(user, Alliance).filter(program=obj))
        can_add = can_create(user, Alliance) and can_edit_object(user, obj)
        return {"alliances": alliances, "can_add_alliance": can_add}


# --- Alliances --------------------------------------------------------------------------------


def alliance_rows(qs):
    """Alliances with their paired village and current member count, in one query."""
    today = timezone.localdate()
    active = DateRangeMixin.active_on(today)
    village = (
        Pairing.objects.filter(active, alliance=OuterRef("pk"))
        .order_by("-start")
        .values("village__area__name")[:1]
    )
    members = (
        AllianceMember.objects.filter(active, alliance=OuterRef("pk"))
        .order_by()
        .values("alliance")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.select_related("program").annotate(
        current_village=Subquery(village),
        member_count=Coalesce(Subquery(members, output_field=IntegerField()), 0),
    )


class AllianceListView(ObjectListView):
    def base_queryset(self):
        return alliance_rows(Alliance.objects.all())


class AllianceDetailView(ObjectDetailView):
    detail_fields = ("program", "status", ("program.formula", _("Rules")), "positioning")

    def extra_context(self, obj):
        return alliance_sections(self.request, obj)


def alliance_sections(request, alliance, **forms_and_errors) -> dict:
    """Everything the three sections of the alliance page show (members, pairings, rules)."""
    can_edit = can_edit_object(request.user, alliance)
    context = {
        "alliance": alliance,
        "can_edit": can_edit,
        **members_context(request, alliance, can_edit=can_edit, **forms_and_errors),
        **pairings_context(request, alliance, can_edit=can_edit, **forms_and_errors),
        "check": alliance_rule_check(alliance=alliance),
    }
    return context


def members_context(
    request, alliance, *, can_edit, member_form=None, end_errors=None, **_ignored
) -> dict:
    today = timezone.localdate()
    members = alliance_members(alliance=alliance)
    end_errors = end_errors or {}
    for m in members:
        m.state = term_state(m, today)
        m.end_errors = end_errors.get(m.pk, [])
    can_add = can_edit and can_create(request.user, AllianceMember)
    if member_form is None and can_add:
        member_form = make_member_form(request, alliance)
    return {
        "alliance": alliance,
        "members": members,
        "current_members": [m for m in members if m.state != "ended"],
        "ended_members": [m for m in members if m.state == "ended"],
        "member_form": member_form if can_add else None,
        "can_edit": can_edit,
        "today": today,
    }


def make_member_form(request, alliance, data=None):
    form = AllianceMemberForm(data, user=request.user, alliance=alliance, auto_id="member_%s")
    form.fields["organization"].queryset = form.fields["organization"].queryset.order_by(
        "kind", "name"
    )
    return form


def pairings_context(
    request, alliance, *, can_edit, pair_form=None, pairing_end_errors=None, **_ignored
) -> dict:
    today = timezone.localdate()
    pairings = list(alliance.pairings.select_related("village__area__parent").order_by("-start"))
    pairing_end_errors = pairing_end_errors or {}
    for p in pairings:
        p.state = term_state(p, today)
        p.end_errors = pairing_end_errors.get(p.pk, [])
    current = next((p for p in pairings if p.state == "current"), None)
    # A new pairing only makes sense once the current one has an end date.
    can_add = (
        can_edit
        and can_create(request.user, Pairing)
        and (current is None or current.end is not None or pair_form is not None)
    )
    if pair_form is None and can_add:
        pair_form = make_pair_form(request, alliance)
    return {
        "alliance": alliance,
        "pairings": pairings,
        "current_pairing": current,
        "pair_form": pair_form if can_add else None,
        "can_edit": can_edit,
        "today": today,
    }


def make_pair_form(request, alliance, data=None):
    if data is not None:
        data = data.copy()
        data["alliance"] = alliance.pk  # from the URL: the form cannot pair another alliance
    form = PairingForm(
        data,
        user=request.user,
        initial={"alliance": alliance.pk, "start": alliance.program.start},
        auto_id="pair_%s",
    )
    form.fields["alliance"].widget = forms.HiddenInput()
    form.fields["village"].queryset = (
        form.fields["village"]
        .queryset.filter(area__path__contains=f"/{alliance.program.area_id}/")
        .select_related("area__parent")
        .order_by("area__parent__name", "area__name")
    )
    form.fields["village"].label_from_instance = lambda v: f"{v.area.parent} · {v}"
    return form


class AllianceHistoryView(ObjectHistoryView):
    def related_history(self, obj):
        return [(AllianceMember, obj.members.all()), (Pairing, obj.pairings.all())]


class AllianceRulesView(LoginRequiredMixin, View):
    """The rule-check panel alone (htmx reloads it after every member or pairing change)."""

    def get(self, request, pk):
        alliance = get_object_or_404(
            visible_to(request.user, Alliance).select_related("program"), pk=pk
        )
        check = alliance_rule_check(alliance=alliance)
        return render(
            request, "alliances/partials/rules.html", {"alliance": alliance, "check": check}
        )


def _editable_alliance(request, pk, model) -> Alliance:
    """The alliance, if the user may change it and add `model` records to it (else 404)."""
    alliance = get_object_or_404(
        editable_by(request.user, Alliance).select_related("program"), pk=pk
    )
    if not can_create(request.user, model):
        raise Http404
    return alliance


def _changed(response):
    return trigger(response, RULES_CHANGED)


class MemberAddView(LoginRequiredMixin, View):
    """Add a member (htmx: the members section comes back, with errors or the new row)."""

    def post(self, request, pk):
        alliance = _editable_alliance(request, pk, AllianceMember)
        form = make_member_form(request, alliance, request.POST)
        ok = False
        if form.is_valid():
            try:
                member_add(user=request.user, member=form.instance)
            except ValidationError as exc:
                add_service_errors(form, exc)
            except NotFound as exc:
                raise Http404 from exc
            else:
                ok, form = True, None
        context = members_context(request, alliance, can_edit=True, member_form=form)
        response = section_response(
            request, "alliances/partials/members.html", context, fallback_url=object_url(alliance)
        )
        return _changed(response) if ok else response


def _end_date(request) -> tuple[datetime.date | None, list[str]]:
    form = EndForm(request.POST)
    if form.is_valid():
        return form.cleaned_data["end"], []
    return None, [str(e) for errors in form.errors.values() for e in errors]


def _errors_as_messages(request, errors) -> None:
    """Without htmx the page reloads: the end form's errors travel as messages."""
    if errors and not is_htmx(request):
        for error in errors:
            messages.error(request, error)


class MemberEndView(LoginRequiredMixin, View):
    """End a membership on a date; it stays in the table as history."""

    def post(self, request, pk):
        member = get_object_or_404(
            editable_by(request.user, AllianceMember).select_related("alliance__program"), pk=pk
        )
        alliance = member.alliance
        end, errors = _end_date(request)
        if end is not None:
            try:
                member_end(user=request.user, member=member, end=end)
            except ValidationError as exc:
                errors = exc.messages
            except NotFound as exc:
                raise Http404 from exc
        _errors_as_messages(request, errors)
        context = members_context(
            request, alliance, can_edit=True, end_errors={member.pk: errors} if errors else None
        )
        response = section_response(
            request, "alliances/partials/members.html", context, fallback_url=object_url(alliance)
        )
        return response if errors else _changed(response)


class PairView(LoginRequiredMixin, View):
    """Pair the alliance with a village (htmx: the pairing section comes back)."""

    def post(self, request, pk):
        alliance = _editable_alliance(request, pk, Pairing)
        form = make_pair_form(request, alliance, request.POST)
        ok = False
        if form.is_valid():
            try:
                pairing_create(user=request.user, pairing=form.instance)
            except ValidationError as exc:
                add_service_errors(form, exc)
            except NotFound as exc:
                raise Http404 from exc
            else:
                ok, form = True, None
        context = pairings_context(request, alliance, can_edit=True, pair_form=form)
        response = section_response(
            request, "alliances/partials/pairings.html", context, fallback_url=object_url(alliance)
        )
        return _changed(response) if ok else response


class PairingEndView(LoginRequiredMixin, View):
    """End a pairing on a date; it stays as history (the relationship outlasts the term)."""

    def post(self, request, pk):
        pairing = get_object_or_404(
            editable_by(request.user, Pairing).select_related("alliance__program"), pk=pk
        )
        alliance = pairing.alliance
        end, errors = _end_date(request)
        if end is not None:
            try:
                pairing_end(user=request.user, pairing=pairing, end=end)
            except ValidationError as exc:
                errors = exc.messages
            except NotFound as exc:
                raise Http404 from exc
        _errors_as_messages(request, errors)
        context = pairings_context(
            request,
            alliance,
            can_edit=True,
            pairing_end_errors={pairing.pk: errors} if errors else None,
        )
        response = section_response(
            request, "alliances/partials/pairings.html", context, fallback_url=object_url(alliance)
        )
        return response if errors else _changed(response)


# --- Pairings ---------------------------------------------------------------------------------


class PairingDetailView(ObjectDetailView):
    detail_fields = (
        "alliance",
        ("alliance.program", _("programme")),
        "village",
        ("village.area.parent", _("town")),
        "start",
        "end",
        "note",
    )

    def extra_context(self, obj):
        return {"state": term_state(obj, timezone.localdate())}


class PairingAddView(ObjectEditView):
    """Pair an alliance with a village from the pairings list (the alliance page has a form
    too)."""

    def get_object(self):
        if not can_create(self.request.user, Pairing):
            raise Http404
        return Pairing()

    def adjust_form(self, form):
        form.fields["village"].queryset = form.fields["village"].queryset.select_related(
            "area__parent"
        )
        form.fields["alliance"].queryset = form.fields["alliance"].queryset.select_related(
            "program"
        )
