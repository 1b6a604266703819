"""Reading a user's inbox: the items and their count (tianmu/inbox/sources.py)."""

from __future__ import annotations

import datetime

from tianmu.inbox.sources import InboxItem, inbox_sources


def _pending(user) -> list:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    out = []
    for source in inbox_sources():
        qs = source.pending(user)
        if qs is not None:
            out.append((source, qs))
    return out


def inbox_for(user) -> list[InboxItem]:
    """Everything that waits for `user`: those with a deadline first (soonest first), then the
    rest, longest waiting first. One query per kind the user may have."""
    items = [source.item(obj) for source, qs in _pending(user) for obj in qs]
    far = datetime.date.max
    return sorted(items, key=lambda i: (i.due or far, i.since or far, i.kind, i.title))


def inbox_count(user) -> int:
    """How many items wait for `user`, in one query (a UNION of each kind's ids), kept on the
    user object for the rest of the request (the badge and the page share it)."""
    cached = getattr(user, "_tianmu_inbox_count", None)
    if cached is not None:
        return cached
    parts = [qs.order_by().values("pk") for _source, qs in _pending(user)]
    if not parts:
        count = 0
    elif len(parts) == 1:
        count = parts[0].count()
    else:
        count = parts[0].union(*parts[1:], all=True).count()
    if user is not None:
        user._tianmu_inbox_count = count
    return count
