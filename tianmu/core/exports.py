"""Exports of any resource's list as CSV or Excel, with the list's filters, scope and order.

The columns are the resource's shape, flattened: a nested object shows as its name (and its
division code where it has one, beside it), a list as its items joined with "; ". Headers are
the model's field names in the user's language, choices show their label, money is a number
with two decimals, dates are dates. Rows are read a chunk at a time through the shape (the
same queries as the API's pages), so an export of any size runs in constant memory: CSV is
streamed as it is made; Excel is written by openpyxl's write-only workbook to a temporary
file and then streamed from it.
"""

from __future__ import annotations

import csv
import datetime
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

FORMATS = ("csv", "xlsx")
CHUNK = 1000


@dataclass(frozen=True)
class ExportColumn:
    """One column: how to read it from a row of the shape, its header, and its kind."""

    keys: tuple[str, ...]  # the path through the row's dicts ("town", "name")
    label: str
    kind: str = "text"  # text | money | date | choice | list
    choices: dict | None = None


def _label_of(model: type[models.Model], path: str | None, key: str) -> str:
    if path is None:
        return key.replace("_", " ")
    try:
        f = model._meta.get_field(path.split("__")[0])
        if "__" in path and f.is_relation:
            rest = path.split("__", 1)[1]
            return _label_of(f.related_model, rest, key)
        return str(f.verbose_name)
    except Exception:  # noqa: BLE001  (a computed value: its key is its name)
        return key.replace("_", " ")


def _cell(col: ExportColumn, row: dict) -> Any:
    value: Any = row
    for k in col.keys:
        value = value.get(k) if isinstance(value, dict) else None
        if value is None:
            return None
    if col.kind == "money":
        return Decimal(value).quantize(Decimal("0.01"))
    if col.kind == "date" and isinstance(value, str):
        return datetime.date.fromisoformat(value)
    if col.kind == "choice" and col.choices:
        return str(col.choices.get(value, value))
    if isinstance(value, list):
        return "; ".join(
            str(v.get("name", v.get("id"))) if isinstance(v, dict) else str(v) for v in value
        )
    if isinstance(value, dict):
        return value.get("name", value.get("id"))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        # Excel has no time zones: the local time, as the pages show it.
        return timezone.localtime(value).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, str | int | float | Decimal | datetime.date):
        return value
    return str(value)


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """A workbook made in memory (a template, an error report) as a download."""
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def rows_of(shape, queryset: models.QuerySet, user) -> Iterator[dict]:
    """Every row of `queryset` in `shape`, a chunk at a time (keyset on the primary key
    would lose the list's order, so chunks are slices of one ordered query)."""
    start = 0
    while True:
        chunk = shape.rows(queryset[start : start + CHUNK], user)
        yield from chunk
        if len(chunk) < CHUNK:
            return
        start += CHUNK


class _Echo:
    def write(self, value):
        return value


def export_response(resource, queryset: models.QuerySet, user, fmt: str, params=None):
    """The whole filtered list as a downloaded file."""
    cols = resource.shape.export_columns()  # tianmu.core.resources.columns_of
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"{resource.path}-{stamp}.{fmt}"
    rows = rows_of(resource.shape, queryset, user)
    if resource.export_rows is not None:
        rows = resource.export_rows(user, params or {}, rows)
    if fmt == "csv":
        writer = csv.writer(_Echo())

        def lines():
            yield "\ufeff"  # a BOM, so Excel on Chinese Windows reads UTF-8
            yield writer.writerow([c.label for c in cols])
            for row in rows:
                yield writer.writerow(["" if (v := _cell(c, row)) is None else v for c in cols])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        wb = Workbook(write_only=True)
        ws = wb.create_sheet(title=str(resource.model._meta.verbose_name_plural)[:31])
        ws.append([c.label for c in cols])
        for row in rows:
            cells = []
            for c in cols:
                cell = WriteOnlyCell(ws, value=_cell(c, row))
                if c.kind == "money":
                    cell.number_format = "#,##0.00"
                elif c.kind == "date":
                    cell.number_format = "yyyy-mm-dd"
                cells.append(cell)
            ws.append(cells)
        tmp = tempfile.TemporaryFile()  # noqa: SIM115  (FileResponse closes it)
        wb.save(tmp)
        tmp.seek(0)
        response = FileResponse(
            tmp,
            content_type=XLSX_TYPE,
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
