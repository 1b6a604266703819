"""A report as HTML (the online view, with links to the records), xlsx, PDF and JSON.

PDF is the HTML rendered by WeasyPrint with the Noto CJK fonts (Debian's fonts-noto-cjk,
docs/deploy.md); xlsx has one sheet per section. docs/reports.md.
"""

from __future__ import annotations

import contextlib
import io
import json
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from tianmu.core.money import format_yuan
from tianmu.reports.definitions import Report

FORMATS = ("json", "xlsx", "pdf")
CONTENT_TYPES = {
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}


def shown(column: str, value):
    """A cell as a person reads it: amounts in yuan, ratios as percentages, dates ISO."""
    if value is None:
        return "—"
    if column.endswith("_yuan") or (isinstance(value, Decimal) and column in ("value",)):
        try:
            return format_yuan(value)
        except (ArithmeticError, TypeError, ValueError):
            return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _cells(report: Report, section) -> list[list[dict]]:
    rows = []
    for row in section.rows:
        cells = []
        for column, label in section.columns:
            value = row.get(column)
            figure = str(row.get("key", ""))
            if column in ("value", "previous", "last_year") and figure.endswith("_yuan"):
                text = format_yuan(value) if value is not None else "—"
            elif column in ("value", "previous", "last_year") and figure == "par30":
                text = f"{Decimal(str(value)) * 100:.1f}%" if value is not None else "—"
            else:
                text = shown(column, value)
            cells.append({"text": text, "url": row.get("_links", {}).get(column), "label": label})
        rows.append({"cells": cells, "image": row.get("_image")})
    return rows


def html(report: Report) -> str:
    """The whole report as one HTML document (for the PDF)."""
    return render_to_string(
        "reports/report.html", {"report": report, "sections": sections_of(report)}
    )


def sections_of(report: Report) -> list[dict]:
    """The sections as the templates show them (cells with their text, link and label)."""
    return [
        {
            "key": s.key,
            "title": s.title,
            "columns": [c[1] for c in s.columns],
            "rows": _cells(report, s),
        }
        for s in report.sections
    ]


def pdf(report: Report) -> bytes:
    from django.conf import settings
    from weasyprint import HTML

    # Photos are files under MEDIA_ROOT; the HTML names them by URL, resolved from there.
    return HTML(string=html(report), base_url=str(settings.MEDIA_ROOT)).write_pdf()


def xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for section in report.sections:
        sheet = book.create_sheet(title=section.title[:31].replace("/", "-") or section.key)
        sheet.append([report.title])
        sheet["A1"].font = Font(bold=True)
        area = getattr(report.area, "name", "") or ""
        made = _("Made at %(time)s") % {"time": report.made_at.strftime("%Y-%m-%d %H:%M")}
        sheet.append([f"{area} · {report.period.label}", made])
        sheet.append([label for _key, label in section.columns])
        for cell in sheet[3]:
            cell.font = Font(bold=True)
        for row in section.rows:
            values = []
            for column, _label in section.columns:
                value = row.get(column)
                if isinstance(value, Decimal):
                    value = float(value)
                elif isinstance(value, str) and column in ("value", "previous", "last_year"):
                    with contextlib.suppress(ValueError):  # a ratio as the API writes it
                        value = float(value)
                values.append(value)
            sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_json(report: Report) -> bytes:
    return json.dumps(report.data(), ensure_ascii=False, indent=1).encode()


def render(report: Report, fmt: str) -> bytes:
    if fmt == "json":
        return as_json(report)
    if fmt == "xlsx":
        return xlsx(report)
    if fmt == "pdf":
        return pdf(report)
    return html(report).encode()


def filename(report: Report, fmt: str) -> str:
    area = getattr(report.area, "code", "all")
    suffix = f"-{report.alliance.pk}" if report.alliance is not None else ""
    return f"tianmu-{report.report}-{area}-{report.period.value}{suffix}.{fmt}"
