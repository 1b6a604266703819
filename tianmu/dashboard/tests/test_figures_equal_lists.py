"""Every figure equals its list: for every registered KPI and several (from, to, area), the
figure equals the number of rows (or the total of the amount column) of the list it links to,
and the count/total of /api/v1/kpis/{key}/records.

The world has, beside the current records of the test world, ended, future, draft and undated
ones of every kind (see `figure_world`), so a period rule that differs between a figure and its
list shows up as a difference.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.test import Client

from tianmu.alliances.tests.factories import (
    AllianceFactory,
    AllianceMemberFactory,
    PairingFactory,
)
from tianmu.commerce.tests.factories import PaymentFactory, PurchaseOrderFactory, build_trade
from tianmu.core.context import acting_as
from tianmu.core.money import to_money
from tianmu.core.scoping import visible_to
from tianmu.core.tables import amount_cell
from tianmu.core.tests.api_client import ApiClient
from tianmu.dashboard.selectors import Period, kpi_keys, kpi_spec, kpi_url, kpis
from tianmu.employment.tests.factories import (
    PersonFactory,
    PlacementFactory,
    PositionFactory,
    WorkshopFactory,
)
from tianmu.events.tests.factories import EventFactory
from tianmu.loans import services as loan_services
from tianmu.loans.tests.factories import LoanFactory, LoanProductFactory
from tianmu.projects.tests.factories import ProjectFactory, ProjectVillageFactory
from tianmu.registry.models import Area

pytestmark = pytest.mark.django_db

D = datetime.date
ENDED = (D(2021, 1, 1), D(2022, 6, 30))
FUTURE = D(2099, 1, 1)


def figure_world(w) -> SimpleNamespace:
    """On the test world (a1 ↔ 望湖村 v1a and a2 ↔ 示例二村 v2a, active since 2020, and county B):

    - alliances: a3 paired with 示例一村 v1b for 2021-01-01 – 2022-06-30 (ended); a draft (never
      activated) paired with v1b since 2024 with its own core enterprise; a4 paired with v1b
      from 2099 (future);
    - projects: build_trade's 共富菜园 at v1a since 2024 (v1b and v2a take part); an ended
      project at v2a (2021 – 2022, v1a takes part); one without a start date at v1b; a future
      one at v1b from 2099 (v2a takes part); payments: build_trade's plus one in 2021;
    - people: one with a current job, one whose job ended in 2022, one starting in 2099, one
      only reported (unconfirmed); loans: one paid out in 2021 and one in 2024; events in
      2021, 2024 and 2099.
    """
    f = SimpleNamespace(trade=build_trade(w))
    with acting_as(username="test-setup"):
        f.a3 = AllianceFactory(program=w.program, name="已结束联盟", status="ended")
        AllianceMemberFactory(
            alliance=f.a3, organization=w.enterprises[1], role="core", start=ENDED[0], end=ENDED[1]
        )
        PairingFactory(alliance=f.a3, village=w.v1b, start=ENDED[0], end=ENDED[1])
        f.draft = AllianceFactory(program=w.program, name="草稿联盟")
        AllianceMemberFactory(alliance=f.draft, organization=w.e_other, role="core")
        AllianceMemberFactory(alliance=f.draft, organization=w.enterprises[2], role="core")
        PairingFactory(alliance=f.draft, village=w.v1b, start=D(2024, 1, 1))
        f.a4 = AllianceFactory(program=w.program, name="未来联盟", status="active")
        AllianceMemberFactory(alliance=f.a4, organization=w.enterprises[3], role="core")
        PairingFactory(alliance=f.a4, village=w.v1b, start=FUTURE)

        f.ended_project = ProjectFactory(village=w.v2a, start=ENDED[0], end=D(2022, 12, 31))
        ProjectVillageFactory(project=f.ended_project, village=w.v1a, joined=ENDED[0])
        f.undated_project = ProjectFactory(village=w.v1b, start=None)
        f.future_project = ProjectFactory(village=w.v1b, start=FUTURE)
        ProjectVillageFactory(project=f.future_project, village=w.v2a)
        old_order = PurchaseOrderFactory(enterprise=w.e1, village=w.v1a, placed_on=D(2021, 3, 1))
        PaymentFactory(order=old_order, amount_yuan=Decimal("321.45"), date=D(2021, 3, 5))

        shop = WorkshopFactory(enterprise=w.e1, town=w.t1, villages=[w.v1a])
        job = PositionFactory(workshop=shop)
        for name, village, low, start, end, confirmation in (
            ("在岗", w.v1a, True, D(2024, 1, 1), None, "confirmed"),
            ("已离岗", w.v2a, False, ENDED[0], D(2022, 12, 31), "confirmed"),
            ("未来", w.v1b, True, FUTURE, None, "confirmed"),
            ("待确认", w.v1a, False, D(2024, 1, 1), None, "reported"),
        ):
            person = PersonFactory(name=name, village=village, low_income=low)
            PlacementFactory(
                person=person, position=job, start=start, end=end, confirmation=confirmation
            )

        for day, village in ((D(2021, 5, 1), w.v1a), (D(2024, 6, 1), w.v2a), (FUTURE, w.v1b)):
            EventFactory(village=village, date=day)
        product = LoanProductFactory(bank=w.bank)
        f.loans = [
            LoanFactory(
                product=product, village=w.v1a, amount_requested_yuan=500_000,
                applied_on=D(2021, 1, 10),
            ),
            LoanFactory(product=product, village=w.v2a, amount_requested_yuan=800_000),
        ]  # fmt: skip
    bank = w.users["bank"]
    for loan, day in zip(f.loans, (D(2021, 2, 1), D(2024, 2, 1)), strict=True):
        loan_services.loan_approve(
            user=bank, loan=loan, amount_yuan=loan.amount_requested_yuan, date=day
        )
        loan_services.loan_disburse(
            user=bank, loan=loan, amount_yuan=loan.amount_requested_yuan, date=day
        )
    return f


def list_page(user, url: str):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def all_records(api, who, key, params) -> tuple[dict, list[dict]]:
    """The records endpoint's answer and every item, paging through with limit/offset."""
    first = None
    items: list[dict] = []
    offset = 0
    while True:
        r = api(who, "get", f"/kpis/{key}/records", {**params, "limit": 2, "offset": offset})
        assert r.status_code == 200, r.content
        body = r.json()
        first = first or body
        assert body["count"] == first["count"] and body["value"] == first["value"]
        items += body["items"]
        offset += 2
        if offset >= body["count"]:
            return first, items


COMBINATIONS = [
    (None, None, None),
    ("330112107", None, None),
    (None, D(2024, 1, 1), None),
    (None, None, D(2021, 6, 30)),
    (None, D(2021, 1, 1), D(2022, 12, 31)),
    ("330112", D(2024, 1, 1), D(2024, 12, 31)),
    ("330112106", None, D(2030, 1, 1)),
]


@pytest.mark.parametrize("role", ["admin", "town"])
def test_every_figure_equals_its_list_and_its_records(world, role):
    """One world per role (building it is the slow part), every combination on it."""
    figure_world(world)
    api = ApiClient(world)
    for area_code, start, end in COMBINATIONS:
        check_figures(world, api, role, area_code, start, end)


def check_figures(world, api, role, area_code, start, end):
    user = world.users[role]
    area = Area.objects.get(code=area_code.ljust(12, "0")) if area_code else None
    values = kpis(user=user, period=Period(start, end), area=area)
    params = {k: v for k, v in (("area", area_code), ("from", start), ("to", end)) if v}
    if area is not None and not visible_to(user, Area).filter(pk=area.pk).exists():
        # An area outside the user's scope is unknown to them, for the figures and records.
        for path in ("/kpis", "/kpis/projects/records"):
            r = api(role, "get", path, params)
            assert r.status_code == 400 and list(r.json()["errors"]) == ["area"], path
        return
    served = api(role, "get", "/kpis", params).json()
    for key in kpi_keys():
        spec = kpi_spec(key)
        value = values[key]
        body, items = all_records(api, role, key, params)
        where = (key, params)
        assert body["key"] == key
        assert body["value"] == served[key], (key, params)
        assert body["count"] == len(items), where
        assert len({item["id"] for item in items}) == len(items), where
        assert all(item["label"] and "date" in item for item in items), where
        # The list the figure links to, with the figure's filters, has exactly those records.
        page = list_page(user, kpi_url(key, area_code=area_code, start=start, end=end))
        assert page.context["page_obj"].paginator.count == body["count"], where
        listed = {o.pk for o in page.context["filterset"].qs}
        assert listed == {item["id"] for item in items}, where
        if not spec.is_amount:
            assert body["total"] is None
            assert value == body["count"] == body["value"], where
            continue
        total = to_money(sum((Decimal(item["amount"]) for item in items), Decimal(0)))
        assert body["total"] == f"{total:.2f}", where
        if key == "par30":
            continue  # a ratio of the listed loans' balances, not their sum
        assert to_money(value) == total, where
        assert body["value"] == body["total"], where
        table = page.context["table"]
        if any(c.total is not None for c in table.columns):
            # The list's total row sums its amount column over every listed row (the
            # figure's column is the list's first amount column).
            shown = [c for c in page.context["totals"] or [] if c is not None]
            assert shown[0] == amount_cell(total), where


def test_the_figures_of_the_figure_world_by_hand(world):
    """Today, in county 临安: ended, future, undated and draft records count nowhere."""
    figure_world(world)
    admin = world.users["admin"]
    values = kpis(user=admin)
    assert values["alliances"] == 2  # a1, a2 (a3 ended, the draft, a4 from 2099)
    assert values["core_enterprises"] == 6  # a1's five and a2's e_other
    assert values["villages_paired"] == 2  # v1a, v2a
    assert values["projects"] == 1  # 共富菜园 (one ended, one undated, one future)
    assert values["villages_driven"] == 2  # v1b, v2a in 共富菜园
    assert values["rural_jobs"] == 1 and values["low_income_jobs"] == 1
    assert values["events"] == 3  # flows: all time
    assert values["purchase_income_yuan"] == Decimal("1531.45")  # 1,210.00 + 321.45
    assert values["purchase_income_reported_yuan"] == Decimal("200.00")
    assert values["loans_disbursed_yuan"] == Decimal("1300000.00")
    in_2021 = kpis(user=admin, period=Period(D(2021, 1, 1), D(2021, 12, 31)))
    assert in_2021["alliances"] == 3  # a1, a2 and a3; never the draft
    assert in_2021["projects"] == 1 and in_2021["villages_driven"] == 1  # the ended one, v1a
    assert in_2021["loans_disbursed_yuan"] == Decimal("500000.00")
    assert in_2021["purchase_income_yuan"] == Decimal("321.45")
    assert in_2021["events"] == 1
    # `from` alone leaves the end open: the future project and pairing count, undated never.
    from_2024 = kpis(user=admin, period=Period(D(2024, 1, 1), None))
    assert from_2024["projects"] == 2
    assert from_2024["alliances"] == 3  # a1, a2, a4


def test_a_draft_alliance_is_not_active_on_the_lists_nor_on_the_public_page(world):
    f = figure_world(world)
    admin = world.users["admin"]
    listed = list_page(admin, "/alliances/?active=true").context["filterset"].qs
    assert f.draft not in listed and world.a1 in listed
    villages = list_page(admin, "/registry/villages/?active=true").context["filterset"].qs
    assert world.v1b not in villages
    r = Client().get("/api/v1/public/kpis", {"area": "330112"})
    assert r.status_code == 200
    assert r.json()["alliances"] == 2


def test_records_of_an_unknown_figure_are_404_with_a_message(world):
    api = ApiClient(world)
    r = api("admin", "get", "/kpis/no_such_figure/records")
    assert r.status_code == 404
    assert "no_such_figure" in r.json()["detail"]
    r = api("admin", "get", "/kpis/no_such_figure/records", lang="zh-hans")
    assert r.status_code == 404 and "no_such_figure" in r.json()["detail"]


def test_records_of_a_count_and_of_an_amount(world):
    figure_world(world)
    api = ApiClient(world)
    body = api("admin", "get", "/kpis/projects/records").json()
    assert (body["value"], body["count"], body["total"]) == (1, 1, None)
    item = body["items"][0]
    assert item["label"] == "浙西天路·共富菜园" and item["url"].startswith("/projects/")
    assert item["date"] == "2024-01-01" and "amount" not in item
    body = api("admin", "get", "/kpis/purchase_income_yuan/records", {"from": "2021-01-01"}).json()
    assert (body["value"], body["count"], body["total"]) == ("1531.45", 2, "1531.45")
    assert sorted(i["amount"] for i in body["items"]) == ["1210.00", "321.45"]


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"to": "2000-01-01"}, 200, None),
        ({"from": "2000-01-01"}, 200, None),
        ({"from": "2024-02-01", "to": "2024-01-01"}, 400, "to"),
    ],
)
def test_every_list_with_a_period_takes_either_date_alone_and_refuses_to_before_from(
    world, params, status, field
):
    """Every API list with `from`/`to` (read from the OpenAPI schema) and the figures."""
    figure_world(world)
    api = ApiClient(world)
    schema = api("admin", "get", "/openapi.json").json()
    paths = [
        path.removeprefix("/api/v1")
        for path, ops in schema["paths"].items()
        if "{" not in path
        and "get" in ops
        and {"from", "to"} <= {p["name"] for p in ops["get"].get("parameters", [])}
    ]
    assert {"/organizations", "/villages", "/alliances", "/kpis", "/payments"} <= set(paths)
    paths.append("/kpis/projects/records")
    required = {
        "/kpis/breakdown": {"key": "events", "by": "child"},
        "/kpis/trend": {"key": "events", "interval": "year"},
    }
    for path in paths:
        r = api("admin", "get", path, {**params, **required.get(path, {})})
        assert r.status_code == status, (path, r.content)
        if field:
            assert field in r.json()["errors"], path


def test_a_list_page_shows_the_period_error_on_to(world):
    admin = world.users["admin"]
    for url in ("/registry/organizations/", "/alliances/", "/loans/", "/events/"):
        page = list_page(admin, url + "?from=2024-02-01&to=2024-01-01")
        assert "to" in page.context["filterset"].errors, url
        assert "The end date cannot be before the start date." in page.content.decode(), url
        list_page(admin, url + "?to=2000-01-01")
        list_page(admin, url + "?from=2000-01-01")


def test_the_home_page_takes_either_date_alone_and_refuses_to_before_from(world):
    admin = world.users["admin"]
    for query in ("?to=2021-06-30", "?from=2024-01-01"):
        assert list_page(admin, "/" + query).context["figures"]
    page = list_page(admin, "/?from=2024-02-01&to=2024-01-01")
    assert "end" in page.context["period_form"].errors
    assert "The end date cannot be before the start date." in page.content.decode()
