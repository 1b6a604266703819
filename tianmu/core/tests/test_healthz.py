"""/healthz for a load balancer: database, broker and migrations; 200 or 503; no sign-in."""

import json

import pytest

from tianmu.core import health

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_migrations_memo(monkeypatch):
    monkeypatch.setattr(health, "_migrations_ok_until", 0.0)


def test_healthy_without_a_broker_is_200_and_says_only_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "broker": "off"},
    }
    assert response["Cache-Control"] == "no-store"


def test_no_sign_in_no_host_check_no_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["tianmu.example.gov.cn"]
    # A balancer probes by address over plain HTTP.
    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    assert client.head("/healthz/", HTTP_HOST="10.0.0.7").status_code == 200


@pytest.mark.parametrize("failing", ["check_database", "check_migrations", "check_broker"])
def test_each_failing_check_makes_it_503(client, settings, monkeypatch, failing):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    for name in ("check_database", "check_migrations", "check_broker"):
        monkeypatch.setattr(health, name, lambda: None)

    def boom():
        raise RuntimeError("secret detail: postgres://user:password@db")

    monkeypatch.setattr(health, failing, boom)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    expected = {"database": "ok", "migrations": "ok", "broker": "ok"}
    expected[failing.removeprefix("check_")] = "fail"
    assert body == {"status": "fail", "checks": expected}
    assert "password" not in response.content.decode()


def test_an_unreachable_broker_fails_fast(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "fail"


def test_unapplied_migrations_fail(client, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("x", False)])
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "fail"


def test_a_request_logs_one_json_line_with_its_request_id(client, caplog):
    from tianmu.core.logs import JsonFormatter

    with caplog.at_level("INFO", logger="tianmu.request"):
        response = client.get("/accounts/login/")
    records = [r for r in caplog.records if r.name == "tianmu.request"]
    assert len(records) == 1
    line = json.loads(JsonFormatter().format(records[0]))
    assert line["request_id"] == response["X-Request-ID"]
    assert line["method"] == "GET"
    assert line["path"] == "/accounts/login/"
    assert line["status"] == response.status_code == 200
    assert line["duration_ms"] >= 0
    assert line["level"] == "INFO" and line["logger"] == "tianmu.request"
    assert line["message"] == "GET /accounts/login/ 200"
    assert line["time"].endswith("+00:00")


def test_a_log_line_inside_a_request_carries_its_id(monkeypatch):
    import logging

    from tianmu.core.logs import JsonFormatter, request_id_var

    token = request_id_var.set("abc123")
    try:
        record = logging.LogRecord("tianmu.x", logging.WARNING, "f", 1, "多 %s", ("行",), None)
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)
    assert line["request_id"] == "abc123"
    assert line["message"] == "多 行"
    assert line["level"] == "WARNING"


def test_production_logging_is_json_with_an_access_line_by_default(tmp_path):
    from tianmu.core.tests.test_deploy import PRODUCTION_ENV, run

    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.TIANMU_LOG_FORMAT, s.LOGGING['handlers']['console']['formatter'], "
        "s.LOGGING['loggers']['tianmu.request']['level'])"
    )
    assert run(code, PRODUCTION_ENV, tmp_path).stdout.split() == ["json", "json", "INFO"]
    development = run(code, {"DEBUG": "1"}, tmp_path).stdout.split()
    assert development == ["text", "text", "WARNING"]  # runserver prints its own lines


def test_django_request_warnings_carry_the_request_id(client, caplog):
    from tianmu.core.logs import JsonFormatter

    with caplog.at_level("WARNING", logger="django.request"):
        response = client.get("/api/v1/kpis")  # no token: 401, logged by django.request
    [record] = [r for r in caplog.records if r.name == "django.request"]
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == response["X-Request-ID"]
    assert "request" not in line and line["status_code"] == 401
