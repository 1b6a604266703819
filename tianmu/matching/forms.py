"""The "Propose alliances" form: the page and `POST /api/v1/matching/runs` validate with it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tianmu.alliances.models import Program
from tianmu.core.scoping import editable_by, visible_to
from tianmu.matching.choices import EnterprisePool
from tianmu.matching.selectors import (
    chamber_pool,
    partner_pool,
    program_villages,
    unpaired_villages,
)
from tianmu.registry.choices import AreaLevel, OrganizationKind
from tianmu.registry.models import Area, Organization, Village

#: The scoring model's weights (docs/matching.md), in the order the page shows them; the
#: first six are the components, the rest tune distances and sizes. The solver (imported
#: lazily, so a page never fails to load because of it) says which keys exist.
WEIGHT_LABELS = {
    "need": _("Need fit (village needs met by enterprise capabilities)"),
    "market": _("Market fit (enterprise size buying the village's products)"),
    "labour": _("Labour fit (job openings for the village's surplus labour)"),
    "distance": _("Closeness"),
    "continuity": _("Continuity bonus (keep current members)"),
    "priority_boost": _("Priority boost for low collective income"),
    "decay_km": _("Distance decay (km)"),
    "commute_km": _("Commuting distance (km)"),
    "employees_ref": _("Employees for full market fit"),
    "partner_local": _("Cooperating unit: locality"),
    "partner_kind": _("Cooperating unit: kind fits a need"),
}
MAIN_WEIGHTS = ("need", "market", "labour", "distance", "continuity", "priority_boost")


def default_weights() -> dict[str, float]:
    from tianmu.matching.solver.scoring import DEFAULT_WEIGHTS

    return dict(DEFAULT_WEIGHTS)


class Selection:
    COUNTY = "county"
    TOWN = "town"
    LIST = "list"
    CHOICES = [
        (COUNTY, _("All unpaired villages of the county")),
        (TOWN, _("The unpaired villages of one town")),
        (LIST, _("Villages I pick")),
    ]


class RunForm(forms.Form):
    """Which villages, which pools, which weights. `user` limits every choice to their scope."""

    program = forms.ModelChoiceField(label=_("programme"), queryset=Program.objects.none())
    selection = forms.ChoiceField(
        label=_("villages"), choices=Selection.CHOICES, required=False, widget=forms.RadioSelect
    )
    town = forms.ModelChoiceField(label=_("town"), queryset=Area.objects.none(), required=False)
    villages = forms.ModelMultipleChoiceField(
        label=_("picked villages"), queryset=Village.objects.none(), required=False
    )
    enterprise_pool = forms.ChoiceField(
        label=_("enterprises"), choices=EnterprisePool.choices, required=False
    )
    chambers = forms.ModelMultipleChoiceField(
        label=_("chambers of commerce"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("Empty: every chamber in the county."),
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("cooperating units"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("Empty: every cooperating unit serving the county."),
    )
    time_limit = forms.FloatField(
        label=_("time limit (s)"), min_value=0.1, max_value=3600, required=False
    )

    def __init__(self, *args, user, program: Program | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["program"].queryset = editable_by(user, Program).select_related("area")
        villages = visible_to(user, Village).select_related("area__parent")
        towns = visible_to(user, Area).filter(level=AreaLevel.TOWN)
        orgs = visible_to(user, Organization)
        if program is not None:
            villages = villages.filter(pk__in=program_villages(program).values("pk"))
            towns = towns.filter(path__contains=f"/{program.area_id}/")
            self.fields["program"].initial = program.pk
            self.fields["program"].widget = forms.HiddenInput()
        self.fields["villages"].queryset = villages.order_by("area__parent__name", "area__name")
        self.fields["villages"].label_from_instance = lambda v: f"{v.area.parent} · {v}"
        self.fields["town"].queryset = towns.order_by("code", "name")
        self.fields["chambers"].queryset = orgs.filter(kind=OrganizationKind.CHAMBER)
        self.fields["partners"].queryset = orgs.filter(kind=OrganizationKind.PARTNER)
        self.fields["selection"].initial = Selection.COUNTY
        self.fields["enterprise_pool"].initial = EnterprisePool.FIC
        for key, default in default_weights().items():
            self.fields[f"weight_{key}"] = forms.FloatField(
                label=WEIGHT_LABELS.get(key, key),
                min_value=0,
                required=False,
                initial=default,
            )

    def weight_fields(self):
        return [self[f"weight_{k}"] for k in default_weights() if k in MAIN_WEIGHTS]

    def advanced_weight_fields(self):
        return [self[f"weight_{k}"] for k in default_weights() if k not in MAIN_WEIGHTS]

    def clean(self):
        data = super().clean()
        program = data.get("program")
        if program is None:
            return data
        selection = data.get("selection") or (
            Selection.LIST
            if data.get("villages")
            else Selection.TOWN
            if data.get("town")
            else Selection.COUNTY
        )
        data["selection"] = selection
        in_county = set(program_villages(program).values_list("pk", flat=True))
        if selection == Selection.LIST:
            picked = list(data.get("villages") or [])
            if not picked and "villages" not in self.errors:
                self.add_error("villages", _("Pick at least one village."))
            outside = [v for v in picked if v.pk not in in_county]
            if outside:
                self.add_error(
                    "villages",
                    _("Not in %(area)s, the programme's area: %(names)s.")
                    % {"area": program.area, "names": "、".join(str(v) for v in outside)},
                )
            data["selected_villages"] = picked
        else:
            town = data.get("town") if selection == Selection.TOWN else None
            if selection == Selection.TOWN and town is None and "town" not in self.errors:
                self.add_error("town", _("Choose a town."))
            if town is not None and not program.covers(town):
                self.add_error("town", _("The town is not in the programme's area."))
            picked = list(unpaired_villages(program=program, town=town))
            if not picked and not self.errors:
                self.add_error(
                    "villages", _("Every village there is already paired in this programme.")
                )
            data["selected_villages"] = picked
        chamber_ids = set(chamber_pool(program=program).values_list("pk", flat=True))
        for c in data.get("chambers") or []:
            if c.pk not in chamber_ids:
                self.add_error(
                    "chambers", _("“%(org)s” is not a chamber in the county.") % {"org": c}
                )
        partner_ids = set(partner_pool(program=program).values_list("pk", flat=True))
        for p in data.get("partners") or []:
            if p.pk not in partner_ids:
                self.add_error(
                    "partners",
                    _("“%(org)s” does not serve the programme's county.") % {"org": p},
                )
        data["enterprise_pool"] = data.get("enterprise_pool") or EnterprisePool.FIC
        data["weights"] = {
            key: data[f"weight_{key}"]
            for key, default in default_weights().items()
            if data.get(f"weight_{key}") is not None and data[f"weight_{key}"] != default
        }
        return data


class AcceptForm(forms.Form):
    """Which proposals to accept: the villages' ids, or every proposal of the run."""

    villages = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args, village_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["villages"].choices = [(i, i) for i in village_ids]
