"""API authentication: bearer tokens (`ApiToken`) first, then the browser session.

In accounts, which owns the tokens; core's API helpers (tianmu/core/api.py) are below accounts
and only read `request.auth`.
"""

from __future__ import annotations

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
