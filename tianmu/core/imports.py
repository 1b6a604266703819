"""Imports of any register from the office's own sheets: checked row by row, all or nothing.

An `Importer` is derived from a resource's form — the form the pages and the API validate
writes with — so an imported row is checked exactly as a row typed in by hand, with the
importer's scope: a village cadre's form offers only their village, so a row for another
village is an invalid choice. The sheet's columns are the form's fields, found by their
label in either language (the export's headers) or by their field name; a foreign key is
given as the related record's code or name (a village's division code, an organisation's
credit code …), the way the export writes it.

Rows are matched to existing records by the resource's natural key: a match is updated (or
left unchanged when nothing differs), anything else is created, so importing the same file
twice changes nothing the second time. Every row is validated and written inside one
transaction, each through the resource's save service (change-logged, attributed to the
importer); one bad row and the whole transaction is rolled back, and a dry run always is.
A job killed midway never commits, so nothing it wrote remains.
"""

from __future__ import annotations

import contextvars
import csv
import datetime
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from tianmu.core.context import attributed_to

#: The records one run has found by a cell's text (`Importer._related`): per run, never shared
#: between runs, which may be concurrent (one `Importer` serves every request).
_FOUND: contextvars.ContextVar[dict | None] = contextvars.ContextVar("import_found", default=None)

#: The registers that can be imported, by name (filled by tianmu.exchange when it loads).
IMPORTABLE: set[str] = set()
#: The sheets a list page offers to import beside its own register (`{"placements":
#: ["earnings"]}`: the payroll), with their titles; filled by tianmu.exchange.
RELATED_IMPORTS: dict[str, list[tuple[str, Callable[[], str], Callable[[Any], bool]]]] = {}

XLSX = "xlsx"
CSV = "csv"


class ImportRefused(Exception):
    """The file as a whole cannot be read (no rows are checked): one message for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class RowError:
    row: int  # the row number as the sheet shows it (the header is row 1)
    column: str  # the column's header as the sheet has it ("" for the row as a whole)
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Outcome:
    """What an import did (or, for a dry run or a refused file, would have done)."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    #: Per row: (sheet row, "created" | "updated" | "unchanged" | "error", a short description).
    actions: list[tuple[int, str, str]] = field(default_factory=list)
    written: bool = False

    def fail(self, row_no: int, errors: list[RowError]) -> None:
        """Row `row_no` is refused for `errors` (its preview line says why)."""
        self.errors.extend(errors)
        self.actions.append((row_no, "error", "; ".join(e.message for e in errors)))

    def as_dict(self) -> dict:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [e.as_dict() for e in self.errors],
        }


def form_errors(row_no: int, form, shown: dict[str, str]) -> list[RowError]:
    """A bound, invalid form's errors as the sheet's: the column as the sheet heads it
    (`shown`), else the field's label; errors of the whole form name no column."""
    errors = []
    for name, messages in form.errors.items():
        column = shown.get(name, "")
        if not column and name != "__all__":
            label = form.fields[name].label if name in form.fields else name
            column = str(label or name)
        errors.extend(RowError(row_no, column, str(m)) for m in messages)
    return errors


# --- Reading files --------------------------------------------------------------------------


def max_bytes() -> int:
    return getattr(settings, "TIANMU_IMPORT_MAX_BYTES", 20 * 1024 * 1024)


def max_unzipped_bytes() -> int:
    return getattr(settings, "TIANMU_IMPORT_MAX_UNZIPPED_BYTES", 200 * 1024 * 1024)


def kind_of(name: str, content: bytes) -> str:
    """xlsx or csv, by the name and checked against the content (a zip, or text)."""
    lower = (name or "").lower()
    is_zip = content[:4] == b"PK\x03\x04"
    if lower.endswith(".xlsx"):
        if not is_zip:
            raise ImportRefused(_("The file is named .xlsx but is not an Excel workbook."))
        return XLSX
    if lower.endswith(".csv"):
        if is_zip or b"\x00" in content[:4096]:
            raise ImportRefused(_("The file is named .csv but is not a text file."))
        return CSV
    raise ImportRefused(_("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."))


def _decode(content: bytes) -> str:
    """UTF-8 (with or without a BOM) or GBK, which Excel saves on Chinese Windows."""
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("gb18030")  # a superset of GBK and GB2312
    except UnicodeDecodeError as exc:
        raise ImportRefused(_("The CSV file is neither UTF-8 nor GBK text.")) from exc


def read_table(name: str, content: bytes) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """The header and the data rows `(sheet row number, cells)`; blank rows are skipped."""
    if not content:
        raise ImportRefused(_("The file is empty."))
    if len(content) > max_bytes():
        raise ImportRefused(
            _("The file is larger than %(mb)s MB.") % {"mb": max_bytes() // (1024 * 1024)}
        )
    kind = kind_of(name, content)
    if kind == CSV:
        text = _decode(content)
        reader = csv.reader(io.StringIO(text))
        raw = list(reader)
    else:
        raw = _read_xlsx(content)
    numbered = [
        (i, row)
        for i, row in enumerate(raw, start=1)
        if any(c not in (None, "") and str(c).strip() for c in row)
    ]
    if not numbered:
        raise ImportRefused(_("The file is empty."))
    (_hrow, header), data = numbered[0], numbered[1:]
    header = [str(h).strip() if h is not None else "" for h in header]
    if not data:
        raise ImportRefused(_("The file has a header row but no data rows."))
    width = len(header)
    data = [(n, list(cells) + [None] * (width - len(cells))) for n, cells in data]
    return header, data


def _read_xlsx(content: bytes) -> list[list[Any]]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            total = sum(i.file_size for i in zf.infolist())
    except zipfile.BadZipFile as exc:
        raise ImportRefused(_("The file is named .xlsx but is not an Excel workbook.")) from exc
    if total > max_unzipped_bytes():
        raise ImportRefused(
            _("The workbook unpacks to more than %(mb)s MB; split it into smaller files.")
            % {"mb": max_unzipped_bytes() // (1024 * 1024)}
        )
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001  (openpyxl raises many kinds on a broken file)
        raise ImportRefused(_("The Excel workbook cannot be read.")) from exc
    ws = wb.worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    wb.close()
    return rows


# --- Cells ----------------------------------------------------------------------------------

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
)
_MONTH_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月$"),
)
EXCEL_EPOCH = datetime.date(1899, 12, 30)


def parse_date(value: Any, *, month: bool = False) -> datetime.date:
    """A date from a cell: a date, an Excel serial number, 2025-03-01, 2025/3/1, 2025年3月1日
    (and, for a month, 2025-03 or 2025年3月). ValueError when it is none of those."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # Excel's serial dates end at 9999-12-31
            return EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise ValueError(value)
    text = str(value).strip()
    if text.isdigit() and 20000 <= int(text) < 2958466:
        return EXCEL_EPOCH + datetime.timedelta(days=int(text))
    text = text.split(" ")[0].split("T")[0]
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            return datetime.date(int(m[1]), int(m[2]), int(m[3]))
    if month:
        for pattern in _MONTH_PATTERNS:
            m = pattern.match(text)
            if m:
                return datetime.date(int(m[1]), int(m[2]), 1)
    raise ValueError(value)


def parse_number(value: Any) -> str:
    """A number as text a form field accepts: thousands separators, currency signs and
    spaces removed (1,234.50 · ¥1,234.50 · 1 234,5 is not accepted: a comma is a separator)."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, float):
        return repr(value) if value != int(value) else str(int(value))
    text = str(value).strip()
    for ch in (",", "，", "¥", "￥", "元", " ", "\u00a0"):
        text = text.replace(ch, "")
    try:
        Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(value) from exc
    return text


_TRUE = {"1", "true", "yes", "y", "是", "√", "✓", "x"}
_FALSE = {"0", "false", "no", "n", "否", ""}


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE or text == _("Yes").lower():
        return True
    if text in _FALSE or text == _("No").lower():
        return False
    raise ValueError(value)


def split_list(value: Any) -> list[str]:
    return [p.strip() for p in re.split(r"[;；,，、\n]", str(value)) if p.strip()]


RAW = "__sheet__"  # the key of a row's data under which its cells as written are kept


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value).strip()


def _values(instance: models.Model) -> dict[str, Any]:
    """A record's own column values (not its timestamps), to tell whether a row changes it."""
    skip = {"created", "last_updated"}
    return {
        f.attname: f.value_from_object(instance)
        for f in instance._meta.concrete_fields
        if f.name not in skip
    }


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- Columns --------------------------------------------------------------------------------

#: How a related record is named in a sheet: the lookups tried in order (a code first).
LOOKUPS: dict[str, tuple[str, ...]] = {
    "registry.area": ("code", "name"),
    "registry.village": ("area__code", "area__name"),
    "registry.organization": ("credit_code", "name"),
}


#: Lookups whose cell text is transformed before it is compared (an ID number to its hash).
TRANSFORMS: dict[str, Callable[[str], str]] = {}


def lookups_for(model: type[models.Model]) -> tuple[str, ...]:
    key = model._meta.label_lower
    if key in LOOKUPS:
        return LOOKUPS[key]
    names = [f.name for f in model._meta.fields]
    return tuple(n for n in ("code", "number", "name", "title") if n in names) or ("pk",)


@dataclass
class Column:
    """One column of an import: the form field it fills and the headers that name it."""

    name: str  # the form field
    label: str  # its header in the user's language
    headers: set[str]  # every header that names it (both languages, field name, export's)
    required: bool
    field: forms.Field
    code_headers: set[str] = field(default_factory=set)  # "town (division code)" beside it
    id_headers: set[str] = field(default_factory=set)  # "person (ID)" beside it
    help: str = ""


def _both_languages(fn: Callable[[], str]) -> set[str]:
    out = set()
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            out.add(str(fn()).strip())
    return out


def _norm(header: str) -> str:
    return re.sub(r"[\s_（）()*＊]+", "", str(header)).lower()


# --- Importers ------------------------------------------------------------------------------


@dataclass
class Importer:
    """How rows of one register become records. Built from a resource (`of`) or by hand.

    - `form`: validates a row (called with `user=`, and `instance=` for an update).
    - `key`: the form fields whose values identify an existing record, with the model lookup
      each fills (`{"code": "area__code"}`); derived from the resource's natural key.
    - `save(user, form)`: the service that writes a validated row.
    - `fields`: the form fields to import, in the sheet's order (default: all of them).
    - `match(user, data)`: finds the existing record for a row where a lookup cannot (an
      encrypted ID number); overrides `key`.
    - `describe(data)`: a row in a few words, for the preview.
    """

    name: str
    model: type[models.Model]
    form: type
    save: Callable[..., Any]
    key: dict[str, str] = field(default_factory=dict)
    fields: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()
    match: Callable[[Any, dict], models.Model | None] | None = None
    describe: Callable[[dict], str] | None = None
    label: Callable[[], str] | None = None
    #: A resource whose export this register reads back (its export headers are accepted).
    resource: Any = None
    #: Columns a sheet may carry that the import ignores (the export's ID, computed totals).
    ignore: tuple[str, ...] = ("id", "ID")
    example: dict[str, str] = field(default_factory=dict)
    #: Fields that only check a row (a village's name beside its code): never a change.
    check_only: tuple[str, ...] = ()
    #: More headers that name a field, as offices' own sheets write them (`{"year": {"年度"}}`).
    aliases: dict[str, set[str]] = field(default_factory=dict)
    #: Further keys tried, in order, when `key`'s fields are empty in a row (an organisation
    #: without a credit code is matched by its kind and name).
    also_keys: tuple[dict[str, str], ...] = ()
    #: `batch(user, rows, out)`: checks and writes all rows at once instead of a form per row
    #: (a payroll of 100,000 lines); `rows` are `(sheet row, data, headers)` whose cells are
    #: converted; it adds to `out` (errors, actions, counts) and writes only what is valid —
    #: the run rolls everything back if any row has an error.
    batch: Callable[[Any, list, Outcome], None] | None = None
    #: Whether `user` may create records at all (default: the scoping rules for `model`);
    #: importers whose service checks the parent record itself say so here.
    may_create: Callable[[Any], bool] | None = None

    @classmethod
    def of(cls, resource, **overrides) -> Importer:
        """The importer of a resource: its form, save service and natural key."""
        form = overrides.pop("form", None) or resource.form
        save = overrides.pop("save", None) or (lambda user, form: resource.do_save(user, form))
        key = overrides.pop("key", None)
        if key is None:
            key = {}
            names = set(form.base_fields)
            for path in resource.natural_key:
                parts = path.split("__")
                if parts[0] in names:
                    key[parts[0]] = parts[0]
                elif parts[-1] in names:
                    key[parts[-1]] = path
        return cls(
            name=resource.path,
            model=resource.model,
            form=form,
            save=save,
            key=key,
            resource=resource,
            **overrides,
        )

    def allowed(self, user) -> bool:
        """Whether `user` may import into this register at all (each row is checked too)."""
        from tianmu.core.roles import Role
        from tianmu.core.scoping import can_create, scope_for

        if self.may_create is None:
            return can_create(user, self.model)
        scope = scope_for(user)
        return scope.is_all or scope.role not in (Role.LEADER, "anonymous")

    def title(self) -> str:
        if self.label is not None:
            return str(self.label())
        return str(self.model._meta.verbose_name_plural)

    # Columns

    def columns(self, user) -> list[Column]:
        form = self.form(user=user)
        names = self.fields or tuple(form.fields)
        export_labels: dict[str, set[str]] = {}
        if self.resource is not None:
            for lang in ("zh-hans", "en"):
                with translation.override(lang):
                    for col in self.resource.shape.export_columns():
                        key = col.keys[0]
                        bucket = export_labels.setdefault(key, set())
                        if len(col.keys) > 1 and col.keys[1] in ("code", "id"):
                            bucket.add(f"{col.keys[1]}:{col.label}")
                        else:
                            bucket.add(str(col.label))
        cols = []
        for name in names:
            if name in self.exclude or name not in form.fields:
                continue
            f = form.fields[name]
            headers = {name} | _both_languages(lambda f=f, name=name: f.label or name)
            headers |= self.aliases.get(name, set())
            exported = export_labels.get(name, set())
            headers |= {h for h in exported if not h.startswith(("code:", "id:"))}
            codes = {h[5:] for h in exported if h.startswith("code:")}
            idents = {h[3:] for h in exported if h.startswith("id:")}
            cols.append(
                Column(
                    name=name,
                    label=str(f.label or name),
                    headers=headers,
                    required=f.required,
                    field=f,
                    code_headers=codes,
                    id_headers=idents,
                    help=str(f.help_text or ""),
                )
            )
        return cols

    def map_header(self, header: list[str], cols: list[Column]) -> tuple[dict, list[str]]:
        """`{column index: (Column, "value" | "code")}` and the problems with the header."""
        by_header: dict[str, tuple[Column, str]] = {}
        for col in cols:
            for h in col.headers:
                by_header.setdefault(_norm(h), (col, "value"))
            for h in col.code_headers:
                by_header[_norm(h)] = (col, "code")
            for h in col.id_headers:
                by_header[_norm(h)] = (col, "id")
        ignored = {_norm(h) for h in self.ignore}
        if self.resource is not None:
            for lang in ("zh-hans", "en"):
                with translation.override(lang):
                    ignored |= {_norm(c.label) for c in self.resource.shape.export_columns()}
        mapping: dict[int, tuple[Column, str]] = {}
        problems: list[str] = []
        seen: set[str] = set()
        for i, h in enumerate(header):
            if not h:
                continue
            hit = by_header.get(_norm(h))
            if hit is None:
                if _norm(h) in ignored:
                    continue
                problems.append(_("Unknown column “%(column)s”.") % {"column": h})
                continue
            if (hit[0].name, hit[1]) in seen:
                problems.append(_("The column “%(column)s” appears twice.") % {"column": h})
                continue
            seen.add((hit[0].name, hit[1]))
            mapping[i] = hit
        present = {c.name for c, _kind in mapping.values()}
        for col in cols:
            if col.required and col.name not in present and not self._has_default(col):
                problems.append(
                    _("The required column “%(column)s” is missing.") % {"column": col.label}
                )
        return mapping, problems

    def _has_default(self, col: Column) -> bool:
        """A required field with a default (a boolean, an amount that starts at 0) may be
        left out of the sheet: the form fills in the default, or the record's value."""
        return isinstance(col.field, forms.BooleanField) or col.field.initial not in (None, "")

    # Cells to form data

    def convert(self, col: Column, value: Any, code: Any = None, ident: Any = None) -> Any:
        """A cell as the value a bound form takes; ValueError with a message when it is not."""
        f = col.field
        if is_blank(value) and is_blank(code):
            return (
                []
                if isinstance(f, forms.ModelMultipleChoiceField | forms.MultipleChoiceField)
                else ""
            )
        if isinstance(f, forms.ModelMultipleChoiceField):
            return [self._related(f, v, None) for v in split_list(value)]
        if isinstance(f, forms.ModelChoiceField):
            return self._related(f, value, code, ident)
        if isinstance(f, forms.MultipleChoiceField):
            return [self._choice(f, v) for v in split_list(value)]
        if isinstance(f, forms.ChoiceField | forms.TypedChoiceField):
            return self._choice(f, value)
        if isinstance(f, forms.DateField):
            try:
                return parse_date(value, month=col.name == "month").isoformat()
            except (ValueError, OverflowError) as exc:
                raise ValueError(_("“%(value)s” is not a date.") % {"value": value}) from exc
        if isinstance(f, forms.BooleanField | forms.NullBooleanField):
            try:
                return parse_bool(value)
            except ValueError as exc:
                raise ValueError(_("Write 是 or 否 (yes or no).")) from exc
        if isinstance(f, forms.DecimalField | forms.IntegerField | forms.FloatField):
            try:
                return parse_number(value)
            except ValueError as exc:
                raise ValueError(_("“%(value)s” is not a number.") % {"value": value}) from exc
        if type(f).__name__ == "TagsField":
            return "\n".join(split_list(value))
        if isinstance(value, float) and value == int(value):
            value = int(value)
        if isinstance(value, datetime.datetime | datetime.date):
            return value.isoformat()
        return str(value).strip()

    def _choice(self, f: forms.ChoiceField, value: Any) -> str:
        text = str(value).strip()
        choices = []
        for key, label in f.choices:
            if isinstance(label, list | tuple):
                choices.extend(label)
            else:
                choices.append((key, label))
        for key, label in choices:
            if text == str(key) or text in _both_languages(lambda label=label: label):
                return key
        raise ValueError(
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": text, "choices": "、".join(str(lbl) for k, lbl in choices if k != "")}
        )

    def _related(self, f: forms.ModelChoiceField, value: Any, code: Any, ident: Any = None) -> int:
        """The pk of the record a cell names: by its code, else its name (or title …), else —
        a number alone — its ID. Where a name is not unique, the export's ID column beside it
        says which record it is (only among those with that name: an ID from another
        instance cannot pick a different record)."""
        qs = f.queryset
        model = qs.model
        tried = lookups_for(model)
        candidates = []
        if not is_blank(code):
            candidates.append((tried[0], str(code).strip()))
        if not is_blank(value):
            text = str(int(value) if isinstance(value, float) and value == int(value) else value)
            candidates.extend((lookup, text.strip()) for lookup in tried)
            if text.strip().isdigit() and "pk" not in tried:
                candidates.append(("pk", text.strip()))  # the ID an export writes
        for lookup, text in candidates:
            memo = (id(f), lookup, text)
            found = _FOUND.get()
            if found is None:  # outside a run: no memo
                found = {}
            if memo in found:  # a record found once is found again (not a miss:
                return found[memo]  # a later row may name one an earlier row creates)
            wanted = TRANSFORMS[lookup](text) if lookup in TRANSFORMS else text
            pks = list(qs.filter(**{lookup: wanted}).values_list("pk", flat=True)[:2])
            if len(pks) == 1:
                found[memo] = pks[0]
                return pks[0]
            if len(pks) > 1 and not is_blank(ident):
                hit = qs.filter(**{lookup: wanted, "pk": _int_or_none(ident)}).values_list(
                    "pk", flat=True
                )
                if len(hit) == 1:
                    return hit[0]
            if len(pks) > 1:
                raise ValueError(
                    _("More than one %(model)s is called “%(value)s”: give its code.")
                    % {"model": model._meta.verbose_name, "value": text}
                )
        shown = code if not is_blank(code) else value
        raise ValueError(
            _("No %(model)s “%(value)s” that you may choose.")
            % {"model": model._meta.verbose_name, "value": shown}
        )

    # Matching

    def find(self, user, data: dict) -> models.Model | None:
        if self.match is not None:
            return self.match(user, data)
        for key in (self.key, *self.also_keys):
            lookup = {}
            for name, path in key.items():
                value = data.get(name)
                if value in (None, "", []):
                    break
                lookup[path] = value
            else:
                if lookup:
                    return self.model._default_manager.filter(**lookup).first()
        return None

    # The import

    def run(self, user, header: list[str], rows: list[tuple[int, list[Any]]], *, dry_run: bool,
            progress: Callable[[int, int], None] | None = None) -> Outcome:  # fmt: skip
        """Check every row and write them all, or nothing (a dry run never writes)."""
        from tianmu.core.scoping import can_create, editable_by

        out = Outcome(rows=len(rows))
        cols = self.columns(user)
        mapping, problems = self.map_header(header, cols)
        if problems:
            out.errors = [RowError(1, "", p) for p in problems]
            return out
        shown = {c.name: header[i] for i, (c, kind) in mapping.items() if kind == "value"}
        for i, (c, _kind) in mapping.items():
            shown.setdefault(c.name, header[i])
        keys_seen: dict[tuple, int] = {}
        memo = _FOUND.set({})  # this run's look-ups (an importer is shared by every request)
        try:
            pending: list = []

            class _Rollback(Exception):
                pass

            try:
                with attributed_to(user), transaction.atomic():
                    for n, (row_no, cells) in enumerate(rows, start=1):
                        if self.batch is not None:
                            data = self._cells(row_no, cells, mapping, shown, keys_seen, out)
                            if data is not None:
                                pending.append((row_no, data, shown))
                        else:
                            self._row(user, row_no, cells, mapping, shown, keys_seen, out,
                                      can_create, editable_by)  # fmt: skip
                        if progress is not None and (n % 200 == 0 or n == len(rows)):
                            progress(n, len(rows))
                    if self.batch is not None and pending:
                        self.batch(user, pending, out)
                    if out.errors or dry_run:
                        raise _Rollback
                    out.written = True
            except _Rollback:
                pass
            if out.errors:
                out.created = out.updated = out.unchanged = 0
        finally:
            _FOUND.reset(memo)
        return out

    def _row(self, user, row_no, cells, mapping, shown, keys_seen, out, can_create, editable_by):
        data = self._cells(row_no, cells, mapping, shown, keys_seen, out)
        if data is not None:
            self._write(user, row_no, data, shown, out, can_create, editable_by)

    def _cells(self, row_no, cells, mapping, shown, keys_seen, out) -> dict | None:
        """A row's cells as form data, or None when a cell or the row's key is wrong."""
        errors: list[RowError] = []
        data: dict[str, Any] = {}
        cells_of: dict[str, dict[str, Any]] = {"value": {}, "code": {}, "id": {}}
        for i, (col, kind) in mapping.items():
            cells_of[kind][col.name] = cells[i] if i < len(cells) else None
        values, codes, idents = cells_of["value"], cells_of["code"], cells_of["id"]
        by_name = {c.name: c for c, _k in mapping.values()}
        for name, col in by_name.items():
            if is_blank(values.get(name)) and is_blank(codes.get(name)):
                continue  # an empty cell keeps what is recorded (or the form's default)
            try:
                data[name] = self.convert(col, values.get(name), codes.get(name), idents.get(name))
            except ValueError as exc:
                errors.append(RowError(row_no, shown[name], str(exc)))
        if errors:
            out.fail(row_no, errors)
            return None
        # What the sheet said, for the preview (forms ignore keys that are not their fields).
        data[RAW] = {n: values.get(n) if not is_blank(values.get(n)) else codes.get(n)
                     for n in by_name}  # fmt: skip
        key = tuple(data.get(k) for k in self.key) if self.key else None
        if key and all(v not in (None, "") for v in key):
            if key in keys_seen:
                message = _("The same record is already in row %(row)s.")
                column = shown.get(next(iter(self.key)), "")
                out.fail(row_no, [RowError(row_no, column, message % {"row": keys_seen[key]})])
                return None
            keys_seen[key] = row_no
        return data

    def _write(self, user, row_no, data, shown, out, can_create, editable_by) -> None:
        """Check one row with the register's form and write it through its service."""
        existing = self.find(user, data)
        if (
            existing is not None
            and not editable_by(user, type(existing)).filter(pk=existing.pk).exists()
        ):
            out.fail(
                row_no,
                [RowError(row_no, "", _("The record exists but is outside your scope."))],
            )
            return
        if existing is None and not self.allowed(user):
            out.fail(row_no, [RowError(row_no, "", _("You may not create these records."))])
            return
        # Fields the sheet does not carry keep what the record (or the form's default) has.
        from tianmu.core.api import _plain

        stored = _values(existing) if existing is not None else None  # before the form edits it
        unbound = self.form(user=user, instance=existing)
        full = {n: _plain(unbound.get_initial_for_field(f, n)) for n, f in unbound.fields.items()}
        full.update(data)
        form = self.form(data=full, user=user, instance=existing)
        if not form.is_valid():
            out.fail(row_no, form_errors(row_no, form, shown))
            return
        existing = getattr(form, "existing", existing)  # a plain form finds its own record
        if hasattr(form, "is_unchanged"):
            unchanged = form.is_unchanged()
        else:
            changed = self._changed(form, stored)
            unchanged = existing is not None and not changed
        if unchanged:
            out.unchanged += 1
            out.actions.append((row_no, "unchanged", self._describe(data)))
            return
        try:
            with transaction.atomic():
                self.save(user=user, form=form)
        except ValidationError as exc:
            messages = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
            errors = [
                RowError(row_no, shown.get(k, k) if k != "__all__" else "", str(m))
                for k, ms in messages.items()
                for m in ms
            ]
            out.fail(row_no, errors)
            return
        except PermissionDenied:
            out.fail(row_no, [RowError(row_no, "", _("The record is outside your scope."))])
            return
        except IntegrityError:
            message = _("The record clashes with one that exists.")
            out.fail(row_no, [RowError(row_no, "", message)])
            return
        if existing is None:
            out.created += 1
            out.actions.append((row_no, "created", self._describe(data)))
        else:
            out.updated += 1
            out.actions.append((row_no, "updated", self._describe(data)))

    def _changed(self, form, stored: dict | None) -> list[str]:
        """What a valid row changes: the record's columns as the form set them against the
        stored ones (a form that never shows a stored value — an ID number — still compares
        right), and the form fields that are not columns (a village's name on its area,
        many-to-many choices)."""
        concrete = {f.name for f in form.instance._meta.concrete_fields}
        changed = [n for n in form.changed_data if n not in concrete and n not in self.check_only]
        if stored is not None:
            now = _values(form.instance)
            changed += [name for name, value in now.items() if stored.get(name) != value]
        return changed

    def _describe(self, data: dict) -> str:
        if self.describe is not None:
            return self.describe(data)
        # As the sheet has it (a village's code, not its id): the row's key, its name first.
        raw = data.get(RAW, {})
        names = [k for k in ("name", "title") if k in raw] + [k for k in self.key if k in raw]
        parts = []
        for k in names:
            text = _text(raw[k])
            if text and text not in parts:
                parts.append(text)
        return " · ".join(parts[:3])


def run_import(importer: Importer, user, name: str, content: bytes, *, dry_run: bool,
               progress=None) -> Outcome:  # fmt: skip
    """Read `content` (a file called `name`) and import it; a refused file is one error."""
    try:
        header, rows = read_table(name, content)
    except ImportRefused as exc:
        return Outcome(errors=[RowError(0, "", exc.message)])
    return importer.run(user, header, rows, dry_run=dry_run, progress=progress)


# --- Templates and error reports -------------------------------------------------------------


def template_xlsx(importer: Importer, user) -> bytes:
    """An empty sheet to fill in: the header row, dropdowns for choices, an example row and an
    instructions sheet in Chinese and English."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    cols = importer.columns(user)
    wb = Workbook()
    ws = wb.active
    ws.title = importer.title()[:31]
    ws.append([c.label + (" *" if c.required else "") for c in cols])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    lists = wb.create_sheet("choices")
    for j, col in enumerate(cols, start=1):
        letter = get_column_letter(j)
        ws.column_dimensions[letter].width = max(12, len(col.label) * 2 + 4)
        labels = _choice_labels(col.field)
        if labels:
            for r, label in enumerate(labels, start=1):
                lists.cell(row=r, column=j, value=label)
            dv = DataValidation(
                type="list",
                formula1=f"=choices!${letter}$1:${letter}${len(labels)}",
                allow_blank=not col.required,
            )
            dv.error = _("Choose a value from the list.")
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}10000")
        if isinstance(col.field, forms.DateField):
            for r in range(2, 3):
                ws.cell(row=r, column=j).number_format = "yyyy-mm-dd"
    lists.sheet_state = "hidden"
    ws.append([importer.example.get(c.name, _example(c)) for c in cols])
    info = wb.create_sheet("说明 Instructions")
    for line in _instructions(importer, cols):
        info.append([line])
    info.column_dimensions["A"].width = 110
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _choice_labels(f: forms.Field) -> list[str]:
    if isinstance(f, forms.ModelChoiceField):
        return []  # records: written by code or name (the instructions say so)
    if isinstance(f, forms.ChoiceField):
        out = []
        for key, label in f.choices:
            if key != "" and not isinstance(label, list | tuple):
                out.append(str(label))
        return out
    if isinstance(f, forms.BooleanField):
        return [str(_("Yes")), str(_("No"))]
    return []


def _example(col: Column) -> Any:
    f = col.field
    if isinstance(f, forms.ModelChoiceField):
        obj = f.queryset.first()
        if obj is None:
            return ""
        for lookup in lookups_for(type(obj)):
            value = obj
            for part in lookup.split("__"):
                value = getattr(value, part, None)
            if value:
                return str(value)
        return str(obj)
    if isinstance(f, forms.ChoiceField):
        labels = _choice_labels(f)
        return labels[0] if labels else ""
    if isinstance(f, forms.DateField):
        return datetime.date(2025, 3, 1)
    if isinstance(f, forms.BooleanField):
        return str(_("No"))
    if isinstance(f, forms.DecimalField):
        return Decimal("1000.00")
    if isinstance(f, forms.IntegerField):
        return 1
    return ""


def _instructions(importer: Importer, cols: list[Column]) -> Iterable[str]:
    def lines():
        yield _("How to fill in this sheet: %(register)s") % {"register": importer.title()}
        yield _("Row 1 is the header; keep it. Row 2 is an example: replace or delete it.")
        yield _("Columns marked * are required. Leave a cell empty to keep what is recorded.")
        yield _("Dates: 2025-03-01, 2025/3/1 or 2025年3月1日. Amounts in yuan; 1,234.50 is fine.")
        yield _("A village is given by its 12-digit division code or its name; an organisation "
                "by its unified social credit code or its name.")  # fmt: skip
        if importer.key:
            names = [c.label for c in cols if c.name in importer.key]
            yield _("Rows are matched to records by: %(key)s. A match is updated, never "
                    "duplicated; importing the same file twice changes nothing.") % {
                "key": "、".join(names)}  # fmt: skip
        yield _("One bad row and nothing is written: fix the rows the error report names and "
                "upload the file again.")  # fmt: skip
        yield ""
        for c in cols:
            detail = c.help
            labels = _choice_labels(c.field)
            if labels:
                detail = (detail + " " if detail else "") + "、".join(labels)
            yield f"{c.label}{' *' if c.required else ''}: {detail}".rstrip(": ")

    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            yield from list(lines())
            yield ""


def error_report_xlsx(name: str, content: bytes, errors: list[dict]) -> bytes:
    """The uploaded sheet with an error column added: each row's messages beside it."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    try:
        header, rows = read_table(name, content)
    except ImportRefused:
        header, rows = [], []
    by_row: dict[int, list[str]] = {}
    for e in errors:
        text = f"{e['column']}: {e['message']}" if e.get("column") else e["message"]
        by_row.setdefault(e["row"], []).append(text)
    wb = Workbook()
    ws = wb.active
    ws.append([*header, _("Errors")])
    if by_row.get(1) or by_row.get(0):
        ws.cell(
            row=1, column=len(header) + 1, value="; ".join(by_row.get(1, []) + by_row.get(0, []))
        )
    red = PatternFill("solid", fgColor="F8D7DA")
    for row_no, cells in rows:
        ws.append([*(_plain_cell(c) for c in cells[: len(header)]),
                   *([None] * max(0, len(header) - len(cells))),
                   "; ".join(by_row.get(row_no, []))])  # fmt: skip
        if row_no in by_row:
            for cell in ws[ws.max_row]:
                cell.fill = red
    ws.cell(row=1, column=len(header) + 1).font = Font(bold=True)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _plain_cell(value: Any) -> Any:
    return value


def iter_errors(errors: Iterable[dict]) -> Iterator[str]:
    for e in errors:
        where = _("row %(row)s") % {"row": e["row"]} if e["row"] else ""
        if e.get("column"):
            where = f"{where}, {e['column']}" if where else e["column"]
        yield f"{where}: {e['message']}" if where else e["message"]
