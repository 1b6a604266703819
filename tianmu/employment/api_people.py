"""API for the uses of full personal data: exact ID-number search and the reveal log
(docs/personal-data.md). Kept apart from `api.py`, which holds the ordinary CRUD endpoints.

- `POST /people/search {"id_number": ...}`: the number travels in the body, never in a URL
  (URLs end up in access logs, proxies and browser history). Superusers, programme admins
  and village cadres only, among the people they may reveal; logged and rate-limited.
- `GET /reveals`: the access log (reveals, searches, refused duplicates), for programme
  admins (their county) and superusers.

Answers that carry personal data are sent `Cache-Control: no-store`.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils.cache import add_never_cache_headers
from ninja import Query, Router, Schema, Status

from tianmu.accounts.choices import Role
from tianmu.core.api import Page, PageParams, filter_parameters, filtered, paginate, user_of
from tianmu.core.scoping import scope_for, visible_to
from tianmu.employment.filtersets import PersonalDataAccessFilterSet
from tianmu.employment.models import Person, PersonalDataAccess
from tianmu.employment.resources import PERSON
from tianmu.employment.services import RateLimited, person_search_id_number

router = Router(tags=["employment"])
PersonOut = PERSON.schema


def no_store(response: HttpResponse) -> None:
    """Tell browsers and proxies not to keep the answer (it holds personal data)."""
    add_never_cache_headers(response)


class IdSearchIn(Schema):
    id_number: str


class PersonSearchOut(Schema):
    count: int
    items: list[PersonOut]


class PersonalDataRefusal(Schema):
    detail: str


@router.post(
    "/people/search",
    response={200: PersonSearchOut, 403: PersonalDataRefusal, 429: PersonalDataRefusal},
    summary="Find a person by full ID number (admins and village cadres; logged, rate-limited)",
)
def person_search(request, payload: IdSearchIn, response: HttpResponse):
    no_store(response)
    user = user_of(request)
    try:
        found = person_search_id_number(user=user, id_number=payload.id_number)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    except RateLimited as exc:
        return Status(429, {"detail": str(exc)})
    # Answered through the shape, which masks the number like every other answer.
    items = PERSON.rows(Person.objects.filter(pk__in=[p.pk for p in found]))
    return {"count": len(found), "items": items}


class AccessPersonRef(Schema):
    id: int
    name: str


class AccessOut(Schema):
    time: datetime.datetime
    user: str
    action: str
    field: str
    person: AccessPersonRef | None
    request_id: str

    @staticmethod
    def resolve_user(obj) -> str:
        return obj.user_name


def may_read_access_log(user) -> bool:
    scope = scope_for(user)
    return scope.is_all or (scope.is_area and scope.role == Role.ADMIN)


@router.get(
    "/reveals",
    response=Page[AccessOut],
    openapi_extra=filter_parameters(PersonalDataAccessFilterSet),
    summary="The personal-data access log (programme admins and superusers)",
)
def access_list(request, page: Query[PageParams], response: HttpResponse):
    no_store(response)
    user = user_of(request)
    if not may_read_access_log(user):
        raise Http404
    qs = visible_to(user, PersonalDataAccess).select_related("person")
    return paginate(filtered(request, PersonalDataAccessFilterSet, qs), page)
