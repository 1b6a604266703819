"""The period-lock forms, shared by the page and `POST /api/v1/period-locks` (one rule)."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.utils.translation import gettext_lazy as _

MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")


def parse_month(value: str) -> datetime.date | None:
    """`2025-10` as the first day of the month, or None when it is not a month."""
    m = MONTH_RE.match((value or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1900:
        return None
    return datetime.date(int(m.group(1)), int(m.group(2)), 1)


class PeriodLockForm(forms.Form):
    area = forms.CharField(
        label=_("area"),
        max_length=20,
        help_text=_("The division code of the county or town (330112 or 330112107 will do)."),
    )
    month = forms.CharField(label=_("month"), max_length=7, help_text=_("e.g. 2025-10"))
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["month"].widget.input_type = "month"  # a month picker on phones

    def clean_area(self):
        from tianmu.core.kpis import area_from  # registry's look-up by code, handed down

        code = self.cleaned_data["area"].strip()
        area = area_from(code)
        if area is None:
            raise forms.ValidationError(
                _("No area has the division code “%(code)s”."), params={"code": code}
            )
        return area

    def clean_month(self):
        month = parse_month(self.cleaned_data["month"])
        if month is None:
            raise forms.ValidationError(_("Give the month as YYYY-MM, e.g. 2025-10."))
        return month


class PeriodUnlockForm(forms.Form):
    reason = forms.CharField(
        label=_("reason"),
        max_length=300,
        error_messages={"required": _("Say why the month is unlocked.")},
    )
