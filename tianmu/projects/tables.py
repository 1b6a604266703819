"""Columns of the projects' list pages."""

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from tianmu.core.tables import Column, Table
from tianmu.projects.models import Project, ProjectUpdate, ProjectVillage


class ProjectTable(Table):
    model = Project
    columns = (
        Column("__str__", _("project"), order="name", link=True),
        Column("village"),
        Column("kind"),
        Column("status", order="status"),
        Column("start", order="start"),
        Column(
            lambda p: p._sales_d + p._sales_o,
            _("sales to date"),
            total=F("_sales_d") + F("_sales_o"),
            kind="money",
        ),
        Column(
            lambda p: p._rep_d + p._rep_o,
            _("reported, awaiting confirmation"),
            total=F("_rep_d") + F("_rep_o"),
            kind="money",
        ),
    )


class ProjectVillageTable(Table):
    model = ProjectVillage
    columns = (
        Column("village", link=False),
        Column("village.area.parent", _("town")),
        Column("project"),
        Column("supplies"),
        Column("joined"),
    )


class ProjectUpdateTable(Table):
    model = ProjectUpdate
    columns = (
        Column("date"),
        Column("title"),
        Column("project"),
        Column("review_status"),
        Column("review_note"),
    )
