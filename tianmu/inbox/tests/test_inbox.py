"""The inbox on the test world, by hand: what waits for whom, the count badge, the one-tap
confirm, and that nobody sees another's items."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tianmu.commerce.tests.factories import PaymentFactory, build_trade
from tianmu.core.context import acting_as
from tianmu.core.periodlocks import PeriodLock
from tianmu.core.scoping import scope_for
from tianmu.core.tests.api_client import ApiClient
from tianmu.employment.tests.factories import (
    PersonFactory,
    PlacementFactory,
    PositionFactory,
    WorkshopFactory,
    make_id_number,
)
from tianmu.exchange.models import ImportJob
from tianmu.inbox.selectors import inbox_count, inbox_for
from tianmu.loans.tests.factories import LoanFactory, LoanProductFactory
from tianmu.projects.tests.factories import ProjectUpdateFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def todo(world):
    """build_trade's delivery d2 (2024-04-01) and payment pay2 (200.00, 2024-07-01), both
    reported by enterprise e1 and awaiting 望湖村; and:
    - pay3: 50.00 on order O2, reported by the village, awaiting e1;
    - a placement of a 望湖村 villager at e1's workshop, reported by the village, awaiting e1;
    - a returned update of project P1 (at 望湖村), for the village side to fix;
    - the village cadre's failed import of villages, and an earlier failed one of events that
      a later import put right;
    - a loan application of 望湖村 to the bank's product, awaiting the bank."""
    t = build_trade(world)
    with acting_as(username="test-setup"):
        t.pay3 = PaymentFactory(
            order=t.o2, amount_yuan=Decimal("50.00"), date=D(2024, 7, 5),
            reported_side="village", confirmation="reported",
        )  # fmt: skip
        workshop = WorkshopFactory(enterprise=world.e1, town=world.t1, villages=[world.v1a])
        position = PositionFactory(workshop=workshop)
        person = PersonFactory(village=world.v1a, id_number=make_id_number(7, born="19800101"))
        t.placement = PlacementFactory(
            person=person, position=position, start=D(2024, 8, 1),
            reported_side="village", confirmation="reported",
        )  # fmt: skip
        t.update = ProjectUpdateFactory(
            project=t.project, title="七月进展", review_status="returned",
            review_note="缺照片",
        )  # fmt: skip
        t.product = LoanProductFactory(bank=world.bank)
        t.loan = LoanFactory(product=t.product, village=world.v1a, status="applied")
    village = world.users["village"]
    t.failed = ImportJob.objects.create(
        user=village, resource="villages", filename="村.xlsx", status="failed",
        errors=[{"row": 2, "column": "区划代码", "message": "bad"}],
    )  # fmt: skip
    fixed = ImportJob.objects.create(
        user=village, resource="events", filename="活动.xlsx", status="failed",
        errors=[{"row": 2, "column": "日期", "message": "bad"}],
    )  # fmt: skip
    later = ImportJob.objects.create(
        user=village, resource="events", filename="活动2.xlsx", status="done"
    )
    assert later.created_at >= fixed.created_at
    ImportJob.objects.filter(pk=fixed.pk).update(
        created_at=later.created_at - datetime.timedelta(minutes=5)
    )
    return t


def kinds(user) -> list[tuple[str, str]]:
    return [(i.kind, i.url) for i in inbox_for(user)]


def test_the_village_cadre_sees_what_the_enterprise_reported(world, todo):
    t = todo
    order = reverse("commerce:purchaseorder_detail", args=[t.o2.pk])
    assert kinds(world.users["village"]) == [
        ("confirm_delivery", reverse("commerce:agreement_detail", args=[t.agreement.pk])),
        ("update_returned", reverse("projects:update_edit", args=[t.update.pk])),
        ("confirm_payment", order),
        ("import_failed", reverse("exchange:import_detail", args=[t.failed.pk])),
    ]
    items = inbox_for(world.users["village"])  # longest waiting first
    assert [i.since for i in items] == [D(2024, 4, 1), D(2024, 5, 1), D(2024, 7, 1),
                                        timezone.localdate()]  # fmt: skip
    assert items[2].title == (
        f"Confirm a payment: Payment of 200.00 yuan for order {t.o2.pk} on 2024-07-01"
    )
    assert items[1].title == "Fix and resubmit the update “七月进展” of 浙西天路·共富菜园"
    assert items[3].title == "Import with errors: Villages · 村.xlsx"
    assert inbox_count(world.users["village"]) == 4


def test_the_enterprise_sees_what_the_village_reported_and_not_its_own(world, todo):
    t = todo
    assert kinds(world.users["enterprise"]) == [
        ("confirm_payment", reverse("commerce:purchaseorder_detail", args=[t.o2.pk])),
        ("confirm_placement", reverse("employment:placement_detail", args=[t.placement.pk])),
    ]
    assert inbox_count(world.users["enterprise"]) == 2


def test_the_bank_sees_applications_to_its_products(world, todo):
    assert kinds(world.users["bank"]) == [
        ("loan_application", reverse("loans:loan_detail", args=[todo.loan.pk]))
    ]
    assert inbox_for(world.outsiders["bank"]) == []


def test_others_see_none_of_it(world, todo):
    t = todo
    # The town officer of 龙岗镇 may fix the returned update (the village side); the
    # reviewers (admin, superuser), the leader and the outsiders have nothing.
    assert kinds(world.users["town"]) == [
        ("update_returned", reverse("projects:update_edit", args=[t.update.pk]))
    ]
    for user in [world.users[w] for w in ("admin", "leader", "superuser")] + list(
        world.outsiders.values()
    ):
        assert inbox_for(user) == [], user.username
        assert inbox_count(user) == 0


def test_the_api_answers_the_items_and_their_count(world, todo):
    api = ApiClient(world)
    r = api("village", "get", "/inbox")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["count"] == 4
    assert [set(i) for i in body["items"]] == [{"kind", "title", "url", "due"}] * 4
    assert [i["kind"] for i in body["items"]] == [
        "confirm_delivery", "update_returned", "confirm_payment", "import_failed",
    ]  # fmt: skip
    assert body["items"][0]["due"] is None
    r = api("village", "get", "/inbox", {"limit": 2, "offset": 1})
    assert r.json()["count"] == 4
    assert [i["kind"] for i in r.json()["items"]] == ["update_returned", "confirm_payment"]
    r = api("village", "get", "/inbox", lang="zh-hans")
    assert r.json()["items"][3]["title"].startswith("导入有错误")
    assert api(None, "get", "/inbox").status_code == 401


def test_the_count_is_one_query_and_kept_for_the_request(world, todo):
    user = world.users["village"]
    assert scope_for(user).area == world.v1a.area  # read once per request anyway
    with CaptureQueriesContext(connection) as ctx:
        assert inbox_count(user) == 4
        assert inbox_count(user) == 4
    assert len(ctx.captured_queries) == 1


def page(world, who) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(world.users[who])
    return c


def test_the_page_and_the_badge(world, todo):
    c = page(world, "village")
    r = c.get(reverse("inbox:inbox"))
    assert r.status_code == 200
    html = r.content.decode()
    assert "4 items wait for you" in html
    assert html.count('data-kind="') == 4
    assert "data-inbox-count>4<" in html  # the menu's badge
    assert "data-nav-badge" in html  # and the bar's, for a phone with the menu folded
    # Another page shows the badge too; an enterprise's badge counts its own.
    r = page(world, "enterprise").get(reverse("events:event_list"))
    assert "data-inbox-count>2<" in r.content.decode()
    r = page(world, "admin").get(reverse("events:event_list"))
    assert "data-inbox-count" not in r.content.decode()  # nothing waits: no badge
    r = c.get(reverse("inbox:inbox"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "待办" in r.content.decode()


def test_confirming_from_the_inbox_in_one_tap(world, todo):
    t = todo
    act = reverse("inbox:inbox_act", args=["confirm_payment", t.pay2.pk])
    assert act in page(world, "village").get(reverse("inbox:inbox")).content.decode()
    # Not the enterprise's to confirm (it reported it), nor anyone else's: 404.
    assert page(world, "enterprise").post(act).status_code == 404
    assert page(world, "town").post(act).status_code == 404
    t.pay2.refresh_from_db()
    assert t.pay2.confirmation == "reported"
    r = page(world, "village").post(act)
    assert r.status_code == 302 and r["Location"] == reverse("inbox:inbox")
    t.pay2.refresh_from_db()
    assert (t.pay2.confirmation, t.pay2.confirmed_by) == ("confirmed", world.users["village"])
    assert page(world, "village").post(act).status_code == 404  # done: no longer waiting
    assert [i.kind for i in inbox_for(world.users["village"])].count("confirm_payment") == 0


def test_a_locked_month_is_refused_from_the_inbox_too(world, todo):
    t = todo
    with acting_as(username="test-setup"):
        PeriodLock.objects.create(area=world.t1, month=D(2024, 7, 1))
    c = page(world, "village")
    r = c.post(reverse("inbox:inbox_act", args=["confirm_payment", t.pay2.pk]), follow=True)
    assert "2024-07 is locked for 龙岗镇; its records are read-only." in r.content.decode()
    t.pay2.refresh_from_db()
    assert t.pay2.confirmation == "reported"


@pytest.mark.parametrize("who", ["village", "enterprise"])
def test_every_item_to_confirm_is_the_users_to_confirm(world, todo, who):
    """The inbox's query and the workflow's rule (`side_of`) agree: each record offered is
    confirmed by the user's tap, and then the inbox holds no more records to confirm."""
    c = page(world, who)
    offered = [i for i in inbox_for(world.users[who]) if i.kind.startswith("confirm_")]
    assert len(offered) == {"village": 2, "enterprise": 2}[who]
    for item in offered:
        r = c.post(item.action_url)
        assert r.status_code == 302, item
    user = world.users[who]
    user.__dict__.pop("_tianmu_inbox_count", None)
    assert [i.kind for i in inbox_for(user) if i.kind.startswith("confirm_")] == []
    t = todo
    for record in (t.d2, t.pay2) if who == "village" else (t.pay3, t.placement):
        record.refresh_from_db()
        assert (record.confirmation, record.confirmed_by) == ("confirmed", user)
