"""Roles: what a user does (the scope, an area or an organisation, says where).

In core because scoping reads them; `tianmu.accounts.choices` re-exports them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a user does; the scope (an area or an organisation) says where."""

    SUPERUSER = "superuser", _("Superuser")
    ADMIN = "admin", _("Programme admin (county, city or province)")
    TOWN = "town", _("Town officer")
    VILLAGE = "village", _("Village cadre")
    ENTERPRISE = "enterprise", _("Enterprise liaison")
    BANK = "bank", _("Bank officer")
    LEADER = "leader", _("Leader (read-only)")


#: Levels above the town an admin's or a leader's scope may be (ADR 0002, addendum).
UPPER_LEVELS = ("province", "city", "county")

#: Roles whose scope is an administrative area, and the area levels it may be.
AREA_ROLES = {
    Role.ADMIN: UPPER_LEVELS,
    Role.LEADER: UPPER_LEVELS,
    Role.TOWN: ("town",),
    Role.VILLAGE: ("village",),
}
#: Roles whose scope is an organisation, and the organisation kind it must be.
ORG_ROLES = {Role.ENTERPRISE: "enterprise", Role.BANK: "partner"}
