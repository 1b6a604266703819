"""Optional read replica: the figures' reads go there when configured, nothing else does."""

import pytest
from django.test import RequestFactory

from tianmu.accounts.models import User
from tianmu.core.models import ObjectChange
from tianmu.core.routers import ReplicaReadsMiddleware, ReplicaRouter, _use_replica
from tianmu.core.tests.test_deploy import PRODUCTION_ENV, run
from tianmu.registry.models import Village


def seen_by_view(path, method="get"):
    """Which database a read of villages, of users and a write would use, inside the request."""
    seen = {}

    def view(request):
        router = ReplicaRouter()
        seen["village"] = router.db_for_read(Village)
        seen["user"] = router.db_for_read(User)
        seen["write"] = router.db_for_write(Village)
        return None

    ReplicaReadsMiddleware(view)(getattr(RequestFactory(), method)(path))
    return seen


def test_off_by_default_nothing_goes_to_a_replica(settings):
    assert settings.TIANMU_READ_REPLICA == ""
    assert "replica" not in settings.DATABASES
    assert seen_by_view("/api/v1/kpis")["village"] is None


@pytest.mark.parametrize("path", ["/api/v1/kpis", "/api/v1/kpis/trend", "/cockpit/"])
def test_the_figures_read_from_the_replica_when_configured(settings, path):
    settings.TIANMU_READ_REPLICA = "replica"
    assert seen_by_view(path) == {"village": "replica", "user": None, "write": "default"}
    assert not _use_replica.get()  # only inside the request


@pytest.mark.parametrize(
    ("path", "method"), [("/registry/villages/", "get"), ("/api/v1/kpis", "post")]
)
def test_other_requests_and_writes_stay_on_the_primary(settings, path, method):
    settings.TIANMU_READ_REPLICA = "replica"
    assert seen_by_view(path, method)["village"] is None


def test_never_migrated_and_changes_always_written_to_default(settings):
    router = ReplicaRouter()
    assert router.allow_migrate("replica", "registry") is False
    assert router.allow_migrate("default", "registry") is True
    assert router.db_for_write(ObjectChange) == "default"


def test_database_replica_url_adds_the_alias_and_the_router(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['replica']['NAME'], s.DATABASE_ROUTERS, s.TIANMU_READ_REPLICA)"
    )
    env = {**PRODUCTION_ENV, "DATABASE_REPLICA_URL": "postgres://reader@10.0.0.9:5432/tianmu"}
    result = run(code, env, tmp_path)
    assert result.stdout.split() == [
        "tianmu",
        "['tianmu.core.routers.ReplicaRouter']",
        "replica",
    ], result.stderr
