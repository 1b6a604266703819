"""A test client for the API that authenticates as a role of the test world by bearer token."""

from __future__ import annotations

import datetime
import json
import secrets

from django.apps import apps
from django.test import Client
from django.utils import timezone

from tianmu.accounts.models import ApiToken
from tianmu.accounts.models import _hash as token_hash
from tianmu.core.models import ObjectChange

INSIDERS = ["superuser", "admin", "leader", "town", "village", "enterprise", "bank"]
OUTSIDERS = ["o_admin", "o_leader", "o_town", "o_village", "o_enterprise", "o_bank"]
EVERYONE = INSIDERS + OUTSIDERS


def quiet_token(user) -> str:
    """A token for the test client, made without a change-log row (bulk_create sends no
    signals): the client's own credentials are not what a "changed nothing" check is about."""
    key = "tm_" + secrets.token_urlsafe(32)
    ApiToken.objects.bulk_create(
        [
            ApiToken(
                user=user,
                name="test client",
                key_hash=token_hash(key),
                prefix=key[:8],
                expires=timezone.now() + datetime.timedelta(days=1),
                # Marked as just used, so the at-most-every-5-minutes "last used" write does
                # not land inside a test's query count.
                last_used=timezone.now(),
            )
        ]
    )
    return key


def user_for(world, who: str):
    """`admin` is the world's admin, `o_admin` the outsider admin (scoped to county B)."""
    if who.startswith("o_"):
        return world.outsiders[who[2:]]
    return world.users[who]


class ApiClient:
    def __init__(self, world):
        self.world = world
        self.client = Client()
        self._keys: dict[str, str] = {}

    def key(self, who: str) -> str:
        if who not in self._keys:
            self._keys[who] = quiet_token(user_for(self.world, who))
        return self._keys[who]

    def __call__(self, who, method, path, body=None, *, lang="en", **extra):
        headers = {"HTTP_ACCEPT_LANGUAGE": lang, **extra}
        if who is not None:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {self.key(who)}"
        url = "/api/v1" + path
        fn = getattr(self.client, method)
        if method == "get":
            return fn(url, body or {}, **headers)
        data = json.dumps(body) if body is not None else ""
        return fn(url, data=data, content_type="application/json", **headers)


def db_state() -> dict[str, int]:
    """Row counts of every domain table and the change log: equal before and after means a
    refused request wrote nothing."""
    counts = {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.app_label in ("registry", "alliances")
    }
    counts["changes"] = ObjectChange.objects.count()
    return counts
