"""One FilterSet per model, used by the list pages and the API alike."""

import django_filters
from django.utils.translation import gettext_lazy as _

from tianmu.alliances.choices import AllianceStatus, MemberRole
from tianmu.alliances.models import Alliance, AllianceMember, Pairing, Program
from tianmu.core.filtersets import AreaCodeFilter, SearchFilterSet
from tianmu.core.period_filters import ActivePeriodMixin


class ProgramFilterSet(SearchFilterSet):
    search_fields = ("name", "description")
    county = AreaCodeFilter(field_name="county", label=_("County (code)"))
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
