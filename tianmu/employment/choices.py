from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkshopKind(models.TextChoices):
    """The kinds of common-prosperity workshop (共富工坊)."""

    OUTSOURCED = "outsourced", _("Outsourced processing (来料加工)")
    HIRING = "hiring", _("Targeted hiring (定向招工)")
    LIVESTREAM = "livestream", _("E-commerce live-streaming (电商直播)")
    AGRITOURISM = "agritourism", _("Agri-tourism (农旅融合)")
    BRAND = "brand", _("Brand-led (品牌带动)")
    ENABLEMENT = "enablement", _("Industry enablement (产业赋能)")


class WorkshopStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


class PayBasis(models.TextChoices):
    PIECE = "piece", _("Per piece")
    HOUR = "hour", _("Per hour")
    MONTH = "month", _("Per month")


class EmploymentType(models.TextChoices):
    FIXED = "fixed", _("Fixed")
    TEMPORARY = "temporary", _("Temporary")


class Gender(models.TextChoices):
    UNKNOWN = "", _("Not recorded")
    FEMALE = "f", _("Female")
    MALE = "m", _("Male")


class PersonalField(models.TextChoices):
    """The personal-data fields that can be revealed (and whose viewing is logged)."""

    ID_NUMBER = "id_number", _("Resident ID number")
    PHONE = "phone", _("Phone")
