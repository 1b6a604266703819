"""`GET /api/v1/inbox`: what waits for the signed-in user (docs/inbox.md)."""

from __future__ import annotations

import datetime

from ninja import Query, Router, Schema

from tianmu.core.api import PageParams, check_page, user_of
from tianmu.inbox.selectors import inbox_for

router = Router(tags=["inbox"])


class InboxItemOut(Schema):
    kind: str
    title: str
    url: str
    due: datetime.date | None


class InboxOut(Schema):
    count: int
    items: list[InboxItemOut]


@router.get("/inbox", response=InboxOut, summary="What waits for you: to confirm, to fix, due")
def inbox(request, page: Query[PageParams]):
    check_page(page)
    items = inbox_for(user_of(request))
    window = items[page.offset : page.offset + page.limit]
    return {"count": len(items), "items": [i.as_json() for i in window]}
