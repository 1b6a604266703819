"""Pages for workshops, positions, people and placements.

A person's page shows yearly earnings and the ID number and phone masked; admins and the
person's village cadre get a “Reveal” button, which posts, logs the viewing and shows the full
value once (docs/personal-data.md).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views import View

from tianmu.core.htmx import redirect_to
from tianmu.core.money import format_yuan_exact
from tianmu.core.scoping import visible_to
from tianmu.core.services import NotFound
from tianmu.core.views import (
    ObjectDetailView,
    ObjectHistoryView,
    ObjectListView,
    can_edit_object,
)
from tianmu.core.workflow import record_confirm, record_dispute
from tianmu.employment.forms import (
    EarningForm,
    RevealForm,
)
from tianmu.employment.models import MonthlyEarning, Person, Placement, Position, Workshop
from tianmu.employment.selectors import person_earnings_by_year
from tianmu.employment.services import (
    RateLimited,
    earning_record,
    may_export_revealed,
    may_reveal,
    person_reveal,
)

WORKSHOPS = Workshop.objects.select_related("enterprise", "town", "alliance")
POSITIONS = Position.objects.select_related("workshop")
PEOPLE = Person.objects.select_related("village__area")
PLACEMENTS = Placement.objects.select_related("person", "position__workshop")


def _messages(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- Workshops --------------------------------------------------------------------------------


class WorkshopDetailView(ObjectDetailView):
    detail_fields = (
        "kind",
        "enterprise",
        "alliance",
        "town",
        "location",
        "status",
        "opened_on",
        "description",
    )

    def extra_context(self, obj):
        user = self.request.user
        return {
            "villages": obj.villages.select_related("area"),
            "positions": visible_to(user, Position).filter(workshop=obj),
        }


class WorkshopHistoryView(ObjectHistoryView):
    def related_history(self, obj):
        return [(Position, obj.positions.all())]


# --- Positions --------------------------------------------------------------------------------


class PositionDetailView(ObjectDetailView):
    detail_fields = (
        "workshop",
        "headcount",
        "pay_basis",
        "pay_rate_yuan",
        "employment_type",
        "is_open",
    )


# --- People -----------------------------------------------------------------------------------


class PersonListView(ObjectListView):
    template_name = "employment/person_list.html"  # links to ID-number search, reveal log
    reveal_allowed = staticmethod(may_export_revealed)


class PersonDetailView(ObjectDetailView):
    model = Person
    detail_fields = (
        "village",
        "household",
        "low_income",
        "gender",
        "birth_year",
        ("id_number_masked", Person._meta.get_field("id_number").verbose_name),
        ("phone_masked", Person._meta.get_field("phone").verbose_name),
        "is_example",
    )

    def extra_context(self, obj):
        user = self.request.user
        return {
            "earnings_by_year": person_earnings_by_year(person=obj),
            "placements": visible_to(user, PLACEMENTS).filter(person=obj),
            "can_reveal": may_reveal(user, obj) and bool(obj.id_number or obj.phone),
            "revealed": getattr(self, "revealed", None),
        }


class PersonRevealView(PersonDetailView):
    """POST: reveal one field (logged) and show the page with the full value once."""

    def get(self, request, *args, **kwargs):
        return redirect_to(request, reverse("employment:person_detail", args=[kwargs["pk"]]))

    def post(self, request, *args, **kwargs):
        person = self.get_object()
        form = RevealForm(request.POST)
        if not form.is_valid():
            raise Http404
        try:
            value = person_reveal(
                user=request.user, person=person, field=form.cleaned_data["field"]
            )
        except (PermissionDenied, RateLimited) as exc:
            messages.error(request, str(exc))
            return redirect_to(request, reverse("employment:person_detail", args=[person.pk]))
        except NotFound as exc:
            raise Http404 from exc
        self.revealed = {"field": form.cleaned_data["field"], "value": value}
        response = super().get(request, *args, **kwargs)
        add_never_cache_headers(response)  # the page holds the full value: never stored
        return response


# --- Placements -------------------------------------------------------------------------------


class PlacementDetailView(ObjectDetailView):
    detail_fields = (
        "person",
        "position",
        "start",
        "end",
        "employment_type",
        "note",
        "confirmation",
        "reported_side",
        "confirmed_at",
        "dispute_reason",
        "corrects",
    )

    def extra_context(self, obj):
        user = self.request.user
        side = obj.side_of(user)
        can_edit = can_edit_object(user, obj)
        return {
            "earnings": visible_to(user, MonthlyEarning).filter(placement=obj).order_by("month"),
            "can_confirm": side is not None and side != obj.reported_side and not obj.is_locked,
            "earning_form": EarningForm() if can_edit else None,
        }


class PlacementHistoryView(ObjectHistoryView):
    def related_history(self, obj):
        return [(MonthlyEarning, obj.earnings.all())]


class PlacementActionView(LoginRequiredMixin, View):
    """Confirm, dispute or add a month's earnings from the placement page."""

    def post(self, request, pk, action):
        placement = get_object_or_404(visible_to(request.user, PLACEMENTS), pk=pk)
        try:
            if action == "confirm":
                record_confirm(user=request.user, obj=placement)
                done = _("Confirmed: %(placement)s.") % {"placement": placement}
            elif action == "dispute":
                reason = request.POST.get("reason", "")
                record_dispute(user=request.user, obj=placement, reason=reason)
                done = _("Disputed: %(placement)s — %(reason)s") % {
                    "placement": placement,
                    "reason": reason.strip(),
                }
            elif action == "earning":
                form = EarningForm(request.POST)
                if not form.is_valid():
                    for errors in form.errors.values():
                        for error in errors:
                            messages.error(request, error)
                    return redirect_to(request, reverse("employment:placement_detail", args=[pk]))
                earning_record(user=request.user, placement=placement, **form.cleaned_data)
                done = _("Recorded %(amount)s earned in %(month)s by %(person)s.") % {
                    "amount": format_yuan_exact(form.cleaned_data["amount_yuan"]),
                    "month": form.cleaned_data["month"].strftime("%Y-%m"),
                    "person": placement.person,
                }
            else:
                raise Http404
        except ValidationError as exc:
            _messages(request, exc)
        except NotFound as exc:
            raise Http404 from exc
        else:
            messages.success(request, done)
        return redirect_to(request, reverse("employment:placement_detail", args=[pk]))
