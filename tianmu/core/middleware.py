"""Request id and change-log actor for every request."""

from __future__ import annotations

import logging
import time
import uuid

from tianmu.core.context import Actor, _actor
from tianmu.core.logs import request_id_var

request_log = logging.getLogger("tianmu.request")


class RequestIdMiddleware:
    """Give every request an id of our own, sent back as `X-Request-ID`.

    An `X-Request-ID` the client sent is ignored: the change log's request id must say which
    request of ours made a change, and a client choosing it could make its changes look like
    part of someone else's request (or hide them behind a reused id). Correlate with a proxy
    by logging the id we send back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = uuid.uuid4().hex
        token = request_id_var.set(request.id)
        start = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.id
            # The access log: one line a request (JSON in production, tianmu.core.logs).
            request_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "request_id": request.id,
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - start) * 1000, 1),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


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


class OversizedIdMiddleware:
    """An id in the URL that no database column can hold is bad input, never a 500.

    SQLite raises OverflowError on such a number and PostgreSQL a DataError, and whether a
    query reaches the database at all depends on the Django version (newer ones answer an
    out-of-range lookup with no rows). So every view's integer URL arguments are checked here,
    once: the API answers 400 naming the argument, like any other invalid input; a page
    answers 404, as for any id that does not exist.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from tianmu.core.api import MAX_INT

        too_large = [
            name
            for name, value in view_kwargs.items()
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT
        ]
        if not too_large:
            return None
        from django.http import Http404, JsonResponse
        from django.utils.translation import gettext as _

        if request.path.startswith("/api/"):
            message = [_("The number is too large.")]
            body = {
                "detail": _("The input is not valid."),
                "errors": dict.fromkeys(too_large, message),
            }
            return JsonResponse(body, status=400)
        raise Http404
