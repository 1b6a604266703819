"""`/healthz` for a load balancer: is this instance able to serve?

Answered by the first middleware, before the host check, the HTTPS redirect, sessions and
sign-in: a balancer probes by address over plain HTTP, and a probe must cost a few queries,
nothing more. It says only "ok" or "fail" per check, never a row or a setting's value.
200 with {"status": "ok", ...} when every check passes, otherwise 503 {"status": "fail", ...}.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import JsonResponse

logger = logging.getLogger(__name__)

PATHS = ("/healthz", "/healthz/")
#: How long the broker may take to accept a connection before it counts as down.
BROKER_TIMEOUT = 1.0
#: Migrations applied is remembered this long once true (loading the graph costs ~50 ms).
MIGRATIONS_OK_SECONDS = 60.0
_migrations_ok_until = 0.0


def check_database() -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_broker() -> None:
    from kombu import Connection

    with Connection(settings.CELERY_BROKER_URL, connect_timeout=BROKER_TIMEOUT) as conn:
        conn.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT)


def check_migrations() -> None:
    global _migrations_ok_until
    if time.monotonic() < _migrations_ok_until:
        return
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        raise RuntimeError(f"{len(plan)} migrations not applied")
    _migrations_ok_until = time.monotonic() + MIGRATIONS_OK_SECONDS


def health() -> dict:
    """Each check's "ok" or "fail" (the broker's "off" when jobs run in-process)."""
    checks = {"database": check_database, "migrations": check_migrations}
    if settings.CELERY_BROKER_URL:
        checks["broker"] = check_broker
    results = {}
    for name, check in checks.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:  # any failure means "do not send traffic here"
            # One line, no traceback: a balancer probes every few seconds.
            logger.warning("healthz: %s check failed: %s: %s", name, type(exc).__name__, exc)
            results[name] = "fail"
    if "broker" not in results:
        results["broker"] = "off"
    ok = all(v != "fail" for v in results.values())
    return {"status": "ok" if ok else "fail", "checks": results}


class HealthCheckMiddleware:
    """Answer `/healthz` (GET or HEAD) first of all; every other request passes through."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info in PATHS and request.method in ("GET", "HEAD"):
            body = health()
            response = JsonResponse(body, status=200 if body["status"] == "ok" else 503)
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)
