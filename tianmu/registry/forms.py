"""Forms for the registry, used by the pages and (for validation) by the API."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tianmu.core.forms import ScopedModelForm, TagsField
from tianmu.registry.choices import AreaLevel
from tianmu.registry.models import (
    Area,
    ChamberMembership,
    Organization,
    Village,
    VillageIncome,
    normalize_division_code,
)


class AreaForm(ScopedModelForm):
    scoped_fields = {"parent": "visible"}

    class Meta:
        model = Area
        fields = ["name", "level", "code", "parent", "lat", "lon"]

    def clean_code(self):
        code = self.cleaned_data.get("code")
        return code.strip() if code else None


class VillageForm(ScopedModelForm):
    """A village and its area in one form: name, code and town, plus the profile."""

    name = forms.CharField(label=_("name"), max_length=100)
    code = forms.CharField(label=_("division code"), max_length=12, required=False)
    town = forms.ModelChoiceField(
        label=_("town"), queryset=Area.objects.filter(level=AreaLevel.TOWN)
    )
    lat = forms.FloatField(label=_("latitude"), required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("longitude"), required=False, min_value=-180, max_value=180)
    main_products = TagsField(label=_("main products"), required=False)
    development_needs = TagsField(label=_("development needs"), required=False)
    scoped_fields = {"town": "visible"}

    class Meta:
        model = Village
        fields = [
            "population",
            "households",
            "low_income_households",
            "idle_farmland_mu",
            "main_products",
            "development_needs",
            "is_example",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            area = self.instance.area
            self.initial.setdefault("name", area.name)
            self.initial.setdefault("code", area.code)
            self.initial.setdefault("town", area.parent_id)
            self.initial.setdefault("lat", area.lat)
            self.initial.setdefault("lon", area.lon)
        self.order_fields(["name", "code", "town", "lat", "lon"])

    def clean_code(self):
        code = (self.cleaned_data.get("code") or "").strip()
        return code or None

    def _post_clean(self):
        super()._post_clean()
        # Validate the area part with the Area model's own rules (12-digit code, unique code).
        area = self.instance.area if self.instance.pk else Area(level=AreaLevel.VILLAGE)
        area.name = self.cleaned_data.get("name", area.name)
        area.code = self.cleaned_data.get("code")
        if self.cleaned_data.get("town") is not None:
            area.parent = self.cleaned_data["town"]
        for field in ("lat", "lon"):  # the village's coordinates are its area's
            if field in self.cleaned_data:
                setattr(area, field, self.cleaned_data[field])
        self.area = area
        try:
            area.full_clean(exclude=["path"])
        except forms.ValidationError as exc:
            for field, errors in exc.message_dict.items():
                target = {"parent": "town"}.get(field, field)
                if target not in self.fields:
                    target = None
                for error in errors:
                    self.add_error(target, error)


class VillageIncomeForm(ScopedModelForm):
    scoped_fields = {"village": "editable"}

    class Meta:
        model = VillageIncome
        fields = ["village", "year", "amount_yuan", "operating_yuan"]


class OrganizationForm(ScopedModelForm):
    capabilities = TagsField(label=_("capabilities"), required=False)
    scoped_fields = {"home_town": "visible", "service_area": "visible"}

    class Meta:
        model = Organization
        fields = [
            "kind",
            "name",
            "credit_code",
            "industry",
            "employees",
            "home_town",
            "capabilities",
            "fic_executive",
            "fic_position",
            "partner_kind",
            "service_area",
            "is_example",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_town"].queryset = self.fields["home_town"].queryset.filter(
            level=AreaLevel.TOWN
        )
        self.fields["service_area"].queryset = self.fields["service_area"].queryset.filter(
            level__in=[AreaLevel.TOWN, AreaLevel.COUNTY]
        )

    def clean_credit_code(self):
        code = (self.cleaned_data.get("credit_code") or "").strip().upper()
        return code or None


class ChamberMembershipForm(ScopedModelForm):
    scoped_fields = {"chamber": "editable", "enterprise": "visible"}

    class Meta:
        model = ChamberMembership
        fields = ["chamber", "enterprise"]


__all__ = [
    "AreaForm",
    "ChamberMembershipForm",
    "OrganizationForm",
    "VillageForm",
    "VillageIncomeForm",
    "normalize_division_code",
]
