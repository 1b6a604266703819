"""Filter building blocks shared by list pages and API list endpoints (one FilterSet each)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tianmu.core.period_filters import PeriodFilterSet
from tianmu.registry.models import Area, normalize_division_code


class SearchFilterSet(PeriodFilterSet):
    """Adds `q`: a case-insensitive search over the FilterSet's `search_fields` (and, as a
    `PeriodFilterSet`, rejects a `to` before `from`)."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    search_fields: tuple[str, ...] = ()

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        q = Q()
        for field in self.search_fields:
            q |= Q(**{f"{field}__icontains": value})
        return queryset.filter(q)


class AreaCodeFilter(django_filters.CharFilter):
    """`area=<division code or id>`: rows located in that area's subtree.

    `field_name` is the path to an Area from the filtered model ("" for Area itself).
    An unknown code matches nothing rather than everything.
    """

    def filter(self, qs, value):
        value = (value or "").strip()
        if not value:
            return qs
        area = area_from_code(value)
        if area is None:
            return qs.none()
        prefix = self.field_name
        pk_field = f"{prefix}__pk" if prefix else "pk"
        path_field = f"{prefix}__path__startswith" if prefix else "path__startswith"
        return qs.filter(Q(**{pk_field: area.pk}) | Q(**{path_field: area.subtree_prefix()}))


def area_from_code(value: str) -> Area | None:
    """Look an area up by its (possibly shortened) division code, or by id as a fallback."""
    value = (value or "").strip()
    code = normalize_division_code(value)
    area = Area.objects.filter(code=code).first()
    if area is None and value.isdigit() and len(value) < 12 and len(value) not in (2, 4, 6, 9):
        area = Area.objects.filter(pk=int(value)).first()
    return area
