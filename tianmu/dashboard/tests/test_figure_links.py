"""Every count on the home page links to a list of exactly the records it counts."""

import datetime

import pytest
from django.test import Client

from tianmu.alliances.services import member_end, pairing_end
from tianmu.dashboard.selectors import Period, kpi_url, kpis
from tianmu.registry.models import Area

pytestmark = pytest.mark.django_db

FOUNDATION = ["alliances", "core_enterprises", "enterprises", "villages_paired"]
D = datetime.date


def listed(user, url: str) -> int:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page_obj"].paginator.count


def with_history(world):
    """End a membership and a pairing so 'active today' and 'in a past period' differ."""
    admin = world.users["admin"]
    member_end(user=admin, member=world.a1.members.get(organization=world.e1), end=D(2022, 6, 30))
    pairing_end(user=admin, pairing=world.p2, end=D(2021, 12, 31))


@pytest.mark.parametrize(
    ("role", "area_code", "start", "end"),
    [
        ("admin", None, None, None),
        ("admin", "330112107", None, None),
        ("admin", None, D(2021, 1, 1), D(2021, 12, 31)),
        ("admin", "330112", D(2023, 1, 1), None),
        ("town", None, None, None),
        ("enterprise", None, D(2020, 1, 1), D(2022, 1, 1)),
        ("superuser", None, None, None),
    ],
)
def test_foundation_figures_equal_their_lists(world, role, area_code, start, end):
    with_history(world)
    user = world.users[role]
    area = Area.objects.get(code=area_code.ljust(12, "0")) if area_code else None
    values = kpis(user=user, period=Period(start, end), area=area)
    for key in FOUNDATION:
        url = kpi_url(key, area_code=area_code, start=start, end=end)
        assert listed(user, url) == values[key], (key, url)


def test_links_carry_the_figure_filters(world):
    assert kpi_url("alliances") == "/alliances/?active=true"
    url = kpi_url("core_enterprises", area_code="330112", start=D(2024, 1, 1))
    assert url == "/registry/organizations/?alliance_role=core&paired_area=330112&from=2024-01-01"


def test_every_count_on_the_demo_equals_its_list(demo):
    """On the Lin'an demo, each registered count (not money) equals the length of its list,
    for the superuser and for the county's programme admin."""
    from tianmu.accounts.models import User
    from tianmu.dashboard.selectors import kpi_keys

    county = Area.objects.get(code="330112000000")
    from django_otp.plugins.otp_totp.models import TOTPDevice

    users = [
        User.objects.create(username="root-demo", role="superuser", is_superuser=True),
        User.objects.create(username="admin-demo", role="admin", scope_area=county),
    ]
    for user in users:  # admins sign in with their second factor (conftest's force_login)
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    checked = []
    for user in users:
        values = kpis(user=user)
        for key in kpi_keys():
            value = values[key]
            if not isinstance(value, int) or key.endswith("_yuan"):
                continue
            url = kpi_url(key)
            if url is None:
                continue
            assert listed(user, url) == value, (user.username, key, url)
            checked.append(key)
    assert set(FOUNDATION) <= set(checked)
    assert len(checked) >= 2 * len(FOUNDATION)
