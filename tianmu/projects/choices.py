from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectKind(models.TextChoices):
    BUSINESS = "business", _("Business (经营类)")
    PUBLIC_BENEFIT = "public", _("Public benefit (公益类)")


class ProjectCategory(models.TextChoices):
    """What the project does; the first group is for business projects, the second for
    public-benefit ones (checked in Project.clean)."""

    PLANTING = "planting", _("Planting base")
    PROCESSING = "processing", _("Processing")
    TOURISM = "tourism", _("Tourism")
    ECOMMERCE = "ecommerce", _("E-commerce")
    OTHER_BUSINESS = "other_business", _("Other business")
    MONEY = "money", _("Donation of money")
    GOODS = "goods", _("Donation of goods")
    LABOUR = "labour", _("Donation of labour")
    KNOW_HOW = "know_how", _("Donation of know-how")


BUSINESS_CATEGORIES = {
    ProjectCategory.PLANTING,
    ProjectCategory.PROCESSING,
    ProjectCategory.TOURISM,
    ProjectCategory.ECOMMERCE,
    ProjectCategory.OTHER_BUSINESS,
}


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    BUILDING = "building", _("Building")
    OPERATING = "operating", _("Operating")
    CLOSED = "closed", _("Closed")


#: The lifecycle moves forward only: planned → building → operating → closed.
STATUS_ORDER = [
    ProjectStatus.PLANNED,
    ProjectStatus.BUILDING,
    ProjectStatus.OPERATING,
    ProjectStatus.CLOSED,
]
