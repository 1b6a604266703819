"""Forms that fit the data: the placement form's person and correction selects are searched
on demand (only what the user may choose), not listed; a liaison's own company is filled in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tianmu.core.forms import SEARCH_LIMIT
from tianmu.core.tests.pages import client_for
from tianmu.employment.models import Placement
from tianmu.employment.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def choices(client, q, field="person"):
    url = reverse("forms:choices")
    return client.get(url, {"form": "employment.PlacementForm", "field": field, "q": q})


def test_the_placement_form_lists_no_people_and_searches_them_on_demand(emp, world):
    client = client_for(world.users["village"])
    form = client.get(reverse("employment:placement_add")).content.decode()
    assert "阿花" not in form and "阿明" not in form
    assert 'hx-get="/forms/choices/?form=employment.PlacementForm&amp;field=person"' in form
    found = choices(client, "阿").content.decode()
    # Only the village's own people: 阿青 (示例二村) and 阿富 (county B) are not offered.
    assert f'value="{emp.ahua.pk}">阿花 (望湖村)' in found
    assert f'value="{emp.aming.pk}">阿明 (望湖村)' in found
    assert "阿青" not in found and "阿富" not in found
    assert "2 matches" in found
    assert "No match" in choices(client, "阿富").content.decode()


def test_the_search_answers_at_most_a_page_and_says_so(emp, world):
    from tianmu.core.context import acting_as

    with acting_as(username="test-setup"):
        for i in range(SEARCH_LIMIT + 5):
            PersonFactory(name=f"张{i:02d}", village=world.v1a)
    found = choices(client_for(world.users["village"]), "张").content.decode()
    assert found.count('<option value="') == SEARCH_LIMIT + 1  # the prompt and the page
    assert f"{SEARCH_LIMIT} shown — type more to narrow" in found


def test_a_refused_form_shows_the_chosen_person_again(emp, world):
    client = client_for(world.users["village"])
    before = Placement.objects.count()
    response = client.post(
        reverse("employment:placement_add"),
        {"person": emp.aming.pk, "position": emp.p1.pk, "start": "2025-03-01",
         "end": "2025-02-01", "employment_type": "fixed"},
    )  # fmt: skip
    page = response.content.decode()
    assert f'<option value="{emp.aming.pk}" selected>阿明 (望湖村)</option>' in page
    assert "阿花" not in page
    # A person outside the scope is refused like one that does not exist.
    response = client.post(
        reverse("employment:placement_add"),
        {"person": emp.afu.pk, "position": emp.p1.pk, "start": "2025-03-01",
         "employment_type": "fixed"},
    )  # fmt: skip
    assert "Select a valid choice" in response.content.decode()
    assert Placement.objects.count() == before


def test_unknown_forms_and_fields_are_not_found(emp, world):
    client = client_for(world.users["village"])
    url = reverse("forms:choices")
    assert client.get(url, {"form": "nope.Form", "field": "person"}).status_code == 404
    assert client.get(url, {"form": "employment.PlacementForm", "field": "note"}).status_code == 404
    assert client_for(None).get(url).status_code == 302  # sign in first


def test_an_enterprise_liaison_finds_their_company_filled_in(world):
    page = client_for(world.users["enterprise"]).get(reverse("commerce:purchaseorder_add"))
    html = page.content.decode()
    select = html.split('name="enterprise"', 1)[1].split("</select>", 1)[0]
    assert f'<option value="{world.e1.pk}" selected>{world.e1}</option>' in select
    assert select.count("<option") == 1
