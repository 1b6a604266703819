"""A test client for the API that authenticates as a role of the test world by bearer token."""

from __future__ import annotations

import json

from django.apps import apps
from django.test import Client

from tianmu.accounts.models import ApiToken
from tianmu.core.models import ObjectChange

INSIDERS = ["superuser", "admin", "leader", "town", "village", "enterprise", "bank"]
OUTSIDERS = ["o_admin", "o_leader", "o_town", "o_village", "o_enterprise", "o_bank"]
EVERYONE = INSIDERS + OUTSIDERS


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
            _token, self._keys[who] = ApiToken.issue(user_for(self.world, who))
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
