"""An organisation's contribution ledger, by hand on the test world (docs/contributions.md).

e1 (an enterprise of 望湖村共富联盟), on build_trade's records: agreement AG1 signed
2024-01-01 for 共富菜园 (a project since 2024); delivery 100 kg = 850.00 confirmed (2024-03-01)
and 50 kg = 425.00 reported (2024-04-01); payment 1,210.00 confirmed (2024-06-01) and 200.00
reported (2024-07-01). Added here: a payment of 77.00 confirmed on 2023-05-02 and one of 55.00
disputed in 2024; a workshop with one confirmed placement in 2024, one reported in 2024 and one
that ended in 2022; events with e1 in 2023 and 2024 (and one without it). The bank paid out
300,000.00 to 望湖村 on 2024-02-01.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.test import Client

from tianmu.commerce.tests.factories import PaymentFactory, PurchaseOrderFactory, build_trade
from tianmu.core.context import acting_as
from tianmu.core.tests.api_client import ApiClient
from tianmu.dashboard.contributions import LINES, organization_contributions
from tianmu.employment.tests.factories import (
    PersonFactory,
    PlacementFactory,
    PositionFactory,
    WorkshopFactory,
)
from tianmu.events.tests.factories import EventFactory
from tianmu.loans import services as loan_services
from tianmu.loans.tests.factories import LoanFactory, LoanProductFactory
from tianmu.registry.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def ledger_world(world):
    w = world
    w.trade = build_trade(w)
    with acting_as(username="test-setup"):
        old = PurchaseOrderFactory(enterprise=w.e1, village=w.v1a, placed_on=D(2023, 5, 1))
        PaymentFactory(order=old, amount_yuan=Decimal("77.00"), date=D(2023, 5, 2))
        other = PurchaseOrderFactory(enterprise=w.e1, village=w.v1a)
        PaymentFactory(
            order=other, amount_yuan=Decimal("55.00"), date=D(2024, 8, 1), confirmation="disputed"
        )
        shop = WorkshopFactory(enterprise=w.e1, town=w.t1, villages=[w.v1a])
        job = PositionFactory(workshop=shop)
        for start, end, confirmation in (
            (D(2024, 2, 1), None, "confirmed"),
            (D(2024, 3, 1), None, "reported"),
            (D(2021, 1, 1), D(2022, 12, 31), "confirmed"),
        ):
            PlacementFactory(
                person=PersonFactory(village=w.v1a), position=job, start=start, end=end,
                confirmation=confirmation,
            )  # fmt: skip
        EventFactory(village=w.v1a, date=D(2023, 9, 9), organizations=[w.e1])
        EventFactory(village=w.v1a, date=D(2024, 9, 9), organizations=[w.e1, w.bank])
        EventFactory(village=w.v1a, date=D(2024, 10, 1))
        product = LoanProductFactory(bank=w.bank)
        w.loan = LoanFactory(product=product, village=w.v1a, amount_requested_yuan=300_000)
    bank = w.users["bank"]
    loan_services.loan_approve(user=bank, loan=w.loan, amount_yuan=300_000, date=D(2024, 2, 1))
    loan_services.loan_disburse(user=bank, loan=w.loan, amount_yuan=300_000, date=D(2024, 2, 1))
    return w


E1_2024 = {
    "confirmed": {
        "agreements": 1,
        "deliveries": 1,
        "deliveries_yuan": "850.00",
        "purchases": 1,
        "purchases_yuan": "1210.00",
        "jobs": 1,
        "loans": 0,
        "loans_yuan": "0.00",
        "events": 1,
        "projects": 1,
    },
    "awaiting": {
        "deliveries": 1,
        "deliveries_yuan": "425.00",
        "purchases": 1,
        "purchases_yuan": "200.00",
        "jobs": 1,
    },
}


def test_an_enterprises_ledger_by_hand_confirmed_and_awaiting_apart(ledger_world):
    w = ledger_world
    api = ApiClient(w)
    for who in ("admin", "town", "enterprise", "superuser"):
        r = api(who, "get", f"/organizations/{w.e1.pk}/contributions")
        assert r.status_code == 200, (who, r.content)
        body = r.json()
        assert body["year"] == 2024  # the latest year with records
        assert {k: body[k] for k in ("confirmed", "awaiting")} == E1_2024, who
        assert body["totals"] == {"confirmed": "2060.00", "awaiting": "625.00"}
        assert body["years"] == [2021, 2022, 2023, 2024]  # the ended placement from 2021


def test_the_year_filter(ledger_world):
    w = ledger_world
    body = ApiClient(w)("admin", "get", f"/organizations/{w.e1.pk}/contributions?year=2023").json()
    assert body["year"] == 2023
    confirmed = body["confirmed"]
    assert confirmed["purchases"] == 1 and confirmed["purchases_yuan"] == "77.00"
    assert confirmed["events"] == 1
    assert confirmed["agreements"] == confirmed["deliveries"] == confirmed["jobs"] == 0
    assert confirmed["projects"] == 0  # 共富菜园 starts in 2024
    assert set(body["awaiting"].values()) == {0, "0.00"}
    body = ApiClient(w)("admin", "get", f"/organizations/{w.e1.pk}/contributions?year=2022").json()
    assert body["confirmed"]["jobs"] == 1  # the placement of 2021–2022 was active in 2022


def test_a_banks_ledger(ledger_world):
    w = ledger_world
    for who in ("admin", "bank"):
        body = ApiClient(w)(who, "get", f"/organizations/{w.bank.pk}/contributions").json()
        assert body["year"] == 2024
        assert body["confirmed"]["loans"] == 1
        assert body["confirmed"]["loans_yuan"] == "300000.00"
        assert body["confirmed"]["events"] == 1
        assert body["confirmed"]["purchases_yuan"] == "0.00"


def test_an_organisation_without_records_shows_this_year_with_zeros(world):
    with acting_as(username="test-setup"):
        quiet = OrganizationFactory(home_town=world.t1)
    body = ApiClient(world)("admin", "get", f"/organizations/{quiet.pk}/contributions").json()
    assert body["year"] == datetime.date.today().year
    assert body["years"] == []
    assert body["confirmed"]["agreements"] == 0 and body["totals"]["confirmed"] == "0.00"


def _api_list(api, who, url):
    """The API list of the same resource with the link's query string (the same FilterSet)."""
    parts = urlsplit(url)
    line = next(line for line in LINES if url.startswith(_page(line)))
    items, offset = [], 0
    while True:
        r = api(who, "get", f"/{line.resource.path}?{parts.query}&limit=100&offset={offset}")
        assert r.status_code == 200, (url, r.content)
        body = r.json()
        items += body["items"]
        offset += 100
        if offset >= body["count"]:
            return body["count"], items


def _page(line):
    from django.urls import reverse

    return reverse(line.link)


@pytest.mark.parametrize("who", ["admin", "enterprise"])
def test_every_number_links_to_exactly_its_records(ledger_world, who):
    """Fetch each link: the list page holds as many rows as the number (or rows whose amount
    column adds up to it), and the API list with the same query string the same records."""
    w = ledger_world
    user = w.users[who]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    api = ApiClient(w)
    ledger = organization_contributions(user=user, org=w.e1, year=2024)
    checked = 0
    for state, cells in (("confirmed", ledger.confirmed), ("awaiting", ledger.awaiting)):
        for key, cell in cells.items():
            line = next(line for line in LINES if line.key == key)
            page = client.get(cell.url)
            assert page.status_code == 200, cell.url
            rows = list(page.context["filterset"].qs)
            count, items = _api_list(api, who, cell.url)
            assert {o.pk for o in rows} == {i["id"] for i in items}, (state, key)
            if line.amount is None:
                assert cell.value == len(rows) == count, (state, key)
            else:
                total = sum((getattr(o, line.amount) for o in rows), Decimal(0))
                assert cell.value == total, (state, key)
            checked += 1
    assert checked == 15


@pytest.mark.parametrize(
    "who",
    ["o_admin", "o_town", "o_village", "o_enterprise", "o_bank"],
)
def test_outside_the_scope_is_404(ledger_world, who):
    w = ledger_world
    api = ApiClient(w)
    r = api(who, "get", f"/organizations/{w.e1.pk}/contributions")
    assert r.status_code == 404


def test_a_fellow_member_does_not_read_another_enterprises_ledger(ledger_world):
    """An enterprise's users see their fellow alliance members, not what those members did."""
    w = ledger_world
    from tianmu.accounts.tests.factories import UserFactory

    fellow = UserFactory(username="ent_e2", role="enterprise", scope_organization=w.enterprises[1])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(fellow)
    page = client.get(f"/registry/organizations/{w.e1.pk}/")
    assert page.status_code == 200  # the organisation itself is visible
    assert b'id="contributions"' not in page.content
    own = client.get(f"/registry/organizations/{w.enterprises[1].pk}/")
    assert b'id="contributions"' in own.content


def test_a_town_officer_counts_what_the_town_sees(ledger_world):
    """A village cadre of 望湖村 sees e1 and its records there; the same numbers."""
    w = ledger_world
    body = ApiClient(w)("village", "get", f"/organizations/{w.e1.pk}/contributions").json()
    assert body["confirmed"]["purchases_yuan"] == "1210.00"
    assert body["awaiting"]["jobs"] == 1


@pytest.mark.parametrize("bad", ["abc", "1999", "2101", "20.5"])
def test_a_bad_year_is_400_naming_year(ledger_world, bad):
    w = ledger_world
    r = ApiClient(w)("admin", "get", f"/organizations/{w.e1.pk}/contributions?year={bad}")
    assert r.status_code == 400
    assert "year" in r.json()["errors"], r.json()
    r = ApiClient(w)(
        "admin", "get", f"/organizations/{w.e1.pk}/contributions?year={bad}", lang="zh-hans"
    )
    assert "年份" in r.json()["errors"]["year"][0]


def test_the_organisation_page_shows_the_ledger_by_year(ledger_world):
    w = ledger_world
    for lang, words in (("en", "Contributions in 2023"), ("zh-hans", "2023年的贡献")):
        client = Client(HTTP_ACCEPT_LANGUAGE=lang)
        client.force_login(w.users["admin"])
        page = client.get(f"/registry/organizations/{w.e1.pk}/?year=2023")
        assert page.status_code == 200
        html = page.content.decode()
        assert words in html, lang
        assert 'id="contributions-year"' in html and '<option value="2023" selected>' in html
        assert f"enterprise={w.e1.pk}" in html and "from=2023-01-01" in html
    page = client.get(f"/registry/organizations/{w.e1.pk}/?year=abc")
    assert page.status_code == 200
    assert "2024年的贡献" in page.content.decode()  # the default year, with the message
    assert "年份" in page.content.decode()
