"""The employment pages: lists and details per role, masked personal data, the logged reveal,
and bad input shown as a message with nothing written."""

import pytest
from django.test import Client
from django.urls import reverse

from tianmu.employment.models import PersonalDataAccess, Placement

pytestmark = pytest.mark.django_db


def client_for(user):
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(user)
    return c


@pytest.mark.parametrize(
    "name", ["workshop_list", "position_list", "person_list", "placement_list"]
)
def test_lists_render(emp, world, name):
    r = client_for(world.users["admin"]).get(reverse(f"employment:{name}"))
    assert r.status_code == 200


def test_person_page_masks_and_reveal_is_logged(emp, world):
    url = reverse("employment:person_detail", args=[emp.ahua.pk])
    c = client_for(world.users["village"])
    page = c.get(url).content.decode()
    assert "330124********0024" in page
    assert "330124198001010024" not in page
    assert "13812345678" not in page
    assert "31,000.00" in page or "3.10" in page  # 2024 earnings, in 元 or 万元
    r = c.post(reverse("employment:person_reveal", args=[emp.ahua.pk]), {"field": "id_number"})
    assert "330124198001010024" in r.content.decode()
    assert PersonalDataAccess.objects.filter(person=emp.ahua, field="id_number").count() == 1


def test_reveal_button_only_for_those_allowed(emp, world):
    url = reverse("employment:person_detail", args=[emp.ahua.pk])
    page = client_for(world.users["town"]).get(url).content.decode()
    assert "Reveal the ID number" not in page
    r = client_for(world.users["town"]).post(
        reverse("employment:person_reveal", args=[emp.ahua.pk]), {"field": "id_number"}
    )
    assert r.status_code == 302
    assert PersonalDataAccess.objects.count() == 0


def test_outsider_gets_404(emp, world):
    c = client_for(world.outsiders["village"])
    assert c.get(reverse("employment:person_detail", args=[emp.ahua.pk])).status_code == 404
    assert c.get(reverse("employment:workshop_detail", args=[emp.w1.pk])).status_code == 404


def test_placement_form_refuses_end_before_start(emp, world):
    before = Placement.objects.count()
    r = client_for(world.users["village"]).post(
        reverse("employment:placement_add"),
        {"person": emp.aming.pk, "position": emp.p1.pk, "start": "2025-03-01",
         "end": "2025-02-01", "employment_type": "fixed"},
    )  # fmt: skip
    assert r.status_code == 200
    assert "A placement cannot end before it starts." in r.content.decode()
    assert Placement.objects.count() == before


def test_village_confirms_on_the_page(emp, world):
    url = reverse("employment:placement_action", args=[emp.aming_p1.pk, "confirm"])
    client_for(world.users["village"]).post(url)
    emp.aming_p1.refresh_from_db()
    assert emp.aming_p1.confirmation == "confirmed"
