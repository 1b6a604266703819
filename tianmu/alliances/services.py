"""Writes for alliances: add and end members, pair and end pairings.

Memberships and pairings are never deleted: ending one sets its end date, so history stays.
Adding either locks the rows its rule check reads first (`_lock_for_rules`), and the database
backs the rules it can express with constraints (ADR 0010).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tianmu.alliances.models import Alliance, AllianceMember, Pairing, Program
from tianmu.core.services import ensure_editable, object_save, service
from tianmu.registry.models import Organization, Village


def _lock_for_rules(*, alliance: Alliance, villages=(), organizations=()) -> None:
    """Lock the rows a 5+1+X rule check reads, in one fixed order (programme, alliance,
    village, organisation; ids ascending within each), before the check runs.

    The programme lock alone serialises every pairing and membership write of a programme,
    which is what the rules that no constraint can express need (a village paired once per
    programme, an enterprise core in one alliance of a programme); the fixed order means two
    writers never wait for each other crosswise. SQLite takes its database lock at BEGIN
    (IMMEDIATE transactions, settings.py), so writers are serialised there already.
    """
    plan = [
        (Program, [alliance.program_id]),
        (Alliance, [alliance.pk]),
        (Village, sorted(v.pk if hasattr(v, "pk") else v for v in villages)),
        (Organization, sorted(o.pk if hasattr(o, "pk") else o for o in organizations)),
    ]
    for model, ids in plan:
        ids = [i for i in ids if i is not None]
        if ids:
            list(model.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))


@service
def member_add(*, user, member: AllianceMember) -> AllianceMember:
    with transaction.atomic():
        ensure_editable(user, member.alliance)
        _lock_for_rules(alliance=member.alliance, organizations=[member.organization_id])
        return object_save(user=user, instance=member)


def _end(*, user, obj, end: datetime.date):
    ensure_editable(user, obj)
    if obj.end is not None and obj.end < end:
        raise ValidationError({"end": _("This already ended on %(end)s.") % {"end": obj.end}})
    obj.end = end
    obj.full_clean()
    obj.save(update_fields=["end", "last_updated"])
    return obj


@service
def member_end(*, user, member: AllianceMember, end: datetime.date) -> AllianceMember:
    return _end(user=user, obj=member, end=end)


@service
def pairing_create(*, user, pairing: Pairing) -> Pairing:
    with transaction.atomic():
        ensure_editable(user, pairing.alliance)
        _lock_for_rules(alliance=pairing.alliance, villages=[pairing.village_id])
        return object_save(user=user, instance=pairing)


@service
def pairing_end(*, user, pairing: Pairing, end: datetime.date) -> Pairing:
    return _end(user=user, obj=pairing, end=end)
