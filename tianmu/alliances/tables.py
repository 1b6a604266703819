"""Columns of the alliance pages' lists."""

from django.utils.translation import gettext_lazy as _

from tianmu.alliances.models import Alliance, Pairing, Program
from tianmu.core.tables import Column, Table, term_badge


class ProgramTable(Table):
    model = Program
    columns = (
        Column("name", order="name", link=True),
        Column("area"),
        Column("formula", _("Rules")),
        Column("start", order="start"),
        Column("end", order="end"),
        Column("alliance_count", _("Alliances")),
    )


class AllianceTable(Table):
    model = Alliance
    columns = (
        Column("name", order="name", link=True),
        Column("program"),
        Column("status", order="status"),
        Column("current_village", _("Paired village")),
        Column("member_count", _("Current members")),
    )


class PairingTable(Table):
    model = Pairing
    columns = (
        Column(str, _("pairing"), link=True),
        Column("alliance"),
        Column("village"),
        Column("village.area.parent", _("town")),
        Column("start", order="start"),
        Column("end", order="end"),
        Column(term_badge, _("Status")),
    )
