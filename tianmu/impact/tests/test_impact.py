"""Income status, the growth figure, the difference in differences and the ledger check, each
computed by hand on a small world and compared exactly (docs/impact.md)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.test import Client

from tianmu.accounts.tests.factories import UserFactory
from tianmu.alliances.tests.factories import AllianceFactory, PairingFactory, ProgramFactory
from tianmu.commerce.tests.factories import (
    AgreementFactory,
    AgreementLineFactory,
    DeliveryFactory,
    PaymentFactory,
    PurchaseOrderFactory,
)
from tianmu.core.context import acting_as
from tianmu.core.models import ObjectChange
from tianmu.core.periods import Period
from tianmu.core.tests.api_client import ApiClient, db_state
from tianmu.dashboard.selectors import kpis
from tianmu.impact.choices import IncomeStatus
from tianmu.impact.models import IncomeRules
from tianmu.impact.selectors import impact_estimate, income_status, ledger_check, rules_for
from tianmu.projects.tests.factories import ProjectFactory
from tianmu.registry.models import VillageIncome
from tianmu.registry.tests.factories import AreaFactory, VillageFactory

pytestmark = pytest.mark.django_db

D = datetime.date
K = Decimal(1000)
MID_2024 = D(2024, 6, 1)

#: operating income by year 2021–2024 (thousands of yuan); collective = operating + 50.
INCOMES = {
    "P1": (1000, [100, 120, 200, 220]),  # paired from 2023: before 110, after 210
    "P2": (2000, [300, 320, 360, 380]),  # paired from 2023: before 310, after 370
    "U1": (1000, [100, 110, 130, 150]),  # before 105, after 140 — P1's match
    "U2": (2100, [290, 310, 320, 340]),  # before 300, after 330 — P2's match
    "U3": (5000, [900, 900, 950, 950]),  # far from both; paired only by a draft
}


def impact_world(w) -> SimpleNamespace:
    """Programme 影响测试 in county 临安: towns 甲镇 (P1, U1, U3, Pn) and 乙镇 (P2, U2).
    P1 (alliance A) and P2 (alliance B) paired from 2023-01-01; U3 paired by a draft only;
    Pn paired from 2025 (no year after), with incomes only in 2021–2022, exactly P1's baseline
    (so it would be P1's match if it were wrongly taken as unpaired)."""
    f = SimpleNamespace()
    with acting_as(username="test-setup"):
        f.ta = AreaFactory(name="甲镇", level="town", code="330112301000", parent=w.county)
        f.tb = AreaFactory(name="乙镇", level="town", code="330112302000", parent=w.county)
        f.v = {}
        for i, (name, town) in enumerate(
            [("P1", f.ta), ("U1", f.ta), ("U3", f.ta), ("Pn", f.ta), ("P2", f.tb), ("U2", f.tb)]
        ):
            area = AreaFactory(
                name=f"{name}村", level="village", code=f"{town.code[:9]}{201 + i:03d}", parent=town
            )
            population = INCOMES[name][0] if name in INCOMES else 1000
            f.v[name] = VillageFactory(area=area, population=population)
        for name, (_pop, values) in INCOMES.items():
            for year, value in zip(range(2021, 2025), values, strict=True):
                VillageIncome.objects.create(
                    village=f.v[name],
                    year=year,
                    amount_yuan=(value + 50) * K,
                    operating_yuan=value * K,
                )
        for year in (2021, 2022):
            VillageIncome.objects.create(
                village=f.v["Pn"], year=year, amount_yuan=160 * K, operating_yuan=110 * K
            )
        f.program = ProgramFactory(county=w.county, name="影响测试", start=D(2023, 1, 1))
        f.a = AllianceFactory(program=f.program, name="甲联盟", status="active")
        f.b = AllianceFactory(program=f.program, name="乙联盟", status="active")
        f.c = AllianceFactory(program=f.program, name="丙联盟", status="active")
        f.draft = AllianceFactory(program=f.program, name="草稿联盟")
        PairingFactory(alliance=f.a, village=f.v["P1"], start=D(2023, 1, 1))
        PairingFactory(alliance=f.b, village=f.v["P2"], start=D(2023, 1, 1))
        PairingFactory(alliance=f.c, village=f.v["Pn"], start=D(2025, 1, 1))
        PairingFactory(alliance=f.draft, village=f.v["U3"], start=D(2023, 1, 1))
        f.town_user = UserFactory(username="town_jia", role="town", scope_area=f.ta)
    w.users["town_jia"] = f.town_user
    return f


# --- Status rules -----------------------------------------------------------------------------


def test_status_rules_by_hand(world):
    rules = IncomeRules(program=world.program)  # defaults: ¥500,000, 80 %, growing is yellow
    cases = [
        (500 * K, None, IncomeStatus.GREEN),
        (400 * K, None, IncomeStatus.YELLOW),  # 80 % of the target
        (399 * K, 300 * K, IncomeStatus.YELLOW),  # below 80 % but grew
        (300 * K, 300 * K, IncomeStatus.RED),  # did not grow
        (300 * K, None, IncomeStatus.RED),  # no year before: not growing
        (None, 300 * K, IncomeStatus.UNKNOWN),
    ]
    for operating, previous, expected in cases:
        assert income_status(rules, operating, previous).status == expected, operating
    assert "grew" in income_status(rules, 399 * K, 300 * K).reason
    rules.yellow_if_growing = False
    assert income_status(rules, 399 * K, 300 * K).status == IncomeStatus.RED
    rules.target_operating_yuan = 200 * K
    assert income_status(rules, 200 * K, None).status == IncomeStatus.GREEN


def test_status_list_of_a_year_with_its_rules(world):
    f = impact_world(world)
    api = ApiClient(world)
    r = api("admin", "get", "/impact/income-status", {"program": f.program.pk, "year": 2024})
    assert r.status_code == 200, r.content
    got = {i["village"]["name"]: i["status"] for i in r.json()["items"]}
    assert got == {
        "P1村": "yellow",  # 220k < 400k but grew from 200k
        "U1村": "yellow",
        "U3村": "green",
        "Pn村": "unknown",  # nothing reported for 2024
        "P2村": "yellow",
        "U2村": "yellow",
    } | dict.fromkeys(("望湖村", "示例一村", "示例二村"), "unknown")
    # A town officer sees their own town's villages only.
    r = api("town_jia", "get", "/impact/income-status", {"program": f.program.pk, "year": 2024})
    assert {i["village"]["name"] for i in r.json()["items"]} == {"P1村", "U1村", "U3村", "Pn村"}


def test_rules_are_set_by_the_programme_admin_through_the_service_and_logged(world):
    f = impact_world(world)
    api = ApiClient(world)
    path = f"/impact/income-rules?program={f.program.pk}"
    r = api("admin", "get", path)
    assert r.json()["target_operating_yuan"] == "500000.00"
    assert r.json()["yellow_rate"] == "0.8000"
    r = api("admin", "put", path, {"target_operating_yuan": "600000", "yellow_rate": "0.75"})
    assert r.status_code == 200, r.content
    assert r.json()["target_operating_yuan"] == "600000.00"
    rules = IncomeRules.objects.get(program=f.program)
    assert rules.yellow_rate == Decimal("0.7500")
    change = ObjectChange.objects.filter(object_id=str(rules.pk)).latest("pk")
    assert change.user == world.users["admin"]
    before = db_state() | {"rules": IncomeRules.objects.count()}
    for who, body, field in (
        ("admin", {"yellow_rate": "1.5"}, "yellow_rate"),
        ("admin", {"target_operating_yuan": "-1"}, "target_operating_yuan"),
        ("town", {"target_operating_yuan": "1"}, "program"),
    ):
        r = api(who, "put", path, body)
        assert r.status_code == 400 and field in r.json()["errors"], (who, r.content)
    assert db_state() | {"rules": IncomeRules.objects.count()} == before
    assert rules_for(f.program).target_operating_yuan == 600 * K


def test_rules_page_saves_and_refuses_bad_values(world, client):
    f = impact_world(world)
    client.force_login(world.users["admin"])
    url = f"/impact/rules/{f.program.pk}/"
    assert client.get(url).status_code == 200
    data = {
        "target_operating_yuan": "500000",
        "yellow_rate": "2",
        "yellow_if_growing": "on",
        "ledger_margin_yuan": "100000",
        "ledger_margin_rate": "0.5",
    }
    r = client.post(url, data)
    assert r.status_code == 200 and "yellow_rate" in r.context["form"].errors
    assert not IncomeRules.objects.exists()
    r = client.post(url, data | {"yellow_rate": "0.9"})
    assert r.status_code == 302
    assert IncomeRules.objects.get().yellow_rate == Decimal("0.9000")
    client.force_login(world.users["town"])
    assert client.get(url).status_code == 404


# --- The growth figure ------------------------------------------------------------------------


def test_operating_income_growth_figure_by_hand_and_its_list(world, client):
    f = impact_world(world)  # noqa: F841
    admin = world.users["admin"]
    in_2024 = kpis(user=admin, period=Period(D(2024, 1, 1), D(2024, 12, 31)))
    # 2024 on 2023: P1 20k, P2 20k, U1 20k, U2 20k, U3 0; Pn has no 2024.
    assert in_2024["operating_income_growth_yuan"] == 80 * K
    # `to` on 30 June 2024 ends with 2023 (a year is dated 31 December): the growth of 2022 and
    # 2023 — P1 20+80, P2 20+40, U1 10+20, U2 20+10, U3 0+50, Pn 0.
    to_june = kpis(user=admin, period=Period(None, D(2024, 6, 30)))
    assert to_june["operating_income_growth_yuan"] == 270 * K
    client.force_login(admin)
    page = client.get("/impact/incomes/", {"growth": "true", "to": "2024-06-30"})
    assert page.status_code == 200
    assert page.context["page_obj"].paginator.count == 11  # 5 villages × 2 years + Pn 2022
    assert [t for t in page.context["totals"] if t is not None] == [
        '<span class="text-nowrap">270,000.00</span>'
    ]
    town = kpis(user=world.users["town"], period=Period(D(2024, 1, 1), D(2024, 12, 31)))
    assert town["operating_income_growth_yuan"] == 0  # 龙岗镇: no incomes


def test_village_incomes_api_takes_from_and_to_by_the_year_end(world):
    f = impact_world(world)
    api = ApiClient(world)
    r = api(
        "admin",
        "get",
        "/village-incomes",
        {"village": f.v["P1"].pk, "from": "2022-06-01", "to": "2023-12-31"},
    )
    assert r.status_code == 200
    assert sorted(i["year"] for i in r.json()["items"]) == [2022, 2023]


# --- The village page ------------------------------------------------------------------------


def test_village_page_shows_the_income_chart_the_pairing_and_the_growth(world, client):
    f = impact_world(world)
    client.force_login(world.users["admin"])
    page = client.get(f"/registry/villages/{f.v['P1'].pk}/")
    assert page.status_code == 200
    (panel,) = page.context["panels"]
    chart = panel["context"]
    assert chart["option"]["series"][0]["markLine"]["data"] == [{"xAxis": "2023"}]
    assert chart["option"]["xAxis"]["data"] == ["2021", "2022", "2023", "2024"]
    operating = chart["growth"][1]
    # Growth into 2022 is before (20k); into 2023 (80k) and 2024 (20k) after: mean 50k.
    assert (operating["before"], operating["after"]) == (20 * K, 50 * K)
    assert chart["status"].status == IncomeStatus.YELLOW
    html = page.content.decode()
    assert 'id="village-income"' in html and "impact/impact.js" in html
    # An unpaired village: its chart without a pairing line, its status by the county's
    # programme (U3: 950k ≥ 500k).
    page = client.get(f"/registry/villages/{f.v['U3'].pk}/")
    chart = page.context["panels"][0]["context"]
    assert "markLine" not in chart["option"]["series"][0]
    assert chart["status"].status == IncomeStatus.GREEN and chart["growth"] == []
    # A village without incomes shows no panel.
    page = client.get(f"/registry/villages/{world.v1b.pk}/")
    assert page.context["panels"] == []


# --- Difference in differences ----------------------------------------------------------------


def test_difference_in_differences_by_hand(world):
    f = impact_world(world)
    api = ApiClient(world)
    r = api("admin", "get", "/impact", {"program": f.program.pk, "metric": "operating_income"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["paired"] == {"villages": 2, "before_mean": "210000.00", "after_mean": "290000.00"}
    assert body["comparison"] == {
        "villages": 2,
        "before_mean": "202500.00",  # U1 105k, U2 300k
        "after_mean": "235000.00",  # U1 140k, U2 330k
    }
    # (290 − 210) − (235 − 202.5) = 47.5k; per pair: P1 100 − 35 = 65k, P2 60 − 30 = 30k.
    assert body["effect"] == "47500.00"
    # Two pairs: a draw is both P2 (30k) with probability 1/4, both P1 (65k) likewise, so the
    # 2.5th and 97.5th percentiles of 2,000 draws are those two.
    assert body["ci95"] == ["30000.00", "65000.00"]
    rows = [
        (x["village"]["name"], x["paired"], x["before"], x["after"]) for x in body["by_village"]
    ]
    assert rows == [
        ("P1村", True, "110000.00", "210000.00"),
        ("U1村", False, "105000.00", "140000.00"),
        ("P2村", True, "310000.00", "370000.00"),
        ("U2村", False, "300000.00", "330000.00"),
    ]
    assert body["sentence"] == (
        "Paired villages' operating income grew ¥47,500.00 a year more than comparable "
        "unpaired villages (95 % CI ¥30,000.00 – ¥65,000.00)."
    )
    # Collective income is operating + 50k every year: the same differences.
    collective = api(
        "admin", "get", "/impact", {"program": f.program.pk, "metric": "collective_income"}
    ).json()
    assert collective["effect"] == "47500.00" and collective["paired"]["before_mean"] == "260000.00"
    # Reproducible: the same records give the same interval.
    again = api("admin", "get", "/impact", {"program": f.program.pk}).json()
    assert again["ci95"] == body["ci95"] and again["metric"] == "operating_income"
    lo, hi = (Decimal(x) for x in body["ci95"])
    assert lo <= Decimal(body["effect"]) <= hi


def test_by_town_by_alliance_and_for_a_town_officer(world):
    f = impact_world(world)
    admin = world.users["admin"]
    # Town 甲镇: only P1 is paired there; its match is still sought in the whole county.
    one = impact_estimate(user=admin, program=f.program, metric="operating_income", area=f.ta)
    assert (one["effect"], one["ci95"]) == (65 * K, [65 * K, 65 * K])
    by_b = impact_estimate(user=admin, program=f.program, metric="operating_income", alliance=f.b)
    assert by_b["effect"] == 30 * K and [r["code"] for r in by_b["by_village"]] == [
        f.v["P2"].area.code,
        f.v["U2"].area.code,
    ]
    # A town officer of 甲镇 sees P1, U1, U3 and Pn only: P1 against U1.
    mine = impact_estimate(user=f.town_user, program=f.program, metric="operating_income")
    assert mine["effect"] == 65 * K and mine["paired"]["villages"] == 1
    api = ApiClient(world)
    r = api("town_jia", "get", "/impact", {"program": f.program.pk, "area": "330112302"})
    assert r.status_code == 400 and list(r.json()["errors"]) == ["area"]


def test_an_interval_holding_zero_is_said_so(world):
    f = impact_world(world)
    with acting_as(username="test-setup"):  # P2 now grows less than U2: 20k − 30k = −10k
        VillageIncome.objects.filter(village=f.v["P2"], year__gte=2023).update(
            operating_yuan=330 * K
        )
    body = ApiClient(world)("admin", "get", "/impact", {"program": f.program.pk}).json()
    # P1 65k, P2 (330 − 310) − 30 = −10k: effect 27.5k, interval [−10k, 65k].
    assert body["effect"] == "27500.00" and body["ci95"] == ["-10000.00", "65000.00"]
    assert "not distinguishable from zero" in body["sentence"]
    zh = ApiClient(world)("admin", "get", "/impact", {"program": f.program.pk}, lang="zh-hans")
    assert "零" in zh.json()["sentence"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"program": "999999"}, "program"),
        ({"program": ""}, "program"),
        ({"program": "abc"}, "program"),
        ({"program": "P", "metric": "profit"}, "metric"),
        ({"program": "P", "alliance": "999999"}, "alliance"),
        ({"program": "P", "area": "999999999999"}, "area"),
    ],
)
def test_bad_input_is_400_with_a_message_and_writes_nothing(world, params, field):
    f = impact_world(world)
    api = ApiClient(world)
    if params["program"] == "P":
        params = params | {"program": f.program.pk}
    before = db_state()
    r = api("admin", "get", "/impact", params)
    assert r.status_code == 400 and field in r.json()["errors"], r.content
    assert db_state() == before
    zh = api("admin", "get", "/impact", params, lang="zh-hans")
    assert zh.json()["errors"][field][0] != r.json()["errors"][field][0]  # translated


def test_a_programme_without_years_before_its_pairings_is_400(world):
    impact_world(world)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    api = ApiClient(world)
    # The world's own programme: 望湖村 and 示例二村 paired since 2020, no incomes at all.
    r = api("admin", "get", "/impact", {"program": world.program.pk})
    assert r.status_code == 400
    assert "before and after" in r.json()["errors"]["program"][0]
    client.force_login(world.users["admin"])
    page = client.get("/impact/", {"program": world.program.pk})
    assert page.status_code == 200 and "before and after" in page.content.decode()
    page = client.get("/impact/", {"program": "x", "metric": "y"})
    assert page.status_code == 200 and len(page.context["errors"]) == 2


def test_impact_page_shows_the_sentence_chart_table_and_method(world):
    f = impact_world(world)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.users["leader"])
    page = client.get("/impact/", {"program": f.program.pk})
    html = page.content.decode()
    assert page.status_code == 200
    assert "¥47,500.00 a year more" in html and 'data-echarts="impact-chart-data"' in html
    assert "Parallel trends" in html and "table-cards" in html
    # Each town and each alliance, with a link to its own estimate.
    parts = page.context["parts"]
    assert [(r["name"], r["effect"]) for r in parts["towns"]] == [
        ("甲镇", 65 * K),
        ("乙镇", 30 * K),
    ]
    assert [(r["name"], r["villages"]) for r in parts["alliances"]] == [
        ("乙联盟", 1),
        ("甲联盟", 1),
    ]
    assert f"area={f.ta.code}" in parts["towns"][0]["url"]
    with_zh = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    with_zh.force_login(world.users["leader"])
    zh = with_zh.get("/impact/", {"program": f.program.pk}).content.decode()
    assert "平行趋势" in zh


def test_public_and_outsiders_see_nothing(world):
    f = impact_world(world)
    api = ApiClient(world)
    assert Client().get("/api/v1/impact", {"program": f.program.pk}).status_code == 401
    r = api("o_admin", "get", "/impact", {"program": f.program.pk})
    assert r.status_code == 400 and "program" in r.json()["errors"]  # not theirs: unknown
    assert Client().get("/impact/").status_code == 302  # to the sign-in page


# --- Ledger check -----------------------------------------------------------------------------


def ledger_records(w, f):
    """2024 receipts: P1 300k of 共富购; P2 100k of 共富购 + 300k garden delivery (a project's
    agreement); U1 110k; U2 1,000k; U3 90k (and 500k in 2023, another year); Pn 200k with no
    income reported for 2024; U1 also 500k reported, unconfirmed (never counted)."""
    with acting_as(username="test-setup"):

        def pay(name, amount, day=MID_2024, confirmation="confirmed"):
            order = PurchaseOrderFactory(enterprise=w.e1, village=f.v[name], placed_on=day)
            PaymentFactory(order=order, amount_yuan=amount * K, date=day, confirmation=confirmation)

        pay("P1", 300)
        pay("P2", 100)
        pay("U1", 110)
        pay("U1", 500, confirmation="reported")
        pay("U2", 1000)
        pay("U3", 90)
        pay("U3", 500, day=D(2023, 6, 1))
        pay("Pn", 200)
        project = ProjectFactory(village=f.v["P2"], name="乙村菜园")
        agreement = AgreementFactory(enterprise=w.e1, village=f.v["P2"], project=project)
        line = AgreementLineFactory(agreement=agreement, unit_price=Decimal("100.00"))
        DeliveryFactory(line=line, quantity=Decimal("3000.00"), date=D(2024, 8, 1))


def test_ledger_check_lists_exactly_the_villages_expected(world):
    f = impact_world(world)
    ledger_records(world, f)
    api = ApiClient(world)
    r = api("admin", "get", "/impact/ledger-check", {"program": f.program.pk, "year": 2024})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["margin"] == {"yuan": "100000.00", "rate": "0.5000"}
    got = {
        i["village"]["name"]: (i["receipts_yuan"], i["income_growth_yuan"], i["excess_yuan"])
        for i in body["items"]
    }
    # Collective income grew 20k in 2024 for every village but U3 (0): U1's 110k − 20k and
    # U3's 90k − 0 are below the ¥100,000 margin.
    assert got == {
        "P1村": ("300000.00", "20000.00", "280000.00"),
        "Pn村": ("200000.00", None, None),
        "P2村": ("400000.00", "20000.00", "380000.00"),
        "U2村": ("1000000.00", "20000.00", "980000.00"),
    }
    p2 = next(i for i in body["items"] if i["village"]["name"] == "P2村")
    assert (p2["purchase_yuan"], p2["project_sales_yuan"]) == ("100000.00", "300000.00")
    assert p2["links"]["payments"].startswith("/commerce/")
    assert f"area={f.v['P2'].area.code}" in p2["links"]["payments"]
    # With a share of 95 %: P1's 280k is 93 % of its receipts, so it drops out.
    with acting_as(username="test-setup"):
        IncomeRules.objects.create(program=f.program, ledger_margin_rate=Decimal("0.95"))
    names = [
        i["village"]["name"]
        for i in ledger_check(user=world.users["admin"], program=f.program, year=2024)["items"]
    ]
    assert names == ["P1村", "Pn村", "P2村", "U2村"][1:]
    # A town officer of 甲镇 sees P1 and Pn only.
    mine = api("town_jia", "get", "/impact/ledger-check", {"program": f.program.pk, "year": 2024})
    assert [i["village"]["name"] for i in mine.json()["items"]] == ["Pn村"]


def test_ledger_page(world, client):
    f = impact_world(world)
    ledger_records(world, f)
    client.force_login(world.users["admin"])
    page = client.get("/impact/ledger/", {"program": f.program.pk, "year": "2024"})
    assert page.status_code == 200
    assert (
        len(page.context["result"]["items"]) == 4 and 'id="ledger-table"' in page.content.decode()
    )
    page = client.get("/impact/ledger/", {"program": f.program.pk, "year": "twenty"})
    assert page.status_code == 200 and page.context["errors"]
    r = ApiClient(world)(
        "admin", "get", "/impact/ledger-check", {"program": f.program.pk, "year": 1}
    )
    assert r.status_code == 400 and "year" in r.json()["errors"]


def test_status_page_explains_each_village_and_the_rules(world):
    f = impact_world(world)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.users["admin"])
    page = client.get("/impact/status/", {"program": f.program.pk, "year": "2024"})
    assert page.status_code == 200
    rows = {r["village"].name: r["status"].status for r in page.context["rows"]}
    assert rows["U3村"] == "green" and rows["P1村"] == "yellow" and rows["Pn村"] == "unknown"
    html = page.content.decode()
    assert "reaches the target of ¥500,000.00" in html and 'id="status-rules"' in html
    assert f"/impact/rules/{f.program.pk}/" in html  # the admin may change them
    client.force_login(world.users["town"])
    page = client.get("/impact/status/", {"program": f.program.pk, "year": "2024"})
    assert f"/impact/rules/{f.program.pk}/" not in page.content.decode()
    assert {r["village"].name for r in page.context["rows"]} == {"望湖村", "示例一村"}


def test_the_pages_with_data_speak_the_ui_language(world):
    """The impact pages, filled, in English and Chinese: no text of the other language outside
    the data (tianmu/core/tests/language.py, as test_languages does for every page)."""
    from tianmu.core.tests.language import data_strings, foreign_text

    f = impact_world(world)
    ledger_records(world, f)
    q = f"?program={f.program.pk}&year=2024"
    urls = [
        f"/impact/{q}",
        f"/impact/ledger/{q}",
        f"/impact/status/{q}",
        f"/impact/incomes/{q}",
        f"/impact/rules/{f.program.pk}/",
        f"/registry/villages/{f.v['P1'].pk}/",
        "/impact/?program=x&metric=y",
    ]
    data = data_strings()
    found = []
    for language in ("en", "zh-hans"):
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        client.force_login(world.users["admin"])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            found += [f"{language} {url}: {t}" for t in foreign_text(html, language, data)]
    assert found == [], "\n".join(found)
