"""Writes of the impact app: a programme's income rules (each runs in one transaction)."""

from __future__ import annotations

from tianmu.core.services import object_save, service
from tianmu.impact.models import IncomeRules


@service
def income_rules_save(*, user, program, values: dict) -> IncomeRules:
    """Set programme `program`'s income rules (its target, status thresholds and ledger margin)
    to `values` (validated fields of IncomeRulesForm); only the programme's admins may."""
    rules = IncomeRules.objects.filter(program=program).first() or IncomeRules(program=program)
    for name, value in values.items():
        setattr(rules, name, value)
    return object_save(user=user, instance=rules)
