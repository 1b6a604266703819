"""Reads of the area tree that other apps share (core knows no areas: it is below registry)."""

from __future__ import annotations

from tianmu.registry.models import Area, normalize_division_code


def area_from_code(value: str) -> Area | None:
    """Look an area up by its (possibly shortened) division code, or by id as a fallback."""
    value = (value or "").strip()
    code = normalize_division_code(value)
    area = Area.objects.filter(code=code).first()
    if area is None and value.isdigit() and len(value) < 12 and len(value) not in (2, 4, 6, 9):
        area = Area.objects.filter(pk=int(value)).first()
    return area
