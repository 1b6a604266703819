"""Forms for workshops and jobs, used by the pages and (for validation) by the API."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tianmu.core.forms import ScopedModelForm
from tianmu.employment.choices import PersonalField
from tianmu.employment.models import MonthlyEarning, Person, Placement, Position, Workshop
from tianmu.registry.choices import AreaLevel, OrganizationKind


class WorkshopForm(ScopedModelForm):
    scoped_fields = {
        "enterprise": "editable",
        "alliance": "visible",
        "town": "visible",
        "villages": "visible",
    }

    class Meta:
        model = Workshop
        fields = [
            "name",
            "kind",
            "enterprise",
            "alliance",
            "town",
            "location",
            "villages",
            "status",
            "opened_on",
            "description",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = self.fields["enterprise"].queryset.filter(
            kind=OrganizationKind.ENTERPRISE
        )
        self.fields["town"].queryset = self.fields["town"].queryset.filter(level=AreaLevel.TOWN)
        self.fields["villages"].queryset = self.fields["villages"].queryset.select_related("area")


class PositionForm(ScopedModelForm):
    scoped_fields = {"workshop": "editable"}

    class Meta:
        model = Position
        fields = [
            "workshop",
            "title",
            "headcount",
            "pay_basis",
            "pay_rate_yuan",
            "employment_type",
            "is_open",
        ]


class PersonForm(ScopedModelForm):
    """The personal-data fields are write-only here: an edit form starts them empty, and an
    empty value keeps what is stored (`clear_*` removes it)."""

    scoped_fields = {"village": "editable"}
    clear_id_number = forms.BooleanField(label=_("Remove the stored ID number"), required=False)
    clear_phone = forms.BooleanField(label=_("Remove the stored phone"), required=False)

    class Meta:
        model = Person
        fields = [
            "name",
            "village",
            "household",
            "low_income",
            "gender",
            "birth_year",
            "id_number",
            "phone",
            "is_example",
        ]
        widgets = {
            "id_number": forms.TextInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"autocomplete": "off"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = self.fields["village"].queryset.select_related("area")
        self._stored = {}
        if self.instance.pk:
            for name in PersonalField.values:
                self._stored[name] = getattr(self.instance, name)
                self.initial[name] = ""
                self.fields[name].help_text = _("Stored: %(masked)s. Leave empty to keep it.") % {
                    "masked": getattr(self.instance, f"{name}_masked") or "—"
                }
        else:
            self.fields.pop("clear_id_number")
            self.fields.pop("clear_phone")

    def _post_clean(self):
        for name, stored in self._stored.items():
            if self.cleaned_data.get(f"clear_{name}"):
                self.cleaned_data[name] = ""
            elif not self.cleaned_data.get(name):
                self.cleaned_data[name] = stored
        super()._post_clean()


class PlacementForm(ScopedModelForm):
    scoped_fields = {"person": "visible", "position": "visible", "corrects": "visible"}
    # Thousands of people and placements in a county: searched, not listed.
    searchable_fields = {
        "person": ("name", "household", "village__area__name"),
        "corrects": ("person__name", "position__title"),
    }

    class Meta:
        model = Placement
        fields = ["person", "position", "start", "end", "employment_type", "note", "corrects"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].queryset = self.fields["position"].queryset.select_related(
            "workshop"
        )
        self.fields["corrects"].queryset = self.fields["corrects"].queryset.select_related(
            "person", "position__workshop"
        )
        person = self.fields["person"]
        person.queryset = person.queryset.select_related("village__area").order_by("name", "pk")
        # Names repeat in a county: the village tells two 阿花 apart.
        person.label_from_instance = lambda p: (
            _("%(name)s (%(village)s)")
            % {
                "name": p.name,
                "village": p.village,
            }
        )


class EarningForm(forms.Form):
    month = forms.DateField(label=_("month"))
    amount_yuan = forms.DecimalField(
        label=_("earnings (yuan)"), max_digits=14, decimal_places=2, min_value=0
    )


class DisputeForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=300)


class RevealForm(forms.Form):
    field = forms.ChoiceField(label=_("field"), choices=PersonalField.choices)


__all__ = [
    "DisputeForm",
    "EarningForm",
    "MonthlyEarning",
    "PersonForm",
    "PlacementForm",
    "PositionForm",
    "RevealForm",
    "WorkshopForm",
]
