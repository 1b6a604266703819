"""Forms for programmes, alliances, members and pairings (pages and API share them)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tianmu.alliances.models import PROGRAM_LEVELS, Alliance, AllianceMember, Pairing, Program
from tianmu.core.forms import ScopedModelForm

DATE = forms.DateInput(attrs={"type": "date"})


class ProgramForm(ScopedModelForm):
    scoped_fields = {"area": "visible"}

    class Meta:
        model = Program
        fields = [
            "name",
            "area",
            "start",
            "end",
            "core_count",
            "chamber_count",
            "chamber_must_be_local",
            "partners_min",
            "partners_max",
            "core_must_be_fic",
            "description",
        ]
        widgets = {"start": DATE, "end": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A county, a city or the province (limit_choices_to), inside what the user may see;
        # the service checks the user may edit programmes there.
        self.fields["area"].queryset = (
            self.fields["area"].queryset.filter(level__in=PROGRAM_LEVELS).order_by("path", "code")
        )


class AllianceForm(ScopedModelForm):
    scoped_fields = {"program": "editable"}

    class Meta:
        model = Alliance
        fields = ["program", "name", "status", "positioning"]


class AllianceMemberForm(ScopedModelForm):
    """Add a member to a given alliance (the alliance comes from the URL, not the form)."""

    scoped_fields = {"organization": "visible"}

    class Meta:
        model = AllianceMember
        fields = ["organization", "role", "function", "start", "end"]
        widgets = {"start": DATE, "end": DATE}

    def __init__(self, *args, alliance: Alliance, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.alliance = alliance
        if not self.instance.pk and not self.initial.get("start"):
            self.initial["start"] = alliance.program.start
        self._mark_core_elsewhere(alliance)

    def _mark_core_elsewhere(self, alliance: Alliance) -> None:
        """Name, beside each enterprise, the other alliance of the programme it is a current
        core member of: the programme's rules usually allow one (5+1+X)."""
        from django.db.models import Q
        from django.utils import timezone

        from tianmu.alliances.choices import MemberRole

        today = timezone.localdate()
        elsewhere = dict(
            AllianceMember.objects.filter(
                alliance__program_id=alliance.program_id, role=MemberRole.CORE, start__lte=today
            )
            .filter(Q(end__isnull=True) | Q(end__gte=today))
            .exclude(alliance_id=alliance.pk)
            .values_list("organization_id", "alliance__name")
        )
        if not elsewhere:
            return
        field = self.fields["organization"]
        plain = field.label_from_instance

        def label(org):
            if org.pk in elsewhere:
                return _("%(org)s — core member of %(alliance)s") % {
                    "org": plain(org),
                    "alliance": elsewhere[org.pk],
                }
            return plain(org)

        field.label_from_instance = label


class PairingForm(ScopedModelForm):
    scoped_fields = {"alliance": "editable", "village": "visible"}

    class Meta:
        model = Pairing
        fields = ["alliance", "village", "start", "end", "note"]
        widgets = {"start": DATE, "end": DATE}


class EndForm(forms.Form):
    """End a membership or pairing: it stays as history with an end date."""

    end = forms.DateField(label=_("end"), widget=DATE)
