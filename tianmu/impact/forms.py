"""The income-rules form, used by the page and (for validation) by the API."""

from __future__ import annotations

from django import forms

from tianmu.impact.models import IncomeRules

RULE_FIELDS = [
    "target_operating_yuan",
    "yellow_rate",
    "yellow_if_growing",
    "ledger_margin_yuan",
    "ledger_margin_rate",
]


class IncomeRulesForm(forms.ModelForm):
    class Meta:
        model = IncomeRules
        fields = RULE_FIELDS

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
