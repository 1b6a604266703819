"""Declarative tables for list pages (NetBox-style): columns, sortable headers, cells.

A table names its columns once; the list view renders any table the same way. Sorting goes
through the FilterSet's `ordering` filter, so a column is sortable exactly when its `order`
name is one the FilterSet accepts.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

EMPTY = "—"


@cache
def _has_url(app_label: str, model_name: str, action: str) -> bool:
    try:
        reverse(f"{app_label}:{model_name}_{action}", args=[0])
    except NoReverseMatch:
        return False
    return True


def object_url(obj: models.Model, action: str = "detail") -> str | None:
    """The URL named `<app_label>:<model_name>_<action>` for `obj`, if the app has one."""
    if obj is None or getattr(obj, "pk", None) is None:
        return None
    meta = obj._meta
    if not _has_url(meta.app_label, meta.model_name, action):
        return None
    return reverse(f"{meta.app_label}:{meta.model_name}_{action}", args=[obj.pk])


def display_value(value):
    """How a page shows a value: objects link to their page, booleans become ✓/✗."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        if value:
            return format_html('<span class="text-success" title="{}">✓</span>', _("Yes"))
        return format_html('<span class="text-secondary" title="{}">✗</span>', _("No"))
    if isinstance(value, models.Model):
        url = object_url(value)
        return format_html('<a href="{}">{}</a>', url, value) if url else str(value)
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or EMPTY
    if isinstance(value, datetime.date | Decimal | int | float):
        return value  # the template localises numbers and dates
    return value


# --- what a value is: an amount of money, a rate -------------------------------------------


def field_at(model: type[models.Model], path: str) -> models.Field | None:
    """The model field a dotted accessor ends at (`loan.product.annual_rate`), or None."""
    field = None
    for part in path.split("."):
        if model is None:
            return None
        try:
            field = model._meta.get_field(part)
        except Exception:  # noqa: BLE001  (a property or a method)
            return None
        model = field.related_model
    return field


def is_money(field) -> bool:
    """Amounts are decimal fields in yuan: named `…_yuan`, or labelled so (a unit price)."""
    return isinstance(field, models.DecimalField) and (
        field.name.endswith("_yuan") or "(yuan)" in str(field._verbose_name or "")
    )


def is_rate(field) -> bool:
    """Rates are stored as fractions (0.0365) and read as percentages (3.65 %)."""
    return isinstance(field, models.DecimalField) and field.name.endswith("rate")


def not_disclosed() -> str:
    """An amount nobody has given: never shown as 0.00."""
    return format_html('<span class="text-secondary">{}</span>', _("Not disclosed"))


def percent(value) -> str:
    if value is None:
        return EMPTY
    return _("%(value)s %%") % {"value": f"{Decimal(value) * 100:.2f}"}


def amount_cell(value) -> str:
    """An amount in a column whose header names the unit: every fen, never broken."""
    from tianmu.core.money import to_money

    if value is None:
        return not_disclosed()
    return format_html('<span class="text-nowrap">{}</span>', f"{to_money(value):,.2f}")


def field_display(field, value):
    """How a detail page shows a field's value: amounts with their unit, rates in percent."""
    from tianmu.core.money import format_yuan_exact

    if is_money(field):
        if value is None:
            return not_disclosed()
        return format_html('<span class="text-nowrap">{}</span>', format_yuan_exact(value))
    if is_rate(field):
        return percent(value)
    return display_value(value)


def with_unit(label) -> str:
    """A money column's header with the one unit of its cells."""
    text = str(label)
    if "yuan" in text.lower() or "元" in text:
        return text
    return _("%(label)s (yuan)") % {"label": text}


def resolve(obj, accessor: str | Callable):
    """Follow a dotted path (`area.parent.name`); choice fields give their label."""
    if callable(accessor):
        return accessor(obj)
    *path, last = accessor.split(".")
    for part in path:
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    display = getattr(obj, f"get_{last}_display", None)
    if display is not None:
        return display()
    value = getattr(obj, last, None)
    return value() if callable(value) and not isinstance(value, models.Manager) else value


@dataclass(frozen=True)
class Column:
    """One column: where its value comes from, its header, how it sorts, whether it links."""

    accessor: str | Callable
    label: str | None = None
    order: str | None = None  # the FilterSet ordering name, when sortable
    link: bool = False  # link the cell to the row's own page
    # An amount column: the field (or expression) the total row sums over all filtered rows,
    # the same Sum a figure linking to this list takes (docs/figures.md).
    total: str | models.Expression | None = None
    # What the cells are: "money" (yuan, the unit in the header, one unit for the column),
    # "rate" (a fraction shown in percent), "number" (a count: right-aligned); found from the
    # model field for a field accessor.
    kind: str | None = None

    def kind_for(self, model: type[models.Model]) -> str | None:
        if self.kind or not isinstance(self.accessor, str):
            return self.kind
        field = field_at(model, self.accessor)
        if is_money(field):
            return "money"
        if is_rate(field):
            return "rate"
        return None

    def header(self, model: type[models.Model]) -> str:
        label = self._label(model)
        return with_unit(label) if self.kind_for(model) == "money" else label

    def _label(self, model: type[models.Model]) -> str:
        if self.label is not None:
            return self.label
        if isinstance(self.accessor, str) and "." not in self.accessor:
            try:
                return model._meta.get_field(self.accessor).verbose_name
            except Exception:  # noqa: BLE001, S110  (a property: fall back to the name)
                pass
        return str(self.accessor)

    def cell(self, obj, kind: str | None = None):
        value = resolve(obj, self.accessor)
        if self.link:
            url = object_url(obj)
            if url:
                return format_html('<a href="{}">{}</a>', url, value if value else obj)
        if kind == "money":
            return amount_cell(value)
        if kind == "rate":
            return percent(value)
        return display_value(value)


class Table:
    """Rows of one model for a list page. Subclasses set `model` and `columns`."""

    model: type[models.Model]
    columns: Sequence[Column] = ()

    def __init__(self, objects, *, request=None, orderable: Sequence[str] = ()):
        self.objects = objects
        self.request = request
        self.orderable = set(orderable)
        self.current_order = request.GET.get("ordering", "") if request is not None else ""

    @property
    def kinds(self) -> list[str | None]:
        return [col.kind_for(self.model) for col in self.columns]

    @property
    def headers(self) -> list[dict]:
        result = []
        for col, kind in zip(self.columns, self.kinds, strict=True):
            head = {
                "label": col.header(self.model),
                "order": None,
                "direction": "",
                "numeric": kind in ("money", "rate"),
            }
            if col.order and col.order in self.orderable:
                if self.current_order == col.order:
                    head["order"], head["direction"] = f"-{col.order}", "asc"
                elif self.current_order == f"-{col.order}":
                    head["order"], head["direction"] = col.order, "desc"
                else:
                    head["order"] = col.order
            result.append(head)
        return result

    @property
    def rows(self) -> list[list[dict]]:
        """Each row's cells: the value, whether it is a figure (right-aligned, never broken),
        and the column's label (a phone shows a row as a card of label: value lines)."""
        kinds = self.kinds
        labels = [col.header(self.model) for col in self.columns]
        return [
            [
                {"value": col.cell(obj, kind), "numeric": kind is not None, "label": label}
                for col, kind, label in zip(self.columns, kinds, labels, strict=True)
            ]
            for obj in self.objects
        ]

    @classmethod
    def totals(cls, queryset) -> list | None:
        """The total row over every filtered row (not just the page): the sum of each amount
        column, None in the others; None when the table has no amount column. Totals are in
        the column's unit, like its cells."""
        from tianmu.core.money import to_money

        sums = {
            f"total_{i}": models.Sum(models.F(c.total) if isinstance(c.total, str) else c.total)
            for i, c in enumerate(cls.columns)
            if c.total is not None
        }
        if not sums:
            return None
        values = queryset.aggregate(**sums)
        return [
            amount_cell(to_money(values[f"total_{i}"])) if f"total_{i}" in values else None
            for i in range(len(cls.columns))
        ]


def linked_list(objects) -> str:
    """Several objects as comma-separated links."""
    return format_html_join(", ", '<a href="{}">{}</a>', ((object_url(o), o) for o in objects))


def term_state(obj, today: datetime.date) -> str:
    """ "current", "upcoming" or "ended" for anything with a start and an optional end."""
    if obj.start > today:
        return "upcoming"
    if obj.end is not None and obj.end < today:
        return "ended"
    return "current"


TERM_LABELS = {"current": _("Current"), "upcoming": _("Upcoming"), "ended": _("Ended")}
TERM_CSS = {"current": "text-bg-success", "upcoming": "text-bg-info", "ended": "text-bg-secondary"}


def term_badge(obj, today: datetime.date | None = None) -> str:
    """A coloured badge saying whether a membership or pairing is current."""
    from django.utils import timezone

    state = term_state(obj, today or timezone.localdate())
    return format_html('<span class="badge {}">{}</span>', TERM_CSS[state], TERM_LABELS[state])
