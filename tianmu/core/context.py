"""Who is acting, for the change log.

Services name their user themselves (`tianmu.core.services.service` enters `attributed_to`);
the middleware's per-request actor is the fallback that names the request, and `acting_as`
names a system actor for commands and the demo. A contextvar (not a thread-local) so it is
right under threads and async alike.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    request_id: str


_actor: ContextVar[Actor | None] = ContextVar("tianmu_actor", default=None)


def current_actor() -> Actor:
    actor = _actor.get()
    if actor is None:
        # Outside a request or an `acting_as` block: a script or shell. Still recorded.
        return Actor(user_id=None, username="system", request_id="")
    return actor


def set_actor_for_request(request, user) -> None:
    """Attribute the rest of this request's changes to `user`.

    For users authenticated after the middleware ran (API bearer tokens); the value is reset
    when ChangeActorMiddleware leaves the request.
    """
    _actor.set(
        Actor(
            user_id=user.pk,
            username=user.get_username(),
            request_id=getattr(request, "id", "") or uuid.uuid4().hex,
        )
    )


@contextlib.contextmanager
def acting_as(
    user=None, *, username: str | None = None, request_id: str | None = None
) -> Iterator[Actor]:
    """Attribute every change made inside the block to `user` (or a named system actor)."""
    actor = Actor(
        user_id=getattr(user, "pk", None),
        username=username or getattr(user, "username", None) or "system",
        request_id=request_id or uuid.uuid4().hex,
    )
    token = _actor.set(actor)
    try:
        yield actor
    finally:
        _actor.reset(token)


@contextlib.contextmanager
def attributed_to(user) -> Iterator[Actor]:
    """Attribute the changes in the block to `user`, keeping the current request id.

    Services take the acting user explicitly; this makes the change log agree with them even
    when they are called outside a request (a command, a background task, a test).
    """
    current = _actor.get()
    if user is None or (current is not None and current.user_id == getattr(user, "pk", None)):
        yield current or current_actor()
        return
    with acting_as(user, request_id=current.request_id if current else None) as actor:
        yield actor
