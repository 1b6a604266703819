"""Common-prosperity projects (共富项目), the villages that take part, documents and updates."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tianmu.core.models import ChangeLoggedModel
from tianmu.core.money import to_money, validate_not_negative
from tianmu.core.uploads import validate_photo
from tianmu.core.workflow import Reviewable
from tianmu.projects.choices import (
    BUSINESS_CATEGORIES,
    ProjectCategory,
    ProjectKind,
    ProjectStatus,
)

DOCUMENT_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png", "txt"]


def money_field(verbose_name, **kwargs):
    kwargs.setdefault("default", Decimal("0.00"))
    return models.DecimalField(
        verbose_name,
        max_digits=14,
        decimal_places=2,
        validators=[validate_not_negative],
        **kwargs,
    )


class Project(ChangeLoggedModel):
    """A project an alliance and its village run: a business (经营类) or a public-benefit one
    (公益类), with its investment by source, the idle farmland it brings back into use and the
    production standard it follows."""

    name = models.CharField(_("name"), max_length=200)
    brand = models.CharField(
        _("brand"), max_length=100, blank=True, help_text=_("e.g. 浙西天路·共富菜园")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ProjectKind.choices)
    category = models.CharField(_("category"), max_length=16, choices=ProjectCategory.choices)
    alliance = models.ForeignKey(
        "alliances.Alliance",
        verbose_name=_("alliance"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    village = models.ForeignKey(
        "registry.Village",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="projects",
        help_text=_("The village collective that runs the project."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED
    )
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(
        _("end"), null=True, blank=True, help_text=_("When the project closed, if it has.")
    )
    description = models.TextField(_("description"), blank=True)
    # Empty (null) when not disclosed: shown as “not disclosed”, never as 0.00.
    investment_enterprise_yuan = money_field(
        _("investment by enterprises (yuan)"), null=True, blank=True, default=None
    )
    investment_village_yuan = money_field(
        _("investment by the village (yuan)"), null=True, blank=True, default=None
    )
    investment_loan_yuan = money_field(
        _("investment from loans (yuan)"), null=True, blank=True, default=None
    )
    investment_government_yuan = money_field(
        _("investment by government (yuan)"), null=True, blank=True, default=None
    )
    idle_farmland_mu = models.DecimalField(
        _("idle farmland brought into use (mu)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[validate_not_negative],
    )
    standard = models.CharField(
        _("production standard"),
        max_length=200,
        blank=True,
        help_text=_("The standard the produce follows (统一标准种植)."),
    )

    class Meta:
        ordering = ["-start", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["village", "name"], name="project_name_per_village")
        ]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return self.brand or self.name

    def clean(self):
        super().clean()
        if self.kind and self.category:
            business = self.category in BUSINESS_CATEGORIES
            if business != (self.kind == ProjectKind.BUSINESS):
                raise ValidationError(
                    {
                        "category": _("“%(category)s” is not a category of %(kind)s projects.")
                        % {
                            "category": self.get_category_display(),
                            "kind": self.get_kind_display(),
                        }
                    }
                )
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The end date cannot be before the start date.")})
        if (
            self.alliance_id
            and self.village_id
            and not self.alliance.pairings.filter(village_id=self.village_id).exists()
        ):
            raise ValidationError(
                {
                    "alliance": _("“%(alliance)s” is not paired with %(village)s.")
                    % {"alliance": self.alliance, "village": self.village}
                }
            )

    @property
    def investment_total_yuan(self) -> Decimal | None:
        """The sum of the disclosed sources; None when none is disclosed."""
        given = [v for v in self.investment_by_source().values() if v is not None]
        return to_money(sum(given, Decimal(0))) if given else None

    def investment_by_source(self) -> dict[str, Decimal | None]:
        return {
            "enterprise": self.investment_enterprise_yuan,
            "village": self.investment_village_yuan,
            "loan": self.investment_loan_yuan,
            "government": self.investment_government_yuan,
        }


class ProjectVillage(ChangeLoggedModel):
    """A surrounding village that takes part in a project (带动村) and what it supplies."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="participants"
    )
    village = models.ForeignKey(
        "registry.Village",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="project_participations",
    )
    supplies = models.CharField(
        _("supplies"), max_length=200, blank=True, help_text=_("What the village contributes.")
    )
    joined = models.DateField(_("joined"), null=True, blank=True)

    class Meta:
        ordering = ["project", "village__area__code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "village"], name="project_village_once")
        ]
        verbose_name = _("participating village")
        verbose_name_plural = _("participating villages")

    def __str__(self) -> str:
        return f"{self.village} → {self.project}"

    def clean(self):
        super().clean()
        if self.project_id and self.village_id and self.project.village_id == self.village_id:
            raise ValidationError(
                {"village": _("The project's own village does not take part as a neighbour.")}
            )


class ProjectDocument(ChangeLoggedModel):
    """A document attached to a project: its production standard, a plan, a contract …"""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=200)
    is_standard = models.BooleanField(_("production standard"), default=False)
    file = models.FileField(
        _("file"),
        upload_to="projects/documents/%Y/",
        validators=[FileExtensionValidator(DOCUMENT_EXTENSIONS)],
    )

    class Meta:
        ordering = ["project", "-is_standard", "title"]
        verbose_name = _("project document")
        verbose_name_plural = _("project documents")

    def __str__(self) -> str:
        return self.title


class ProjectUpdate(ChangeLoggedModel, Reviewable):
    """A progress update the village enters; reviewed draft → submitted → approved/returned."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="updates"
    )
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("project update")
        verbose_name_plural = _("project updates")

    def __str__(self) -> str:
        return f"{self.date} {self.title}"

    def workflow_date(self):
        return self.date

    def workflow_area(self):
        return self.project.village.area


class UpdatePhoto(ChangeLoggedModel):
    """A photo of a progress update (JPEG, PNG or WebP, up to 8 MB)."""

    update = models.ForeignKey(
        ProjectUpdate, verbose_name=_("update"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.FileField(
        _("photo"),
        upload_to="projects/photos/%Y/",
        validators=[validate_photo],
    )
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    class Meta:
        ordering = ["update", "id"]
        verbose_name = _("update photo")
        verbose_name_plural = _("update photos")

    def __str__(self) -> str:
        return self.caption or self.image.name
