"""One FilterSet per model, used by the list pages and the API alike."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tianmu.alliances.choices import AllianceStatus, MemberRole
from tianmu.alliances.models import Alliance, AllianceMember, Pairing, Program
from tianmu.core.filtersets import SearchFilterSet, extend_filterset
from tianmu.core.period_filters import ActivePeriodMixin, add_period_filters
from tianmu.core.periods import Period
from tianmu.core.scoping import visible_to
from tianmu.registry.filtersets import AreaCodeFilter, OrganizationFilterSet, VillageFilterSet
from tianmu.registry.selectors import area_from_code


class ProgramFilterSet(SearchFilterSet):
    search_fields = ("name", "description")
    area = AreaCodeFilter(field_name="area", label=_("Area (code)"))
    county = AreaCodeFilter(field_name="area", label=_("County (code)"))  # the former name
    ordering = django_filters.OrderingFilter(fields=("name", "start", "end"))

    class Meta:
        model = Program
        fields = []


class AllianceFilterSet(ActivePeriodMixin, SearchFilterSet):
    """`active`/`from`/`to` (with `area`): alliances with one pairing in the area active in the
    period, never a draft (the `alliances` figure)."""

    search_fields = ("name", "pairings__village__area__name", "members__organization__name")
    active_prefix = "pairings__"
    active_area_filter = "area"
    program = django_filters.NumberFilter(field_name="program_id", label=_("Programme"))
    status = django_filters.ChoiceFilter(choices=AllianceStatus.choices, label=_("Status"))
    area = AreaCodeFilter(field_name="pairings__village__area", label=_("Village area (code)"))
    member = django_filters.NumberFilter(
        field_name="members__organization_id", label=_("Member organisation"), distinct=True
    )
    ordering = django_filters.OrderingFilter(fields=("name", "status", "created"))

    class Meta:
        model = Alliance
        fields = []

    def search(self, queryset, name, value):
        return super().search(queryset, name, value).distinct()

    def counted_q(self):
        return Alliance.counted_q()


class AllianceMemberFilterSet(ActivePeriodMixin, django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=MemberRole.choices, label=_("Role"))
    # A plain id, not a choice among all organisations: an invalid-choice error would tell
    # the user whether an organisation outside their scope exists.
    organization = django_filters.NumberFilter(
        field_name="organization_id", label=_("Organisation")
    )

    class Meta:
        model = AllianceMember
        fields = ["role"]

    def counted_q(self):
        return Alliance.counted_q("alliance__")


class PairingFilterSet(ActivePeriodMixin, SearchFilterSet):
    search_fields = ("alliance__name", "village__area__name")
    program = django_filters.NumberFilter(field_name="alliance__program_id", label=_("Programme"))
    alliance = django_filters.NumberFilter(field_name="alliance_id", label=_("Alliance"))
    village = django_filters.NumberFilter(field_name="village_id", label=_("Village"))
    area = AreaCodeFilter(field_name="village__area", label=_("Village area (code)"))
    ordering = django_filters.OrderingFilter(fields=("start", "end"))

    class Meta:
        model = Pairing
        fields = []

    def counted_q(self):
        return Alliance.counted_q("alliance__")


# --- Registry organisations, by their alliance memberships -------------------------------------


def _membership(queryset, name, value):
    return queryset  # the membership filters are applied together in `_membership_narrowing`


def _membership_narrowing(filterset, queryset):
    """Organisations with a membership of that role, active in the period, in an alliance whose
    pairing is active in the period in that area — the definition of the `core_enterprises` and
    `enterprises` figures (tianmu/alliances/kpis.py)."""
    data = filterset.form.cleaned_data
    role, in_alliance = data.get("alliance_role"), data.get("in_alliance")
    area_code, active = data.get("paired_area"), data.get("active")
    start, end = data.get("from"), data.get("to")
    if not (role or in_alliance is not None or area_code or active or start or end):
        return queryset
    if active:
        start = end = None
    term = Period(start, end).overlap_q()
    # Only the alliances the user may see: an organisation they see must not count for a
    # membership in another county's alliance (the figures run this FilterSet). An API request
    # names its user in `auth` (a token), a page in `user`; without one the outer queryset is
    # already scoped.
    request = filterset.request
    user = getattr(request, "auth", None) or getattr(request, "user", None)
    pairing_rows, member_rows = Pairing.objects.all(), AllianceMember.objects.all()
    if user is not None and user.is_authenticated:
        pairing_rows = visible_to(user, Pairing)
        member_rows = visible_to(user, AllianceMember)
    # A draft alliance that was never activated is not active, nor are its pairings.
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


def _village_counted_q(filterset) -> Q:
    """A village is active through the pairings of alliances that count (never a draft)."""
    return Alliance.counted_q("pairings__alliance__")


def add_membership_filters() -> None:
    """Give registry's OrganizationFilterSet the membership filters (`alliance_role`,
    `in_alliance`, `paired_area`, `active`, `from`, `to`), and its VillageFilterSet the rule of
    which pairings count: registry is below alliances and cannot know memberships or alliance
    statuses itself. Called once from AlliancesConfig.ready()."""
    VillageFilterSet.counted_q = _village_counted_q
    if "alliance_role" in OrganizationFilterSet.base_filters:
        return
    extend_filterset(
        OrganizationFilterSet,
        filters={
            "alliance_role": django_filters.ChoiceFilter(
                choices=MemberRole.choices, method=_membership, label=_("Alliance role")
            ),
            "in_alliance": django_filters.BooleanFilter(
                method=_membership, label=_("In an alliance")
            ),
            "paired_area": django_filters.CharFilter(
                method=_membership, label=_("Paired village area (code)")
            ),
            "active": django_filters.BooleanFilter(method=_membership, label=_("Active today")),
        },
        before="ordering",
        narrow=_membership_narrowing,
    )
    add_period_filters(OrganizationFilterSet)
