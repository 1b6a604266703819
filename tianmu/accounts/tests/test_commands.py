"""`tianmu adduser` and `tianmu apitoken`: every role, good and bad scopes, nothing half-written."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tianmu.accounts.models import ApiToken, User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def adduser(*args) -> str:
    out = StringIO()
    call_command("adduser", *args, stdout=out)
    return out.getvalue()


def apitoken(username: str) -> str:
    out = StringIO()
    call_command("apitoken", username, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("role", "scope", "expect_area", "expect_org"),
    [
        ("superuser", None, None, None),
        ("admin", "330112", "330112000000", None),
        ("leader", "330112000000", "330112000000", None),
        # Above the county: the province and a city, full codes and short forms.
        ("leader", "330000000000", "330000000000", None),
        ("admin", "33", "330000000000", None),
        ("admin", "3301", "330100000000", None),
        ("leader", "330100000000", "330100000000", None),
        ("town", "330112107", "330112107000", None),
        ("village", "330112107201", "330112107201", None),
        ("enterprise", "e1", None, "e1"),
        ("bank", "bank", None, "bank"),
    ],
)
def test_adduser_creates_each_role_with_its_scope(world, role, scope, expect_area, expect_org):
    args = ["new_user", "--role", role, "--password", "a-long-password-1"]
    if scope in ("e1", "bank"):
        args += ["--scope", str(getattr(world, scope).pk)]
    elif scope:
        args += ["--scope", scope]

    out = adduser(*args)

    user = User.objects.get(username="new_user")
    assert user.role == role
    assert user.check_password("a-long-password-1")
    assert (user.scope_area.code if user.scope_area else None) == expect_area
    assert user.scope_organization == (getattr(world, expect_org) if expect_org else None)
    assert user.is_superuser == (role == "superuser")
    assert "Created" in out and "a-long-password-1" not in out


def test_adduser_takes_an_organisation_by_credit_code(world):
    adduser("liaison", "--role", "enterprise", "--scope", world.e1.credit_code.lower())
    assert User.objects.get(username="liaison").scope_organization == world.e1


def test_adduser_generates_and_prints_a_password_when_none_is_given(world):
    out = adduser("town_new", "--role", "town", "--scope", "330112106")
    password = out.strip().splitlines()[-1].rsplit(": ", 1)[1]
    user = User.objects.get(username="town_new")
    assert len(password) >= 12
    assert user.check_password(password)
    assert user.scope_area == world.t2


@pytest.mark.parametrize(
    ("role", "scope", "message"),
    [
        # wrong level
        ("admin", "330112107", "area of level province, city, county"),
        ("leader", "330112107201", "area of level province, city, county"),
        ("town", "330112", "area of level town"),
        ("village", "330112107", "area of level village"),
        ("town", "330000000000", "area of level town"),
        ("village", "3301", "area of level village"),
        # unknown codes
        ("admin", "330199", "No area"),
        ("town", "330112999", "No area"),
        ("village", "330112107299", "No area"),
        # missing scope
        ("admin", "", "needs --scope"),
        ("village", "", "needs --scope"),
        ("enterprise", "", "needs --scope"),
        ("bank", "", "needs --scope"),
        # organisations of the wrong kind, or none
        ("enterprise", "c1", "organisation of kind enterprise"),
        ("enterprise", "bank", "organisation of kind enterprise"),
        ("bank", "e1", "organisation of kind partner"),
        ("bank", "c1", "organisation of kind partner"),
        ("enterprise", "999999", "No organisation"),
        ("bank", "91330112XXXXXXXXXX", "No organisation"),
        # a superuser has no scope
        ("superuser", "330112", "no --scope"),
    ],
)
def test_adduser_refuses_a_bad_scope_and_writes_nothing(world, role, scope, message):
    if scope in ("c1", "bank", "e1"):
        scope = str(getattr(world, scope).pk)
    before = User.objects.count()

    with pytest.raises(CommandError, match=message) as exc:
        adduser("bad", "--role", role, "--scope", scope, "--password", "a-long-password-1")

    assert exc.value.returncode == 2
    assert User.objects.count() == before
    assert not User.objects.filter(username="bad").exists()


def test_adduser_refuses_an_unknown_role(db):
    with pytest.raises(CommandError, match="invalid choice"):
        adduser("x", "--role", "mayor")
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("bad name!", "a-long-password-1", "username"),
        ("fine", "short", "too short"),
        ("fine", "password123", "too common"),
    ],
)
def test_adduser_refuses_a_bad_username_or_password(world, username, password, message):
    before = User.objects.count()
    with pytest.raises(CommandError, match=message):
        adduser(username, "--role", "admin", "--scope", "330112", "--password", password)
    assert User.objects.count() == before


def test_adduser_refuses_an_existing_user_unless_if_missing(world):
    adduser("demo-admin", "--role", "admin", "--scope", "330112", "--password", "tianmu-demo-2026")
    user = User.objects.get(username="demo-admin")

    with pytest.raises(CommandError, match="exists already"):
        adduser("demo-admin", "--role", "town", "--scope", "330112107", "--password", "other-pw-1")

    out = adduser(
        "demo-admin", "--role", "town", "--scope", "330112107", "--password", "other-pw-1",
        "--if-missing",
    )  # fmt: skip
    assert "demo-admin" in out
    again = User.objects.get(username="demo-admin")
    assert (again.role, again.scope_area, again.password) == ("admin", world.county, user.password)


def test_adduser_if_missing_creates_a_missing_user(world):
    adduser(
        "demo-admin", "--role", "admin", "--scope", "330112", "--password", "tianmu-demo-2026",
        "--if-missing",
    )  # fmt: skip
    assert User.objects.get(username="demo-admin").check_password("tianmu-demo-2026")


def test_apitoken_prints_one_line_that_authenticates(world):
    user = world.users["admin"]
    out = apitoken(user.username)

    assert out.endswith("\n") and out.count("\n") == 1
    key = out.strip()
    assert ApiToken.objects.authenticate(key) == user
    assert ApiToken.objects.filter(user=user).count() == 1
    # A second token is a new one; both work until revoked.
    other = apitoken(user.username).strip()
    assert other != key
    assert ApiToken.objects.authenticate(other) == user


def test_apitoken_refuses_unknown_and_inactive_users(world):
    with pytest.raises(CommandError, match="No user"):
        apitoken("nobody")
    user = world.users["town"]
    user.is_active = False
    user.save()
    with pytest.raises(CommandError, match="inactive"):
        apitoken(user.username)
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("scope", ["339999000000", "3399", "12345678901234", "杭州"])
def test_adduser_with_a_scope_that_is_no_area_exits_2_and_writes_nothing(
    world, scope, capsys, monkeypatch
):
    """Through the command line as `tianmu adduser` runs it: the message and exit code 2."""
    from django.core.management import ManagementUtility
    from django.db import connections

    from tianmu.core.models import ObjectChange

    # `run_from_argv` closes the connections when the command ends; on PostgreSQL that would
    # close the test's own transaction under it.
    monkeypatch.setattr(connections, "close_all", lambda: None)

    before = (User.objects.count(), ObjectChange.objects.count())
    argv = ["tianmu", "adduser", "x", "--role", "leader", "--scope", scope]
    with pytest.raises(SystemExit) as exc:
        ManagementUtility(argv).execute()
    assert exc.value.code == 2
    assert f"No area has the division code (or id) “{scope}”" in capsys.readouterr().err
    assert (User.objects.count(), ObjectChange.objects.count()) == before


def test_a_province_leader_from_adduser_sees_both_counties(world):
    from tianmu.core.scoping import visible_to
    from tianmu.registry.models import Village

    adduser("province", "--role", "leader", "--scope", "330000000000", "--password", "a-long-pw-12")
    leader = User.objects.get(username="province")
    assert leader.scope_area == world.province
    assert set(visible_to(leader, Village)) == {world.v1a, world.v1b, world.v2a, world.vb}
