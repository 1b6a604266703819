"""Bench-only URLs: the product's URLs plus "bare" twins of three API endpoints.

A bare view answers the same JSON as its API endpoint, built with `.values()` and
`JsonResponse`, behind the same bearer-token check, the same scoping (`visible_to`) and the
same FilterSet, so the difference bench/api.py measures is what django-ninja, pydantic and
model instances cost on top of the same queries. Loaded only through bench/api_settings.py
(ROOT_URLCONF); nothing here is reachable in the product.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, JsonResponse
from django.urls import path

from tianmu.accounts.auth import BearerAuth
from tianmu.core.api import filtered
from tianmu.core.money import money_str
from tianmu.core.scoping import visible_to
from tianmu.employment.filtersets import PlacementFilterSet
from tianmu.employment.models import Placement
from tianmu.registry.filtersets import VillageFilterSet
from tianmu.registry.models import Village, VillageIncome
from tianmu.urls import urlpatterns as product_urlpatterns

_auth = BearerAuth()
_UNAUTHORIZED = {"detail": "Unauthorized"}


def _user(request):
    """The token's user, checked exactly as the API's BearerAuth checks it."""
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return _auth.authenticate(request, key)


def _page(request) -> tuple[int, int]:
    limit = min(int(request.GET.get("limit", 50)), settings.TIANMU_API_MAX_LIMIT)
    return limit, int(request.GET.get("offset", 0))


# --- Villages ---------------------------------------------------------------------------------

_VILLAGE_FIELDS = (
    "id",
    "area__name",
    "area__code",
    "area__parent_id",
    "area__parent__name",
    "area__parent__code",
    "population",
    "households",
    "low_income_households",
    "idle_farmland_mu",
    "main_products",
    "development_needs",
    "is_example",
)


def _village_items(rows: list[dict]) -> list[dict]:
    incomes: dict[int, list[dict]] = {r["id"]: [] for r in rows}
    for inc in (
        VillageIncome.objects.filter(village_id__in=incomes)
        .order_by("village", "-year")
        .values("village_id", "year", "amount_yuan")
    ):
        incomes[inc["village_id"]].append(
            {"year": inc["year"], "amount_yuan": money_str(inc["amount_yuan"])}
        )
    return [
        {
            "id": r["id"],
            "name": r["area__name"],
            "code": r["area__code"],
            "town": {
                "id": r["area__parent_id"],
                "name": r["area__parent__name"],
                "code": r["area__parent__code"],
            },
            "population": r["population"],
            "households": r["households"],
            "low_income_households": r["low_income_households"],
            "idle_farmland_mu": None
            if r["idle_farmland_mu"] is None
            else money_str(r["idle_farmland_mu"]),
            "main_products": r["main_products"],
            "development_needs": r["development_needs"],
            "is_example": r["is_example"],
            "incomes": incomes[r["id"]],
        }
        for r in rows
    ]


def village_list(request):
    user = _user(request)
    if user is None:
        return JsonResponse(_UNAUTHORIZED, status=401)
    limit, offset = _page(request)
    qs = filtered(request, VillageFilterSet, visible_to(user, Village))
    count = qs.count()
    rows = list(qs.values(*_VILLAGE_FIELDS)[offset : offset + limit]) if count else []
    return JsonResponse({"count": count, "items": _village_items(rows)})


def village_detail(request, village_id: int):
    user = _user(request)
    if user is None:
        return JsonResponse(_UNAUTHORIZED, status=401)
    rows = list(visible_to(user, Village).filter(pk=village_id).values(*_VILLAGE_FIELDS))
    if not rows:
        raise Http404
    return JsonResponse(_village_items(rows)[0])


# --- Placements -------------------------------------------------------------------------------

_PLACEMENT_FIELDS = (
    "id",
    "person_id",
    "person__name",
    "position_id",
    "position__title",
    "position__workshop_id",
    "position__workshop__name",
    "start",
    "end",
    "employment_type",
    "note",
    "confirmation",
    "reported_side",
    "dispute_reason",
    "corrects_id",
)


def placement_list(request):
    user = _user(request)
    if user is None:
        return JsonResponse(_UNAUTHORIZED, status=401)
    limit, offset = _page(request)
    qs = filtered(request, PlacementFilterSet, visible_to(user, Placement))
    count = qs.count()
    rows = qs.values(*_PLACEMENT_FIELDS)[offset : offset + limit] if count else []
    items = [
        {
            "id": r["id"],
            "person": {"id": r["person_id"], "name": r["person__name"]},
            "position": {
                "id": r["position_id"],
                "title": r["position__title"],
                "workshop": {
                    "id": r["position__workshop_id"],
                    "name": r["position__workshop__name"],
                },
            },
            "start": r["start"],
            "end": r["end"],
            "employment_type": r["employment_type"],
            "note": r["note"],
            "confirmation": r["confirmation"],
            "reported_side": r["reported_side"],
            "dispute_reason": r["dispute_reason"],
            "corrects": r["corrects_id"],
        }
        for r in rows
    ]
    return JsonResponse({"count": count, "items": items})


urlpatterns = [
    path("bare/villages", village_list),
    path("bare/villages/<int:village_id>", village_detail),
    path("bare/placements", placement_list),
    *product_urlpatterns,
]
