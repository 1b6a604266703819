"""A newcomer's first minutes: `make run`'s demo has a login per role, listed on the login and
home pages with what to try first — and none of it outside demo mode."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from tianmu.accounts.demo_logins import DEMO_LOGINS, DEMO_PASSWORD
from tianmu.accounts.models import User

pytestmark = pytest.mark.django_db


def demousers() -> str:
    out = StringIO()
    call_command("demousers", stdout=out)
    return out.getvalue()


def test_demo_logins_per_role_listed_on_the_login_and_home_pages(demo, settings):
    settings.DEBUG, settings.TIANMU_DEMO = True, True
    assert "demo-village" in demousers()
    assert demousers() == ""  # twice: nothing more
    users = {u.username: u for u in User.objects.filter(username__startswith="demo-")}
    assert {u.role for u in users.values()} == {d.role for d in DEMO_LOGINS}
    assert users["demo-village"].scope_area.name == "望湖村"
    assert users["demo-bank"].scope_organization.partner_kind == "financial"

    login = Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("accounts:login")).content.decode()
    assert login.count("data-demo-login=") == len(DEMO_LOGINS)
    assert DEMO_PASSWORD in login and "Village cadre" in login and "confirm or dispute" in login

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    signed_in = client.post(
        reverse("accounts:login"), {"username": "demo-village", "password": DEMO_PASSWORD}
    )
    assert signed_in.status_code == 302
    home = client.get(reverse("dashboard:home")).content.decode()
    assert 'id="demo-logins"' in home and "demo-bank" in home


def test_no_demo_logins_outside_demo_mode(demo, settings):
    settings.DEBUG, settings.TIANMU_DEMO = False, False
    with pytest.raises(CommandError):
        demousers()
    assert not User.objects.filter(username__startswith="demo-").exists()
    page = Client().get(reverse("accounts:login")).content.decode()
    assert "demo-logins" not in page and DEMO_PASSWORD not in page
