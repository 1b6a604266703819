"""Writes for alliances: add and end members, pair and end pairings.

Memberships and pairings are never deleted: ending one sets its end date, so history stays.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tianmu.alliances.models import AllianceMember, Pairing
from tianmu.core.services import ensure_editable, object_save, service


@service
def member_add(*, user, member: AllianceMember) -> AllianceMember:
    ensure_editable(user, member.alliance)
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
    ensure_editable(user, pairing.alliance)
    return object_save(user=user, instance=pairing)


@service
def pairing_end(*, user, pairing: Pairing, end: datetime.date) -> Pairing:
    return _end(user=user, obj=pairing, end=end)
