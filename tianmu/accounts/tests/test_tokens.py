"""API tokens: a name and an expiry, listed and revoked by their owner and by admins, logged
without the key or its hash; users' role, scope and active flag are change-logged."""

from __future__ import annotations

import datetime
import json
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from tianmu.accounts.models import ApiToken, User
from tianmu.accounts.services import apitoken_issue, apitoken_revoke
from tianmu.accounts.tests.factories import UserFactory
from tianmu.core.models import ObjectChange

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pages_in_english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def apitoken(*args) -> str:
    out = StringIO()
    call_command("apitoken", *args, stdout=out)
    return out.getvalue()


def api_get(client, key):
    return client.get("/api/v1/villages", HTTP_AUTHORIZATION=f"Bearer {key}")


def changes_of(obj):
    ct = ContentType.objects.get_for_model(type(obj))
    return list(ObjectChange.objects.filter(content_type=ct, object_id=str(obj.pk)).order_by("id"))


def test_a_token_stops_working_when_it_expires(world, client):
    token, key = apitoken_issue(user=world.users["town"], name="export", days=30)
    assert token.name == "export"
    assert abs(token.expires - (timezone.now() + datetime.timedelta(days=30))) < datetime.timedelta(
        minutes=1
    )
    assert api_get(client, key).status_code == 200

    ApiToken.objects.filter(pk=token.pk).update(
        expires=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert ApiToken.objects.authenticate(key) is None
    assert api_get(client, key).status_code == 401


def test_a_revoked_token_stops_working_at_once(world, client):
    token, key = apitoken_issue(user=world.users["town"], name="export")
    assert api_get(client, key).status_code == 200
    apitoken_revoke(token=token, by=world.users["town"])
    assert api_get(client, key).status_code == 401


@pytest.mark.parametrize("days", [0, -1, 366])
def test_a_token_is_valid_for_1_to_365_days(world, days):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        apitoken_issue(user=world.users["town"], name="x", days=days)
    assert not ApiToken.objects.exists()


def test_issuing_and_revoking_are_logged_without_the_key_or_its_hash(world):
    user = world.users["town"]
    token, key = apitoken_issue(user=user, name="export", by=user)
    apitoken_revoke(token=token, by=world.users["admin"])

    created, revoked = changes_of(token)
    assert (created.action, created.user_name) == ("create", user.username)
    assert (revoked.action, revoked.user_name) == ("update", world.users["admin"].username)
    assert revoked.after["revoked"] is not None and revoked.before["revoked"] is None
    text = json.dumps([created.before, created.after, revoked.before, revoked.after])
    assert key not in text and token.key_hash not in text and key[8:20] not in text
    assert created.after["name"] == "export" and created.after["prefix"] == key[:8]


# --- The tokens page ---------------------------------------------------------------------------


def test_the_page_creates_a_token_and_shows_its_key_once(world, client):
    user = world.users["village"]
    client.force_login(user)
    response = client.post("/accounts/tokens/", {"name": "my script", "days": "7"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=user)
    assert token.name == "my script"
    body = response.content.decode()
    key = body.split('<code class="user-select-all fs-6">')[1].split("</code>")[0]
    assert key.startswith(token.prefix) and ApiToken.objects.authenticate(key) == user
    assert key not in client.get("/accounts/tokens/").content.decode()


def test_the_page_refuses_a_bad_expiry_and_creates_nothing(world, client):
    client.force_login(world.users["village"])
    response = client.post("/accounts/tokens/", {"name": "x", "days": "1000"})
    assert response.status_code == 200
    assert "365" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_owners_see_their_tokens_and_admins_those_of_their_county(world, client):
    village, admin, other_admin = (
        world.users["village"],
        world.users["admin"],
        world.outsiders["admin"],
    )
    mine, _k = apitoken_issue(user=village, name="village-script")
    county_b_cadre = UserFactory(username="village_b", role="village", scope_area=world.vb.area)
    outside, _k = apitoken_issue(user=county_b_cadre, name="other-county-script")

    client.force_login(village)
    page = client.get("/accounts/tokens/").content.decode()
    assert "village-script" in page and "other-county-script" not in page

    client.force_login(admin)
    page = client.get("/accounts/tokens/").content.decode()
    assert "village-script" in page and "other-county-script" not in page

    client.force_login(other_admin)
    page = client.get("/accounts/tokens/").content.decode()
    assert "village-script" not in page and "other-county-script" in page
    # Revoking a token outside one's county is not found, and changes nothing.
    assert client.post(f"/accounts/tokens/{mine.pk}/revoke/").status_code == 404
    mine.refresh_from_db()
    assert mine.revoked is None


@pytest.mark.parametrize("who", ["owner", "admin"])
def test_owner_and_admin_revoke_on_the_page(world, client, who):
    village = world.users["village"]
    token, key = apitoken_issue(user=village, name="s")
    client.force_login(village if who == "owner" else world.users["admin"])
    response = client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked is not None
    assert ApiToken.objects.authenticate(key) is None


def test_another_user_cannot_revoke_a_token(world, client):
    token, _key = apitoken_issue(user=world.users["village"], name="s")
    for who in ("town", "leader", "enterprise"):
        client.force_login(world.users[who])
        assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked is None


# --- `tianmu apitoken` -------------------------------------------------------------------------


def test_apitoken_takes_a_name_and_days_and_prints_only_the_token(world):
    out = apitoken(world.users["town"].username, "--name", "nightly", "--days", "10")
    assert out.count("\n") == 1
    token = ApiToken.objects.get()
    assert token.name == "nightly"
    assert token.expires.date() == (timezone.now() + datetime.timedelta(days=10)).date()
    assert ApiToken.objects.authenticate(out.strip()) == world.users["town"]


def test_apitoken_refuses_days_out_of_range(world):
    with pytest.raises(CommandError, match="1 to 365 days"):
        apitoken(world.users["town"].username, "--days", "0")
    assert not ApiToken.objects.exists()


def test_apitoken_revokes_by_prefix(world):
    user = world.users["town"]
    key = apitoken(user.username).strip()
    other = apitoken(user.username).strip()

    out = apitoken(user.username, "--revoke", key[:8])

    assert "Revoked" in out
    assert ApiToken.objects.authenticate(key) is None
    assert ApiToken.objects.authenticate(other) == user
    with pytest.raises(CommandError, match="no unrevoked token"):
        apitoken(user.username, "--revoke", key[:8])  # already revoked
    with pytest.raises(CommandError, match="no unrevoked token"):
        apitoken(world.users["village"].username, "--revoke", other[:8])  # not theirs
    with pytest.raises(CommandError, match="no unrevoked token"):
        apitoken(user.username, "--revoke", "tm_")  # too short to name one
    assert ApiToken.objects.authenticate(other) == user


# --- Users in the change log -------------------------------------------------------------------


def test_role_scope_and_active_flag_of_a_user_are_change_logged(world):
    user = world.users["town"]
    user.refresh_from_db()
    user.scope_area = world.t2
    user.is_active = False
    user.save()

    change = changes_of(user)[-1]
    assert change.action == "update"
    assert change.before["scope_area_id"] == world.t1.pk
    assert change.after["scope_area_id"] == world.t2.pk
    assert (change.before["is_active"], change.after["is_active"]) == (True, False)
    assert "password" not in change.after and "last_login" not in change.after


def test_signing_in_and_password_changes_write_no_user_change(world, client):
    user = world.users["village"]
    before = len(changes_of(user))
    client.post("/accounts/login/", {"username": user.username, "password": "pw-for-tests-1"})
    user.refresh_from_db()
    assert user.last_login is not None
    user.set_password("another-long-pass-9")
    user.save()
    assert len(changes_of(user)) == before


def test_adduser_is_change_logged(world):
    out = StringIO()
    call_command(
        "adduser", "logged", "--role", "town", "--scope", "330112107",
        "--password", "a-long-password-1", stdout=out,
    )  # fmt: skip
    user = User.objects.get(username="logged")
    (change,) = changes_of(user)
    assert (change.action, change.user_name) == ("create", "adduser")
    assert change.after["role"] == "town" and change.after["must_change_password"] is True
    assert "password" not in change.after
