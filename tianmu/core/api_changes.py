"""`GET /api/v1/changes`: the change log, filtered, for programme admins and superusers.

`?model=&object_id=&user=&action=&from=&to=` (see `tianmu.core.changes.ObjectChangeFilterSet`)
→ `{"count", "items": [{"time", "user", "action", "model", "object_id", "changes",
"request_id"}]}`, newest first. `changes` is `{field: [before, after]}` for the fields that
changed (personal data stays "***", as logged). Only changes of objects the user may see
(docs/api.md); other roles get 404.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import Http404
from ninja import Query, Router, Schema

from tianmu.core.api import Page, PageParams, filter_parameters, filtered, paginate, user_of
from tianmu.core.changes import (
    ObjectChangeFilterSet,
    changes_visible_to,
    may_read_change_log,
    model_of,
)

router = Router(tags=["change log"])


class ChangeOut(Schema):
    time: datetime.datetime
    user: str
    action: str
    model: str
    object_id: str
    object_repr: str
    changes: dict[str, list[Any]]
    request_id: str

    @staticmethod
    def resolve_user(obj) -> str:
        return obj.user_name

    @staticmethod
    def resolve_model(obj) -> str:
        return f"{obj.content_type.app_label}.{obj.content_type.model}"

    @staticmethod
    def resolve_changes(obj) -> dict[str, list[Any]]:
        return {name: [before, after] for name, before, after in obj.diff()}


@router.get(
    "/changes",
    response=Page[ChangeOut],
    openapi_extra=filter_parameters(ObjectChangeFilterSet),
    summary="The change log (programme admins: changes of objects they may see)",
)
def change_list(request, page: Query[PageParams]):
    user = user_of(request)
    if not may_read_change_log(user):
        raise Http404
    wanted = request.GET.get("model", "").strip()
    model = model_of(wanted) if wanted else None
    qs = changes_visible_to(user, models=[model] if model is not None else None)
    return paginate(filtered(request, ObjectChangeFilterSet, qs), page)
