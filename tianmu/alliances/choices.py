from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberRole(models.TextChoices):
    CORE = "core", _("Core enterprise")
    CHAMBER = "chamber", _("Local chamber of commerce")
    PARTNER = "partner", _("Cooperating unit")
    CHAMBER_MEMBER = "chamber_member", _("Chamber member enterprise")


class MemberFunction(models.TextChoices):
    NONE = "", _("—")
    THINK_TANK = "think_tank", _("Think tank (智囊团)")
    RESOURCE = "resource", _("Resource group (资源团)")
    INNOVATION = "innovation", _("Innovation group (创新团)")


class AllianceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


#: The organisation kind each member role takes.
ROLE_KIND = {
    MemberRole.CORE: "enterprise",
    MemberRole.CHAMBER: "chamber",
    MemberRole.PARTNER: "partner",
    MemberRole.CHAMBER_MEMBER: "enterprise",
}
