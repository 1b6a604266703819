"""The registry: the area tree, villages with their profile, and organisations."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as StdnumError

from tianmu.core import facts
from tianmu.core.models import ChangeLoggedModel
from tianmu.registry.choices import (
    PARENT_LEVEL,
    AreaLevel,
    FicPosition,
    OrganizationKind,
    PartnerKind,
)

CODE_RE = re.compile(r"^\d{12}$")


def normalize_division_code(code: str) -> str:
    """Accept the short forms people type (330112, 330112107) and pad to the 12-digit code."""
    code = (code or "").strip()
    if code.isdigit() and len(code) in (2, 4, 6, 9):
        return code.ljust(12, "0")
    return code


def validate_division_code(value: str) -> None:
    if not CODE_RE.match(value or ""):
        raise ValidationError(
            _("A division code has exactly 12 digits (统计用区划代码); got “%(value)s”."),
            params={"value": value},
            code="division_code",
        )


def validate_uscc(value: str) -> None:
    try:
        uscc.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            _("“%(value)s” is not a valid unified social credit code (GB 32100 check failed)."),
            params={"value": value},
            code="uscc",
        ) from exc


class Area(ChangeLoggedModel):
    """A node of the administrative tree: province > city > county > town > village."""

    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=AreaLevel.choices)
    code = models.CharField(
        _("division code"),
        max_length=12,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_division_code],
        help_text=_("Official 12-digit statistical division code, where known."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # Materialised path of the ancestors' ids, root first ("/1/4/"): subtree and ancestor
    # queries become one indexed prefix match instead of a recursive walk.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="/")
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        ordering = ["code", "name"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        expected = PARENT_LEVEL.get(self.level)
        if expected is None and self.parent_id:
            raise ValidationError({"parent": _("A province has no parent area.")})
        if expected is not None:
            if self.parent is None:
                raise ValidationError({"parent": _("This level needs a parent area.")})
            if self.parent.level != expected:
                raise ValidationError(
                    {
                        "parent": _("The parent of a %(level)s must be a %(parent)s.")
                        % {"level": self.get_level_display(), "parent": AreaLevel(expected).label}
                    }
                )

    def save(self, *args, **kwargs):
        old_subtree = self.subtree_prefix() if self.pk else None
        self.path = (self.parent.path + f"{self.parent_id}/") if self.parent_id else "/"
        super().save(*args, **kwargs)
        new_subtree = self.subtree_prefix()
        if old_subtree and old_subtree != new_subtree:  # moved: carry the subtree along
            # One UPDATE for the whole subtree (a county has thousands of areas). The paths
            # follow from the parents, so the move is recorded once, in this area's own
            # change-log entry (its parent and path before and after).
            Area.objects.filter(path__startswith=old_subtree).update(
                path=Concat(Value(new_subtree), Substr("path", len(old_subtree) + 1))
            )
            # The villages beneath now lie elsewhere: their kept figures move (core.facts).
            beneath = Village.objects.filter(self.subtree_q("area")).values_list("pk", flat=True)
            facts.mark_villages(beneath)

    def subtree_prefix(self) -> str:
        """The path prefix shared by every descendant of this area."""
        return f"{self.path}{self.pk}/"

    def subtree_q(self, prefix: str = "area") -> Q:
        """Rows whose area (reached through `prefix`) is this area or lies beneath it."""
        return Q(**{prefix: self.pk}) | Q(**{f"{prefix}__path__startswith": self.subtree_prefix()})

    @staticmethod
    def path_ids(path: str) -> list[int]:
        """The ids a materialised path names, root first ("/1/4/" -> [1, 4])."""
        return [int(i) for i in path.strip("/").split("/") if i]

    def ancestor_ids(self) -> list[int]:
        return self.path_ids(self.path)

    def ancestors(self) -> list[Area]:
        ids = self.ancestor_ids()
        by_id = Area.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    def county_pk(self) -> int | None:
        """The id of the county this area lies in (its own for a county); scoping asks this."""
        if self.level == AreaLevel.COUNTY:
            return self.pk
        ids = self.ancestor_ids()
        return (
            Area.objects.filter(pk__in=ids, level=AreaLevel.COUNTY)
            .values_list("pk", flat=True)
            .first()
        )

    def town(self) -> Area | None:
        """The town this area belongs to (itself for a town)."""
        if self.level == AreaLevel.TOWN:
            return self
        if self.level == AreaLevel.VILLAGE:
            return self.parent
        return None


class Village(ChangeLoggedModel):
    """A village collective (村集体) and its profile; registered whether paired or not."""

    area = models.OneToOneField(
        Area,
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        related_name="village",
        limit_choices_to={"level": AreaLevel.VILLAGE},
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    households = models.PositiveIntegerField(_("households"), null=True, blank=True)
    low_income_households = models.PositiveIntegerField(
        _("low-income households"), null=True, blank=True
    )
    idle_farmland_mu = models.DecimalField(
        _("idle farmland (mu)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    main_products = models.JSONField(_("main products"), default=list, blank=True)
    development_needs = models.JSONField(_("development needs"), default=list, blank=True)
    is_example = models.BooleanField(
        _("invented example"),
        default=False,
        help_text=_("Demo data whose name is invented, not a real village."),
    )

    class Meta:
        ordering = ["area__code", "area__name"]
        verbose_name = _("village")
        verbose_name_plural = _("villages")

    def __str__(self) -> str:
        return self.area.name

    @property
    def name(self) -> str:
        return self.area.name

    @property
    def code(self) -> str | None:
        return self.area.code

    @property
    def town(self) -> Area:
        return self.area.parent

    def clean(self):
        super().clean()
        if self.area_id and self.area.level != AreaLevel.VILLAGE:
            raise ValidationError({"area": _("A village profile belongs to a village-level area.")})
        if (
            self.households is not None
            and self.low_income_households is not None
            and self.low_income_households > self.households
        ):
            raise ValidationError(
                {"low_income_households": _("Cannot exceed the number of households.")}
            )


class VillageIncome(ChangeLoggedModel):
    """The village collective's income (村集体经济收入) for one year."""

    village = models.ForeignKey(
        Village, verbose_name=_("village"), on_delete=models.CASCADE, related_name="incomes"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    amount_yuan = models.DecimalField(
        _("collective income (yuan)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    operating_yuan = models.DecimalField(
        _("operating income (yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_(
            "经营性收入: the part of the income the collective earned by its own business."
        ),
    )

    class Meta:
        ordering = ["village", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["village", "year"], name="village_income_one_per_year")
        ]
        verbose_name = _("collective income")
        verbose_name_plural = _("collective incomes")

    def __str__(self) -> str:
        return f"{self.village} {self.year}"


class Organization(ChangeLoggedModel):
    """An enterprise, a chamber of commerce or a cooperating unit (one table, one API)."""

    kind = models.CharField(_("kind"), max_length=12, choices=OrganizationKind.choices)
    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_uscc],
    )
    # Enterprise
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    home_town = models.ForeignKey(
        Area,
        verbose_name=_("town"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"level": AreaLevel.TOWN},
        help_text=_("An enterprise's home town; a chamber's town (属地)."),
    )
    capabilities = models.JSONField(_("capabilities"), default=list, blank=True)
    fic_executive = models.BooleanField(_("FIC executive-committee member"), default=False)
    fic_position = models.CharField(
        _("FIC position"), max_length=12, choices=FicPosition.choices, blank=True
    )
    # Cooperating unit
    partner_kind = models.CharField(
        _("cooperating-unit kind"), max_length=12, choices=PartnerKind.choices, blank=True
    )
    service_area = models.ManyToManyField(
        Area,
        verbose_name=_("service area"),
        blank=True,
        related_name="+",
        help_text=_("Towns or the county a cooperating unit serves; empty means anywhere."),
    )
    is_example = models.BooleanField(
        _("invented example"),
        default=False,
        help_text=_("Demo data whose name is invented, not a real organisation."),
    )
    # Who owns the record: the area of the user who registered it (set by the service, never
    # by the client). Without it an organisation with no home town would belong to no one,
    # or, as it once did, to every county (ADR 0002).
    registered_area = models.ForeignKey(
        Area,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text=_("The area whose staff registered the organisation; they keep its record."),
    )

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        if self.kind == OrganizationKind.CHAMBER and not self.home_town_id:
            errors["home_town"] = _("A chamber of commerce belongs to a town.")
        if self.kind == OrganizationKind.PARTNER and not self.partner_kind:
            errors["partner_kind"] = _("Say what kind of cooperating unit this is.")
        if self.kind != OrganizationKind.PARTNER and self.partner_kind:
            errors["partner_kind"] = _("Only cooperating units have a cooperating-unit kind.")
        if self.kind != OrganizationKind.ENTERPRISE and (self.fic_executive or self.fic_position):
            errors["fic_executive"] = _("Only enterprises sit on the FIC executive committee.")
        if self.fic_position and not self.fic_executive:
            errors["fic_position"] = _("A position needs FIC executive-committee membership.")
        if self.home_town_id and self.home_town.level != AreaLevel.TOWN:
            errors["home_town"] = _("Choose a town or subdistrict.")
        if errors:
            raise ValidationError(errors)


class ChamberMembership(ChangeLoggedModel):
    """An enterprise's membership of a chamber of commerce (属地商会会员企业)."""

    chamber = models.ForeignKey(
        Organization,
        verbose_name=_("chamber"),
        on_delete=models.PROTECT,
        related_name="chamber_members",
        limit_choices_to={"kind": OrganizationKind.CHAMBER},
    )
    enterprise = models.ForeignKey(
        Organization,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="chamber_memberships",
        limit_choices_to={"kind": OrganizationKind.ENTERPRISE},
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["chamber", "enterprise"], name="chamber_member_once")
        ]
        verbose_name = _("chamber membership")
        verbose_name_plural = _("chamber memberships")

    def __str__(self) -> str:
        return f"{self.enterprise} @ {self.chamber}"

    def clean(self):
        super().clean()
        if self.chamber_id and self.chamber.kind != OrganizationKind.CHAMBER:
            raise ValidationError({"chamber": _("Choose a chamber of commerce.")})
        if self.enterprise_id and self.enterprise.kind != OrganizationKind.ENTERPRISE:
            raise ValidationError({"enterprise": _("Choose an enterprise.")})
