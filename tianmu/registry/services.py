"""Writes to the registry. Each runs in one transaction and records the change log."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from tianmu.core.scoping import can_create, scope_for
from tianmu.core.services import NotFound, ensure_editable, object_delete, object_save, service
from tianmu.registry.models import Area, Organization, Village


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
    with transaction.atomic():
        area = village.area
        object_delete(user=user, instance=village)
        object_delete(user=user, instance=area)


def _registering_area(user, organization: Organization) -> Area | None:
    """The area a new organisation is registered to: the creating user's area; for a
    superuser (no area), the county of the home town, if any."""
    scope = scope_for(user)
    if scope.is_area:
        return scope.area
    if organization.home_town_id:
        town = organization.home_town
        return Area.objects.filter(pk__in=town.ancestor_ids(), level="county").first()
    return None


@service
def organization_save(
    *, user, organization: Organization, service_area: Iterable[Area] | None = None
) -> Organization:
    """Create or update an organisation. A new one belongs to the area that registers it
    (`registered_area`, ADR 0002): its staff keep the record, other counties do not see it
    unless it serves in their programmes."""
    with transaction.atomic():
        if organization._state.adding:  # forms cannot set it (editable=False), edits keep it
            organization.registered_area = _registering_area(user, organization)
        m2m = {"service_area": list(service_area or [])}
        return object_save(user=user, instance=organization, m2m=m2m)
