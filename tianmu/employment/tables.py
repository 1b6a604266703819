"""Columns of the employment list pages (personal data never appears in a list)."""

from django.utils.translation import gettext_lazy as _

from tianmu.core.tables import Column, Table
from tianmu.employment.models import Person, Placement, Position, Workshop


class WorkshopTable(Table):
    model = Workshop
    columns = (
        Column("name", order="name", link=True),
        Column("kind", order="kind"),
        Column("enterprise"),
        Column("town"),
        Column("status", order="status"),
        Column("opened_on", order="opened_on"),
    )


class PositionTable(Table):
    model = Position
    columns = (
        Column("title", order="title", link=True),
        Column("workshop"),
        Column("headcount", order="headcount"),
        Column("pay_basis"),
        Column("employment_type"),
        Column("is_open"),
    )


class PersonTable(Table):
    model = Person
    columns = (
        Column("name", order="name", link=True),
        Column("village"),
        Column("household"),
        Column("low_income"),
        Column("birth_year", order="birth_year"),
        Column("id_number_masked", _("resident ID number")),
    )


class PlacementTable(Table):
    model = Placement
    columns = (
        Column("__str__", _("placement"), link=True),
        Column("start", order="start"),
        Column("end", order="end"),
        Column("employment_type"),
        Column("confirmation"),
    )
