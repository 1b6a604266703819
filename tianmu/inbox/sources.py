"""The inbox's item sources: what may wait for a user, one registered source per kind.

A source says which records wait for a user (`pending(user)`, a queryset, or None when the
user has nothing of the kind) and how one record reads as an item (`item(obj)`). The count
badge counts every source's queryset in one query (a UNION of their ids), so `pending` must
be a plain queryset of one model; the list reads each source once (with `select_related`
where `item` needs it). Apps above the inbox add their kinds with `register_inbox_source`
from their `AppConfig.ready()` (reporting rounds will: "reports due in open rounds").
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass(frozen=True)
class InboxItem:
    """One thing waiting for a user. `kind`, `title`, `url` and `due` are the API's item;
    the rest is for the page: when it began to wait, a second line, and a one-tap action
    (a POST to `action_url`, after the browser asks `action_confirm`)."""

    kind: str
    title: str
    url: str
    due: datetime.date | None = None
    since: datetime.date | None = None
    detail: str = ""
    action_label: str = ""
    action_confirm: str = ""
    action_url: str = ""

    def as_json(self) -> dict:
        return {
            "kind": self.kind,
            "title": self.title,
            "url": self.url,
            "due": self.due.isoformat() if self.due else None,
        }


@dataclass(frozen=True)
class InboxSource:
    """A kind of item. `act(user, obj)`, where given, is the one-tap action (confirm) the
    inbox page runs through the owning app's service; `pending` is also the action's scope."""

    kind: str
    pending: Callable[[object], QuerySet | None]
    item: Callable[[object], InboxItem]
    act: Callable[..., object] | None = None


_SOURCES: dict[str, InboxSource] = {}


def register_inbox_source(source: InboxSource) -> InboxSource:
    if source.kind in _SOURCES:
        raise RuntimeError(f"inbox source {source.kind} registered twice")
    _SOURCES[source.kind] = source
    return source


def inbox_sources() -> list[InboxSource]:
    return list(_SOURCES.values())


def inbox_source(kind: str) -> InboxSource | None:
    return _SOURCES.get(kind)
