"""Request id and change-log actor for every request."""

from __future__ import annotations

import uuid

from tianmu.core.context import Actor, _actor


class RequestIdMiddleware:
    """Give every request an id (kept from X-Request-ID when a proxy sent a sane one)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        ok = incoming and len(incoming) <= 64 and incoming.replace("-", "").isalnum()
        request.id = incoming if ok else uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request.id
        return response


class ChangeActorMiddleware:
    """Attribute changes made while serving the request to its user, as a fallback.

    Services name the user they are given (`@service`); this names the request: its id groups
    a request's rows, and writes that are not services are still attributed.

    API token users are authenticated later (inside django-ninja), so the API's auth class
    sets the actor again once it knows the user.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        authenticated = user is not None and user.is_authenticated
        token = _actor.set(
            Actor(
                user_id=user.pk if authenticated else None,
                username=user.get_username() if authenticated else "anonymous",
                request_id=getattr(request, "id", ""),
            )
        )
        try:
            return self.get_response(request)
        finally:
            _actor.reset(token)
