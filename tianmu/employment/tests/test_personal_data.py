"""The full ID number cannot be recovered without a reveal (issue “Trust”, hole 2).

The probe: the mask plus the birth year leaves ~33 candidates, and `GET /people?q=<number>`
confirmed the right one for any role that sees the list. Now exact search is a POST for the
roles that may reveal, logged and rate-limited; a duplicate registration does not tell a
cadre about another county; reveals are rate-limited; admins read the access log; pages and
answers with full values are never cached.
"""

import pytest
from django.test import Client
from django.urls import reverse

from tianmu.accounts.tests.factories import UserFactory
from tianmu.core.context import acting_as
from tianmu.core.tests.api_client import EVERYONE
from tianmu.employment.models import Person, PersonalDataAccess
from tianmu.employment.tests.factories import make_id_number

pytestmark = pytest.mark.django_db

AHUA = "330124198001010024"  # 阿花's number in the `emp` world (v1a, county A)


def client_for(user):
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(user)
    return c


def search(api, who, number=AHUA):
    return api(who, "post", "/people/search", {"id_number": number})


# --- The list's `q` no longer matches numbers ----------------------------------------------------


@pytest.mark.parametrize("who", EVERYONE)
def test_list_query_never_matches_id_numbers_or_phones(api, emp, who):
    for q in (AHUA, AHUA.lower(), "13812345678"):
        r = api(who, "get", "/people", {"q": q})
        assert r.status_code == 200
        assert r.json()["count"] == 0, (who, q)
    assert PersonalDataAccess.objects.count() == 0


def test_list_page_query_never_matches_id_numbers(emp, world):
    r = client_for(world.users["admin"]).get(reverse("employment:person_list"), {"q": AHUA})
    assert "阿花" not in r.content.decode()


# --- POST search: who, logged, limited ----------------------------------------------------------


@pytest.mark.parametrize("who", ["superuser", "admin", "village"])
def test_search_finds_for_roles_that_may_reveal_and_is_logged(api, emp, world, who):
    r = search(api, who)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["count"] == 1
    assert [p["name"] for p in body["items"]] == ["阿花"]
    assert body["items"][0]["id_number"] == "330124********0024"  # still masked
    assert "no-store" in r["Cache-Control"]
    log = PersonalDataAccess.objects.get()
    assert (log.action, log.field, log.person, log.user_name) == (
        "search",
        "id_number",
        emp.ahua,
        world.users[who].username,
    )


@pytest.mark.parametrize("who", ["leader", "town", "enterprise", "bank", "o_leader"])
def test_search_refused_for_roles_that_may_not_reveal(api, emp, who):
    r = search(api, who)
    assert r.status_code == 403
    assert "search by full ID number" in r.json()["detail"]
    assert PersonalDataAccess.objects.count() == 0


@pytest.mark.parametrize("who", ["o_admin", "o_village"])
def test_search_outside_scope_finds_nobody_but_is_logged(api, emp, world, who):
    r = search(api, who)
    assert r.json() == {"count": 0, "items": []}
    log = PersonalDataAccess.objects.get()
    assert (log.action, log.person, log.user_name) == ("search", None, user_name(world, who))


def user_name(world, who):
    return world.outsiders[who[2:]].username if who.startswith("o_") else world.users[who].username


def test_search_takes_no_number_in_the_url(api, emp):
    r = api("admin", "get", "/people/search", {"id_number": AHUA})
    assert r.status_code == 405
    assert PersonalDataAccess.objects.count() == 0


def test_bad_number_is_refused_with_a_message_and_not_logged(api, emp):
    r = search(api, "admin", AHUA[:-1] + ("5" if AHUA[-1] != "5" else "6"))
    assert r.status_code == 400
    assert "check digit" in r.json()["errors"]["id_number"][0]
    r = search(api, "admin", "12345")
    assert r.status_code == 400
    assert PersonalDataAccess.objects.count() == 0


def test_searches_are_rate_limited_per_user(api, emp, settings):
    settings.TIANMU_ID_SEARCHES_PER_HOUR = 3
    # 33 candidates for a mask and a birth year: the fourth guess is already refused.
    candidates = [make_id_number(n, born="19800101") for n in range(10, 14)]
    answers = [search(api, "admin", number).status_code for number in candidates]
    assert answers == [200, 200, 200, 429]
    r = search(api, "admin")
    assert r.status_code == 429
    assert "limit of 3 per hour" in r.json()["detail"]
    assert PersonalDataAccess.objects.filter(action="search").count() == 3
    assert search(api, "superuser").status_code == 200  # the limit is per user


def test_reveals_are_rate_limited_and_never_cached(api, emp, settings):
    settings.TIANMU_REVEALS_PER_HOUR = 2
    path = f"/people/{emp.ahua.pk}/reveal"
    first = api("admin", "post", path, {"field": "id_number"})
    assert first.status_code == 200
    assert "no-store" in first["Cache-Control"]
    assert api("admin", "post", path, {"field": "phone"}).status_code == 200
    r = api("admin", "post", path, {"field": "id_number"})
    assert r.status_code == 429
    assert AHUA not in r.content.decode()
    assert PersonalDataAccess.objects.filter(action="reveal").count() == 2


# --- Duplicates: say only what is inside the user's scope ----------------------------------------


def person_body(world, village):
    return {"name": "重复的人", "village": village.pk, "id_number": AHUA}


def test_duplicate_inside_scope_names_the_person(api, emp, world):
    before = Person.objects.count()
    r = api("village", "post", "/people", person_body(world, world.v1a))
    assert r.status_code == 400
    assert "already registered: 阿花" in r.json()["errors"]["id_number"][0]
    assert Person.objects.count() == before


def test_duplicate_in_another_county_is_not_told(api, emp, world):
    """A cadre of county B types 阿花's number: refused without saying that, or where, it is
    registered; the attempt is logged (without the person) and counts as a search."""
    with acting_as(username="test-setup"):
        cadre_b = UserFactory(username="village_vb", role="village", scope_area=world.vb.area)
    api.world.users["village_vb"] = cadre_b
    before = Person.objects.count()
    r = api("village_vb", "post", "/people", person_body(world, world.vb))
    assert r.status_code == 400
    message = r.json()["errors"]["id_number"][0]
    assert "cannot be registered here" in message
    assert "already" not in message and "阿花" not in message and "临安" not in message
    assert Person.objects.count() == before
    log = PersonalDataAccess.objects.get()
    assert (log.action, log.person, log.user_name) == ("duplicate", None, "village_vb")
    # County B's admin sees the attempt of their cadre; county A's admin does not.
    assert api("o_admin", "get", "/reveals").json()["count"] == 1
    assert api("admin", "get", "/reveals").json()["count"] == 0


def test_duplicate_on_the_page_gives_the_same_generic_message(emp, world):
    with acting_as(username="test-setup"):
        cadre_b = UserFactory(username="village_vb2", role="village", scope_area=world.vb.area)
    r = client_for(cadre_b).post(
        reverse("employment:person_add"),
        {"name": "重复的人", "village": world.vb.pk, "id_number": AHUA},
    )
    page = r.content.decode()
    assert "cannot be registered here" in page
    assert "already registered" not in page and "阿花" not in page


# --- The access log: who reads it -----------------------------------------------------------------


def test_access_log_api_is_scoped_to_programme_admins(api, emp):
    assert search(api, "admin").status_code == 200
    assert (
        api("admin", "post", f"/people/{emp.ahua.pk}/reveal", {"field": "phone"}).status_code == 200
    )
    assert (
        api("village", "post", f"/people/{emp.ahua.pk}/reveal", {"field": "id_number"}).status_code
        == 200
    )
    r = api("admin", "get", "/reveals")
    assert r.status_code == 200
    assert "no-store" in r["Cache-Control"]
    rows = r.json()["items"]
    assert [(row["user"], row["action"], row["field"]) for row in rows] == [
        ("village_v1a", "reveal", "id_number"),
        ("admin_a", "reveal", "phone"),
        ("admin_a", "search", "id_number"),
    ]
    assert rows[0]["person"] == {"id": emp.ahua.pk, "name": "阿花"}
    assert all(row["request_id"] for row in rows)
    filtered = api("admin", "get", "/reveals", {"user": "admin_a", "action": "reveal"}).json()
    assert filtered["count"] == 1
    assert api("superuser", "get", "/reveals").json()["count"] == 3
    assert api("o_admin", "get", "/reveals").json()["count"] == 0
    for who in ["leader", "town", "village", "enterprise", "bank"]:
        assert api(who, "get", "/reveals").status_code == 404, who


def test_access_log_page_for_admins_only(emp, world, api):
    assert (
        api("village", "post", f"/people/{emp.ahua.pk}/reveal", {"field": "id_number"}).status_code
        == 200
    )
    r = client_for(world.users["admin"]).get(reverse("employment:access_log"))
    assert r.status_code == 200
    assert "village_v1a" in r.content.decode()
    assert AHUA not in r.content.decode()
    for who in ["village", "leader", "town"]:
        assert client_for(world.users[who]).get(reverse("employment:access_log")).status_code == 404


# --- Pages ----------------------------------------------------------------------------------------


def test_search_page_posts_and_is_never_cached(emp, world):
    c = client_for(world.users["village"])
    url = reverse("employment:person_search")
    assert c.get(url).status_code == 200
    r = c.post(url, {"id_number": AHUA})
    assert r.status_code == 200
    assert "no-store" in r["Cache-Control"]
    page = r.content.decode()
    assert "阿花" in page and AHUA not in page
    assert PersonalDataAccess.objects.get().action == "search"
    assert client_for(world.users["town"]).get(url).status_code == 404
    assert client_for(world.users["enterprise"]).post(url, {"id_number": AHUA}).status_code == 404


def test_reveal_page_is_never_cached(emp, world):
    c = client_for(world.users["admin"])
    r = c.post(reverse("employment:person_reveal", args=[emp.ahua.pk]), {"field": "id_number"})
    assert AHUA in r.content.decode()
    assert "no-store" in r["Cache-Control"]
    assert "no-store" not in c.get(reverse("employment:person_list")).get("Cache-Control", "")
