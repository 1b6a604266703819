"""API for workshops, positions, people, placements and earnings (docs/employment.md).

Personal data: `id_number` and `phone` are always masked in responses; the full value comes
only from `POST /people/{id}/reveal`, for programme admins and the person's village cadre,
and every reveal is logged and rate-limited (docs/personal-data.md). Exact ID-number search
and the access log are in `api_people.py`.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.http import HttpResponse
from ninja import Router, Schema, Status

from tianmu.core.api import (
    InvalidInput,
    add_confirmation_routes,
    get_editable_or_404,
    get_visible_or_404,
    payload_of,
    user_of,
)
from tianmu.core.resources import add_routes, one_of
from tianmu.core.scoping import visible_to
from tianmu.employment.forms import (
    EarningForm,
)
from tianmu.employment.models import MonthlyEarning, Person, Placement
from tianmu.employment.resources import EARNING, PEOPLE, PLACEMENTS, POSITIONS, WORKSHOPS
from tianmu.employment.services import (
    earning_record,
    person_reveal,
)

router = Router(tags=["employment"])


for resource in (WORKSHOPS, POSITIONS, PEOPLE, PLACEMENTS):
    add_routes(router, resource)


class RevealIn(Schema):
    field: str


class RevealOut(Schema):
    field: str
    value: str


class EarningIn(Schema):
    month: datetime.date
    amount_yuan: Decimal


def _money_payload(data: dict, *names: str) -> dict:
    for name in names:
        if data.get(name) is not None:
            data[name] = str(data[name])
    return data


@router.post(
    "/people/{int:pk}/reveal",
    response={200: RevealOut, 403: dict, 429: dict},
    summary="Show a person's full ID number or phone (admins and their village cadre; "
    "logged, rate-limited)",
)
def person_reveal_value(request, pk: int, payload: RevealIn, response: HttpResponse):
    from django.core.exceptions import PermissionDenied
    from django.utils.cache import add_never_cache_headers

    from tianmu.employment.services import RateLimited

    add_never_cache_headers(response)  # the answer holds the full value: never stored
    user = user_of(request)
    person = get_visible_or_404(user, Person, pk)
    try:
        value = person_reveal(user=user, person=person, field=payload.field)
    except PermissionDenied as exc:
        # The person is visible, so saying “not allowed” leaks nothing; a 404 would mislead.
        return Status(403, {"detail": str(exc)})
    except RateLimited as exc:
        return Status(429, {"detail": str(exc)})
    return {"field": payload.field, "value": value}


add_confirmation_routes(
    router, path="/placements", model=Placement, response=PLACEMENTS.shape.schema,
    label="a placement", answer=lambda user, obj: PLACEMENTS.one(user, obj.pk),
)  # fmt: skip


@router.get(
    "/placements/{int:pk}/earnings",
    response=list[EARNING.schema],
    summary="A placement's monthly earnings",
)
def earning_list(request, pk: int):
    user = user_of(request)
    placement = get_visible_or_404(user, Placement, pk)
    return EARNING.rows(
        visible_to(user, MonthlyEarning).filter(placement=placement).order_by("month")
    )


@router.post(
    "/placements/{int:pk}/earnings",
    response={201: EARNING.schema},
    summary="Record a month's earnings (replaces that month's figure while it is open)",
)
def earning_set(request, pk: int, payload: EarningIn):
    user = user_of(request)
    placement = get_editable_or_404(
        user, Placement.objects.select_related("person__village__area"), pk
    )
    form = EarningForm(data=_money_payload(payload_of(payload), "amount_yuan"))
    if not form.is_valid():
        raise InvalidInput({k: [str(m) for m in v] for k, v in form.errors.items()})
    earning = earning_record(
        user=user,
        placement=placement,
        month=form.cleaned_data["month"],
        amount_yuan=form.cleaned_data["amount_yuan"],
    )
    return Status(201, one_of(EARNING, MonthlyEarning.objects.all(), earning.pk))
