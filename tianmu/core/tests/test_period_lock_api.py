"""Period locks from the API and the page: programme admins lock a month for their county or
one of its towns and lift a lock with a reason (logged); everyone else reads or gets 404;
every bad input writes nothing and says why in the user's language."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tianmu.core.context import acting_as
from tianmu.core.models import ObjectChange
from tianmu.core.periodlocks import PeriodLock
from tianmu.core.services import object_save
from tianmu.core.tests.api_client import ApiClient
from tianmu.events.models import Event
from tianmu.events.tests.factories import EventFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def api(world):
    return ApiClient(world)


def state() -> tuple[int, int]:
    return PeriodLock.objects.count(), ObjectChange.objects.count()


def lock(api, who, area, month, **extra):
    return api(who, "post", "/period-locks", {"area": area, "month": month, **extra})


def test_an_admin_locks_a_month_for_the_county_and_for_a_town(api, world):
    r = lock(api, "admin", "330112", "2025-10", reason="十月结账")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["area"] == {
        "id": world.county.pk, "code": "330112000000", "name": "临安区", "level": "county",
    }  # fmt: skip
    assert (body["month"], body["reason"], body["active"]) == ("2025-10", "十月结账", True)
    assert body["locked_by"] == "admin_a" and body["unlocked_at"] is None
    r = lock(api, "admin", "330112106", "2025-09")  # 昌化镇, a town of the county
    assert r.status_code == 201, r.content
    assert r.json()["area"]["name"] == "昌化镇"
    assert set(PeriodLock.objects.values_list("area__name", "month")) == {
        ("临安区", D(2025, 10, 1)),
        ("昌化镇", D(2025, 9, 1)),
    }
    # A superuser locks anywhere: county B's town.
    r = lock(api, "superuser", "330111001000", "2025-10")
    assert r.status_code == 201, r.content


def test_a_town_lock_covers_its_villages_and_not_the_other_town(api, world):
    assert lock(api, "admin", "330112107", "2024-07").status_code == 201  # 龙岗镇
    admin = world.users["admin"]
    with acting_as(username="test"):
        in_t2 = EventFactory(title="昌化", village=world.v2a, date=D(2024, 7, 3))
    new = Event(kind="lecture", title="龙岗", village=world.v1b, date=D(2024, 7, 20))
    with pytest.raises(ValidationError, match="2024-07 is locked for 龙岗镇"):
        object_save(user=admin, instance=new)
    in_t2.title = "昌化改"
    object_save(user=admin, instance=in_t2)  # 昌化镇 is open


def test_the_list_shows_each_role_the_locks_over_and_inside_its_area(api, world):
    with acting_as(username="test-setup"):
        county = PeriodLock.objects.create(area=world.county, month=D(2025, 1, 1))
        t1 = PeriodLock.objects.create(area=world.t1, month=D(2025, 2, 1))
        t2 = PeriodLock.objects.create(area=world.t2, month=D(2025, 3, 1))
        b = PeriodLock.objects.create(area=world.county_b, month=D(2025, 1, 1))

    def ids(who):
        r = api(who, "get", "/period-locks")
        assert r.status_code == 200, r.content
        assert r.json()["count"] == len(r.json()["items"])
        return {i["id"] for i in r.json()["items"]}

    assert ids("admin") == ids("leader") == {county.pk, t1.pk, t2.pk}
    assert ids("town") == ids("village") == {county.pk, t1.pk}  # 龙岗镇 and its villages
    assert ids("o_admin") == {b.pk}
    assert ids("enterprise") == ids("bank") == set()
    assert ids("superuser") == {county.pk, t1.pk, t2.pk, b.pk}
    # Newest month first.
    months = [i["month"] for i in api("admin", "get", "/period-locks").json()["items"]]
    assert months == ["2025-03", "2025-02", "2025-01"]


@pytest.mark.parametrize(
    ("body", "field", "english", "chinese"),
    [
        ({"area": "330112", "month": "2025-13"}, "month",
         "Give the month as YYYY-MM, e.g. 2025-10.", "请按 YYYY-MM 填写月份，例如 2025-10。"),
        ({"area": "330112", "month": "十月"}, "month",
         "Give the month as YYYY-MM, e.g. 2025-10.", "请按 YYYY-MM 填写月份，例如 2025-10。"),
        ({"area": "330112", "month": "2099-01"}, "month",
         "Only a month that has begun can be locked.", "只能锁定已经开始的月份。"),
        ({"area": "999999", "month": "2025-10"}, "area",
         "No area has the division code “999999”.", "没有区划代码为“999999”的地区。"),
        ({"area": "330111", "month": "2025-10"}, "area",
         "富阳区 is not in your area.", "富阳区不在您的管辖范围内。"),
        ({"area": "330112107201", "month": "2025-10"}, "area",
         "A month is locked for a county or a town; 望湖村 is neither.",
         "只能为区县或乡镇锁定月份；望湖村两者都不是。"),
        ({"month": "2025-10"}, "area", "This field is required.", "这个字段是必填项。"),
    ],
)  # fmt: skip
def test_bad_locks_write_nothing_and_say_why_in_both_languages(
    api, world, body, field, english, chinese
):
    before = state()
    r = api("admin", "post", "/period-locks", body)
    assert r.status_code == 400, r.content
    assert r.json()["errors"] == {field: [english]}
    r = api("admin", "post", "/period-locks", body, lang="zh-hans")
    assert r.status_code == 400
    assert r.json()["errors"] == {field: [chinese]}
    assert state() == before


def test_a_second_lock_of_the_same_month_is_refused(api, world):
    assert lock(api, "admin", "330112", "2025-10").status_code == 201
    before = state()
    r = lock(api, "admin", "330112", "2025-10")
    assert r.status_code == 400
    assert r.json()["errors"] == {"month": ["2025-10 is already locked for 临安区."]}
    body = {"area": "330112107", "month": "2025-10"}  # a town: the county holds the month
    r = api("admin", "post", "/period-locks", body, lang="zh-hans")
    assert r.json()["errors"] == {"month": ["2025-10 已为临安区锁定。"]}
    assert state() == before


@pytest.mark.parametrize("who", ["leader", "town", "village", "enterprise", "bank", "o_admin"])
def test_only_a_programme_admin_locks_or_unlocks(api, world, who):
    with acting_as(username="test-setup"):
        held = PeriodLock.objects.create(area=world.county, month=D(2025, 1, 1))
    before = state()
    # Another county's admin may lock, but not here: the area is outside theirs (400).
    assert lock(api, who, "330112", "2025-10").status_code == (400 if who == "o_admin" else 404)
    r = api(who, "post", f"/period-locks/{held.pk}/unlock", {"reason": "想改"})
    assert r.status_code == 404
    assert state() == before
    held.refresh_from_db()
    assert held.is_active


def test_unlocking_needs_a_reason_and_is_logged(api, world):
    r = lock(api, "admin", "330112107", "2025-10")
    pk = r.json()["id"]
    before = state()
    for body in ({}, {"reason": "  "}):
        r = api("admin", "post", f"/period-locks/{pk}/unlock", body)
        assert r.status_code == 400
        assert r.json()["errors"] == {"reason": ["Say why the month is unlocked."]}
    r = api("admin", "post", f"/period-locks/{pk}/unlock", {}, lang="zh-hans")
    assert r.json()["errors"] == {"reason": ["请说明解锁的原因。"]}
    assert state() == before

    r = api("admin", "post", f"/period-locks/{pk}/unlock", {"reason": "补录漏报的工资"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["active"], body["unlocked_by"], body["unlock_reason"]) == (
        False, "admin_a", "补录漏报的工资",
    )  # fmt: skip
    assert body["unlocked_at"] is not None
    change = ObjectChange.objects.filter(
        content_type__model="periodlock", object_id=str(pk), action="update"
    ).get()
    assert change.user_name == "admin_a"
    assert change.after["unlock_reason"] == "补录漏报的工资"
    assert change.before["unlock_reason"] == ""
    # Lifted: the month is open again, and may be locked again.
    new = Event(kind="lecture", title="补录", village=world.v1a, date=D(2025, 10, 9))
    object_save(user=world.users["admin"], instance=new)
    r = api("admin", "post", f"/period-locks/{pk}/unlock", {"reason": "再来"})
    assert r.status_code == 400
    assert r.json()["errors"] == {"__all__": ["This lock has already been lifted."]}
    assert lock(api, "admin", "330112107", "2025-10").status_code == 201


def test_the_change_log_page_shows_the_unlock_reason(api, world, client):
    pk = lock(api, "admin", "330112", "2025-10").json()["id"]
    api("admin", "post", f"/period-locks/{pk}/unlock", {"reason": "补录漏报的工资"})
    client.force_login(world.users["admin"])
    r = client.get(reverse("changes:change_list"), {"model": "core.periodlock"})
    assert r.status_code == 200
    assert "补录漏报的工资" in r.content.decode()


# --- the page ---------------------------------------------------------------------------------


def page_client(world, who) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(world.users[who])
    return c


def test_the_page_locks_and_unlocks_for_an_admin(world):
    c = page_client(world, "admin")
    url = reverse("periodlocks:periodlock_list")
    r = c.post(url, {"area": "330112107", "month": "2025-10", "reason": "结账"})
    assert r.status_code == 302
    held = PeriodLock.objects.get()
    assert (held.area, held.month, held.locked_by) == (
        world.t1,
        D(2025, 10, 1),
        world.users["admin"],
    )
    r = c.get(url)
    html = r.content.decode()
    assert "龙岗镇" in html and "2025-10" in html and 'id="lock-form"' in html
    unlock = reverse("periodlocks:periodlock_unlock", args=[held.pk])
    assert unlock in html
    # Without a reason: the form says so, nothing changes.
    before = state()
    r = c.post(unlock, {f"u{held.pk}-reason": ""})
    assert r.status_code == 400
    assert "Say why the month is unlocked." in r.content.decode()
    assert state() == before
    r = c.post(url, {"area": "330112107", "month": "2025-10"})  # again
    assert r.status_code == 400
    assert "2025-10 is already locked for 龙岗镇." in r.content.decode()
    assert state() == before
    r = c.post(unlock, {f"u{held.pk}-reason": "补录"})
    assert r.status_code == 302
    held.refresh_from_db()
    assert (held.is_active, held.unlock_reason) == (False, "补录")


def test_the_page_is_read_only_for_leaders_and_town_officers(world):
    with acting_as(username="test-setup"):
        held = PeriodLock.objects.create(area=world.t1, month=D(2025, 1, 1))
    for who in ("leader", "town"):
        c = page_client(world, who)
        r = c.get(reverse("periodlocks:periodlock_list"))
        html = r.content.decode()
        assert r.status_code == 200 and "龙岗镇" in html
        assert 'id="lock-form"' not in html
        assert reverse("periodlocks:periodlock_unlock", args=[held.pk]) not in html
        before = state()
        assert c.post(reverse("periodlocks:periodlock_list"),
                      {"area": "330112", "month": "2025-10"}).status_code == 404  # fmt: skip
        r = c.post(reverse("periodlocks:periodlock_unlock", args=[held.pk]),
                   {f"u{held.pk}-reason": "x"})  # fmt: skip
        assert r.status_code == 404
        assert state() == before
    assert (
        page_client(world, "enterprise").get(reverse("periodlocks:periodlock_list")).status_code
        == 404
    )


def test_the_page_in_chinese(world):
    c = page_client(world, "admin")
    r = c.get(reverse("periodlocks:periodlock_list"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = r.content.decode()
    assert "月份锁定" in html and "锁定该月" in html
