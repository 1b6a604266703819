"""Deployment fails closed: production settings refuse to start without their secrets, and
`tianmu check --deploy` is clean with the settings docs/deploy.md lists."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[3]

# The production settings of docs/deploy.md, with throwaway values.
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-key-0123456789",
    "TIANMU_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "TIANMU_LOOKUP_KEY": "a-long-random-lookup-key-for-the-hmac-0123456789",
    "ALLOWED_HOSTS": "tianmu.example.gov.cn",
    "CSRF_TRUSTED_ORIGINS": "https://tianmu.example.gov.cn",
    "SECURE_COOKIES": "1",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    # Checked for being set, not connected to (`/healthz` connects).
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
}


def run(code_or_args, env_extra: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    """Python in a fresh process with only `env_extra` of Tianmu's settings set."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TIANMU_", "SECURE_", "DJANGO_"))
        and k
        not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "CELERY_BROKER_URL"}
    }
    env.update(
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="tianmu.settings",
        TIANMU_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **env_extra,
    )
    args = code_or_args if isinstance(code_or_args, list) else ["-c", code_or_args]
    return subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=120, cwd=ROOT
    )


SETUP = "import django; django.setup(); print('started')"


def without(*names: str) -> dict[str, str]:
    return {k: v for k, v in PRODUCTION_ENV.items() if k not in names}


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "0"}, "SECRET_KEY must be set when DEBUG=0"),
        ({}, "SECRET_KEY must be set when DEBUG=0"),  # DEBUG unset is production
        (without("TIANMU_ENCRYPTION_KEYS"), "TIANMU_ENCRYPTION_KEYS must be set"),
        (without("TIANMU_LOOKUP_KEY"), "TIANMU_LOOKUP_KEY must be set"),
        ({**PRODUCTION_ENV, "TIANMU_ENCRYPTION_KEYS": "not-a-key"}, "key 1 is not a Fernet key"),
        ({**PRODUCTION_ENV, "TIANMU_LOOKUP_KEY": "short"}, "at least 32 characters"),
        (
            {**PRODUCTION_ENV, "TIANMU_LOOKUP_KEY": PRODUCTION_ENV["SECRET_KEY"]},
            "must be different keys",
        ),
        ({**PRODUCTION_ENV, "TIANMU_DEMO": "1"}, "TIANMU_DEMO=1 is for development only"),
        (without("CELERY_BROKER_URL"), "CELERY_BROKER_URL must be set when DEBUG=0"),
        ({**PRODUCTION_ENV, "TIANMU_LOG_FORMAT": "xml"}, "TIANMU_LOG_FORMAT must be json or text"),
    ],
)
def test_production_refuses_to_start_without_its_secrets(tmp_path, env, message):
    result = run(SETUP, env, tmp_path)
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert message in result.stderr


def test_production_starts_with_its_secrets_and_development_without(tmp_path):
    assert run(SETUP, PRODUCTION_ENV, tmp_path).stdout.strip() == "started"
    assert run(SETUP, {"DEBUG": "1"}, tmp_path).stdout.strip() == "started"


def test_check_deploy_is_clean_with_the_documented_settings(tmp_path):
    docs = (ROOT / "docs" / "deploy.md").read_text()
    for name in PRODUCTION_ENV:
        assert f"`{name}`" in docs, f"{name} is not documented in docs/deploy.md"

    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV, tmp_path
    )

    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_check_deploy_names_what_is_missing_without_them(tmp_path):
    env = without("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_COOKIES")
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env, tmp_path)
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr


def test_jobs_in_process_in_production_start_but_fail_check_deploy(tmp_path):
    """TIANMU_JOBS_IN_PROCESS=1 is the explicit way to run jobs in-process (the test suite,
    the benches); `check --deploy` still says no job may run inside a web request."""
    env = {**without("CELERY_BROKER_URL"), "TIANMU_JOBS_IN_PROCESS": "1"}
    assert run(SETUP, env, tmp_path).stdout.strip() == "started"
    result = run(["manage.py", "check", "--deploy"], env, tmp_path)
    assert result.returncode != 0
    assert "tianmu.E010" in result.stderr and "CELERY_BROKER_URL is not set" in result.stderr


def test_genkey_works_before_any_key_is_set(tmp_path):
    result = run(["manage.py", "genkey"], {}, tmp_path)
    assert result.returncode == 0, result.stderr
    key = result.stdout.strip()
    Fernet(key.encode())  # a valid Fernet key
    lookup = run(["manage.py", "genkey", "--lookup"], {}, tmp_path).stdout.strip()
    assert len(lookup) >= 32 and lookup != key
