"""Scope rules for the income rules: read by whoever sees the programme, set by its admins."""

from __future__ import annotations

from django.db.models import Q

from tianmu.accounts.choices import Role
from tianmu.alliances.models import Program
from tianmu.alliances.scopes import program_editable, program_visible
from tianmu.core.scoping import register
from tianmu.impact.models import IncomeRules

register(
    IncomeRules,
    visible=lambda s: Q(program__in=Program.objects.filter(program_visible(s))),
    editable=lambda s: Q(program__in=Program.objects.filter(program_editable(s))),
    creators={Role.ADMIN},
)
