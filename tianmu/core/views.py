"""Generic, declarative views (NetBox-style): each page is a few lines on one of these.

Every queryset a view touches goes through `visible_to` (reading) or `editable_by` (changing);
an object outside the user's scope is not found (404), so its existence does not leak. Roles
that may not create get 404 on the create URLs too. Writes go through the service layer.

htmx conventions (docs/pages.md): a list answers an htmx request with only its table; an edit
form posts with hx-post and gets back the form with its errors, or an HX-Redirect on success.
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from tianmu.core.api import InvalidInput
from tianmu.core.counting import CappedPaginator, exact_count_limit, format_count
from tianmu.core.htmx import is_htmx, redirect_to, vary_on_htmx
from tianmu.core.models import ObjectChange
from tianmu.core.panels import detail_panels
from tianmu.core.scoping import can_create, editable_by, registered_models, visible_to
from tianmu.core.services import NotFound, object_delete, object_save
from tianmu.core.tables import (
    field_at,
    field_display,
    is_money,
    is_rate,
    object_url,
    percent,
    resolve,
)


def url_name(model: type[models.Model], action: str) -> str:
    return f"{model._meta.app_label}:{model._meta.model_name}_{action}"


def model_url(model: type[models.Model], action: str = "list") -> str | None:
    """The URL of a model-level page (`list`, `add`) if the app has one."""
    from django.urls import NoReverseMatch

    try:
        return reverse(url_name(model, action))
    except NoReverseMatch:
        return None


def add_service_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)


def add_scope_errors(form, user) -> None:
    """The user may create or edit, but not put the record where the form says: name the
    field that does it ("“示例二村” is not one you look after…"), on the field. A field counts
    when the user looks after some records of its model but not the one chosen."""
    named = False
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name) if hasattr(form, "cleaned_data") else None
        model = type(value)
        if not isinstance(value, models.Model) or model not in registered_models():
            continue
        own = editable_by(user, model)
        if own.exists() and not own.filter(pk=value.pk).exists():
            form.add_error(
                name,
                _("“%(value)s” is not one you look after: choose your own %(what)s.")
                % {"value": value, "what": field.label or model._meta.verbose_name},
            )
            named = True
    if not named:
        form.add_error(None, _("That would place the record outside your area."))


def can_edit_object(user, obj: models.Model) -> bool:
    return editable_by(user, type(obj)).filter(pk=obj.pk).exists()


class BaseObjectView(LoginRequiredMixin, View):
    """What every object view shares: the model, its base queryset and the page context."""

    model: type[models.Model]
    queryset: models.QuerySet | None = None
    #: The model's declaration (tianmu.core.resources.Resource), when the view is generated.
    resource = None

    def base_queryset(self) -> models.QuerySet:
        resource = self.resource
        if self.queryset is None and resource is not None and resource.base_queryset:
            qs = resource.base_queryset(self.request.user)
            if resource.annotate is not None:
                qs = resource.annotate(qs, self.request.user, self.request.GET)
            return qs
        qs = self.queryset if self.queryset is not None else self.model._default_manager.all()
        return qs.all()

    def visible(self) -> models.QuerySet:
        return visible_to(self.request.user, self.base_queryset())

    def editable(self) -> models.QuerySet:
        return editable_by(self.request.user, self.base_queryset())

    def template_names(self, suffix: str, generic: str) -> list[str]:
        meta = self.model._meta
        return [f"{meta.app_label}/{meta.model_name}_{suffix}.html", generic]

    def page_context(self) -> dict:
        return {
            "model_meta": self.model._meta,
            "list_url": model_url(self.model, "list"),
        }


def imports_of(resource, user) -> list[tuple[str, str]]:
    """The import pages a list offers, `(url, title)`: its own register's, for users who may
    add to it, then the sheets of rows that belong to its records (a placement's payroll)."""
    from django.urls import reverse

    from tianmu.core.imports import IMPORTABLE, RELATED_IMPORTS

    if resource is None:
        return []
    out = []
    if resource.path in IMPORTABLE and can_create(user, resource.model):
        out.append((reverse("exchange:import_start", args=[resource.path]), None))
    for name, title, allowed in RELATED_IMPORTS.get(resource.path, []):
        if allowed(user):
            out.append((reverse("exchange:import_start", args=[name]), str(title())))
    return out


def totals_withheld_note(paginator, table_class) -> str | None:
    """What the list says instead of its total row when it has more rows than it counts."""
    if paginator.count_exact or not any(c.total is not None for c in table_class.columns):
        return None
    return _("Totals are shown for lists of up to %(count)s records: narrow the filter.") % {
        "count": format_count(exact_count_limit())
    }


class ObjectListView(BaseObjectView):
    #: Whether the list offers an export with full personal data (`reveal=1`), for whom.
    reveal_allowed = staticmethod(lambda user: False)

    """A filterable, sortable, paginated table of what the user may see.

    Declare `model`, `filterset_class` and `table_class` (and a `queryset` with the
    select_related the columns need, so the page runs a constant number of queries).
    """

    filterset_class = None
    table_class = None
    template_name = "core/object_list.html"
    partial_template_name = "core/partials/object_table.html"

    def get(self, request, *args, **kwargs):
        if self.resource is not None:
            self.filterset_class = self.filterset_class or self.resource.filterset
            self.table_class = self.table_class or self.resource.table
        filterset = self.filterset_class(
            request.GET or None, queryset=self.visible(), request=request
        )
        if self.resource is not None and request.GET.get("format"):
            if not filterset.is_valid():
                raise Http404
            try:
                return self.resource.export(request, filterset.qs)
            except InvalidInput as exc:  # e.g. reveal=1 by someone who may not
                message = " ".join(m for ms in exc.errors.values() for m in ms)
                raise PermissionDenied(message) from exc
        paginator = CappedPaginator(filterset.qs, settings.TIANMU_PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        ordering = filterset.filters.get("ordering")
        table = self.table_class(
            page.object_list,
            request=request,
            orderable=list(ordering.param_map) if ordering is not None else (),
        )
        # A total sums every row: past the exact-count limit it would read them all on every
        # page, so the list asks for a narrower filter instead (the figures sum exactly).
        totals = self.table_class.totals(filterset.qs) if paginator.count_exact else None
        total_cells = (
            [
                {"value": value, "label": head["label"]}
                for value, head in zip(totals, table.headers, strict=True)
            ]
            if totals
            else None
        )
        form = filterset.form
        filter_fields = [f for f in form if f.name not in ("q", "ordering")]
        active = [f.name for f in filter_fields if request.GET.get(f.name) not in (None, "")]
        context = {
            **self.page_context(),
            "title": self.model._meta.verbose_name_plural,
            "filterset": filterset,
            "filter_form": form,
            "filter_fields": filter_fields,
            "active_filter_count": len(active),
            "table": table,
            "totals": totals,
            "totals_withheld": totals_withheld_note(paginator, self.table_class),
            "total_cells": total_cells,
            "page_obj": page,
            "export": self.resource is not None,
            "imports": imports_of(self.resource, request.user),
            "reveal_export": self.resource is not None
            and self.resource.export_rows is not None
            and self.reveal_allowed(request.user),
            "add_url": model_url(self.model, "add")
            if can_create(request.user, self.model)
            else None,
        }
        template = self.partial_template_name if is_htmx(request) else self.template_name
        return vary_on_htmx(render(request, template, context))


class ObjectDetailView(BaseObjectView):
    """One object the user may see, with a Details tab and a History tab.

    `detail_fields` lists the attributes shown in the details card (dotted paths allowed);
    `extra_context(obj)` adds what the app's template shows beside them.
    """

    detail_fields: tuple = ()
    template_name: str | None = None

    def get_object(self):
        return get_object_or_404(self.visible(), pk=self.kwargs["pk"])

    def extra_context(self, obj) -> dict:
        return {}

    def field_rows(self, obj) -> list[tuple[str, object]]:
        """(label, value) for each of `detail_fields`: a field name, a dotted path, or an
        (accessor, label) pair."""
        rows = []
        for entry in self.detail_fields:
            name, label = entry if isinstance(entry, tuple) else (entry, None)
            if label is None:
                try:
                    label = obj._meta.get_field(name).verbose_name
                except Exception:  # noqa: BLE001  (a property or a path: the name is the label)
                    label = name
            field = field_at(type(obj), name) if isinstance(name, str) else None
            rows.append((label, field_display(field, resolve(obj, name))))
        return rows

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        can_edit = can_edit_object(request.user, obj)
        context = {
            **self.page_context(),
            "object": obj,
            "tab": "details",
            "detail_url": object_url(obj),
            "fields": self.field_rows(obj),
            "can_edit": can_edit,
            "edit_url": object_url(obj, "edit") if can_edit else None,
            "delete_url": object_url(obj, "delete") if can_edit else None,
            "history_url": object_url(obj, "history"),
            **self.extra_context(obj),
            "panels": detail_panels(request, obj),
        }
        names = self.template_names("detail", "core/object_detail.html")
        if self.template_name:
            names.insert(0, self.template_name)
        return render(request, names, context)


class ObjectEditView(BaseObjectView):
    """Create (no `pk` in the URL) or edit one object with the app's form and service.

    The form is built with `user=` (its choices are scoped). `save(form)` calls the service;
    the default is `object_save`. A service's ValidationError lands on the form, nothing is
    written (services are atomic). htmx posts get the form partial back, or an HX-Redirect.
    """

    form_class = None
    template_name = "core/object_edit.html"
    partial_template_name = "core/partials/form.html"

    def get_object(self):
        pk = self.kwargs.get("pk")
        if pk is None:
            if not can_create(self.request.user, self.model):
                raise Http404
            return self.model()
        return get_object_or_404(self.editable(), pk=pk)

    def form_kwargs(self, obj) -> dict:
        return {"instance": obj, "user": self.request.user}

    def initial(self, obj) -> dict:
        """A new object's form starts from the query string (?program=3): links prefill."""
        if obj.pk is not None:
            return {}
        fields = self.form_class.base_fields
        return {k: v for k, v in self.request.GET.items() if k in fields}

    def make_form(self, obj, data=None):
        if self.form_class is None and self.resource is not None:
            self.form_class = self.resource.form
            if obj.pk is not None and self.resource.update_form is not None:
                self.form_class = self.resource.update_form
        form = self.form_class(data, initial=self.initial(obj), **self.form_kwargs(obj))
        self.adjust_form(form)
        return form

    def adjust_form(self, form) -> None:
        """Hook: tweak widgets or querysets (e.g. select_related for choice labels)."""

    def save(self, form):
        if self.resource is not None:
            return self.resource.do_save(self.request.user, form)
        m2m = {
            f.name: form.cleaned_data[f.name]
            for f in self.model._meta.many_to_many
            if f.name in form.cleaned_data
        }
        return object_save(user=self.request.user, instance=form.instance, m2m=m2m)

    def success_url(self, obj) -> str:
        return object_url(obj) or model_url(self.model) or "/"

    def render_form(self, form, obj):
        context = {
            **self.page_context(),
            "object": obj if obj.pk else None,
            "form": form,
            "action_url": self.request.get_full_path(),
            "cancel_url": object_url(obj) if obj.pk else model_url(self.model),
            "is_add": obj.pk is None,
        }
        template = self.partial_template_name if is_htmx(self.request) else self.template_name
        return vary_on_htmx(render(self.request, template, context))

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        return self.render_form(self.make_form(obj), obj)

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        adding = obj.pk is None
        form = self.make_form(obj, request.POST)
        if form.is_valid():
            try:
                obj = self.save(form)
            except ValidationError as exc:
                add_service_errors(form, exc)
            except NotFound:
                # The user may create or edit, but not put the object where the form says.
                add_scope_errors(form, self.request.user)
            else:
                if adding:
                    msg = _("Created %(model)s “%(obj)s”.")
                else:
                    msg = _("Saved %(model)s “%(obj)s”.")
                messages.success(
                    request, msg % {"model": self.model._meta.verbose_name, "obj": obj}
                )
                return redirect_to(request, self.success_url(obj))
        return self.render_form(form, obj)


class ObjectDeleteView(BaseObjectView):
    """Confirm and delete one object the user may edit (through `object_delete`)."""

    template_name = "core/object_delete.html"

    def get_object(self):
        return get_object_or_404(self.editable(), pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        context = {**self.page_context(), "object": obj, "cancel_url": object_url(obj)}
        return render(request, self.template_name, context)

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        try:
            if self.resource is not None:
                self.resource.do_delete(request.user, obj)
            else:
                object_delete(user=request.user, instance=obj)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect_to(request, object_url(obj) or "/")
        except NotFound as exc:
            raise Http404 from exc
        messages.success(
            request,
            _("Deleted %(model)s “%(obj)s”.")
            % {"model": self.model._meta.verbose_name, "obj": obj},
        )
        return redirect_to(request, model_url(self.model) or "/")


class ObjectHistoryView(BaseObjectView):
    """The change log of one object the user may see: who, when, request id, before → after.

    `related_history(obj)` may add the changes of records that belong to it (an alliance's
    members and pairings), as (model, queryset of those records).
    """

    template_name = "core/object_history.html"

    def get_object(self):
        return get_object_or_404(self.visible(), pk=self.kwargs["pk"])

    def related_history(self, obj) -> list[tuple[type[models.Model], models.QuerySet]]:
        return []

    def changes(self, obj) -> models.QuerySet:
        ct = ContentType.objects.get_for_model
        q = Q(content_type=ct(self.model), object_id=str(obj.pk))
        for model, qs in self.related_history(obj):
            ids = [str(pk) for pk in qs.values_list("pk", flat=True)]
            q |= Q(content_type=ct(model), object_id__in=ids)
        return ObjectChange.objects.filter(q).select_related("content_type")

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        page = Paginator(self.changes(obj), settings.TIANMU_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context = {
            **self.page_context(),
            "object": obj,
            "tab": "history",
            "detail_url": object_url(obj),
            "history_url": object_url(obj, "history"),
            "page_obj": page,
            "entries": describe_changes(request.user, page.object_list, main=self.model),
        }
        if can_edit_object(request.user, obj):
            context["edit_url"] = object_url(obj, "edit")
            context["delete_url"] = object_url(obj, "delete")
        return render(request, self.template_name, context)


#: Fields the change log keeps but a person does not need to read: keys, the tree path,
#: timestamps the change itself carries, and search hashes of encrypted values.
INTERNAL_FIELDS = {"id", "path", "created", "last_updated"}


def _internal(name: str, field=None, values=()) -> bool:
    """Keys, paths, timestamps, hashes — and structured JSON (a run's instance and result, a
    proposal's members): what a person reads of those is on the object's own page."""
    if name in INTERNAL_FIELDS or name.endswith("_hash"):
        return True
    if isinstance(field, models.JSONField):
        return any(
            isinstance(v, dict)
            or (isinstance(v, list) and any(isinstance(i, dict | list) for i in v))
            for v in values
        )
    return False


def _local_time(value):
    """An ISO date-time from the change log's JSON, in the local time zone, to the minute."""
    from django.utils import timezone
    from django.utils.dateparse import parse_datetime
    from django.utils.formats import date_format

    moment = parse_datetime(value) if isinstance(value, str) else None
    if moment is None:
        return value
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return date_format(moment, "Y-m-d H:i")


def describe_changes(user, changes, *, main: type[models.Model]) -> list[dict]:
    """Each change in words: a sentence naming it ("Changed confirmation and confirmed by")
    and its field-by-field diff with labels, choice names, local times and the names of
    referenced objects the user may see (ids otherwise); internal fields are left out."""
    changes = list(changes)
    wanted: dict[type[models.Model], set] = defaultdict(set)
    fields_of: dict[type[models.Model], dict[str, models.Field]] = {}
    for change in changes:
        model = change.content_type.model_class()
        if model is None:
            continue
        fields = fields_of.setdefault(
            model, {f.attname: f for f in model._meta.concrete_fields + model._meta.many_to_many}
        )
        wanted[model].add(change.object_id)
        for name, before, after in change.diff():
            field = fields.get(name)
            if field is not None and field.is_relation:
                for value in (before, after):
                    values = value if isinstance(value, list) else [value]
                    wanted[field.related_model].update(v for v in values if v is not None)
    known = set(registered_models())
    names: dict[type[models.Model], dict] = {}
    for model, ids in wanted.items():
        qs = model._default_manager.filter(pk__in=ids)
        if model in known:
            qs = visible_to(user, qs)
        names[model] = {o.pk: str(o) for o in qs}

    def show(field, value):
        if value is None or value == "":
            return "—"
        if field is None:
            return value
        if field.is_relation:
            lookup = names.get(field.related_model, {})
            values = value if isinstance(value, list) else [value]
            return ", ".join(str(lookup.get(v, f"#{v}")) for v in values) or "—"
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if isinstance(field, models.DateTimeField):
            return _local_time(value)
        if is_rate(field):
            return percent(value)
        if is_money(field):
            from tianmu.core.money import format_yuan_exact

            return format_yuan_exact(value)
        if isinstance(value, list):
            return ", ".join(str(v) for v in value) or "—"
        return value

    entries = []
    for change in changes:
        model = change.content_type.model_class()
        fields = fields_of.get(model, {})
        rows = []
        for name, before, after in change.diff():
            field = fields.get(name)
            if _internal(name, field, (before, after)):
                continue
            label = field.verbose_name if field is not None else name
            rows.append((label, show(field, before), show(field, after)))
        model_name = model._meta.verbose_name if model else ""
        # The object's name as it reads today, in the reader's language; the name stored with
        # the change for a record that is gone or out of sight.
        name = change.object_repr
        if model is not None:
            try:
                pk = model._meta.pk.to_python(change.object_id)
            except ValidationError:
                pk = None
            name = names.get(model, {}).get(pk, name)
        entries.append(
            {
                "change": change,
                "model_name": model_name,
                "object_name": name,
                "is_related": model is not main,
                "rows": rows,
                "summary": _summary(change, model_name, name, [row[0] for row in rows]),
            }
        )
    return entries


def _summary(change, model_name, name, labels) -> str:
    if change.action == ObjectChange.Action.CREATE:
        return _("Created %(model)s “%(name)s”.") % {"model": model_name, "name": name}
    if change.action == ObjectChange.Action.DELETE:
        return _("Deleted %(model)s “%(name)s”.") % {"model": model_name, "name": name}
    if not labels:
        return _("Saved %(model)s “%(name)s” without a visible change.") % {
            "model": model_name,
            "name": name,
        }
    return _("Changed %(fields)s of “%(name)s”.") % {
        "fields": _list_words([str(label) for label in labels]),
        "name": name,
    }


def _list_words(words: list[str]) -> str:
    if len(words) == 1:
        return words[0]
    return _("%(first)s and %(last)s") % {
        "first": _(", ").join(words[:-1]),
        "last": words[-1],
    }


def section_response(request, template: str, context: dict, *, fallback_url: str):
    """Answer a form posted from a section of a detail page (members, incomes...).

    htmx gets the section back (with the form's errors, or a fresh form and the new row).
    Without JavaScript the browser goes back to the page, errors shown as messages.
    """
    if is_htmx(request):
        return vary_on_htmx(render(request, template, context))
    for form in (v for v in context.values() if hasattr(v, "errors") and hasattr(v, "fields")):
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
    return redirect_to(request, fallback_url)
