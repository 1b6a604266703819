"""One declaration per exposed model: its API routes, pages and URLs are derived from it.

A `Resource` says once what is true of a model — its FilterSet, its forms, the fields its API
shows (a `Shape`), its table columns, its natural key, how it is saved and deleted — and
`add_routes` / `Resource.urls()` turn that into the list/detail/create/update/delete API
routes and the list/detail/edit/delete/history pages (docs/decisions/0005-resources.md). What
is an app's own (a workflow action, a computed field) is declared beside it.

Shapes serialise from `.values()`: one query for the page of rows (with the joins its fields
name) and one per many-valued field, whatever the page size, and no model instance or schema
object per row. The same plan produces the ninja Schema that documents the output, so the
JSON and its OpenAPI description cannot drift apart.
"""

from __future__ import annotations

import datetime
import inspect
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.http import HttpResponse
from django.urls import path as url_path
from django.utils.translation import gettext as _
from ninja import Query, Schema, Status
from ninja.responses import NinjaJSONEncoder
from pydantic import create_model

from tianmu.core.api import (
    InvalidInput,
    Money,
    Page,
    PageParams,
    bind_form,
    check_page,
    ensure_can_create,
    filter_parameters,
    filtered,
    get_editable_or_404,
    get_visible_or_404,
    list_count,
    money,
    user_of,
)
from tianmu.core.exports import FORMATS, ExportColumn, _label_of, export_response
from tianmu.core.services import object_delete, object_save

# --- Shapes: what the API shows of a row, read with .values() ----------------------------------


@dataclass(frozen=True)
class Val:
    """One value: the `.values()` path it is read from (default: the key itself).

    `type` overrides the inferred Python type (JSON lists, say); `convert` turns the raw value
    into what the JSON shows; `alias` keeps a schema's field alias (`parent` ← `parent_id`).
    """

    path: str | None = None
    type: Any = None
    convert: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class Calc:
    """A value computed from other values of the row (`needs` are `.values()` paths)."""

    fn: Callable[[dict], Any]
    needs: tuple[str, ...]
    type: Any


@dataclass(frozen=True)
class Nest:
    """A related object (a foreign key) shown as a nested shape; null when the key is null."""

    shape: Shape
    path: str
    #: False for a key kept in the JSON as an alias of another (`county` beside `area` in a
    #: programme): the export and the import sheet show the value once.
    export: bool = True


@dataclass(frozen=True)
class Many:
    """A many-valued relation (reverse foreign key or many-to-many), read in one extra query.

    `flat` names one value to show per related row instead of a nested shape (a list of ids).
    """

    path: str
    shape: Shape | None = None
    flat: str | None = None
    order_by: tuple[str, ...] = ()
    flat_type: Any = int
    scoped: bool = False
    #: Only the related rows matching this (a callable, so "today" is read per request).
    where: Callable[[], Q] | None = None
    #: The first matching row (or null) instead of a list.
    first: bool = False
    #: Turns each `flat` value into what the JSON shows (a file name into its URL).
    convert: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class Obj:
    """A value computed from the model instance (a rule check): for detail shapes, where one
    object is read; `fn(obj, user)`."""

    fn: Callable[[models.Model, Any], Any]
    type: Any


@dataclass(frozen=True)
class Batch:
    """Values computed for all the rows of a page at once (a loan's balances, which no query
    can sum): `fn(pks, user)` answers `{pk: value}` in a constant number of queries, whatever
    the page size. With `pick`, the value is a dict and the field shows its `pick` key, so
    several fields share one call of `fn`."""

    fn: Callable[[list, Any], dict]
    type: Any
    pick: str | None = None


def _prefixed(prefix: str, order: str) -> str:
    desc = order.startswith("-")
    return ("-" if desc else "") + prefix + order.lstrip("-")


def ref(model: type[models.Model], path: str, *, name: str = "name") -> Nest:
    """The foreign key `path` of `model` shown as `{"id", "name"}` (the shared `Ref`)."""
    target = model
    for part in path.split("__"):
        target = target._meta.get_field(part).related_model
    return Nest(Shape.ref_of(target, name=name), path)


def village_ref(model: type[models.Model], path: str) -> Nest:
    """A foreign key to a village shown as `{"id", "name", "code"}` (its area's)."""
    from tianmu.core.api import VillageRef

    village = model._meta.get_field(path.split("__")[0]).related_model
    for part in path.split("__")[1:]:
        village = village._meta.get_field(part).related_model
    fields = {"id": None, "name": Val("area__name"), "code": Val("area__code")}
    return Nest(Shape("VillageRef", village, fields, schema=VillageRef), path)


def is_current(row) -> bool:
    """Whether a row's [start, end] term holds today (for an `active` value)."""
    from django.utils import timezone

    today = timezone.localdate()
    return row["start"] <= today and (row["end"] is None or row["end"] >= today)


#: `"active": ACTIVE` on a shape with start and end dates.
ACTIVE = Calc(is_current, needs=("start", "end"), type=bool)


def _model_field(model: type[models.Model], path: str):
    """The model field at the end of a `.values()` path, and whether any step may be null."""
    nullable = False
    parts = path.split("__")
    for i, part in enumerate(parts):
        f = model._meta.get_field(part)
        if getattr(f, "null", False):
            nullable = True
        if i < len(parts) - 1:
            model = f.related_model
    return f, nullable


def _python_type(f) -> Any:
    if isinstance(f, models.ForeignKey):
        return int
    if isinstance(f, models.DecimalField):
        return Money
    if isinstance(f, models.BooleanField):
        return bool
    if isinstance(f, models.AutoField | models.IntegerField):
        return int
    if isinstance(f, models.FloatField):
        return float
    if isinstance(f, models.DateTimeField):
        return datetime.datetime
    if isinstance(f, models.DateField):
        return datetime.date
    if isinstance(f, models.JSONField):
        return list[str]
    return str


def columns_of(shape) -> list[ExportColumn]:
    """The export columns of a shape, in its order (tianmu.core.exports writes them).

    Here rather than in exports.py, which may not import this module (it is called from it).
    """
    cols: list[ExportColumn] = []
    for key, spec in shape.fields.items():
        if isinstance(spec, Val):
            path = spec.path or key
            try:
                f, _null = _model_field(shape.model, path)
            except Exception:  # noqa: BLE001  (an annotation: no model field behind it)
                f = None
            label = _label_of(shape.model, path, key) if f is not None else key.replace("_", " ")
            if key == "id":
                label = "ID"
            kind, choices = "text", None
            if isinstance(f, models.DecimalField):
                kind = "money"
            elif isinstance(f, models.DateField):
                kind = "date"
            elif f is not None and f.choices:
                kind, choices = "choice", dict(f.flatchoices)
            elif isinstance(f, models.JSONField):
                kind = "list"
            cols.append(ExportColumn((key,), label, kind, choices))
        elif isinstance(spec, Calc):
            cols.append(ExportColumn((key,), _label_of(shape.model, None, key)))
        elif isinstance(spec, Nest) and spec.export:
            label = _label_of(shape.model, spec.path, key)
            named = next((n for n in ("name", "title") if n in spec.shape.fields), "id")
            cols.append(ExportColumn((key, named), label))
            if "code" in spec.shape.fields:
                cols.append(ExportColumn((key, "code"), f"{label} ({_('division code')})"))
            elif "id" in spec.shape.fields:
                # Beside a name that may not be unique (two people called 黄龙), the record's
                # ID: an import reads it only to tell such names apart (tianmu.core.imports).
                cols.append(ExportColumn((key, "id"), f"{label} (ID)"))
        elif isinstance(spec, Many):
            cols.append(ExportColumn((key,), _label_of(shape.model, spec.path, key), "list"))
        elif isinstance(spec, Obj):
            continue  # detail-only values are not part of a list
    return cols


class Shape:
    """The fields of a model's API output, as `{json key: Val | Calc | Nest | Many}`.

    A key mapped to None is `Val()`: read from the path of the same name. `schema_name` is the
    OpenAPI component's name; `extends` starts from another shape's fields (a detail shape);
    `schema` gives an existing schema instead (one `Ref` for every named object).
    """

    def __init__(
        self,
        schema_name: str,
        model: type[models.Model],
        fields: dict[str, Any],
        *,
        extends: Shape | None = None,
        schema: type[Schema] | None = None,
    ):
        self.schema_name = schema_name
        self.model = model
        self.fields: dict[str, Any] = {**(extends.fields if extends else {})}
        for key, spec in fields.items():
            self.fields[key] = spec if spec is not None else Val()
        # A schema shared by several shapes (`Ref` for any named object) is given, not made.
        self._schema = schema

    # The plan: which .values() paths a row needs, and how to build its JSON from them.

    def export_columns(self) -> list[ExportColumn]:
        return columns_of(self)

    def value_paths(self, prefix: str = "") -> list[str]:
        paths: list[str] = []
        for key, spec in self.fields.items():
            if isinstance(spec, Val):
                paths.append(prefix + (spec.path or key))
            elif isinstance(spec, Calc):
                paths.extend(prefix + p for p in spec.needs)
            elif isinstance(spec, Nest):
                paths.extend(spec.shape.value_paths(prefix + spec.path + "__"))
        if prefix == "":
            paths.append("pk")
        return list(dict.fromkeys(paths))

    def build(self, row: dict, prefix: str = "") -> dict:
        out: dict[str, Any] = {}
        for key, spec in self.fields.items():
            if isinstance(spec, Val):
                value = row[prefix + (spec.path or key)]
                if spec.convert is not None:
                    value = spec.convert(value)
                elif isinstance(value, Decimal):
                    value = money(value)
                out[key] = value
            elif isinstance(spec, Calc):
                out[key] = spec.fn({p: row[prefix + p] for p in spec.needs})
            elif isinstance(spec, Nest):
                inner = prefix + spec.path + "__"
                if row.get(inner + spec.shape.id_path()) is None:
                    out[key] = None
                else:
                    out[key] = spec.shape.build(row, inner)
        return out

    @staticmethod
    def ref_of(model: type[models.Model], *, name: str = "name") -> Shape:
        """`{"id", "name"}` of a named object, as the shared `Ref` schema."""
        from tianmu.core.api import Ref

        return Shape("Ref", model, {"id": None, "name": Val(name)}, schema=Ref)

    def id_path(self) -> str:
        spec = self.fields.get("id")
        return (spec.path or "id") if isinstance(spec, Val) else "pk"

    def rows(self, queryset: models.QuerySet, user=None) -> list[dict]:
        """The JSON of every row of `queryset` (already sliced to one page).

        `user` scopes the many-valued fields declared `scoped` (a chamber's memberships).
        """
        raw = list(queryset.values(*self.value_paths()))
        result = [self.build(r) for r in raw]
        many = [(k, s) for k, s in self.fields.items() if isinstance(s, Many)]
        if many and raw:
            pks = [r["pk"] for r in raw]
            for key, spec in many:
                grouped = self._many(spec, pks, user)
                for r, out in zip(raw, result, strict=True):
                    values = grouped.get(r["pk"], [])
                    out[key] = (values[0] if values else None) if spec.first else values
        computed = [(k, s) for k, s in self.fields.items() if isinstance(s, Obj)]
        if computed and raw:
            objs = self.model._default_manager.in_bulk([r["pk"] for r in raw])
            for r, out in zip(raw, result, strict=True):
                for key, spec in computed:
                    out[key] = spec.fn(objs[r["pk"]], user)
        batches = [(k, s) for k, s in self.fields.items() if isinstance(s, Batch)]
        if batches and raw:
            pks, answers = [r["pk"] for r in raw], {}
            for key, spec in batches:
                if spec.fn not in answers:
                    answers[spec.fn] = spec.fn(pks, user)
                for r, out in zip(raw, result, strict=True):
                    value = answers[spec.fn].get(r["pk"])
                    out[key] = value[spec.pick] if spec.pick and value is not None else value
        return result

    def _many(self, spec: Many, pks: list, user) -> dict[Any, list]:
        f = self.model._meta.get_field(spec.path)
        prefix = ""
        if f.many_to_many and not f.auto_created:
            # A forward many-to-many, read from its through table (it may have no reverse).
            qs = f.remote_field.through._default_manager.all()
            back, prefix = f.m2m_field_name(), f.m2m_reverse_field_name() + "__"
        else:  # a reverse foreign key
            qs = f.related_model._default_manager.all()
            back = f.field.name
        qs = qs.filter(**{f"{back}__in": pks})
        if spec.where is not None:
            qs = qs.filter(spec.where())
        if spec.scoped:
            from tianmu.core.scoping import visible_to

            qs = visible_to(user, qs)
        if spec.order_by:
            qs = qs.order_by(*(_prefixed(prefix, o) for o in spec.order_by))
        grouped: dict[Any, list] = defaultdict(list)
        if spec.flat:
            flat = prefix[:-2] if prefix and spec.flat in ("pk", "id") else prefix + spec.flat
            convert = spec.convert or (lambda v: v)
            for owner, value in qs.values_list(back, flat):
                grouped[owner].append(convert(value))
        else:
            paths = [prefix + p for p in spec.shape.value_paths()]
            for row in qs.values(back, *paths):
                grouped[row[back]].append(spec.shape.build(row, prefix))
        return grouped

    # The schema documents the same fields for OpenAPI and validates single answers.

    def field_type(self, key: str, spec) -> Any:
        if isinstance(spec, Val):
            if spec.type is not None:
                return spec.type
            f, nullable = _model_field(self.model, spec.path or key)
            t = _python_type(f)
            return t | None if nullable else t
        if isinstance(spec, Calc | Obj | Batch):
            return spec.type
        if isinstance(spec, Nest):
            f, nullable = _model_field(self.model, spec.path)
            return spec.shape.schema | None if nullable else spec.shape.schema
        if spec.first:
            return spec.shape.schema | None
        if spec.flat:
            return list[spec.flat_type]
        return list[spec.shape.schema]

    @property
    def schema(self) -> type[Schema]:
        if self._schema is None:
            fields = {k: (self.field_type(k, s), ...) for k, s in self.fields.items()}
            self._schema = create_model(self.schema_name, __base__=Schema, **fields)
        return self._schema


# --- Resources ----------------------------------------------------------------------------------


@dataclass
class Resource:
    """Everything the API and the pages need to know about one exposed model.

    - `path`: the API path name (`villages`) and, by default, the page prefix.
    - `queryset(user)`: what the user may read, with the joins the pages need (default:
      `visible_to(user, model)`).
    - `shape` / `detail_shape`: the API output of a list row / of one object.
    - `form` / `update_form`: the forms that validate writes (the pages' forms).
    - `save(user, form)` / `delete(user, obj)`: the services that write.
    - `operations`: which API routes to generate.
    - `natural_key`: the fields that identify a row to a person (exports and imports).
    """

    model: type[models.Model]
    path: str
    shape: Shape
    filterset: type | None = None
    form: type | None = None
    update_form: type | None = None
    input_schema: type[Schema] | None = None
    detail_shape: Shape | None = None
    table: type | None = None
    natural_key: tuple[str, ...] = ()
    pk_name: str = "pk"
    operations: Sequence[str] = ("list", "detail", "create", "update", "delete")
    labels: dict[str, str] = field(default_factory=dict)
    base_queryset: Callable[[Any], models.QuerySet] | None = None
    save: Callable[..., models.Model] | None = None
    delete: Callable[..., None] | None = None
    prepare: Callable[[dict], dict] | None = None
    #: `annotate(queryset, user, params)`: values the request's parameters decide (a list's
    #: sales within its `from`/`to`), for the API and the pages alike.
    annotate: Callable[..., models.QuerySet] | None = None
    page_prefix: str | None = None
    #: `export_rows(user, params, rows)`: what an export writes instead of the list's rows —
    #: the people's full ID numbers and phones for `reveal=1`, logged (employment).
    export_rows: Callable[..., Iterable[dict]] | None = None

    # Reading

    def queryset(self, user, params=None) -> models.QuerySet:
        from tianmu.core.scoping import visible_to

        if self.base_queryset is not None:
            qs = visible_to(user, self.base_queryset(user))
        else:
            qs = visible_to(user, self.model)
        if self.annotate is not None:
            qs = self.annotate(qs, user, params or {})
        return qs

    def list_rows(self, request, page: PageParams) -> dict:
        qs = self.queryset(user_of(request), request.GET)
        if self.filterset is not None:
            qs = filtered(request, self.filterset, qs)
        return page_of(self.shape, qs, page, user_of(request))

    def export(self, request, queryset=None):
        """The whole filtered list as CSV or Excel (`format=csv|xlsx`; tianmu.core.exports)."""
        fmt = request.GET.get("format")
        if fmt not in FORMATS:
            raise InvalidInput({"format": [_("Choose csv or xlsx.")]})
        user = request.user if queryset is not None else user_of(request)
        if queryset is None:
            queryset = self.queryset(user, request.GET)
            if self.filterset is not None:
                queryset = filtered(request, self.filterset, queryset)
        return export_response(self, queryset, user, fmt, params=request.GET)

    def one(self, user, pk, params=None) -> dict:
        shape = self.detail_shape or self.shape
        rows = shape.rows(self.queryset(user, params).filter(pk=pk), user)
        if not rows:
            from django.http import Http404

            raise Http404
        return rows[0]

    # Writing

    def do_save(self, user, form) -> models.Model:
        if self.save is not None:
            return self.save(user=user, form=form)
        m2m = {
            f.name: form.cleaned_data[f.name]
            for f in self.model._meta.many_to_many
            if f.name in form.cleaned_data
        }
        return object_save(user=user, instance=form.instance, m2m=m2m)

    def do_delete(self, user, obj) -> None:
        if self.delete is not None:
            self.delete(user=user, obj=obj)
        else:
            object_delete(user=user, instance=obj)

    def payload(self, request, schema_obj) -> dict:
        """The fields the client sent, refusing keys the input schema does not know."""
        allowed = set(type(schema_obj).model_fields)
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            body = {}
        unknown = sorted(set(body) - allowed) if isinstance(body, dict) else []
        if unknown:
            raise InvalidInput({k: [_("Unknown field.")] for k in unknown})
        data = schema_obj.model_dump(exclude_unset=True)
        for key, value in data.items():
            if isinstance(value, Decimal):
                data[key] = str(value)
        return self.prepare(data) if self.prepare else data

    # Labels

    def label(self, action: str) -> str:
        meta = self.model._meta
        default = {
            "list": f"List {meta.verbose_name_plural}",
            "detail": f"Get {_article(meta.verbose_name)}",
            "create": f"Create {_article(meta.verbose_name)}",
            "update": f"Change {_article(meta.verbose_name)}",
            "delete": f"Delete {_article(meta.verbose_name)}",
        }
        return self.labels.get(action) or default[action]

    # Pages

    def urls(self, prefix: str | None = None, *, without: Sequence[str] = (), **views) -> list:
        """The standard pages, named `<model>_<action>` (NetBox-style).

        `views` replaces a generic page with the app's subclass (`detail=VillageDetailView`);
        `without` leaves pages out (`without=("delete",)`).
        """
        from tianmu.core import views as generic

        name = self.model._meta.model_name
        prefix = self.page_prefix if prefix is None else prefix
        base = f"{prefix}/" if prefix else ""
        kinds = {
            "list": generic.ObjectListView,
            "detail": generic.ObjectDetailView,
            "edit": generic.ObjectEditView,
            "delete": generic.ObjectDeleteView,
            "history": generic.ObjectHistoryView,
        }
        view = {}
        for kind, cls in kinds.items():
            base_cls = views.get(kind, cls)
            attrs = {"resource": self, "model": self.model}
            made = type(f"{self.model.__name__}{kind.title()}View", (base_cls,), attrs)
            view[kind] = made.as_view()
        routes = [
            url_path(f"{base}", view["list"], name=f"{name}_list"),
            url_path(f"{base}add/", view["edit"], name=f"{name}_add"),
            url_path(f"{base}<int:pk>/", view["detail"], name=f"{name}_detail"),
            url_path(f"{base}<int:pk>/edit/", view["edit"], name=f"{name}_edit"),
            url_path(f"{base}<int:pk>/delete/", view["delete"], name=f"{name}_delete"),
            url_path(f"{base}<int:pk>/history/", view["history"], name=f"{name}_history"),
        ]
        skip = set(without)
        return [r for r in routes if r.name.rsplit("_", 1)[1] not in skip]


def _list_parameters(res: Resource) -> dict:
    params = filter_parameters(res.filterset)["parameters"] if res.filterset else []
    params.append(
        {
            "in": "query",
            "name": "format",
            "required": False,
            "schema": {"type": "string", "enum": ["csv", "xlsx"]},
            "description": "Download the whole filtered list as CSV or Excel instead of JSON.",
        }
    )
    return {"parameters": params}


def _article(noun) -> str:
    noun = str(noun)
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def _fast_json(data: dict) -> HttpResponse:
    return HttpResponse(
        json.dumps(data, cls=NinjaJSONEncoder), content_type="application/json; charset=utf-8"
    )


def _signature(func, params: Iterable[tuple[str, Any, Any]]) -> None:
    """Give a generated endpoint the signature ninja reads its parameters from."""
    func.__signature__ = inspect.Signature(
        [inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
        + [
            inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, annotation=a, default=d)
            for n, a, d in params
        ]
    )


def add_routes(router, res: Resource) -> None:
    """The list/detail/create/update/delete routes of `res` on a ninja router."""
    base = f"/{res.path}"
    one = f"{base}/{{int:{res.pk_name}}}"
    pk_name = res.pk_name
    name = res.model._meta.model_name
    out = (res.detail_shape or res.shape).schema
    ops = set(res.operations)
    empty = inspect.Parameter.empty

    if "list" in ops:

        def list_view(request, page):
            if request.GET.get("format"):
                return res.export(request)
            # Answered as JSON directly: the rows are already what the schema says.
            return _fast_json(res.list_rows(request, page))

        _signature(list_view, [("page", Query[PageParams], empty)])
        router.get(
            base,
            response=Page[res.shape.schema],
            openapi_extra=_list_parameters(res),
            summary=res.label("list"),
            operation_id=f"{name}_list",
        )(list_view)

    if "detail" in ops:

        def detail_view(request, **kwargs):
            return res.one(user_of(request), kwargs[pk_name], request.GET)

        _signature(detail_view, [(pk_name, int, empty)])
        router.get(one, response=out, summary=res.label("detail"), operation_id=f"{name}_get")(
            detail_view
        )

    if "create" in ops:

        def create_view(request, payload):
            user = user_of(request)
            # Unknown fields are refused first, whoever sends them, as ninja refuses bad types.
            data = res.payload(request, payload)
            ensure_can_create(user, res.model)
            form = bind_form(res.form, data, user=user)
            obj = res.do_save(user, form)
            return Status(201, res.one(user, obj.pk))

        _signature(create_view, [("payload", res.input_schema, empty)])
        router.post(
            base,
            response={201: out},
            summary=res.label("create"),
            operation_id=f"{name}_create",
        )(create_view)

    if "update" in ops:

        def update_view(request, payload, **kwargs):
            user = user_of(request)
            data = res.payload(request, payload)
            obj = get_editable_or_404(user, res.model, kwargs[pk_name])
            form = bind_form(
                res.update_form or res.form,
                data,
                user=user,
                instance=obj,
                partial=True,
            )
            res.do_save(user, form)
            return res.one(user, obj.pk)

        _signature(update_view, [(pk_name, int, empty), ("payload", res.input_schema, empty)])
        router.patch(one, response=out, summary=res.label("update"), operation_id=f"{name}_update")(
            update_view
        )

    if "delete" in ops:

        def delete_view(request, **kwargs):
            user = user_of(request)
            res.do_delete(user, get_editable_or_404(user, res.model, kwargs[pk_name]))
            return Status(204, None)

        _signature(delete_view, [(pk_name, int, empty)])
        router.delete(
            one, response={204: None}, summary=res.label("delete"), operation_id=f"{name}_delete"
        )(delete_view)


def page_of(shape: Shape, queryset: models.QuerySet, page: PageParams, user=None) -> dict:
    """`{"count", "count_exact", "items"}` of one page of `queryset` in `shape` (for an app's
    own lists); the count is capped as every list's is (tianmu/core/counting.py)."""
    check_page(page)
    counted = list_count(queryset)
    rows = queryset[page.offset : page.offset + page.limit]
    return {**counted, "items": shape.rows(rows, user) if counted["count"] else []}


def one_of(shape: Shape, queryset: models.QuerySet, pk, user=None) -> dict:
    """One row of `queryset` in `shape` (the answer to an app's own write)."""
    return shape.rows(queryset.filter(pk=pk), user)[0]


def read_back(shape: Shape, queryset: Callable[[Any], models.QuerySet] | None = None):
    """A `reload` for `add_confirmation_routes`: the confirmed or disputed record answered in
    `shape`, read from `queryset(user)` (default: all of the shape's model)."""

    class Rows:
        def __init__(self, user):
            self.user = user

        def get(self, pk):
            qs = queryset(self.user) if queryset else shape.model._default_manager.all()
            return one_of(shape, qs, pk, self.user)

    return Rows


def get_visible(res: Resource, user, pk) -> models.Model:
    """The model instance of a resource's row the user may see (for app-specific routes)."""
    return get_visible_or_404(user, res.queryset(user), pk)


def max_limit() -> int:
    return settings.TIANMU_API_MAX_LIMIT
