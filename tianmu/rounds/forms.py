"""The round forms, shared by the pages and `/api/v1/reporting-rounds` (one rule)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tianmu.alliances.models import Program
from tianmu.core.scoping import editable_by
from tianmu.registry.models import Organization, Village, normalize_division_code
from tianmu.rounds.choices import RoundKind
from tianmu.rounds.kinds import VILLAGE, kind_of, parse_period


class RoundForm(forms.Form):
    program = forms.ModelChoiceField(label=_("programme"), queryset=Program.objects.none())
    kind = forms.ChoiceField(label=_("what is reported"), choices=RoundKind.choices)
    period = forms.CharField(
        label=_("period"),
        max_length=7,
        help_text=_("A month (2025-10), a quarter (2025Q3) or a year (2025), as the kind asks."),
    )
    deadline = forms.DateField(
        label=_("deadline"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("On or after the last day of the period."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["program"].queryset = editable_by(user, Program).select_related("area")

    def clean_period(self):
        period = parse_period(self.cleaned_data["period"])
        if period is None:
            raise forms.ValidationError(
                _("Give a month (2025-10), a quarter (2025Q3) or a year (2025).")
            )
        return period


def reporters_from(values, *, kind: str) -> tuple[list, list[str]]:
    """The villages or organisations an explicit list names (ids, division codes of villages,
    credit codes of organisations), and the values that name none."""
    village = kind_of(kind).reporter == VILLAGE
    found, unknown = [], []
    for value in values:
        text = str(value).strip()
        obj = None
        if village:
            qs = Village.objects.select_related("area")
            if isinstance(value, int) and not isinstance(value, bool):
                obj = qs.filter(pk=value).first()
            elif text:
                obj = qs.filter(area__code=normalize_division_code(text)).first()
        else:
            if isinstance(value, int) and not isinstance(value, bool):
                obj = Organization.objects.filter(pk=value).first()
            elif text:
                obj = Organization.objects.filter(credit_code=text.upper()).first()
        if obj is None:
            unknown.append(text)
        else:
            found.append(obj)
    return found, unknown


class DeclareForm(forms.Form):
    note = forms.CharField(
        label=_("note"),
        max_length=300,
        required=False,
        help_text=_("Why there is nothing to report this period (optional)."),
    )
