"""Reads of the area tree that other apps share (core knows no areas: it is below registry)."""

from __future__ import annotations

from django.db.models import Q

from tianmu.core.scoping import scope_for, visible_to
from tianmu.registry.models import Area, Village, normalize_division_code


def area_from_code(value: str) -> Area | None:
    """Look an area up by its (possibly shortened) division code, or by id as a fallback."""
    value = (value or "").strip()
    code = normalize_division_code(value)
    area = Area.objects.filter(code=code).first()
    if area is None and value.isdigit() and len(value) < 12 and len(value) not in (2, 4, 6, 9):
        area = Area.objects.filter(pk=int(value)).first()
    return area


def home_area(user):
    """The one area that holds all `user` sees: from the top of the visible tree, down while
    there is a single visible child (a county admin's county, a town officer's town), and
    never below an area user's own scope (a province leader's home is the province, even
    when it has one city). None when the user sees several separate trees."""
    visible = visible_to(user, Area)
    roots = list(visible.filter(Q(parent__isnull=True) | ~Q(parent__in=visible))[:2])
    if len(roots) != 1:
        return None
    area = roots[0]
    own = scope_for(user).area
    while own is None or area.pk != own.pk:
        below = list(visible.filter(parent=area).order_by("code")[:2])
        if len(below) != 1:
            return area
        area = below[0]
    return area


def child_areas(user, area) -> tuple[Area | None, list[Area]]:
    """`area` (the user's home area when None) and its children the user may see, by code."""
    parent = area if area is not None else home_area(user)
    visible = visible_to(user, Area)
    if parent is None:
        children = visible.filter(Q(parent__isnull=True) | ~Q(parent__in=visible))
    else:
        children = visible.filter(parent=parent)
    return parent, list(children.order_by("code"))


def village_places(village_ids) -> dict[int, dict[str, int | None]]:
    """Where each village lies: its own area (`place`) and the ids of the town, county, city
    and province above it (None where the tree has no such level). Two queries."""
    rows = list(
        Village.objects.filter(pk__in=village_ids).values_list("pk", "area_id", "area__path")
    )
    paths = {pk: Area.path_ids(path) for pk, _, path in rows}
    ancestors = {i for ids in paths.values() for i in ids}
    levels = dict(Area.objects.filter(pk__in=ancestors).values_list("pk", "level"))
    places = {}
    for pk, area_id, _ in rows:
        place = {"place": area_id, "town": None, "county": None, "city": None, "province": None}
        for i in paths[pk]:
            if levels.get(i) in place:
                place[levels[i]] = i
        places[pk] = place
    return places


def villages_under(area) -> list[int]:
    """The ids of the villages in `area`'s subtree (every village for None)."""
    villages = Village.objects.all()
    if area is not None:
        villages = villages.filter(area.subtree_q("area"))
    return list(villages.order_by("pk").values_list("pk", flat=True))
