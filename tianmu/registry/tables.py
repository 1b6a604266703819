"""Columns of the registry's list pages."""

from django.utils.translation import gettext_lazy as _

from tianmu.core.tables import Column, Table
from tianmu.registry.models import Area, Organization, Village


class AreaTable(Table):
    model = Area
    columns = (
        Column("name", order="name", link=True),
        Column("level", order="level"),
        Column("code", order="code"),
        Column("parent"),
    )


class VillageTable(Table):
    model = Village
    columns = (
        Column("area.name", _("name"), order="name", link=True),
        Column("area.code", _("division code"), order="code"),
        Column("area.parent", _("town")),
        Column("population", order="population"),
        Column("households"),
        Column("low_income_households", order="low_income_households"),
        Column("is_paired", _("Paired now")),
    )


class OrganizationTable(Table):
    model = Organization
    columns = (
        Column("name", order="name", link=True),
        Column("kind", order="kind"),
        Column("industry", order="industry"),
        Column("home_town"),
        Column("fic_position"),
        Column("employees", order="employees"),
    )
