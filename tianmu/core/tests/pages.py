"""Helpers for page tests: sign a test client in, in a language, and count what changed."""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tianmu.core.models import ObjectChange

ROLES = ["superuser", "admin", "leader", "town", "village", "enterprise", "bank"]
HTMX = {"HTTP_HX_REQUEST": "true"}


def client_for(user, language: str = "en") -> Client:
    """A client signed in as `user`, reading pages in `language` (the language cookie)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def snapshot(*models) -> tuple:
    """Row counts of `models` plus the change-log size: equal snapshots mean nothing written."""
    return tuple(m.objects.count() for m in models) + (ObjectChange.objects.count(),)


@contextlib.contextmanager
def count_queries():
    with CaptureQueriesContext(connection) as ctx:
        yield ctx
