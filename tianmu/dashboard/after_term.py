"""After the term: alliances whose pairing ended and that still recorded confirmed activity
afterwards (the figure `alliances_active_after_term`, docs/figures.md#after-the-term).

The alliance list gains `after_term=true` here: alliances are below the instrument apps
(docs/overview.md#layers) and cannot know payments or placements, so the dashboard, above them
all, adds the filter to `AllianceFilterSet` from its `ready()` (as alliances adds the
membership filters to registry's organisations). The figure is that list, counted.

A pairing *ended* when its end date is before today — and, with a period, within it
(`from` ≤ end ≤ `to`). Activity *after the term* is any of these, dated after that end (and
not after `to`):

- an event of the alliance (`Event.alliance`);
- a confirmed 共富购 payment (counted: not replaced by a confirmed correction) for an order a
  member enterprise of the alliance placed with the pairing's village;
- a confirmed delivery under an agreement of a member enterprise with the pairing's village;
- a counted placement in one of the alliance's workshops that started after the end;
- an approved update of one of the alliance's projects.
"""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tianmu.alliances.filtersets import AllianceFilterSet
from tianmu.alliances.models import Alliance, Pairing
from tianmu.alliances.resources import ALLIANCES
from tianmu.commerce.models import Delivery, Payment
from tianmu.core.filtersets import extend_filterset
from tianmu.core.kpis import kpi_spec, register_list_kpi
from tianmu.core.scoping import visible_to
from tianmu.core.workflow import ReviewStatus, confirmed_q
from tianmu.employment.selectors import counted_placements
from tianmu.events.models import Event
from tianmu.projects.models import ProjectUpdate
from tianmu.registry.filtersets import AreaCodeFilter

KEY = "alliances_active_after_term"


def _keep(queryset, name, value):
    return queryset  # applied with the period and the area in `_after_term_narrowing`


def activity_after_end_q(end=None) -> Q:
    """Pairings (the outer query) with confirmed activity dated after their end (and not
    after `end`, the period's end, when given)."""

    def dated(path: str) -> dict:
        bounds = {f"{path}__gt": OuterRef("end")}
        if end is not None:
            bounds[f"{path}__lte"] = end
        return bounds

    events = Event.objects.filter(alliance_id=OuterRef("alliance_id"), **dated("date"))
    payments = Payment.objects.filter(
        confirmed_q(),
        order__village_id=OuterRef("village_id"),
        order__enterprise__alliance_memberships__alliance_id=OuterRef("alliance_id"),
        **dated("date"),
    )
    deliveries = Delivery.objects.filter(
        confirmed_q(),
        agreement__village_id=OuterRef("village_id"),
        agreement__enterprise__alliance_memberships__alliance_id=OuterRef("alliance_id"),
        **dated("date"),
    )
    placements = counted_placements().filter(
        position__workshop__alliance_id=OuterRef("alliance_id"), **dated("start")
    )
    updates = ProjectUpdate.objects.filter(
        project__alliance_id=OuterRef("alliance_id"),
        review_status=ReviewStatus.APPROVED,
        **dated("date"),
    )
    return (
        Q(Exists(events))
        | Q(Exists(payments))
        | Q(Exists(deliveries))
        | Q(Exists(placements))
        | Q(Exists(updates))
    )


def _after_term_narrowing(filterset, queryset):
    data = filterset.form.cleaned_data
    value = data.get("after_term")
    if value is None:
        return queryset
    start, end = data.get("from"), data.get("to")
    pairings = Pairing.objects.all()
    request = filterset.request
    user = getattr(request, "auth", None) or getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        pairings = visible_to(user, Pairing)
    pairings = pairings.filter(
        Alliance.counted_q("alliance__"), end__isnull=False, end__lt=timezone.localdate()
    )
    if start is not None:
        pairings = pairings.filter(end__gte=start)
    if end is not None:
        pairings = pairings.filter(end__lte=end)
    code = (data.get("area") or "").strip()
    if code:  # the list's area rule (the code's subtree), on the ended pairing's village
        pairings = pairings.filter(AreaCodeFilter(field_name="village__area").area_q(code))
    ids = pairings.filter(activity_after_end_q(end)).values("alliance_id")
    return queryset.filter(pk__in=ids) if value else queryset.exclude(pk__in=ids)


def add_after_term_filter() -> None:
    """Give the alliance list `after_term` and register the figure (once; from ready())."""
    if "after_term" not in AllianceFilterSet.base_filters:
        extend_filterset(
            AllianceFilterSet,
            filters={
                "after_term": django_filters.BooleanFilter(
                    method=_keep, label=_("Active after the pairing ended")
                )
            },
            before="ordering",
            narrow=_after_term_narrowing,
        )
    if kpi_spec(KEY) is None:
        register_list_kpi(
            KEY,
            link="alliances:alliance_list",
            resource=ALLIANCES,
            params={"after_term": "true"},
            kind="stock",  # the same alliance counts in every period after its term
            alliance="",  # each record is the alliance itself
        )
