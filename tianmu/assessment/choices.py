from django.db import models
from django.utils.translation import gettext_lazy as _


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class SubjectType(models.TextChoices):
    """What an assessment scores: the breakdown level (tianmu.core.kpis.breakdown) of each."""

    ALLIANCE = "alliance", _("Alliance")
    TOWN = "town", _("Town")
    ENTERPRISE = "enterprise", _("Core enterprise")


class Rule(models.TextChoices):
    PROPORTIONAL = "proportional", _("Proportional to the target (capped)")
    BANDS = "bands", _("Bands")


#: The level of `tianmu.core.kpis.breakdown` that gives each subject type's values.
BREAKDOWN_LEVEL = {
    SubjectType.ALLIANCE: "alliance",
    SubjectType.TOWN: "child",
    SubjectType.ENTERPRISE: "enterprise",
}
