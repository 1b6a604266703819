from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County / district")
    TOWN = "town", _("Town / subdistrict")
    VILLAGE = "village", _("Village")


#: Each level's parent level (a province has none).
PARENT_LEVEL = {
    AreaLevel.CITY: AreaLevel.PROVINCE,
    AreaLevel.COUNTY: AreaLevel.CITY,
    AreaLevel.TOWN: AreaLevel.COUNTY,
    AreaLevel.VILLAGE: AreaLevel.TOWN,
}


class OrganizationKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    CHAMBER = "chamber", _("Chamber of commerce")
    PARTNER = "partner", _("Cooperating unit")


class FicPosition(models.TextChoices):
    """Position on the FIC executive committee (工商联执委会)."""

    NONE = "", _("Not a member")
    CHAIR = "chair", _("Chair unit (主席单位)")
    PRESIDENT = "president", _("President enterprise (会长企业)")
    VICE_CHAIR = "vice_chair", _("Vice-chair unit (副主席单位)")
    STANDING = "standing", _("Standing committee member (常委)")
    EXECUTIVE = "executive", _("Executive committee member (执委)")


class PartnerKind(models.TextChoices):
    FINANCIAL = "financial", _("Bank / financial")
    ACADEMIC = "academic", _("Academic")
    SOCIAL = "social", _("Social organisation")
    GOVERNMENT = "government", _("Government")
