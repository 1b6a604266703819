"""Columns of the events list page."""

from tianmu.core.tables import Column, Table
from tianmu.events.models import Event


class EventTable(Table):
    model = Event
    columns = (
        Column("date", order="date"),
        Column("title", order="title", link=True),
        Column("kind"),
        Column("village"),
        Column("alliance"),
        Column("villagers_served", order="villagers_served"),
    )
