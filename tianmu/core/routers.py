"""Optional read replica for the cockpit's figures (docs/deploy.md, "Read replica").

With DATABASE_REPLICA_URL set, the figures' GET requests (TIANMU_REPLICA_PATHS: the cockpit,
/api/v1/kpis…, the public figures) read their domain rows from the "replica" alias; every
write, and every read of sign-in state (sessions, users, tokens, two-factor devices, lockouts),
stays on "default". A replica lags its primary: a figure read there may miss the last second's
changes. Off by default: without the variable this router sends everything to "default".
"""

from __future__ import annotations

import contextvars

from django.conf import settings

_use_replica: contextvars.ContextVar[bool] = contextvars.ContextVar("use_replica", default=False)

#: Apps whose rows decide who is signed in and what they may do: never read from a replica,
#: so a new session, a revoked token or a lockout is never seen late.
PRIMARY_ONLY_APPS = {
    "sessions",
    "auth",
    "accounts",
    "contenttypes",
    "otp_totp",
    "otp_static",
    "axes",
    "admin",
}


class ReplicaRouter:
    """Reads inside a replica request go to settings.TIANMU_READ_REPLICA; nothing else does."""

    def db_for_read(self, model, **hints):
        alias = settings.TIANMU_READ_REPLICA
        if alias and _use_replica.get() and model._meta.app_label not in PRIMARY_ONLY_APPS:
            return alias
        return None  # no opinion: Django's default (the instance's own database, or default)

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the same database

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"  # a physical replica follows its primary; never migrated


class ReplicaReadsMiddleware:
    """Mark GET/HEAD requests to the figures' paths as replica reads."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.TIANMU_READ_REPLICA
            and request.method in ("GET", "HEAD")
            and request.path_info.startswith(tuple(settings.TIANMU_REPLICA_PATHS))
        ):
            token = _use_replica.set(True)
            try:
                return self.get_response(request)
            finally:
                _use_replica.reset(token)
        return self.get_response(request)


def replica_in_use() -> bool:
    """Whether this request's reads go to the replica."""
    return bool(settings.TIANMU_READ_REPLICA and _use_replica.get())
