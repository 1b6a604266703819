"""The home page: figures of the user's scope, linked to the lists they count."""

import pytest
from django.urls import reverse

from tianmu.core.tests.pages import ROLES, client_for
from tianmu.dashboard.selectors import kpi_keys

pytestmark = pytest.mark.django_db


def figures(response) -> dict:
    return {f["key"]: f for f in response.context["figures"]}


@pytest.mark.parametrize("role", ROLES)
def test_home_renders_for_every_role(world, role):
    response = client_for(world.users[role]).get(reverse("dashboard:home"))
    assert response.status_code == 200
    assert list(figures(response)) == kpi_keys()


def test_home_figures_follow_the_scope(world):
    admin = figures(client_for(world.users["admin"]).get(reverse("dashboard:home")))
    assert admin["alliances"]["value"] == 2 and admin["villages_paired"]["value"] == 2
    assert admin["core_enterprises"]["value"] == 6
    town = figures(client_for(world.users["town"]).get(reverse("dashboard:home")))
    assert town["alliances"]["value"] == 1 and town["villages_paired"]["value"] == 1


def test_home_figures_link_to_their_lists_with_the_same_filters(world):
    client = client_for(world.users["admin"])
    plain = figures(client.get(reverse("dashboard:home")))
    assert plain["alliances"]["url"] == reverse("alliances:alliance_list") + "?active=true"
    assert str(plain["alliances"]["label"]) == "Alliances with an active pairing"
    narrowed = client.get(reverse("dashboard:home"), {"area": "330112106", "from": "2021-01-01"})
    alliances = figures(narrowed)["alliances"]
    assert alliances["value"] == 1
    assert (
        alliances["url"] == reverse("alliances:alliance_list") + "?area=330112106&from=2021-01-01"
    )
    listed = client.get(alliances["url"]).context["table"].objects
    assert [a.name for a in listed] == ["示例二村共富联盟"]


def test_home_scope_counts(world):
    response = client_for(world.users["village"]).get(reverse("dashboard:home"))
    counts = [c["value"] for c in response.context["scope_counts"]]
    assert counts == [1, 7, 1]  # one village, the seven organisations of A1, one alliance


def test_home_chart_of_villages_per_town(world):
    chart = client_for(world.users["admin"]).get(reverse("dashboard:home")).context["chart"]
    assert chart["labels"] == ["昌化镇", "龙岗镇"]
    assert chart["series"][0]["values"] == [1, 2] and chart["series"][1]["values"] == [1, 1]
    assert client_for(world.users["town"]).get(reverse("dashboard:home")).context["chart"] is None
