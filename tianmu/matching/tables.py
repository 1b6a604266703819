"""Columns of the matching runs list."""

from django.utils.translation import gettext_lazy as _

from tianmu.core.tables import Column, Table
from tianmu.matching.models import MatchingRun


class MatchingRunTable(Table):
    model = MatchingRun
    columns = (
        Column(str, _("run"), link=True),
        Column("program"),
        Column("status"),
        Column("solver_status"),
        Column("objective", order="objective"),
        Column("seconds", order="seconds"),
        Column("requested_by"),
        Column("created", order="created"),
    )
