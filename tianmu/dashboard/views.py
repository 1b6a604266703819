"""The home page: the key figures of the user's scope, each linking to what it counts."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tianmu.accounts.demo_logins import demo_logins
from tianmu.alliances.models import Alliance, DateRangeMixin, Pairing
from tianmu.core.indicators import Unit, indicator_name, unit_of
from tianmu.core.money import format_yuan
from tianmu.core.periods import period_errors
from tianmu.core.ratelimit import allow
from tianmu.core.scoping import visible_to
from tianmu.dashboard.selectors import (
    Period,
    kpi_keys,
    kpi_url,
    kpis,
    public_counties,
    public_kpis,
)
from tianmu.registry.models import Organization, Village
from tianmu.registry.selectors import area_from_code


def show_figure(key: str, value):
    """A figure as the home page shows it: amounts with their unit, ratios as percentages."""
    try:
        unit = unit_of(key)
        if unit == Unit.YUAN or key.endswith("_yuan"):
            return format_yuan(value)
        if unit == Unit.RATIO:
            return f"{Decimal(str(value)) * 100:.1f}%"
    except (ArithmeticError, ValueError, TypeError):
        pass  # an unexpected shape: show it as it came
    return value


class PeriodForm(forms.Form):
    """The home page's optional period and area (the KPI conventions, docs/figures.md).

    The query string says `from`/`to`, like the list pages the figures link to.
    """

    area = forms.CharField(label=_("Area (division code)"), required=False, max_length=12)
    start = forms.DateField(label=_("From"), required=False)
    end = forms.DateField(label=_("To"), required=False)

    def clean(self):
        data = super().clean()
        for messages in period_errors(data.get("start"), data.get("end")).values():
            for message in messages:
                self.add_error("end", message)
        return data

    @classmethod
    def from_query(cls, query):
        if not any(query.get(k) for k in ("area", "from", "to")):
            return cls()
        keys = {"area": "area", "start": "from", "end": "to"}
        return cls({name: query.get(key, "") for name, key in keys.items()})


@login_required
def home(request):
    user = request.user
    form = PeriodForm.from_query(request.GET)
    period, area, area_code = Period(None, None), None, None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        period = Period(data["start"], data["end"])
        if data["area"]:
            area, area_code = area_from_code(data["area"]), data["area"]
    values = kpis(user=user, period=period, area=area)
    figures = [
        {
            "key": key,
            "label": indicator_name(key),
            "value": show_figure(key, values[key]),
            "url": kpi_url(key, area_code=area_code, start=period.start, end=period.end),
        }
        for key in kpi_keys()
    ]
    visible_villages = visible_to(user, Village)
    scope_counts = [
        {
            "label": _("Villages"),
            "value": visible_villages.count(),
            "url": reverse("registry:village_list"),
        },
        {
            "label": _("Organisations"),
            "value": visible_to(user, Organization).count(),
            "url": reverse("registry:organization_list"),
        },
        {
            "label": _("Alliances"),
            "value": visible_to(user, Alliance).count(),
            "url": reverse("alliances:alliance_list"),
        },
    ]
    context = {
        "figures": figures,
        "scope_counts": scope_counts,
        "period_form": form,
        "chart": villages_per_town(visible_villages),
        "demo_logins": demo_logins(),
    }
    return render(request, "dashboard/home.html", context)


def villages_per_town(villages) -> dict | None:
    """Villages and paired villages per town, for the small bar chart (None if one town)."""
    active = Pairing.objects.filter(
        DateRangeMixin.active_on(timezone.localdate()),
        Alliance.counted_q("alliance__"),  # a draft's pairing is not a pairing yet
        village=OuterRef("pk"),
    )
    rows = (
        villages.annotate(paired=Exists(active))
        .values("area__parent__name", "paired")
        .annotate(n=Count("pk"))
        .order_by("area__parent__code", "area__parent__name")
    )
    towns: dict[str, list[int]] = {}
    for row in rows:
        counts = towns.setdefault(row["area__parent__name"] or "—", [0, 0])
        counts[0] += row["n"]
        if row["paired"]:
            counts[1] += row["n"]
    if len(towns) < 2:
        return None
    return {
        "labels": list(towns),
        "series": [
            {"name": str(_("Villages")), "values": [c[0] for c in towns.values()]},
            {"name": str(_("Paired now")), "values": [c[1] for c in towns.values()]},
        ],
    }


def public(request):
    """Aggregate figures of a county for anyone, signed in or not: no records, no names."""
    if not allow("public", request):
        return HttpResponse(_("Too many requests: try again in a minute."), status=429)
    counties = list(public_counties())
    code = (request.GET.get("area") or "").strip()
    county = None
    if code:
        area = area_from_code(code)
        county = next((c for c in counties if area is not None and c.pk == area.pk), None)
    elif counties:
        county = counties[0]
    figures = []
    if county is not None:
        values = public_kpis(county=county)
        figures = [
            {"key": key, "label": indicator_name(key), "value": show_figure(key, values[key])}
            for key in kpi_keys()
        ]
    status = 404 if code and county is None else 200
    context = {"county": county, "counties": counties, "figures": figures}
    return render(request, "dashboard/public.html", context, status=status)
