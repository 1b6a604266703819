"""Writes to the registry. Each runs in one transaction and records the change log."""

from __future__ import annotations

from django.db import transaction

from tianmu.core.scoping import can_create
from tianmu.core.services import NotFound, ensure_editable
from tianmu.registry.models import Area, Village


def village_save(*, user, village: Village, area: Area) -> Village:
    """Create or update a village together with its village-level area (name, code, town)."""
    with transaction.atomic():
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
