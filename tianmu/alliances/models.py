"""Programmes with their composition rules, alliances, their members and their pairings.

`DateRangeMixin` (the start/end term) is in tianmu/core/models.py; it stays importable here."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tianmu.alliances.choices import AllianceStatus, MemberFunction, MemberRole
from tianmu.alliances.rules import alliance_rule_check
from tianmu.core.models import ChangeLoggedModel, DateRangeMixin
from tianmu.registry.choices import AreaLevel

#: The levels a programme's area may be: a county's own, a city's or the province's (山海协作).
PROGRAM_LEVELS = (AreaLevel.PROVINCE, AreaLevel.CITY, AreaLevel.COUNTY)


class Program(ChangeLoggedModel, DateRangeMixin):
    """A programme such as “天目共富联盟 2023–2025”: an area, a term and the 5+1+X rules.

    The area is a county, a city or the province; its villages are the ones the programme may
    pair. A programme above a county pairs across county lines (山海协作): enterprises of one
    county with villages of another. The rules are data: another county can run 3+1+X by
    saying so here.
    """

    name = models.CharField(_("name"), max_length=200)
    area = models.ForeignKey(
        "registry.Area",
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        related_name="programs",
        limit_choices_to={"level__in": PROGRAM_LEVELS},
        help_text=_("A county, a city or the province: the programme pairs villages inside it."),
    )
    core_count = models.PositiveSmallIntegerField(
        _("core enterprises per alliance"), default=5, validators=[MinValueValidator(1)]
    )
    chamber_count = models.PositiveSmallIntegerField(_("chambers per alliance"), default=1)
    chamber_must_be_local = models.BooleanField(
        _("chamber must be local to the village's town"), default=True
    )
    partners_min = models.PositiveSmallIntegerField(_("cooperating units (min)"), default=1)
    partners_max = models.PositiveSmallIntegerField(
        _("cooperating units (max)"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    core_must_be_fic = models.BooleanField(
        _("core enterprises must be FIC executive members"), default=True
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["-start", "name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.name

    @property
    def county(self):
        """The programme's area (the name it had when every programme was a county's); kept
        so that `Program(county=…)` and `program.county` keep working."""
        return self.area

    @county.setter
    def county(self, value) -> None:
        self.area = value

    @property
    def county_id(self) -> int | None:
        return self.area_id

    def covers(self, area) -> bool:
        """Whether `area` (a village's, a town's…) lies inside the programme's area."""
        return area.pk == self.area_id or f"/{self.area_id}/" in area.path

    @property
    def formula(self) -> str:
        """The composition in the article's notation, e.g. “5+1+X”."""
        return f"{self.core_count}+{self.chamber_count}+X"

    def clean(self):
        super().clean()
        if self.area_id and self.area.level not in PROGRAM_LEVELS:
            raise ValidationError(
                {"area": _("Choose a county or district, a city or the province.")}
            )
        loaded = getattr(self, "_loaded_snapshot", None) or {}
        if self.pk and self.area_id and loaded.get("area_id") != self.area_id:
            # Narrowing the area must not leave pairings outside it.
            outside = (
                Pairing.objects.filter(alliance__program=self)
                .exclude(village__area__path__contains=f"/{self.area_id}/")
                .select_related("village__area")
                .first()
            )
            if outside is not None:
                raise ValidationError(
                    {
                        "area": _(
                            "“%(village)s”, paired in this programme, lies outside %(area)s: "
                            "a programme's villages must lie inside its area."
                        )
                        % {"village": outside.village, "area": self.area}
                    }
                )
        if self.partners_max is not None and self.partners_max < self.partners_min:
            raise ValidationError({"partners_max": _("The maximum cannot be below the minimum.")})


class Alliance(ChangeLoggedModel):
    """A 5+1+X alliance under a programme (共富联盟)."""

    program = models.ForeignKey(
        Program, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="alliances"
    )
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=AllianceStatus.choices, default=AllianceStatus.DRAFT
    )
    positioning = models.TextField(
        _("industry positioning"),
        blank=True,
        help_text=_("What the alliance helps the village become."),
    )

    class Meta:
        ordering = ["program", "name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="alliance_name_per_program")
        ]
        verbose_name = _("alliance")
        verbose_name_plural = _("alliances")

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def counted_q(prefix: str = "") -> Q:
        """Alliances that count in figures and `active` lists: activated at some time.

        A draft was never activated (activation needs the rules met), so neither it nor its
        pairings and members are active, whatever their dates say. A positive condition, so
        that through a relation it binds to the same joined row as the term beside it.
        """
        return Q(**{f"{prefix}status__in": [AllianceStatus.ACTIVE, AllianceStatus.ENDED]})

    def clean(self):
        super().clean()
        loaded = getattr(self, "_loaded_snapshot", None) or {}
        if self.pk and self.program_id and loaded.get("program_id") != self.program_id:
            # Moved to another programme: its pairings must lie inside that programme's area.
            program = self.program
            outside = (
                self.pairings.exclude(village__area__path__contains=f"/{program.area_id}/")
                .select_related("village__area")
                .first()
            )
            if outside is not None:
                raise ValidationError(
                    {
                        "program": _(
                            "“%(village)s”, paired with this alliance, lies outside %(area)s, "
                            "the programme's area."
                        )
                        % {"village": outside.village, "area": program.area}
                    }
                )
        was = loaded.get("status")
        if self.status == AllianceStatus.ACTIVE and was != AllianceStatus.ACTIVE and self.pk:
            check = alliance_rule_check(alliance=self)
            if not check.ok:
                raise ValidationError(
                    {
                        "status": [_("The alliance does not meet the programme's rules yet:")]
                        + [str(p) for p in check.problems]
                    }
                )
        elif self.status == AllianceStatus.ACTIVE and not self.pk:
            raise ValidationError(
                {"status": _("A new alliance starts as a draft; activate it once it has members.")}
            )


class AllianceMember(ChangeLoggedModel, DateRangeMixin):
    """An organisation's membership of an alliance, with its role and optional function.

    Ended memberships stay as history: they get an end date, never a delete.
    """

    alliance = models.ForeignKey(
        Alliance, verbose_name=_("alliance"), on_delete=models.PROTECT, related_name="members"
    )
    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="alliance_memberships",
    )
    role = models.CharField(_("role"), max_length=16, choices=MemberRole.choices)
    function = models.CharField(
        _("function"), max_length=12, choices=MemberFunction.choices, blank=True
    )

    class Meta:
        ordering = ["alliance", "role", "start", "id"]
        # Backstops for the rules clean() checks (ADR 0010): one open-ended membership of an
        # organisation per alliance on every database; on PostgreSQL, migration 0002 adds an
        # exclusion constraint on overlapping date ranges.
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "organization"],
                condition=Q(end__isnull=True),
                name="alliance_member_one_open_term",
                violation_error_message=_(
                    "This organisation is already an open-ended member of this alliance."
                ),
            )
        ]
        verbose_name = _("alliance member")
        verbose_name_plural = _("alliance members")

    def __str__(self) -> str:
        return f"{self.organization} ({self.get_role_display()})"

    def clean(self):
        from tianmu.alliances.choices import ROLE_KIND
        from tianmu.registry.models import Organization

        super().clean()
        if not (self.alliance_id and self.organization_id and self.role and self.start):
            return
        org: Organization = self.organization
        expected = ROLE_KIND.get(self.role)
        if expected and org.kind != expected:
            raise ValidationError(
                {
                    "organization": _(
                        "“%(org)s” is a %(kind)s; the role %(role)s needs a %(expected)s."
                    )
                    % {
                        "org": org,
                        "kind": org.get_kind_display(),
                        "role": self.get_role_display(),
                        "expected": _kind_label(expected),
                    }
                }
            )
        if self.function and self.role != MemberRole.CORE:
            raise ValidationError({"function": _("Only core enterprises take a function.")})
        overlap = DateRangeMixin.overlapping(self.start, self.end)
        same = AllianceMember.objects.filter(overlap, alliance=self.alliance_id, organization=org)
        if same.exclude(pk=self.pk).exists():
            raise ValidationError(
                {
                    "organization": _(
                        "“%(org)s” is already a member of this alliance for these dates."
                    )
                    % {"org": org}
                }
            )
        if self.role == MemberRole.CORE:
            elsewhere = (
                AllianceMember.objects.filter(
                    overlap,
                    role=MemberRole.CORE,
                    organization=org,
                    alliance__program=self.alliance.program_id,
                )
                .exclude(alliance=self.alliance_id)
                .select_related("alliance")
                .first()
            )
            if elsewhere is not None:
                raise ValidationError(
                    {
                        "organization": _(
                            "“%(org)s” is already a core enterprise of “%(other)s” in this "
                            "programme for these dates."
                        )
                        % {"org": org, "other": elsewhere.alliance}
                    }
                )
        if self.role == MemberRole.CHAMBER and self.alliance.program.chamber_must_be_local:
            for pairing in self.alliance.pairings.filter(overlap).select_related("village__area"):
                town = pairing.village.town
                if org.home_town_id != town.pk:
                    raise ValidationError(
                        {
                            "organization": _(
                                "The chamber “%(org)s” is not local to %(town)s, the town "
                                "of the paired village; the programme requires a local "
                                "chamber."
                            )
                            % {"org": org, "town": town}
                        }
                    )


class Pairing(ChangeLoggedModel, DateRangeMixin):
    """Directed pairing (定向结对) of an alliance with one village for a term."""

    alliance = models.ForeignKey(
        Alliance, verbose_name=_("alliance"), on_delete=models.PROTECT, related_name="pairings"
    )
    village = models.ForeignKey(
        "registry.Village",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="pairings",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-start", "id"]
        # Backstop for the rule clean() checks (ADR 0010): one open-ended pairing per alliance
        # on every database; on PostgreSQL, migration 0002 adds an exclusion constraint on
        # overlapping date ranges of one alliance.
        constraints = [
            models.UniqueConstraint(
                fields=["alliance"],
                condition=Q(end__isnull=True),
                name="pairing_one_open_term_per_alliance",
                violation_error_message=_("This alliance already has an open-ended pairing."),
            )
        ]
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")

    def __str__(self) -> str:
        return f"{self.alliance} ⇄ {self.village}"

    def clean(self):
        super().clean()
        if not (self.alliance_id and self.village_id and self.start):
            return
        program = self.alliance.program
        village = self.village
        if not program.covers(village.area):
            raise ValidationError(
                {
                    "village": _(
                        "“%(village)s” lies outside %(area)s, the programme's area: a "
                        "programme pairs only villages inside its area."
                    )
                    % {"village": village, "area": program.area}
                }
            )
        overlap = DateRangeMixin.overlapping(self.start, self.end)
        clash = (
            Pairing.objects.filter(overlap, village=village, alliance__program=program)
            .exclude(pk=self.pk)
            .select_related("alliance")
            .first()
        )
        if clash is not None:
            raise ValidationError(
                {
                    "village": _(
                        "“%(village)s” is already paired with “%(alliance)s” in this programme "
                        "from %(start)s; a village has one pairing per programme at a time."
                    )
                    % {"village": village, "alliance": clash.alliance, "start": clash.start}
                }
            )
        clash = (
            Pairing.objects.filter(overlap, alliance=self.alliance_id)
            .exclude(pk=self.pk)
            .select_related("village__area")
            .first()
        )
        if clash is not None:
            raise ValidationError(
                {
                    "alliance": _(
                        "This alliance is already paired with “%(village)s” for these dates."
                    )
                    % {"village": clash.village}
                }
            )
        if program.chamber_must_be_local:
            foreign = (
                self.alliance.members.filter(overlap, role=MemberRole.CHAMBER)
                .exclude(organization__home_town=village.area.parent_id)
                .select_related("organization")
                .first()
            )
            if foreign is not None:
                raise ValidationError(
                    {
                        "village": _(
                            "The alliance's chamber “%(org)s” is not local to %(town)s; the "
                            "programme requires a local chamber."
                        )
                        % {"org": foreign.organization, "town": village.town}
                    }
                )


def _kind_label(kind: str) -> str:
    from tianmu.registry.choices import OrganizationKind

    return str(OrganizationKind(kind).label)
