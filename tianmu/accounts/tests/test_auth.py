"""Signing in: lockout, password rules and forced change, the second factor, session limits.

Every test here signs in through the real login view (not `force_login`), because what is
under test is what a browser can and cannot reach.
"""

from __future__ import annotations

import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tianmu.accounts.middleware import AUTH_AT, SEEN_AT
from tianmu.accounts.models import User
from tianmu.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pages_in_english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


PASSWORD = "pw-for-tests-1"
HOME = "/"


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def signed_in_as(client) -> int | None:
    user_id = client.session.get("_auth_user_id")
    return int(user_id) if user_id else None


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, drift=offset):06d}"


# --- Lockout (django-axes) ---------------------------------------------------------------------


def test_after_five_wrong_passwords_the_right_one_is_refused_too(world, client, settings):
    user = world.users["town"]
    for _ in range(5):
        response = sign_in(client, user.username, "wrong-password-123")
        assert response.status_code in (200, 429)
        assert signed_in_as(client) is None

    response = sign_in(client, user.username, PASSWORD)

    assert response.status_code == 429
    assert "Sign-in locked" in response.content.decode()
    assert signed_in_as(client) is None
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert "登录已锁定" in sign_in(client, user.username, PASSWORD).content.decode()


def test_the_lock_is_per_username_and_a_success_before_it_resets_the_count(world, client):
    town, village = world.users["town"], world.users["village"]
    for _ in range(4):
        sign_in(client, town.username, "wrong-password-123")
    assert sign_in(client, town.username).status_code == 302  # 4 < 5: still allowed
    client.logout()
    for _ in range(4):  # the count started again at the success
        sign_in(client, town.username, "wrong-password-123")
    assert sign_in(client, town.username).status_code == 302
    client.logout()
    for _ in range(5):
        sign_in(client, town.username, "wrong-password-123")
    # Another user signs in from the same address as usual.
    assert sign_in(client, village.username).status_code == 302
    assert signed_in_as(client) == village.pk


def test_the_admin_login_is_locked_out_as_well(world, client):
    root = world.users["superuser"]
    for _ in range(5):
        client.post("/admin/login/", {"username": root.username, "password": "wrong-pass-123"})
    response = client.post("/admin/login/", {"username": root.username, "password": PASSWORD})
    assert response.status_code == 429
    assert signed_in_as(client) is None


# --- Passwords ---------------------------------------------------------------------------------


def _adduser(*args) -> str:
    out = StringIO()
    call_command("adduser", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("tianmu2024", "at least 12 characters"),  # the probe's password: 10 characters
        ("abcdefghij1", "at least 12 characters"),
        ("password1234", "too common"),
        ("483920175638", "entirely numeric"),
        ("kim_village_", "too similar"),
    ],
)
def test_weak_passwords_are_refused(world, password, message):
    with pytest.raises(CommandError, match=message):
        _adduser("kim_village", "--role", "town", "--scope", "330112107", "--password", password)
    assert not User.objects.filter(username="kim_village").exists()


def test_a_password_set_by_adduser_must_be_changed_before_anything_else(world, client):
    _adduser("new_town", "--role", "town", "--scope", "330112107", "--password", "given-by-admin-1")
    assert User.objects.get(username="new_town").must_change_password

    assert sign_in(client, "new_town", "given-by-admin-1").status_code == 302
    for path in (HOME, "/registry/villages/", "/accounts/tokens/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/password/?next=")
    assert client.get("/api/v1/villages").status_code == 403

    page = client.get("/accounts/password/")
    assert page.status_code == 200
    assert "set by someone else" in page.content.decode()

    # A weak new password is refused and changes nothing.
    response = client.post(
        "/accounts/password/",
        {"old_password": "given-by-admin-1", "new_password1": "short", "new_password2": "short"},
    )
    assert response.status_code == 200
    user = User.objects.get(username="new_town")
    assert user.check_password("given-by-admin-1") and user.must_change_password

    response = client.post(
        "/accounts/password/",
        {
            "old_password": "given-by-admin-1",
            "new_password1": "my-own-choice-77",
            "new_password2": "my-own-choice-77",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("my-own-choice-77") and not user.must_change_password
    assert signed_in_as(client) == user.pk  # still signed in after the change
    assert client.get(HOME).status_code == 200


def test_the_password_change_page_checks_the_old_password(world, client):
    user = world.users["village"]
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "not-my-password",
            "new_password1": "my-own-choice-77",
            "new_password2": "my-own-choice-77",
        },
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_an_admin_reset_in_the_django_admin_forces_a_change(world, client):
    target = world.users["town"]
    client.force_login(world.users["superuser"])
    response = client.post(
        f"/admin/accounts/user/{target.pk}/password/",
        {
            "password1": "reset-by-root-42",
            "password2": "reset-by-root-42",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    target.refresh_from_db()
    assert target.check_password("reset-by-root-42")
    assert target.must_change_password


# --- Second factor -----------------------------------------------------------------------------


def test_an_admin_without_a_device_can_reach_only_the_setup_page(world, client):
    admin = UserFactory(
        username="admin_new", role="admin", scope_area=world.county, otp_device=False
    )
    assert sign_in(client, admin.username).status_code == 302
    for path in (HOME, "/registry/villages/", "/accounts/tokens/", "/accounts/password/",
                 "/admin/"):  # fmt: skip
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/2fa/?next="), path
    assert client.get("/api/v1/villages").status_code == 403

    page = client.get("/accounts/2fa/")
    assert page.status_code == 200
    assert "<svg" in page.content.decode()  # the QR code, drawn on the server
    device = TOTPDevice.objects.get(user=admin, confirmed=False)

    bad = "000000" if code_for(device) != "000000" else "111111"
    wrong = client.post("/accounts/2fa/", {"token": bad})
    assert wrong.status_code == 200 and "not right" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    # Right after a wrong code even the right one waits (django-otp doubles the wait each time).
    throttled = client.post("/accounts/2fa/", {"token": code_for(device)})
    assert "Too many wrong codes" in throttled.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    device.throttle_reset()  # as if the wait had passed

    response = client.post("/accounts/2fa/", {"token": code_for(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(HOME).status_code == 200


def test_a_user_with_a_device_must_enter_its_code_after_the_password(world, client):
    admin = world.users["admin"]
    device = TOTPDevice.objects.get(user=admin, confirmed=True)
    assert sign_in(client, admin.username).status_code == 302

    response = client.get("/registry/villages/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/verify/?next=")
    assert client.get("/api/v1/villages").status_code == 403

    client.post("/accounts/2fa/verify/", {"token": "12345x"})
    assert client.get(HOME).status_code == 302
    device.refresh_from_db()
    device.throttle_reset()  # as if the wait after a wrong code had passed

    response = client.post(
        "/accounts/2fa/verify/?next=/registry/villages/",
        {"token": code_for(device), "next": "/registry/villages/"},
    )
    assert response.status_code == 302 and response["Location"] == "/registry/villages/"
    assert client.get("/registry/villages/").status_code == 200


def test_other_roles_may_sign_in_without_a_second_factor(world, client):
    assert sign_in(client, world.users["village"].username).status_code == 302
    assert client.get(HOME).status_code == 200


def test_the_api_by_bearer_token_is_not_asked_for_a_second_factor(world, client):
    from tianmu.accounts.services import apitoken_issue

    admin = UserFactory(
        username="admin_tok", role="admin", scope_area=world.county, otp_device=False
    )
    _token, key = apitoken_issue(user=admin, name="script", days=1)
    response = client.get("/api/v1/villages", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200


def test_demo_mode_waives_the_second_factor_and_the_forced_change_only_under_debug(
    world, client, settings
):
    admin = UserFactory(
        username="demo_like", role="admin", scope_area=world.county, otp_device=False
    )
    admin.must_change_password = True
    admin.save()
    settings.TIANMU_DEMO = True
    settings.DEBUG = False  # demo without DEBUG waives nothing
    sign_in(client, admin.username)
    assert client.get(HOME).status_code == 302

    settings.DEBUG = True
    assert client.get(HOME).status_code == 200
    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # logout cleared the cookies
    assert "Demo mode" in client.get("/accounts/login/").content.decode()
    settings.TIANMU_DEMO = False
    assert 'id="demo-mode"' not in client.get("/accounts/login/").content.decode()


# --- Session limits ----------------------------------------------------------------------------


def _age_session(client, *, auth_ago: int, seen_ago: int) -> None:
    session = client.session
    now = int(time.time())
    session[AUTH_AT] = now - auth_ago
    session[SEEN_AT] = now - seen_ago
    session.save()


def test_a_session_idle_for_30_minutes_is_signed_out(world, client):
    sign_in(client, world.users["village"].username)
    assert client.get(HOME).status_code == 200

    _age_session(client, auth_ago=29 * 60, seen_ago=29 * 60)
    assert client.get(HOME).status_code == 200  # 29 minutes: still in
    _age_session(client, auth_ago=31 * 60, seen_ago=31 * 60)

    response = client.get("/registry/villages/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert signed_in_as(client) is None


def test_a_busy_session_ends_at_the_absolute_limit(world, client, settings):
    sign_in(client, world.users["village"].username)
    limit = settings.TIANMU_SESSION_MAX_HOURS * 3600
    _age_session(client, auth_ago=limit - 60, seen_ago=30)
    assert client.get(HOME).status_code == 200
    _age_session(client, auth_ago=limit + 60, seen_ago=30)
    assert client.get(HOME).status_code == 302
    assert signed_in_as(client) is None


def test_session_settings():
    from django.conf import settings

    assert settings.TIANMU_SESSION_IDLE_MINUTES == 30
    assert settings.SESSION_COOKIE_AGE == settings.TIANMU_SESSION_MAX_HOURS * 3600
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
