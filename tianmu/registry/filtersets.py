"""One FilterSet per model, used by the list pages and the API alike."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tianmu.alliances.choices import MemberRole
from tianmu.core.filtersets import AreaCodeFilter, SearchFilterSet, area_from_code
from tianmu.core.period_filters import ActivePeriodMixin, add_period_filters
from tianmu.core.periods import Period
from tianmu.core.scoping import visible_to
from tianmu.registry.choices import AreaLevel, FicPosition, OrganizationKind, PartnerKind
from tianmu.registry.models import Area, Organization, Village


class AreaFilterSet(SearchFilterSet):
    search_fields = ("name", "code")
    level = django_filters.ChoiceFilter(choices=AreaLevel.choices, label=_("Level"))
    parent = django_filters.NumberFilter(field_name="parent_id", label=_("Parent"))
    area = AreaCodeFilter(field_name="", label=_("Within area (code)"))
    ordering = django_filters.OrderingFilter(fields=("name", "code", "level"))

    class Meta:
        model = Area
        fields = ["level", "parent"]


class VillageFilterSet(ActivePeriodMixin, SearchFilterSet):
    """`active`, `from`, `to` select villages by the terms of their pairings."""

    search_fields = ("area__name", "area__code")
    active_prefix = "pairings__"
    area = AreaCodeFilter(field_name="area", label=_("Within area (code)"))
    town = django_filters.NumberFilter(field_name="area__parent_id", label=_("Town"))
    is_example = django_filters.BooleanFilter(label=_("Invented example"))
    ordering = django_filters.OrderingFilter(
        fields=(
            ("area__name", "name"),
            ("area__code", "code"),
            "population",
            "low_income_households",
        )
    )

    class Meta:
        model = Village
        fields = ["is_example"]

    def counted_q(self):
        from tianmu.alliances.models import Alliance  # alliances depends on registry

        return Alliance.counted_q("pairings__alliance__")


class OrganizationFilterSet(SearchFilterSet):
    """Organisations, and (with the membership filters) the organisations an alliance figure
    counts: `alliance_role`, `in_alliance`, `paired_area`, `active`, `from`, `to` together
    select organisations with a membership of that role, active in the period, in an alliance
    whose pairing is active in the period in that area — the definition of the
    `core_enterprises` and `enterprises` figures (tianmu/dashboard/selectors.py)."""

    search_fields = ("name", "credit_code", "industry")
    kind = django_filters.ChoiceFilter(choices=OrganizationKind.choices, label=_("Kind"))
    partner_kind = django_filters.ChoiceFilter(
        choices=PartnerKind.choices, label=_("Cooperating-unit kind")
    )
    fic_executive = django_filters.BooleanFilter(label=_("FIC executive member"))
    fic_position = django_filters.ChoiceFilter(
        choices=FicPosition.choices[1:], label=_("FIC position")
    )
    area = AreaCodeFilter(field_name="home_town", label=_("Town (code)"))
    industry = django_filters.CharFilter(lookup_expr="icontains", label=_("Industry"))
    alliance_role = django_filters.ChoiceFilter(
        choices=MemberRole.choices, method="_membership", label=_("Alliance role")
    )
    in_alliance = django_filters.BooleanFilter(method="_membership", label=_("In an alliance"))
    paired_area = django_filters.CharFilter(
        method="_membership", label=_("Paired village area (code)")
    )
    active = django_filters.BooleanFilter(method="_membership", label=_("Active today"))
    ordering = django_filters.OrderingFilter(fields=("name", "kind", "employees", "industry"))

    class Meta:
        model = Organization
        fields = ["kind", "partner_kind", "fic_executive", "fic_position", "is_example"]

    def _membership(self, queryset, name, value):
        return queryset  # the membership filters are applied together in filter_queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        role, in_alliance = data.get("alliance_role"), data.get("in_alliance")
        area_code, active = data.get("paired_area"), data.get("active")
        start, end = data.get("from"), data.get("to")
        if not (role or in_alliance is not None or area_code or active or start or end):
            return queryset
        # Imported here: alliances depends on registry, not the other way round.
        from tianmu.alliances.models import Alliance, AllianceMember, Pairing

        if active:
            start = end = None
        term = Period(start, end).overlap_q()
        # A draft alliance that was never activated is not active, nor are its pairings.
        # Only the alliances the user may see: an organisation they see must not count for a
        # membership in another county's alliance (the figures run this FilterSet).
        # An API request names its user in `auth` (a token), a page in `user`; without one the
        # outer queryset is already scoped.
        user = getattr(self.request, "auth", None) or getattr(self.request, "user", None)
        pairing_rows, member_rows = Pairing.objects.all(), AllianceMember.objects.all()
        if user is not None and user.is_authenticated:
            pairing_rows = visible_to(user, Pairing)
            member_rows = visible_to(user, AllianceMember)
        pairings = pairing_rows.filter(term, Alliance.counted_q("alliance__"))
        if area_code:
            area = area_from_code(area_code)
            if area is None:
                return queryset.none()
            pairings = pairings.filter(
                Q(village__area=area) | Q(village__area__path__startswith=area.subtree_prefix())
            )
        members = member_rows.filter(term, alliance__in=pairings.values("alliance_id"))
        if role:
            members = members.filter(role=role)
        ids = members.values("organization_id")
        if in_alliance is False:
            return queryset.exclude(pk__in=ids)
        return queryset.filter(pk__in=ids)


add_period_filters(OrganizationFilterSet)
