"""API authentication: bearer tokens (`ApiToken`) first, then the browser session.

In accounts, which owns the tokens; core's API helpers (tianmu/core/api.py) are below accounts
and only read `request.auth`.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, django_auth

from tianmu.accounts.models import ApiToken
from tianmu.core.context import set_actor_for_request


class BearerAuth(HttpBearer):
    """`Authorization: Bearer <key>` with a key from `ApiToken.issue`."""

    def authenticate(self, request, token: str):
        user = ApiToken.objects.authenticate(token.strip()) if token.strip() else None
        if user is None:
            return None
        # The middleware saw an anonymous request; the change log must name the token's user.
        set_actor_for_request(request, user)
        return user


#: Token first, then the browser session (which checks CSRF on unsafe methods).
api_auth = [BearerAuth(), django_auth]


def docs_access(view):
    """The API docs page and the OpenAPI document: open in development, and in production
    (DEBUG=0) only to a signed-in user or a request with a valid bearer token."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if settings.DEBUG or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            if ApiToken.objects.authenticate(header[7:].strip()) is not None:
                return view(request, *args, **kwargs)
            return JsonResponse({"detail": _("Unauthorized")}, status=401)
        return redirect_to_login(request.get_full_path())

    return wrapper
