"""Writes to the registry. Each runs in one transaction and records the change log."""

from __future__ import annotations

from tianmu.core.scoping import can_create
from tianmu.core.services import NotFound, ensure_editable, object_delete, service
from tianmu.registry.models import Area, Village


@service
def village_save(*, user, village: Village, area: Area) -> Village:
    """Create or update a village together with its village-level area (name, code, town)."""
    if village.pk is None:
        if not can_create(user, Village):
            raise NotFound()
    else:
        ensure_editable(user, village)
    area.level = "village"
    area.full_clean(exclude=["path"])
    area.save()
    village.area = area
    village.full_clean()
    village.save()
    ensure_editable(user, village)  # the village, as saved, must still be in the scope
    return village


@service
def village_delete(*, user, village: Village) -> None:
    """Delete a village profile together with its village-level area.

    Both must be the user's to change (areas are kept by county admins), and a village that
    was ever paired cannot be deleted: its pairings are history (a ValidationError, via
    object_delete's protected-reference message).
    """
    area = village.area
    object_delete(user=user, instance=village)
    object_delete(user=user, instance=area)
