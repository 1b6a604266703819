"""Forms of the indicator and assessment pages; the model's `clean` holds the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tianmu.alliances.models import Program
from tianmu.assessment.choices import Rule
from tianmu.assessment.scoring import DEFAULT_GRADES
from tianmu.core.indicators import indicator_choices
from tianmu.core.scoping import editable_by

#: The default grades' names in the user's language, for the form's first value.
GRADE_NAMES = {
    "优秀": _("Excellent"),
    "良好": _("Good"),
    "合格": _("Pass"),
    "不合格": _("Fail"),
}
#: Indicator rows on the scheme form (a scheme rarely weighs more figures than this).
ROWS = 8


def _programs(user):
    return editable_by(user, Program).select_related("area").order_by("name")


class ThresholdForm(forms.Form):
    program = forms.ModelChoiceField(queryset=Program.objects.none(), label=_("Programme"))
    indicator = forms.ChoiceField(label=_("Indicator"))
    alert = forms.DecimalField(label=_("Alert threshold"), max_digits=18, decimal_places=4)
    excellence = forms.DecimalField(
        label=_("Excellence threshold"), max_digits=18, decimal_places=4
    )
    higher_is_better = forms.BooleanField(label=_("Higher is better"), required=False)

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {"higher_is_better": True})
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = _programs(user)
        self.fields["indicator"].choices = indicator_choices()


def _bands_text(text: str) -> list[dict] | None:
    """ "0:0, 100:10" → [{"min": "0", "points": "0"}, {"min": "100", "points": "10"}]."""
    bands = []
    for chunk in text.replace("，", ",").replace("；", ",").replace(";", ",").split(","):
        if not chunk.strip():
            continue
        low, sep, pts = chunk.replace("：", ":").partition(":")
        if not sep:
            return None
        bands.append({"min": low.strip(), "points": pts.strip()})
    return bands


def _grades_text(text: str) -> list[dict] | None:
    grades = []
    for line in text.splitlines():
        if not line.strip():
            continue
        grade, _sep, low = line.strip().rpartition(" ")
        if not grade.strip():
            return None
        grades.append({"grade": grade.strip(), "min_score": low.strip()})
    return grades


class SchemeForm(forms.Form):
    """A scheme: programme, name, up to ROWS indicator rows and the grade bands (one a line,
    "优秀 90")."""

    program = forms.ModelChoiceField(queryset=Program.objects.none(), label=_("Programme"))
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(
        attrs={"rows": 2}))  # fmt: skip
    grades = forms.CharField(
        label=_("Grades"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One grade a line: its name and its minimum score, e.g. “Excellent 90”."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = _programs(user)
        self.fields["grades"].initial = "\n".join(
            f"{GRADE_NAMES[g['grade']]} {g['min_score']}" for g in DEFAULT_GRADES
        )
        choices = [("", "—"), *indicator_choices()]
        for i in range(ROWS):
            self.fields[f"indicator_{i}"] = forms.ChoiceField(
                label=_("Indicator"), choices=choices, required=False
            )
            self.fields[f"weight_{i}"] = forms.DecimalField(
                label=_("Weight"), required=False, max_digits=6, decimal_places=2
            )
            self.fields[f"target_{i}"] = forms.DecimalField(
                label=_("Target"), required=False, max_digits=18, decimal_places=4
            )
            self.fields[f"rule_{i}"] = forms.ChoiceField(
                label=_("Rule"), choices=Rule.choices, initial=Rule.PROPORTIONAL
            )
            self.fields[f"bands_{i}"] = forms.CharField(
                label=_("Bands (min:points, …)"), required=False, max_length=500
            )

    def rows(self):
        """The indicator rows' bound fields, for the template."""
        names = ("indicator", "weight", "target", "rule", "bands")
        return [[self[f"{n}_{i}"] for n in names] for i in range(ROWS)]

    def main_fields(self):
        return [self[n] for n in ("program", "name", "description")]

    def clean(self):
        data = super().clean()
        indicators = []
        for i in range(ROWS):
            key = data.get(f"indicator_{i}")
            if not key:
                continue
            row = {
                "indicator": key,
                "weight": str(data.get(f"weight_{i}")) if data.get(f"weight_{i}") is not None
                else None,
                "target": str(data[f"target_{i}"]) if data.get(f"target_{i}") is not None
                else None,
                "rule": data.get(f"rule_{i}") or Rule.PROPORTIONAL,
            }  # fmt: skip
            if row["rule"] == Rule.BANDS:
                bands = _bands_text(data.get(f"bands_{i}") or "")
                if bands is None:
                    self.add_error(f"bands_{i}", _("Write each band as min:points."))
                    continue
                row["bands"] = bands
            indicators.append(row)
        data["indicator_rows"] = indicators
        grades = _grades_text(data.get("grades") or "")
        if grades is None:
            self.add_error("grades", _("Write one grade a line: its name and its minimum score."))
        data["grade_rows"] = grades or []
        return data


class RunForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
