"""Common-prosperity workshops (共富工坊), their jobs (共富岗), the villagers who take them,
placements and monthly earnings.

Villagers are registered with the least personal data that works (docs/personal-data.md): the
resident ID number and phone are optional, encrypted at rest, masked everywhere and revealed
only through a logged action; the change log stores "***" for them.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError

from tianmu.core.crypto import EncryptedTextField, keyed_hash, mask
from tianmu.core.models import ChangeLoggedModel
from tianmu.core.periods import term_q
from tianmu.core.workflow import Confirmable, ConfirmationStatus, Side, corrections_index
from tianmu.employment.choices import (
    EmploymentType,
    Gender,
    PayBasis,
    PersonalField,
    WorkshopKind,
    WorkshopStatus,
)
from tianmu.registry.choices import AreaLevel, OrganizationKind

MONEY = {"max_digits": 14, "decimal_places": 2}
ID_NUMBER_ONCE = "person_id_number_once"


def normalize_id_number(value: str) -> str:
    return (value or "").strip().replace(" ", "").upper()


def validate_id_number(value: str) -> None:
    """A resident ID number (居民身份证号码): 18 characters, a real date of birth and area
    code, and the GB 11643 check digit."""
    try:
        ric.validate(normalize_id_number(value))
    except InvalidChecksum as exc:
        raise ValidationError(
            _("This resident ID number is wrong: its GB 11643 check digit does not match."),
            code="id_number_checksum",
        ) from exc
    except StdnumError as exc:
        raise ValidationError(
            _(
                "This is not a valid resident ID number: it needs 18 characters with a real "
                "date of birth and area code."
            ),
            code="id_number",
        ) from exc


validate_phone = RegexValidator(
    r"^\+?[0-9][0-9 \-]{5,18}[0-9]$",
    _("Enter a phone number of digits (spaces and dashes allowed)."),
    code="phone",
)


class Workshop(ChangeLoggedModel):
    """A common-prosperity workshop (共富工坊) an enterprise runs near villages."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=WorkshopKind.choices)
    enterprise = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="workshops",
        limit_choices_to={"kind": OrganizationKind.ENTERPRISE},
    )
    alliance = models.ForeignKey(
        "alliances.Alliance",
        verbose_name=_("alliance"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workshops",
    )
    town = models.ForeignKey(
        "registry.Area",
        verbose_name=_("town"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"level": AreaLevel.TOWN},
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    villages = models.ManyToManyField(
        "registry.Village",
        verbose_name=_("linked villages"),
        blank=True,
        related_name="workshops",
        help_text=_("The villages whose people the workshop employs."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=WorkshopStatus.choices, default=WorkshopStatus.ACTIVE
    )
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        if self.enterprise_id and self.enterprise.kind != OrganizationKind.ENTERPRISE:
            errors["enterprise"] = _("A workshop is run by an enterprise.")
        if self.town_id and self.town.level != AreaLevel.TOWN:
            errors["town"] = _("Choose a town or subdistrict.")
        if errors:
            raise ValidationError(errors)


class Position(ChangeLoggedModel):
    """A job (共富岗) a workshop offers: how many people, how it pays, fixed or temporary."""

    workshop = models.ForeignKey(
        Workshop, verbose_name=_("workshop"), on_delete=models.PROTECT, related_name="positions"
    )
    title = models.CharField(_("title"), max_length=100)
    headcount = models.PositiveIntegerField(
        _("headcount"), default=1, validators=[MinValueValidator(1)]
    )
    pay_basis = models.CharField(_("pay basis"), max_length=6, choices=PayBasis.choices)
    pay_rate_yuan = models.DecimalField(
        _("pay rate (yuan per unit)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    employment_type = models.CharField(
        _("fixed or temporary"),
        max_length=10,
        choices=EmploymentType.choices,
        default=EmploymentType.FIXED,
    )
    is_open = models.BooleanField(_("open"), default=True)

    class Meta:
        ordering = ["workshop", "title", "id"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")

    def __str__(self) -> str:
        return f"{self.workshop} · {self.title}"


class Person(ChangeLoggedModel):
    """A villager registered for placements (least personal data; see docs/personal-data.md)."""

    name = models.CharField(_("name"), max_length=50)
    village = models.ForeignKey(
        "registry.Village",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="people",
    )
    household = models.CharField(
        _("household"),
        max_length=50,
        blank=True,
        help_text=_("The household (户) as the village records it, e.g. its number."),
    )
    low_income = models.BooleanField(_("low-income household (低收入农户)"), default=False)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    id_number = EncryptedTextField(
        _("resident ID number"),
        blank=True,
        validators=[validate_id_number],
        help_text=_("Only where needed. Stored encrypted and shown masked."),
    )
    # HMAC of the ID number: the encrypted column cannot be unique or searched, this can.
    id_number_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    phone = EncryptedTextField(
        _("phone"),
        blank=True,
        validators=[validate_phone],
        help_text=_("Only where needed. Stored encrypted and shown masked."),
    )
    is_example = models.BooleanField(
        _("invented example"),
        default=False,
        help_text=_("Demo data: a synthetic person, not a real villager."),
    )

    changelog_masked = ("id_number", "id_number_hash", "phone")

    class Meta:
        ordering = ["name", "id"]
        # The list's order (docs/deploy.md#indexes): a page is read off the index.
        indexes = [
            models.Index(fields=["name", "id"], name="employment_person_list_idx"),
            # Sorted by year of birth (the list's other sortable column).
            models.Index(fields=["birth_year", "id"], name="employment_person_born_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=~Q(id_number_hash=""),
                name=ID_NUMBER_ONCE,
                violation_error_message=_("A person with this ID number is already registered."),
            )
        ]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name

    @property
    def id_number_masked(self) -> str:
        return mask(self.id_number, keep_start=6, keep_end=4)

    @property
    def phone_masked(self) -> str:
        return mask(self.phone, keep_start=3, keep_end=4)

    def clean(self):
        super().clean()
        self.id_number = normalize_id_number(self.id_number)
        self.phone = (self.phone or "").strip()
        self.id_number_hash = keyed_hash(self.id_number)
        if not self.id_number:
            return
        try:
            ric.validate(self.id_number)
        except StdnumError:
            return  # the field validator has reported it
        born = ric.get_birth_date(self.id_number)
        male = int(self.id_number[16]) % 2 == 1
        errors = {}
        if self.birth_year is None:
            self.birth_year = born.year
        elif self.birth_year != born.year:
            errors["birth_year"] = _("The birth year does not match the ID number.")
        if not self.gender:
            self.gender = Gender.MALE if male else Gender.FEMALE
        elif (self.gender == Gender.MALE) != male:
            errors["gender"] = _("The gender does not match the ID number.")
        if errors:
            raise ValidationError(errors)

    def get_constraints(self):
        # The duplicate-number check needs the acting user (what may they be told about a
        # person outside their scope?), so `person_save` makes it; the database constraint
        # stays as the backstop.
        return [
            (model, [c for c in constraints if c.name != ID_NUMBER_ONCE])
            for model, constraints in super().get_constraints()
        ]

    def save(self, *args, **kwargs):
        # The hash must follow the number even when a caller skipped full_clean().
        self.id_number_hash = keyed_hash(normalize_id_number(self.id_number))
        super().save(*args, **kwargs)


class Placement(ChangeLoggedModel, Confirmable):
    """A person in a position from `start` to `end` (open while empty).

    Reported by one side (usually the enterprise) and confirmed by the other (the village
    cadre of the person's village); only confirmed placements count in the figures.
    """

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="placements"
    )
    position = models.ForeignKey(
        Position, verbose_name=_("position"), on_delete=models.PROTECT, related_name="placements"
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    employment_type = models.CharField(
        _("fixed or temporary"),
        max_length=10,
        choices=EmploymentType.choices,
        default=EmploymentType.FIXED,
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-start", "-id"]
        indexes = [
            models.Index(fields=["person", "position"]),
            models.Index(fields=["-start", "-id"], name="employment_placement_list_idx"),
            # Sorted by end (the list's other sortable column).
            models.Index(fields=["end", "id"], name="employment_placement_end_idx"),
            corrections_index("employment_placement_corr_idx"),
        ]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")

    def __str__(self) -> str:
        return f"{self.person} @ {self.position}"

    def clean(self):
        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("A placement cannot end before it starts.")})
        if not (self.person_id and self.position_id and self.start):
            return
        same = Placement.objects.filter(person=self.person_id, position=self.position_id).exclude(
            confirmation=ConfirmationStatus.DISPUTED
        )
        clash = same.filter(term_q(self.start, self.end)).exclude(pk=self.pk)
        if self.corrects_id:  # a correction replaces the record it corrects
            clash = clash.exclude(pk=self.corrects_id)
        clash = clash.first()
        if clash is not None:
            raise ValidationError(
                {
                    "position": _(
                        "%(person)s already holds this position from %(start)s; a person has "
                        "one active placement per position."
                    )
                    % {"person": self.person, "start": clash.start}
                }
            )

    def side_of(self, user) -> str | None:
        from tianmu.accounts.choices import Role
        from tianmu.core.scoping import scope_for

        scope = scope_for(user)
        if scope.is_all:
            return Side.ADMIN
        if scope.is_org and scope.role == Role.ENTERPRISE:
            if self.position.workshop.enterprise_id == scope.organization.pk:
                return Side.ENTERPRISE
            return None
        area = self.person.village.area
        if scope.role == Role.VILLAGE and area.pk == scope.area.pk:
            return Side.VILLAGE
        if scope.role == Role.ADMIN and scope.area.pk in area.ancestor_ids():
            return Side.ADMIN
        return None

    def workflow_date(self) -> datetime.date | None:
        return self.start

    def workflow_area(self):
        return self.person.village.area if self.person_id else None


class MonthlyEarning(ChangeLoggedModel):
    """What a placement paid the person in one month (yuan)."""

    placement = models.ForeignKey(
        Placement, verbose_name=_("placement"), on_delete=models.PROTECT, related_name="earnings"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    amount_yuan = models.DecimalField(
        _("earnings (yuan)"), **MONEY, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["placement", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "month"],
                name="earning_once_per_month",
                violation_error_message=_(
                    "Earnings for this placement and month are already recorded."
                ),
            )
        ]
        verbose_name = _("monthly earning")
        verbose_name_plural = _("monthly earnings")

    def __str__(self) -> str:
        return f"{self.placement.person} {self.month:%Y-%m}"

    def clean(self):
        super().clean()
        if self.month:
            self.month = self.month.replace(day=1)
        if self.month and self.placement_id:
            p = self.placement
            if self.month < p.start.replace(day=1) or (p.end and self.month > p.end):
                raise ValidationError(
                    {
                        "month": _(
                            "Earnings can only be recorded for months of the placement "
                            "(%(start)s to %(end)s)."
                        )
                        % {"start": p.start, "end": p.end or "…"}
                    }
                )

    def workflow_date(self) -> datetime.date | None:
        return self.month

    def workflow_area(self):
        return self.placement.person.village.area if self.placement_id else None


class PersonalDataAccessQuerySet(models.QuerySet):
    """Append-only, like the change log."""

    def update(self, **kwargs):
        raise PermissionError("The personal-data access log cannot be edited")

    def delete(self):
        raise PermissionError("The personal-data access log cannot be edited")


class PersonalDataAccess(models.Model):
    """One use of a person's full personal data: who, when, what and (where known) whom.

    A reveal (a full value shown), an exact ID-number search (the person found, or none), or
    a refused registration of a number that belongs to someone outside the user's scope (no
    person recorded: the log must not tell the user's own admins about another county).
    The rows are also the rate limiter's memory (`services.ensure_within_limit`).
    """

    class Action(models.TextChoices):
        REVEAL = "reveal", _("Reveal")
        SEARCH = "search", _("ID-number search")
        DUPLICATE = "duplicate", _("Registration of a number registered elsewhere")
        EXPORT = "export", _("Export with full personal data")

    time = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    user_name = models.CharField(_("user name"), max_length=150)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    action = models.CharField(
        _("action"), max_length=10, choices=Action.choices, default=Action.REVEAL
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="data_accesses",
    )
    field = models.CharField(_("field"), max_length=12, choices=PersonalField.choices)

    objects = PersonalDataAccessQuerySet.as_manager()

    class Meta:
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["user", "action", "time"])]
        verbose_name = _("personal-data access")
        verbose_name_plural = _("personal-data accesses")

    def __str__(self) -> str:
        who = f"#{self.person_id}" if self.person_id else "—"
        return f"{self.time:%Y-%m-%d %H:%M} {self.user_name} {self.action} {self.field} {who}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The personal-data access log cannot be edited")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The personal-data access log cannot be edited")
