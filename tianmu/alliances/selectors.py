"""Reads for alliances: the rule check, and the lists the pages and API show."""

from __future__ import annotations

from django.utils import timezone

from tianmu.alliances.models import Alliance, AllianceMember, DateRangeMixin, Pairing

# The rule check is in rules.py (models.py calls it too); it stays importable from here.
from tianmu.alliances.rules import RuleCheck, alliance_rule_check  # noqa: F401


def alliance_members(*, alliance: Alliance) -> list[AllianceMember]:
    """All members, current and ended (history stays visible), current ones first."""
    today = timezone.localdate()
    members = list(alliance.members.select_related("organization").order_by("role", "start", "id"))
    members.sort(key=lambda m: (not m.is_active(today), m.role, m.start))
    return members


def alliance_current_pairing(*, alliance: Alliance) -> Pairing | None:
    return (
        alliance.pairings.filter(DateRangeMixin.active_on(timezone.localdate()))
        .select_related("village__area__parent")
        .first()
    )
