"""What every API router shares: authentication, lists, scoped look-ups, form binding, errors.

The API validates with the same forms and writes through the same services as the pages, so
a rule holds in both places or in neither. Anything outside the user's scope — to read or to
change — is answered 404, so the API never reveals that an object exists (docs/api.md).
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import BeforeValidator

from tianmu.core.counting import capped_count
from tianmu.core.money import money_str
from tianmu.core.scoping import can_create, editable_by, visible_to

T = TypeVar("T")


# --- Authentication ---------------------------------------------------------------------------


# `BearerAuth` and `api_auth` (tokens are accounts') are in tianmu/accounts/auth.py.


def user_of(request):
    """The authenticated user of an API request, however they authenticated."""
    return request.auth


# --- Errors -----------------------------------------------------------------------------------


class InvalidInput(Exception):
    """Input that failed validation: answered 400 with field-level messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


def _errors_of(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}
    return {NON_FIELD_ERRORS: [str(m) for m in exc.messages]}


def _bad_request(request, errors, api):
    return api.create_response(
        request, {"detail": _("The input is not valid."), "errors": errors}, status=400
    )


def _not_found(request, exc, api):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


def register_error_handlers(api) -> None:
    """Django's errors become JSON answers in the user's language."""
    api.add_exception_handler(
        InvalidInput, lambda request, exc: _bad_request(request, exc.errors, api)
    )
    api.add_exception_handler(
        DjangoValidationError, lambda request, exc: _bad_request(request, _errors_of(exc), api)
    )
    # core.services.NotFound is a PermissionDenied: both mean “not yours”, answered 404.
    api.add_exception_handler(PermissionDenied, lambda request, exc: _not_found(request, exc, api))
    api.add_exception_handler(Http404, lambda request, exc: _not_found(request, exc, api))
    # A number no database column can hold, wherever it came from (a path, a nested id): the
    # input is wrong, not the server (SQLite raises OverflowError, PostgreSQL a DataError).
    too_large = {"__all__": [_("The number is too large.")]}
    api.add_exception_handler(
        OverflowError, lambda request, exc: _bad_request(request, too_large, api)
    )


# --- Look-ups ---------------------------------------------------------------------------------

#: The largest id or offset a database column can hold (a signed 64-bit integer).
MAX_INT = 2**63 - 1


def check_int(value, name: str) -> int:
    """`value` if it fits the database's integers, else 400 naming `name` (never a 500)."""
    if isinstance(value, int) and not -MAX_INT <= value <= MAX_INT:
        raise InvalidInput({name: [_("The number is too large.")]})
    return value


def get_visible_or_404(user, model_or_qs, pk) -> models.Model:
    """The object if `user` may read it, else 404 (whether or not it exists)."""
    check_int(pk, "id")
    obj = visible_to(user, model_or_qs).filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def get_editable_or_404(user, model_or_qs, pk) -> models.Model:
    """The object if `user` may change it, else 404 — also when they may only read it."""
    check_int(pk, "id")
    obj = editable_by(user, model_or_qs).filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def ensure_can_create(user, model: type[models.Model]) -> None:
    if not can_create(user, model):
        raise Http404


# --- Lists ------------------------------------------------------------------------------------


class PageParams(Schema):
    limit: int = Field(50, ge=1, description="Rows per page (at most 1000).")
    offset: int = Field(0, ge=0, description="Rows to skip.")


class Page(Schema, Generic[T]):
    count: int = Field(
        description="How many rows the list has: exact when `count_exact`, otherwise a lower "
        "bound or PostgreSQL's estimate (lists count exactly up to TIANMU_EXACT_COUNT_LIMIT)."
    )
    count_exact: bool = Field(True, description="Whether `count` is the exact number of rows.")
    items: list[T]


#: An integer as ASCII digits: `str.isdigit` also says yes to "¹", which `int` refuses.
_ASCII_INT = re.compile(r"^[+-]?[0-9]+$")


def filtered(request, filterset_class, queryset: models.QuerySet) -> models.QuerySet:
    """Apply the model's FilterSet (the one the list page uses) to the query string."""
    too_large = {
        name: [_("The number is too large.")]
        for name, value in request.GET.items()
        if _ASCII_INT.match(value.strip()) and abs(int(value)) > MAX_INT
    }
    if too_large:
        raise InvalidInput(too_large)
    fs = filterset_class(request.GET, queryset=queryset, request=request)
    if not fs.is_valid():
        raise InvalidInput({k: [str(m) for m in v] for k, v in fs.errors.items()})
    return fs.qs


def check_page(page: PageParams) -> None:
    """A page within bounds: `limit` at most TIANMU_API_MAX_LIMIT (422, as ninja says it) and
    an `offset` a database can take (400)."""
    check_int(page.offset, "offset")
    max_limit = settings.TIANMU_API_MAX_LIMIT
    if page.limit > max_limit:
        raise NinjaValidationError(
            [
                {
                    "type": "less_than_equal",
                    "loc": ["query", "limit"],
                    "msg": f"Input should be less than or equal to {max_limit}",
                    "ctx": {"le": max_limit},
                }
            ]
        )


def list_count(queryset: models.QuerySet) -> dict[str, Any]:
    """`{"count", "count_exact"}` of a list: exact up to TIANMU_EXACT_COUNT_LIMIT, past it the
    planner's estimate on PostgreSQL or the limit (tianmu/core/counting.py)."""
    count = capped_count(queryset, estimate=True)
    return {"count": count.value, "count_exact": count.exact}


def paginate(queryset: models.QuerySet, page: PageParams) -> dict[str, Any]:
    """`{"count", "count_exact", "items"}` for one page; the caller has already joined what
    items need."""
    check_page(page)
    counted = list_count(queryset)
    items = list(queryset[page.offset : page.offset + page.limit]) if counted["count"] else []
    return {**counted, "items": items}


def filter_parameters(filterset_class) -> dict:
    """OpenAPI query parameters for a FilterSet's filters (ninja cannot see them itself)."""
    params = []
    for name, f in filterset_class.base_filters.items():
        schema: dict[str, Any] = {"type": "string"}
        if isinstance(f.field, forms.BooleanField | forms.NullBooleanField) or type(
            f
        ).__name__.startswith("Boolean"):
            schema = {"type": "boolean"}
        elif type(f).__name__ == "DateFilter":
            schema = {"type": "string", "format": "date"}
        elif type(f).__name__ == "NumberFilter":
            schema = {"type": "integer"}
        choices = getattr(f, "extra", {}).get("choices")
        if choices and not callable(choices):
            schema["enum"] = [c[0] for c in choices]
        params.append(
            {"in": "query", "name": name, "required": False, "schema": schema,
             "description": str(f.label or name)}
        )  # fmt: skip
    return {"parameters": params}


# --- Forms ------------------------------------------------------------------------------------


def _plain(value):
    """A form's initial value as data a bound form accepts again."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set) or hasattr(value, "all"):
        items = value.all() if hasattr(value, "all") else value
        return [_plain(v) for v in items]
    return value


def bind_form(form_class, payload: dict, *, user, instance=None, partial=False, **kwargs):
    """A validated form for JSON `payload`, or InvalidInput (400) with its field errors.

    Fields missing from the payload keep what the page's form would show: the instance's
    values for PATCH (`partial`), the model's defaults on create. The form is first built
    unbound to read that initial data, then bound to initial + payload.
    """
    too_large = {
        name: [_("The number is too large.")]
        for name, value in payload.items()
        if any(
            isinstance(v, int) and not isinstance(v, bool) and abs(v) > MAX_INT
            for v in (value if isinstance(value, list | tuple) else [value])
        )
    }
    if too_large:  # a database cannot hold them: 400 naming the field, never a 500
        raise InvalidInput(too_large)
    data: dict[str, Any] = {}
    if partial or instance is None:
        unbound = form_class(user=user, instance=instance, **kwargs)
        for name, field in unbound.fields.items():
            data[name] = _plain(unbound.get_initial_for_field(field, name))
    data.update(payload)
    form = form_class(data=data, user=user, instance=instance, **kwargs)
    if not form.is_valid():
        raise InvalidInput({k: [str(m) for m in v] for k, v in form.errors.items()})
    return form


def payload_of(schema: Schema) -> dict[str, Any]:
    """The fields the client actually sent (so PATCH leaves the others alone)."""
    return schema.model_dump(exclude_unset=True)


# --- Output helpers ---------------------------------------------------------------------------


def money(value: Decimal | None) -> str | None:
    """Money and other decimals travel as strings with two decimals (“123456.00”), rounded
    as tianmu.core.money rounds everywhere else; null stays null."""
    return None if value is None else money_str(value)


#: An output field that shows a model's Decimal as `money` does: "312345.00" (null stays null
#: with `Money | None`). A string to the validator, so JSON and OpenAPI both say "string".
Money = Annotated[str, BeforeValidator(money)]


def json_value(value):
    """A KPI or other computed value as JSON: decimals as two-decimal strings."""
    if isinstance(value, Decimal):
        return money(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    return value


class Ref(Schema):
    """A reference to a named object (organisation, alliance, workshop …) in an output."""

    id: int
    name: str


class VillageRef(Schema):
    """A reference to a village: its name and division code come from its area."""

    id: int
    name: str
    code: str | None

    # A generated shape hands over a dict with the values already read; a model instance
    # (a hand-written endpoint) reads them from its area.

    @staticmethod
    def resolve_name(obj) -> str:
        return obj["name"] if isinstance(obj, dict) else obj.area.name

    @staticmethod
    def resolve_code(obj) -> str | None:
        return obj["code"] if isinstance(obj, dict) else obj.area.code


# --- The confirmation workflow (tianmu/core/workflow.py) --------------------------------------


class ReasonIn(Schema):
    """A reason, for a dispute or a returned review."""

    reason: str = ""


def add_confirmation_routes(
    router,
    *,
    path: str,
    model: type[models.Model],
    response,
    label: str,
    confirm=None,
    dispute=None,
    reload=None,
    answer=None,
) -> None:
    """`POST {path}/{id}/confirm` and `POST {path}/{id}/dispute` for a Confirmable model.

    The other side of a record confirms it or disputes it with a reason; who may do which is
    the workflow's rule (`record_confirm` / `record_dispute`). `confirm(user=, obj=)` and
    `dispute(user=, obj=, reason=)` replace those two where a module does more (an order's
    status follows its payments); `reload(user)` is the queryset the answer is read back from,
    or `answer(user, obj)` builds it (a resource's shape).
    """
    from tianmu.core.workflow import record_confirm, record_dispute

    confirm = confirm or (lambda user, obj: record_confirm(user=user, obj=obj))
    dispute = dispute or (
        lambda user, obj, reason: record_dispute(user=user, obj=obj, reason=reason)
    )
    name = model._meta.model_name

    if answer is None:

        def answer(user, obj):
            return reload(user).get(pk=obj.pk) if reload else obj

    @router.post(
        f"{path}/{{int:pk}}/confirm",
        response=response,
        summary=f"Confirm {label} the other side reported",
        operation_id=f"{name}_confirm",
    )
    def confirm_view(request, pk: int):
        user = user_of(request)
        return answer(user, confirm(user=user, obj=get_visible_or_404(user, model, pk)))

    @router.post(
        f"{path}/{{int:pk}}/dispute",
        response=response,
        summary=f"Dispute {label}, with a reason",
        operation_id=f"{name}_dispute",
    )
    def dispute_view(request, pk: int, payload: ReasonIn):
        user = user_of(request)
        obj = get_visible_or_404(user, model, pk)
        return answer(user, dispute(user=user, obj=obj, reason=payload.reason))
