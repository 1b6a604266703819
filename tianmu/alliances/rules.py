"""The programme's composition rules (5+1+X as data), checked against an alliance.

Its own module because both `Alliance.clean()` (an alliance may not become active without
meeting them) and the selectors use it; it reaches members and pairings through the alliance's
relations, so it imports no model and models.py can import it without a cycle.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tianmu.alliances.choices import MemberFunction, MemberRole
from tianmu.core.models import DateRangeMixin

if TYPE_CHECKING:
    from tianmu.alliances.models import Alliance, AllianceMember, Pairing


@dataclass
class RuleCheck:
    """Whether an alliance meets its programme's composition rules, and what is missing."""

    ok: bool
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    pairing: Pairing | None = None


def alliance_rule_check(*, alliance: Alliance, on: datetime.date | None = None) -> RuleCheck:
    """Check the members and pairing active on `on` (today) against the programme's rules.

    Every problem is a sentence a programme officer can act on (“needs 1 more core
    enterprise”, “the chamber is not local to 龙岗镇”).
    """
    on = on or timezone.localdate()
    program = alliance.program
    active = DateRangeMixin.active_on(on)
    members = list(alliance.members.filter(active).select_related("organization"))
    pairing = alliance.pairings.filter(active).select_related("village__area__parent").first()
    by_role: dict[str, list[AllianceMember]] = {r: [] for r in MemberRole.values}
    for m in members:
        by_role[m.role].append(m)
    problems: list[str] = []

    if pairing is None:
        problems.append(_("Not paired with a village."))

    core = by_role[MemberRole.CORE]
    missing = program.core_count - len(core)
    if missing > 0:
        problems.append(
            ngettext(
                "Needs %(n)d more core enterprise (has %(has)d of %(want)d).",
                "Needs %(n)d more core enterprises (has %(has)d of %(want)d).",
                missing,
            )
            % {"n": missing, "has": len(core), "want": program.core_count}
        )
    elif missing < 0:
        problems.append(
            _("Has %(has)d core enterprises; the programme allows %(want)d.")
            % {"has": len(core), "want": program.core_count}
        )
    if program.core_must_be_fic:
        for m in core:
            if not m.organization.fic_executive:
                problems.append(
                    _("Core enterprise “%(org)s” is not an FIC executive-committee member.")
                    % {"org": m.organization}
                )

    chambers = by_role[MemberRole.CHAMBER]
    missing = program.chamber_count - len(chambers)
    if missing > 0:
        problems.append(
            ngettext(
                "Needs %(n)d more local chamber of commerce.",
                "Needs %(n)d more local chambers of commerce.",
                missing,
            )
            % {"n": missing}
        )
    elif missing < 0:
        problems.append(
            _("Has %(has)d chambers; the programme allows %(want)d.")
            % {"has": len(chambers), "want": program.chamber_count}
        )
    if program.chamber_must_be_local and pairing is not None:
        town = pairing.village.area.parent
        for m in chambers:
            if m.organization.home_town_id != town.pk:
                problems.append(
                    _("Chamber “%(org)s” is not local to %(town)s.")
                    % {"org": m.organization, "town": town}
                )

    partners = by_role[MemberRole.PARTNER]
    if len(partners) < program.partners_min:
        n = program.partners_min - len(partners)
        problems.append(
            ngettext(
                "Needs %(n)d more cooperating unit.",
                "Needs %(n)d more cooperating units.",
                n,
            )
            % {"n": n}
        )
    if program.partners_max is not None and len(partners) > program.partners_max:
        problems.append(
            _("Has %(has)d cooperating units; the programme allows at most %(want)d.")
            % {"has": len(partners), "want": program.partners_max}
        )

    counts = {role: len(ms) for role, ms in by_role.items()}
    counts.update(
        {
            f"function_{f}": sum(1 for m in core if m.function == f)
            for f in MemberFunction.values
            if f
        }
    )
    return RuleCheck(ok=not problems, problems=problems, counts=counts, pairing=pairing)
