"""Pages of the registry: areas, villages (with yearly incomes) and organisations."""

from __future__ import annotations

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from tianmu.core.scoping import can_create, visible_to
from tianmu.core.services import NotFound, object_save
from tianmu.core.tables import object_url, term_state
from tianmu.core.views import (
    ObjectDetailView,
    ObjectEditView,
    ObjectHistoryView,
    add_service_errors,
    can_edit_object,
    section_response,
)
from tianmu.registry.choices import OrganizationKind
from tianmu.registry.forms import (
    ChamberMembershipForm,
    VillageIncomeForm,
)
from tianmu.registry.models import Area, ChamberMembership, Organization, Village, VillageIncome

# --- Areas ------------------------------------------------------------------------------------


class AreaDetailView(ObjectDetailView):
    detail_fields = ("name", "level", "code", "parent", "lat", "lon")

    def extra_context(self, obj):
        children = visible_to(self.request.user, Area).filter(parent=obj)
        village = visible_to(self.request.user, Village).filter(area=obj).first()
        return {"children": children, "village": village}


# --- Villages ---------------------------------------------------------------------------------


def village_incomes_context(request, village, form=None) -> dict:
    can_edit = can_edit_object(request.user, village)
    if form is None and can_edit:
        form = income_form(request, village)
    return {
        "village": village,
        "incomes": village.incomes.order_by("-year"),
        "income_form": form,
        "can_edit": can_edit,
    }


def income_form(request, village, data=None):
    if data is not None:
        data = data.copy()
        data["village"] = village.pk  # the village comes from the URL, not the form
    form = VillageIncomeForm(data, user=request.user, initial={"village": village.pk})
    form.fields["village"].widget = forms.HiddenInput()
    return form


class VillageDetailView(ObjectDetailView):
    detail_fields = (
        ("area.name", _("name")),
        ("area.code", _("division code")),
        ("area.parent", _("town")),
        ("area.lat", _("latitude")),
        ("area.lon", _("longitude")),
        "population",
        "households",
        "low_income_households",
        "idle_farmland_mu",
        "main_products",
        "development_needs",
        "is_example",
    )

    def extra_context(self, obj):
        today = timezone.localdate()
        pairings = list(
            visible_to(self.request.user, obj.pairings.all())
            .select_related("alliance__program")
            .order_by("-start")
        )
        for p in pairings:
            p.state = term_state(p, today)
        return {
            "pairings": pairings,
            **village_incomes_context(self.request, obj),
        }


class VillageHistoryView(ObjectHistoryView):
    def related_history(self, obj):
        return [(Area, Area.objects.filter(pk=obj.area_id)), (VillageIncome, obj.incomes.all())]


class VillageIncomeAddView(LoginRequiredMixin, View):
    """Add a year's collective income from the village page (htmx section)."""

    def post(self, request, pk):
        village = get_object_or_404(
            visible_to(request.user, Village).select_related("area__parent"), pk=pk
        )
        if not can_edit_object(request.user, village) or not can_create(
            request.user, VillageIncome
        ):
            raise Http404
        form = income_form(request, village, request.POST)
        if form.is_valid():
            try:
                object_save(user=request.user, instance=form.instance)
            except ValidationError as exc:
                add_service_errors(form, exc)
            except NotFound as exc:
                raise Http404 from exc
            else:
                form = None
        return section_response(
            request,
            "registry/partials/incomes.html",
            village_incomes_context(request, village, form),
            fallback_url=object_url(village),
        )


# --- Organisations ----------------------------------------------------------------------------

ENTERPRISE = OrganizationKind.ENTERPRISE
CHAMBER = OrganizationKind.CHAMBER
PARTNER = OrganizationKind.PARTNER

#: Fields that only mean something for some kinds (the form hides the others).
KIND_FIELDS = {
    "industry": ENTERPRISE,
    "employees": ENTERPRISE,
    "fic_executive": ENTERPRISE,
    "fic_position": ENTERPRISE,
    "partner_kind": PARTNER,
    "service_area": PARTNER,
}


class OrganizationDetailView(ObjectDetailView):
    def field_rows(self, obj):
        names = ["kind", "credit_code", "home_town"]
        names += [name for name, kind in KIND_FIELDS.items() if kind == obj.kind]
        names += ["capabilities", "is_example"]
        if "service_area" in names:
            names.remove("service_area")
        self.detail_fields = tuple(names)
        rows = super().field_rows(obj)
        if obj.kind == PARTNER:
            areas = list(obj.service_area.all())
            label = Organization._meta.get_field("service_area").verbose_name
            rows.insert(4, (label, ", ".join(str(a) for a in areas) or "—"))
        return rows

    def extra_context(self, obj):
        user = self.request.user
        memberships = (
            visible_to(user, obj.alliance_memberships.all())
            .select_related("alliance__program")
            .order_by("-start")
        )
        context = {"memberships": memberships, "today": timezone.localdate()}
        if obj.kind == CHAMBER:
            context.update(chamber_members_context(self.request, obj))
        elif obj.kind == ENTERPRISE:
            context["chambers"] = (
                visible_to(user, ChamberMembership).filter(enterprise=obj).select_related("chamber")
            )
        return context


def chamber_members_context(request, chamber, form=None) -> dict:
    can_add = can_edit_object(request.user, chamber) and can_create(request.user, ChamberMembership)
    if form is None and can_add:
        form = chamber_member_form(request, chamber)
    return {
        "chamber": chamber,
        "chamber_members": visible_to(request.user, ChamberMembership)
        .filter(chamber=chamber)
        .select_related("enterprise__home_town"),
        "chamber_member_form": form if can_add else None,
    }


def chamber_member_form(request, chamber, data=None):
    if data is not None:
        data = data.copy()
        data["chamber"] = chamber.pk
    form = ChamberMembershipForm(data, user=request.user, initial={"chamber": chamber.pk})
    form.fields["chamber"].widget = forms.HiddenInput()
    form.fields["enterprise"].queryset = form.fields["enterprise"].queryset.filter(kind=ENTERPRISE)
    return form


class ChamberMemberAddView(LoginRequiredMixin, View):
    """Add a member enterprise to a chamber of commerce (htmx section of its page)."""

    def post(self, request, pk):
        chamber = get_object_or_404(
            visible_to(request.user, Organization).filter(kind=CHAMBER), pk=pk
        )
        if not can_edit_object(request.user, chamber) or not can_create(
            request.user, ChamberMembership
        ):
            raise Http404
        form = chamber_member_form(request, chamber, request.POST)
        if form.is_valid():
            try:
                object_save(user=request.user, instance=form.instance)
            except ValidationError as exc:
                add_service_errors(form, exc)
            except NotFound as exc:
                raise Http404 from exc
            else:
                form = None
        return section_response(
            request,
            "registry/partials/chamber_members.html",
            chamber_members_context(request, chamber, form),
            fallback_url=object_url(chamber),
        )


class OrganizationEditView(ObjectEditView):
    def adjust_form(self, form):
        for name, kind in KIND_FIELDS.items():
            if name in form.fields:
                form.fields[name].kinds = kind
