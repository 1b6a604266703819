"""Alliance pages: scope per role, the member/pairing sections, the rule check, history."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tianmu.alliances.models import Alliance, AllianceMember, Pairing, Program
from tianmu.alliances.tests.factories import (
    AllianceFactory,
    AllianceMemberFactory,
    PairingFactory,
)
from tianmu.core.context import acting_as
from tianmu.core.models import ObjectChange
from tianmu.core.tests.pages import HTMX, ROLES, client_for, count_queries, snapshot
from tianmu.registry.tests.factories import AreaFactory, OrganizationFactory, VillageFactory

pytestmark = pytest.mark.django_db

A1, A2, AB = "望湖村共富联盟", "示例二村共富联盟", "富阳共富联盟"
ALLIANCES_BY_ROLE = {
    "superuser": [A1, A2, AB],
    "admin": [A1, A2],
    "leader": [A1, A2],
    "town": [A1],
    "village": [A1],
    "enterprise": [A1],
    "bank": [A1],
}
WRITES = (Alliance, AllianceMember, Pairing, Program)


def names(response) -> list[str]:
    return sorted(str(obj) for obj in response.context["table"].objects)


def url(name, *args):
    return reverse(f"alliances:{name}", args=args)


@pytest.fixture
def a3(world):
    """A new draft alliance in programme P, no members, no pairing."""
    with acting_as(username="test-setup"):
        return AllianceFactory(program=world.program, name="新联盟")


# --- Lists and details by role ---------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_alliance_list_shows_only_the_scope(world, role):
    response = client_for(world.users[role]).get(url("alliance_list"))
    assert names(response) == sorted(ALLIANCES_BY_ROLE[role])


@pytest.mark.parametrize("role", ROLES)
def test_alliance_detail_outside_the_scope_is_404(world, role):
    client = client_for(world.users[role])
    for alliance in (world.a1, world.a2, world.ab):
        expected = 200 if alliance.name in ALLIANCES_BY_ROLE[role] else 404
        for name in ("alliance_detail", "alliance_history", "alliance_rules"):
            assert client.get(url(name, alliance.pk)).status_code == expected, (name, alliance)


def test_outsiders_see_their_own_alliances(world):
    o = world.outsiders
    assert names(client_for(o["enterprise"]).get(url("alliance_list"))) == [AB]
    assert names(client_for(o["village"]).get(url("alliance_list"))) == []
    assert client_for(o["admin"]).get(url("alliance_detail", world.a1.pk)).status_code == 404


def test_pairing_and_program_lists_by_role(world):
    u = world.users
    bank = client_for(u["bank"]).get(url("pairing_list"))
    assert list(bank.context["table"].objects) == [world.p1]
    town_b = client_for(world.outsiders["town"]).get(url("pairing_list"))
    assert list(town_b.context["table"].objects) == [world.p2]
    assert client_for(u["bank"]).get(url("pairing_detail", world.p2.pk)).status_code == 404
    assert names(client_for(u["village"]).get(url("program_list"))) == ["天目共富联盟 测试"]
    admin_b = client_for(world.outsiders["admin"])
    assert admin_b.get(url("program_detail", world.program.pk)).status_code == 404


def test_alliance_list_accepts_the_home_page_filters(world):
    client = client_for(world.users["admin"])
    assert names(client.get(url("alliance_list"), {"area": "330112106"})) == [A2]
    period = {"from": "2021-01-01", "to": "2021-12-31"}
    assert names(client.get(url("alliance_list"), period)) == [A1, A2]
    with acting_as(username="test-setup"):
        world.p2.end = datetime.date(2020, 6, 30)
        world.p2.save()
    assert names(client.get(url("alliance_list"), period)) == [A1]


def test_list_pages_run_a_constant_number_of_queries(world):
    client = client_for(world.users["admin"])
    pages = [url("alliance_list"), url("pairing_list"), url("program_list")]
    before = {}
    for page in pages:
        client.get(page)
        with count_queries() as ctx:
            client.get(page)
        before[page] = len(ctx)
    with acting_as(username="test-setup"):
        for i in range(6):
            area = AreaFactory(
                name=f"新村{i}", level="village", code=f"3301121073{i + 10}", parent=world.t1
            )
            village = VillageFactory(area=area)
            alliance = AllianceFactory(program=world.program, name=f"联盟{i}")
            AllianceMemberFactory(alliance=alliance, organization=world.c1, role="chamber")
            PairingFactory(alliance=alliance, village=village)
    for page in pages:
        with count_queries() as ctx:
            response = client.get(page)
        assert len(ctx) == before[page], page
    assert len(response.context["table"].objects) >= 1


def test_alliance_list_shows_village_and_member_count(world):
    response = client_for(world.users["admin"]).get(url("alliance_list"), {"q": "望湖"})
    [a1] = response.context["table"].objects
    assert (a1.current_village, a1.member_count) == ("望湖村", 7)


# --- Read-only roles and outsiders change nothing -------------------------------------------


@pytest.mark.parametrize("role", ["leader", "town", "village", "enterprise", "bank"])
def test_alliance_page_has_no_edit_controls_without_rights(world, role):
    page = client_for(world.users[role]).get(url("alliance_detail", world.a1.pk))
    html = page.content.decode()
    assert page.context["can_edit"] is False
    assert 'id="member-form"' not in html and "alliancemember_end" not in html
    assert "/members/" not in html and "Edit" not in html


@pytest.mark.parametrize("role", ["leader", "town", "village", "enterprise", "bank"])
def test_unauthorised_writes_are_404_and_change_nothing(world, role, a3):
    client = client_for(world.users[role])
    member = world.a1.members.first()
    new_org = world.enterprises[1]
    before = snapshot(*WRITES)
    attempts = [
        (url("alliance_add"), {"program": world.program.pk, "name": "X", "status": "draft"}),
        (url("alliance_edit", world.a1.pk), {"program": world.program.pk, "name": "X"}),
        (url("alliance_delete", a3.pk), {}),
        (url("program_add"), {"name": "X", "area": world.county.pk, "start": "2024-01-01"}),
        (url("alliancemember_add", a3.pk), {"organization": new_org.pk, "role": "core"}),
        (url("alliancemember_end", member.pk), {"end": "2024-01-01"}),
        (url("alliance_pair", a3.pk), {"village": world.v1b.pk, "start": "2024-01-01"}),
        (url("pairing_end", world.p1.pk), {"end": "2024-01-01"}),
        (url("pairing_add"), {"alliance": a3.pk, "village": world.v1b.pk, "start": "2024-01-01"}),
    ]
    for target, data in attempts:
        assert client.post(target, data, **HTMX).status_code == 404, target
        assert client.get(target).status_code in (404, 405), target
    assert snapshot(*WRITES) == before


def test_outsider_admin_cannot_touch_another_county(world):
    client = client_for(world.outsiders["admin"])
    before = snapshot(*WRITES)
    org = world.enterprises[1]
    post = client.post(url("alliancemember_add", world.a2.pk), {"organization": org.pk})
    assert post.status_code == 404
    assert client.post(url("pairing_end", world.p1.pk), {"end": "2024-01-01"}).status_code == 404
    assert snapshot(*WRITES) == before


# --- Creating an alliance under a programme ---------------------------------------------------


def test_program_page_explains_the_rules_and_offers_add_alliance(world):
    page = client_for(world.users["admin"]).get(url("program_detail", world.program.pk))
    html = page.content.decode()
    assert "5+1+X" in html and "5 core enterprises" in html
    assert f"{url('alliance_add')}?program={world.program.pk}" in html
    assert A1 in html and A2 in html
    leader = client_for(world.users["leader"]).get(url("program_detail", world.program.pk))
    assert url("alliance_add") not in leader.content.decode()


def test_admin_creates_an_alliance(world):
    client = client_for(world.users["admin"])
    form = client.get(url("alliance_add"), {"program": world.program.pk}).context["form"]
    assert form.initial["program"] == str(world.program.pk)
    response = client.post(
        url("alliance_add"),
        {"program": world.program.pk, "name": "新建联盟", "status": "draft"},
        **HTMX,
    )
    alliance = Alliance.objects.get(name="新建联盟")
    assert response["HX-Redirect"] == url("alliance_detail", alliance.pk)


def test_new_alliance_cannot_start_active(world):
    client = client_for(world.users["admin"])
    before = snapshot(*WRITES)
    response = client.post(
        url("alliance_add"),
        {"program": world.program.pk, "name": "新建联盟", "status": "active"},
        **HTMX,
    )
    assert "starts as a draft" in response.content.decode()
    assert snapshot(*WRITES) == before


# --- Members -----------------------------------------------------------------------------------


def test_add_member_returns_the_section_and_refreshes_the_rules(world):
    client = client_for(world.users["admin"])
    org = OrganizationFactory(home_town=world.t2, name="昌化新企业")
    response = client.post(
        url("alliancemember_add", world.a2.pk),
        {"organization": org.pk, "role": "core", "function": "resource", "start": "2020-01-01"},
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="members"') and "昌化新企业" in html
    assert "rules-changed" in response["HX-Trigger"]
    member = world.a2.members.get(organization=org)
    assert (member.role, member.function) == ("core", "resource")
    change = ObjectChange.objects.get(
        content_type__model="alliancemember", object_id=str(member.pk), action="create"
    )
    assert change.user_name == "admin_a"


def test_member_added_twice_is_an_inline_error(world):
    client = client_for(world.users["admin"])
    before = snapshot(*WRITES)
    response = client.post(
        url("alliancemember_add", world.a1.pk),
        {"organization": world.e1.pk, "role": "core", "start": "2021-01-01"},
        **HTMX,
    )
    assert "already a member of this alliance" in response.content.decode()
    assert "HX-Trigger" not in response
    assert snapshot(*WRITES) == before


def test_non_local_chamber_is_an_inline_error(world):
    client = client_for(world.users["admin"])
    before = snapshot(*WRITES)
    response = client.post(
        url("alliancemember_add", world.a1.pk),
        {"organization": world.c2.pk, "role": "chamber", "start": "2021-01-01"},
        **HTMX,
    )
    assert "is not local to 龙岗镇" in response.content.decode()
    assert snapshot(*WRITES) == before


def test_member_errors_in_chinese(world):
    client = client_for(world.users["admin"], language="zh-hans")
    before = snapshot(*WRITES)
    response = client.post(
        url("alliancemember_add", world.a1.pk),
        {"organization": world.e1.pk, "role": "core", "start": "2021-01-01"},
        **HTMX,
    )
    html = response.content.decode()
    assert "already a member" not in html and "已" in html
    assert snapshot(*WRITES) == before


def test_end_member_keeps_it_as_history(world):
    client = client_for(world.users["admin"])
    member = world.a1.members.get(organization=world.bank)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(
        url("alliancemember_end", member.pk), {"end": yesterday.isoformat()}, **HTMX
    )
    assert "rules-changed" in response["HX-Trigger"]
    member.refresh_from_db()
    assert member.end == yesterday
    assert member in response.context["ended_members"]
    assert "ended membership" in response.content.decode()
    rules = client.get(url("alliance_rules", world.a1.pk)).content.decode()
    assert "Needs 1 more cooperating unit." in rules


def test_end_before_start_is_an_inline_error(world):
    client = client_for(world.users["admin"])
    member = world.a1.members.first()
    before = snapshot(*WRITES)
    response = client.post(url("alliancemember_end", member.pk), {"end": "2019-01-01"}, **HTMX)
    assert "The end date cannot be before the start date." in response.content.decode()
    assert "HX-Trigger" not in response
    member.refresh_from_db()
    assert member.end is None
    assert snapshot(*WRITES) == before


def test_members_are_never_deleted(world):
    assert not [p for p in reverse_names() if p.startswith("alliancemember_delete")]


def reverse_names():
    from tianmu.alliances.urls import urlpatterns

    return [p.name for p in urlpatterns]


# --- Pairings ----------------------------------------------------------------------------------


def test_pair_with_a_village(world, a3):
    client = client_for(world.users["admin"])
    response = client.post(
        url("alliance_pair", a3.pk),
        {"village": world.v1b.pk, "start": "2024-01-01", "alliance": world.a2.pk},
        **HTMX,
    )
    assert "rules-changed" in response["HX-Trigger"]
    pairing = Pairing.objects.get(alliance=a3)  # the URL's alliance, whatever the form said
    assert pairing.village == world.v1b
    assert response.content.decode().lstrip().startswith('<section id="pairings"')


def test_overlapping_pairing_is_an_inline_error(world, a3):
    client = client_for(world.users["admin"])
    before = snapshot(*WRITES)
    response = client.post(
        url("alliance_pair", a3.pk), {"village": world.v1a.pk, "start": "2024-01-01"}, **HTMX
    )
    assert "is already paired with “望湖村共富联盟”" in response.content.decode()
    assert snapshot(*WRITES) == before


def test_end_pairing(world):
    client = client_for(world.users["admin"])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(url("pairing_end", world.p2.pk), {"end": yesterday.isoformat()}, **HTMX)
    assert "rules-changed" in response["HX-Trigger"]
    world.p2.refresh_from_db()
    assert world.p2.end == yesterday
    assert response.context["current_pairing"] is None
    assert "Not paired with a village now." in response.content.decode()
    bad = client.post(url("pairing_end", world.p1.pk), {"end": "2019-12-31"}, **HTMX)
    assert "cannot be before the start date" in bad.content.decode()


def test_pairing_add_page(world, a3):
    client = client_for(world.users["admin"])
    response = client.post(
        url("pairing_add"), {"alliance": a3.pk, "village": world.v1b.pk, "start": "2024-01-01"}
    )
    pairing = Pairing.objects.get(alliance=a3)
    assert response["Location"] == url("pairing_detail", pairing.pk)


def test_village_page_shows_pairing_history(world):
    with acting_as(username="test-setup"):
        old = AllianceFactory(program=world.program, name="旧联盟")
        PairingFactory(
            alliance=old,
            village=world.v1b,
            start=datetime.date(2020, 1, 1),
            end=datetime.date(2020, 12, 31),
        )
    page = client_for(world.users["town"]).get(
        reverse("registry:village_detail", args=[world.v1b.pk])
    )
    html = page.content.decode()
    assert "旧联盟" in html and "Ended" in html


# --- Rule check ------------------------------------------------------------------------------


def test_rule_check_panel(world):
    client = client_for(world.users["leader"])
    ok = client.get(url("alliance_detail", world.a1.pk)).content.decode()
    assert "OK" in ok and "alert-success" in ok
    bad = client.get(url("alliance_rules", world.a2.pk)).content.decode()
    assert "Needs 4 more core enterprises (has 1 of 5)." in bad
    assert 'hx-trigger="rules-changed from:body"' in bad


def test_rule_check_in_chinese(world):
    html = client_for(world.users["admin"], "zh-hans").get(url("alliance_rules", world.a2.pk))
    assert "Needs" not in html.content.decode()


# --- History -----------------------------------------------------------------------------------


def test_alliance_history_shows_member_changes(world):
    client = client_for(world.users["admin"])
    member = world.a1.members.get(organization=world.bank)
    client.post(url("alliancemember_end", member.pk), {"end": "2024-06-30"})
    response = client.get(url("alliance_history", world.a1.pk))
    html = response.content.decode()
    assert response.status_code == 200
    first = response.context["entries"][0]
    assert first["is_related"] and first["change"].user_name == "admin_a"
    assert [(str(label), b, a) for label, b, a in first["rows"]] == [("end", "—", "2024-06-30")]
    assert "示例农商银行" in html and "admin_a" in html


def test_history_names_referenced_objects(world):
    client = client_for(world.users["admin"])
    client.post(
        url("alliance_edit", world.a2.pk),
        {"program": world.program.pk, "name": "改名联盟", "status": "draft", "positioning": "茶"},
    )
    entry = client.get(url("alliance_history", world.a2.pk)).context["entries"][0]
    rows = {str(label): (before, after) for label, before, after in entry["rows"]}
    assert rows["name"] == (A2, "改名联盟")
    assert rows["industry positioning"] == ("—", "茶")
