"""Registry pages: every role against every page, inline validation, constant queries."""

import pytest
from django.urls import reverse

from tianmu.core.models import ObjectChange
from tianmu.core.tests.pages import HTMX, ROLES, client_for, count_queries, snapshot
from tianmu.registry.models import Area, ChamberMembership, Organization, Village, VillageIncome
from tianmu.registry.tests.factories import AreaFactory, OrganizationFactory, VillageFactory

pytestmark = pytest.mark.django_db


def rows(response) -> list[str]:
    """The names in the first column of a list page's table."""
    return sorted(str(obj) for obj in response.context["table"].objects)


# --- Lists show exactly the user's scope ----------------------------------------------------

VILLAGES_BY_ROLE = {
    "superuser": ["望湖村", "示例一村", "示例二村", "示例富阳村"],
    "admin": ["望湖村", "示例一村", "示例二村"],
    "leader": ["望湖村", "示例一村", "示例二村"],
    "town": ["望湖村", "示例一村"],
    "village": ["望湖村"],
    "enterprise": ["望湖村"],
    "bank": ["望湖村"],
}


@pytest.mark.parametrize("role", ROLES)
def test_village_list_shows_only_the_scope(world, role):
    response = client_for(world.users[role]).get(reverse("registry:village_list"))
    assert response.status_code == 200
    assert rows(response) == sorted(VILLAGES_BY_ROLE[role])


def test_village_list_for_outsiders(world):
    o = world.outsiders
    assert rows(client_for(o["admin"]).get(reverse("registry:village_list"))) == ["示例富阳村"]
    assert rows(client_for(o["town"]).get(reverse("registry:village_list"))) == ["示例二村"]
    assert rows(client_for(o["village"]).get(reverse("registry:village_list"))) == ["示例一村"]


def test_organization_list_by_role(world):
    u = world.users
    names = rows(client_for(u["village"]).get(reverse("registry:organization_list")))
    assert set(names) == {e.name for e in world.enterprises} | {"龙岗镇商会", "示例农商银行"}
    admin = rows(client_for(u["admin"]).get(reverse("registry:organization_list")))
    assert world.e_b.name not in admin and world.e_other.name in admin
    assert rows(client_for(u["enterprise"]).get(reverse("registry:organization_list"))) == sorted(
        {e.name for e in world.enterprises} | {"龙岗镇商会", "示例农商银行"}
    )


def test_area_list_by_role(world):
    names = rows(client_for(world.users["town"]).get(reverse("registry:area_list")))
    assert names == sorted(["浙江省", "杭州市", "临安区", "龙岗镇", "望湖村", "示例一村"])


def test_lists_filter_search_sort_and_page(world, settings):
    client = client_for(world.users["admin"])
    url = reverse("registry:village_list")
    assert rows(client.get(url, {"q": "望湖"})) == ["望湖村"]
    assert rows(client.get(url, {"area": "330112106"})) == ["示例二村"]
    assert rows(client.get(url, {"active": "false"})) == ["示例一村"]
    ordered = client.get(url, {"ordering": "-name"}).context["table"].objects
    assert [v.name for v in ordered] == sorted(VILLAGES_BY_ROLE["admin"], reverse=True)
    settings.TIANMU_PAGE_SIZE = 2
    second = client.get(url, {"page": 2})
    assert second.context["page_obj"].number == 2
    assert len(second.context["table"].objects) == 1
    orgs = client.get(reverse("registry:organization_list"), {"kind": "chamber"})
    assert rows(orgs) == ["昌化镇商会", "龙岗镇商会"]


def test_list_answers_htmx_with_the_table_only(world):
    client = client_for(world.users["admin"])
    full = client.get(reverse("registry:village_list"))
    partial = client.get(reverse("registry:village_list"), {"q": "望湖"}, **HTMX)
    assert b"<html" in full.content and b'id="filter-form"' in full.content
    assert b"<html" not in partial.content and b'id="filter-form"' not in partial.content
    assert "望湖村" in partial.content.decode()
    assert "HX-Request" in partial["Vary"]


def test_list_pages_run_a_constant_number_of_queries(world):
    client = client_for(world.users["admin"])
    urls = [
        reverse("registry:village_list"),
        reverse("registry:organization_list"),
        reverse("registry:area_list"),
    ]
    before = {}
    for url in urls:
        client.get(url)  # warm caches (content types, session)
        with count_queries() as ctx:
            client.get(url)
        before[url] = len(ctx)
    for i in range(8):
        area = AreaFactory(
            name=f"新村{i}", level="village", code=f"3301121072{i + 10}", parent=world.t1
        )
        VillageFactory(area=area)
        OrganizationFactory(home_town=world.t2)
    for url in urls:
        with count_queries() as ctx:
            response = client.get(url)
        assert len(response.context["table"].objects) > 5
        assert len(ctx) == before[url], url


# --- Details: 404 outside the scope ---------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_village_detail_outside_the_scope_is_404(world, role):
    client = client_for(world.users[role])
    visible = set(VILLAGES_BY_ROLE[role])
    for village in (world.v1a, world.v1b, world.v2a, world.vb):
        for name in ("registry:village_detail", "registry:village_history"):
            response = client.get(reverse(name, args=[village.pk]))
            assert response.status_code == (200 if village.name in visible else 404)


def test_organization_and_area_detail_outside_the_scope_is_404(world):
    town = client_for(world.users["town"])
    assert town.get(reverse("registry:organization_detail", args=[world.e1.pk])).status_code == 200
    assert town.get(reverse("registry:organization_detail", args=[world.e_b.pk])).status_code == 404
    assert town.get(reverse("registry:area_detail", args=[world.t1.pk])).status_code == 200
    assert town.get(reverse("registry:area_detail", args=[world.t2.pk])).status_code == 404


def test_village_detail_shows_incomes_and_pairings(world):
    response = client_for(world.users["leader"]).get(
        reverse("registry:village_detail", args=[world.v1a.pk])
    )
    page = response.content.decode()
    assert "望湖村共富联盟" in page and "Current" in page
    assert "Add income" not in page and "Edit" not in page  # read-only


# --- Editing: who may, and what happens when someone may not -------------------------------


@pytest.mark.parametrize("role", ["leader", "enterprise", "bank"])
def test_village_edit_is_404_without_rights(world, role):
    client = client_for(world.users[role])
    assert client.get(reverse("registry:village_edit", args=[world.v1a.pk])).status_code == 404
    assert client.get(reverse("registry:village_add")).status_code == 404


@pytest.mark.parametrize("role", ["leader", "town", "village", "enterprise", "bank"])
def test_village_create_is_404_for_non_admins(world, role):
    before = snapshot(Village, Area)
    response = client_for(world.users[role]).post(
        reverse("registry:village_add"),
        {"name": "新村", "code": "330112107299", "town": world.t1.pk},
    )
    assert response.status_code == 404
    assert snapshot(Village, Area) == before


@pytest.mark.parametrize("role", ["leader", "enterprise", "bank"])
def test_unauthorised_village_post_changes_nothing(world, role):
    before = snapshot(Village, Area)
    response = client_for(world.users[role]).post(
        reverse("registry:village_edit", args=[world.v1a.pk]),
        {"name": "改名村", "code": world.v1a.code, "town": world.t1.pk, "population": 1},
    )
    assert response.status_code == 404
    assert snapshot(Village, Area) == before
    world.v1a.area.refresh_from_db()
    assert world.v1a.area.name == "望湖村"


def test_outsider_town_officer_cannot_edit(world):
    before = snapshot(Village, Area)
    client = client_for(world.outsiders["town"])
    response = client.post(
        reverse("registry:village_edit", args=[world.v1a.pk]),
        {"name": "改名村", "town": world.t1.pk},
    )
    assert response.status_code == 404
    assert snapshot(Village, Area) == before


def test_village_cadre_edits_own_village(world):
    client = client_for(world.users["village"])
    url = reverse("registry:village_edit", args=[world.v1a.pk])
    data = {
        "name": "望湖村",
        "code": world.v1a.code,
        "town": world.t1.pk,
        "population": 1500,
        "households": 500,
        "low_income_households": 12,
        "main_products": "茶叶，笋干",
    }
    response = client.post(url, data, **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("registry:village_detail", args=[world.v1a.pk])
    world.v1a.refresh_from_db()
    assert world.v1a.population == 1500
    assert world.v1a.main_products == ["茶叶", "笋干"]
    change = ObjectChange.objects.get(
        content_type__model="village", object_id=str(world.v1a.pk), action="update"
    )
    assert change.user_name == "village_v1a" and change.request_id


def test_admin_creates_a_village(world):
    client = client_for(world.users["admin"])
    response = client.post(
        reverse("registry:village_add"),
        {"name": "新建村", "code": "330112107299", "town": world.t1.pk, "population": 800},
    )
    village = Village.objects.get(area__name="新建村")
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:village_detail", args=[village.pk])
    assert village.area.parent == world.t1 and village.area.level == "village"


def test_village_code_must_have_12_digits(world):
    client = client_for(world.users["admin"])
    before = snapshot(Village, Area)
    response = client.post(
        reverse("registry:village_add"),
        {"name": "新建村", "code": "33011210", "town": world.t1.pk},
        **HTMX,
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "12 digits" in form.errors["code"][0]
    page = response.content.decode()
    assert "<html" not in page and "is-invalid" in page and "12 digits" in page
    assert snapshot(Village, Area) == before


def test_validation_errors_come_in_the_users_language(world):
    client = client_for(world.users["admin"], language="zh-hans")
    before = snapshot(Village, Area)
    response = client.post(
        reverse("registry:village_add"),
        {"name": "新建村", "code": "33011210", "town": world.t1.pk},
        **HTMX,
    )
    assert "12 位数字" in response.content.decode()
    assert snapshot(Village, Area) == before


def test_bad_credit_code_is_an_inline_error(world):
    client = client_for(world.users["town"])
    before = snapshot(Organization)
    response = client.post(
        reverse("registry:organization_add"),
        {"kind": "enterprise", "name": "新企业", "credit_code": "91330112000000000X", **{}},
        **HTMX,
    )
    assert response.status_code == 200
    assert "not a valid unified social credit code" in response.content.decode()
    assert snapshot(Organization) == before


def test_town_officer_creates_an_enterprise_in_their_town(world):
    client = client_for(world.users["town"])
    response = client.post(
        reverse("registry:organization_add"),
        {"kind": "enterprise", "name": "龙岗新企业", "home_town": world.t1.pk},
        **HTMX,
    )
    org = Organization.objects.get(name="龙岗新企业")
    assert response["HX-Redirect"] == reverse("registry:organization_detail", args=[org.pk])


def test_town_officer_cannot_place_an_enterprise_in_another_town(world):
    client = client_for(world.users["town"])
    before = snapshot(Organization)
    response = client.post(
        reverse("registry:organization_add"),
        {"kind": "enterprise", "name": "别处企业", "home_town": world.t2.pk},
        **HTMX,
    )
    assert "home_town" in response.context["form"].errors  # not one of their choices
    assert snapshot(Organization) == before


def test_organization_form_marks_kind_specific_fields(world):
    response = client_for(world.users["admin"]).get(reverse("registry:organization_add"))
    page = response.content.decode()
    assert 'data-kinds="enterprise"' in page and 'data-kinds="partner"' in page


def test_delete_protected_organization_keeps_it(world):
    client = client_for(world.users["admin"])
    before = snapshot(Organization)
    response = client.post(reverse("registry:organization_delete", args=[world.e1.pk]))
    assert response.status_code == 302
    assert snapshot(Organization) == before
    assert (
        client.get(reverse("registry:organization_delete", args=[world.e1.pk])).status_code == 200
    )
    leader = client_for(world.users["leader"])
    assert (
        leader.post(reverse("registry:organization_delete", args=[world.e1.pk])).status_code == 404
    )


def test_admin_deletes_an_unused_area(world):
    spare = AreaFactory(name="空镇", level="town", code="330112199000", parent=world.county)
    response = client_for(world.users["admin"]).post(
        reverse("registry:area_delete", args=[spare.pk])
    )
    assert response["Location"] == reverse("registry:area_list")
    assert not Area.objects.filter(pk=spare.pk).exists()
    deleted = ObjectChange.objects.filter(content_type__model="area", object_id=str(spare.pk))
    assert deleted.filter(action="delete").count() == 1


# --- Sections: incomes and chamber members ---------------------------------------------------


def test_village_income_added_inline(world):
    client = client_for(world.users["village"])
    url = reverse("registry:villageincome_add", args=[world.v1a.pk])
    response = client.post(url, {"year": 2024, "amount_yuan": "350000"}, **HTMX)
    assert response.status_code == 200
    assert "<html" not in response.content.decode() and "2024" in response.content.decode()
    assert world.v1a.incomes.get().year == 2024
    before = snapshot(VillageIncome)
    again = client.post(url, {"year": 2024, "amount_yuan": "1"}, **HTMX)
    assert (
        "year" in again.context["income_form"].errors
        or again.context["income_form"].non_field_errors()
    )
    assert snapshot(VillageIncome) == before


def test_village_income_cannot_be_added_to_another_village(world):
    before = snapshot(VillageIncome)
    client = client_for(world.users["village"])
    url = reverse("registry:villageincome_add", args=[world.v1a.pk])
    client.post(url, {"year": 2024, "amount_yuan": "1", "village": world.v1b.pk}, **HTMX)
    assert VillageIncome.objects.get().village == world.v1a  # the URL decides, not the form
    other = reverse("registry:villageincome_add", args=[world.v1b.pk])
    assert client.post(other, {"year": 2024, "amount_yuan": "1"}).status_code == 404
    leader = client_for(world.users["leader"])
    assert leader.post(url, {"year": 2023, "amount_yuan": "1"}).status_code == 404
    assert snapshot(VillageIncome) == (before[0] + 1, before[1] + 1)


def test_chamber_members_list_and_add(world):
    client = client_for(world.users["town"])
    url = reverse("registry:chambermembership_add", args=[world.c1.pk])
    response = client.post(url, {"enterprise": world.e1.pk}, **HTMX)
    assert response.status_code == 200
    assert world.e1.name in response.content.decode()
    assert ChamberMembership.objects.get().chamber == world.c1
    detail = client.get(reverse("registry:organization_detail", args=[world.c1.pk]))
    assert world.e1.name in detail.content.decode()
    before = snapshot(ChamberMembership)
    leader = client_for(world.users["leader"])
    assert leader.post(url, {"enterprise": world.e1.pk}).status_code == 404
    assert snapshot(ChamberMembership) == before


# --- History ---------------------------------------------------------------------------------


def test_history_tab_shows_a_change(world):
    client = client_for(world.users["admin"])
    client.post(
        reverse("registry:village_edit", args=[world.v1a.pk]),
        {
            "name": "望湖村",
            "code": world.v1a.code,
            "town": world.t1.pk,
            "population": 2222,
            "households": 400,
            "low_income_households": 20,
        },
    )
    response = client.get(reverse("registry:village_history", args=[world.v1a.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "admin_a" in page and "Population" in page and "1200" in page and "2222" in page
    entry = response.context["entries"][0]
    assert [(str(label), b, a) for label, b, a in entry["rows"]] == [("population", 1200, 2222)]
    assert entry["change"].request_id
