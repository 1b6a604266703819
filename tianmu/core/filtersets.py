"""Filter building blocks shared by list pages and API list endpoints (one FilterSet each).

The area filter (`AreaCodeFilter`) lives with the area tree in tianmu/registry/filtersets.py."""

from __future__ import annotations

from collections.abc import Callable

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tianmu.core.period_filters import PeriodFilterSet


class SearchFilterSet(PeriodFilterSet):
    """Adds `q`: a case-insensitive search over the FilterSet's `search_fields` (and, as a
    `PeriodFilterSet`, rejects a `to` before `from`)."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    search_fields: tuple[str, ...] = ()
    #: Steps `(filterset, queryset) -> queryset` that a higher app adds with `extend_filterset`,
    #: run after the declared filters.
    narrowing: tuple = ()

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        for narrow in self.narrowing:
            queryset = narrow(self, queryset)
        return queryset

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        q = Q()
        for field in self.search_fields:
            q |= Q(**{f"{field}__icontains": value})
        return queryset.filter(q)


def extend_filterset(
    filterset_class: type[SearchFilterSet],
    *,
    filters: dict[str, django_filters.Filter],
    before: str | None = None,
    narrow: Callable | None = None,
) -> None:
    """Add filters that a higher app owns to a lower app's FilterSet, in place.

    A lower app cannot import a higher one (docs/overview.md#layers), yet its list may be
    filtered by what the higher app knows: registry's organisations by their alliance
    memberships. The higher app calls this from its `AppConfig.ready()`, before any URLconf
    (and so any OpenAPI schema) is built. `filters` go before the filter named `before` (at
    the end without it), so the page form and the API keep their order; `narrow(filterset,
    queryset)` runs after the declared filters, for filters that apply together.
    """
    items = list(filterset_class.base_filters.items())
    names = [name for name, _f in items]
    at = names.index(before) if before in names else len(items)
    items[at:at] = filters.items()
    filterset_class.base_filters = type(filterset_class.base_filters)(items)
    if narrow is not None:
        filterset_class.narrowing = (*filterset_class.narrowing, narrow)
