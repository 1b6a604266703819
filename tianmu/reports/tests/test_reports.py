"""Generated reports: every number that is a figure equals /api/v1/kpis (or its breakdown) for
the same area and period; the formats hold the same numbers; a kept report stays as it was;
bad input is refused naming the field and writes nothing."""

from __future__ import annotations

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Q
from django.test import Client

from tianmu.accounts.tests.factories import UserFactory
from tianmu.core.api import json_value
from tianmu.core.kpis import Period, breakdown, kpi_keys, kpis
from tianmu.core.tests.api_client import ApiClient
from tianmu.dashboard.tests.test_figures_equal_lists import figure_world
from tianmu.registry.models import Area
from tianmu.reports.definitions import LEDGER_COLUMNS, build
from tianmu.reports.models import KeptReport
from tianmu.reports.services import report_keep
from tianmu.reports.tasks import keep_monthly_briefs, last_month, last_quarter

pytestmark = pytest.mark.django_db

D = datetime.date
YEAR_2024 = Period(D(2024, 1, 1), D(2024, 12, 31))


def _rows(data, section):
    return [r for r in data["rows"] if r["section"] == section]


def test_the_monthly_brief_is_the_figures_of_the_month(world):
    figure_world(world)
    api = ApiClient(world)
    r = api("admin", "get", "/reports/monthly", {"area": "330112", "period": "2024-06"})
    assert r.status_code == 200, r.content
    data = r.json()
    assert (data["report"], data["area"], data["period"]) == ("monthly", "330112000000", "2024-06")
    served = api(
        "admin", "get", "/kpis", {"area": "330112", "from": "2024-06-01", "to": "2024-06-30"}
    )
    assert data["figures"] == served.json()
    before = api(
        "admin", "get", "/kpis", {"area": "330112", "from": "2024-05-01", "to": "2024-05-31"}
    )
    last = api(
        "admin", "get", "/kpis", {"area": "330112", "from": "2023-06-01", "to": "2023-06-30"}
    )
    rows = {row["key"]: row for row in _rows(data, "figures")}
    assert list(rows) == kpi_keys()
    for key, row in rows.items():
        assert row["value"] == served.json()[key]
        assert row["previous"] == before.json()[key] and row["last_year"] == last.json()[key]
    # The purchases of 2024-06-05 (build_trade's payment) and the 2024 event.
    assert data["figures"]["purchase_income_yuan"] == "1210.00"
    top = _rows(data, "top_alliances")
    assert top[0]["name"] == world.a1.name and top[0]["purchase_income_yuan"] == "1210.00"


def test_the_ledger_rows_are_the_figures_of_each_area_and_alliance(world):
    figure_world(world)
    admin = world.users["admin"]
    report = build("ledger", user=admin, area=None, period="2024")
    data = report.data()
    rows = _rows(data, "ledger")
    county, towns = rows[0], [r for r in rows if r["level"] == "Town"]
    assert county["name"] == "临安区" and [t["name"] for t in towns] == ["昌化镇", "龙岗镇"]
    from tianmu.reports.definitions import ledger_specs

    assert [c for c, _k, _s in ledger_specs()] == [c for c, _k, _p in LEDGER_COLUMNS]
    for column, _key, spec in ledger_specs():
        for row, area in ((county, world.county), (towns[1], world.t1)):
            from tianmu.core.kpis import KpiContext

            expected = spec.value(KpiContext(user=admin, period=YEAR_2024, area=area))
            assert row[column] == json_value(expected), (column, row["name"])
    alliances = {r["name"]: r for r in rows if r["level"] == "Alliance"}
    parts = breakdown("purchase_income_yuan", user=admin, by="alliance", period=YEAR_2024)
    for item in parts.items:
        if item.id is not None:
            assert alliances[item.name]["purchase_income_yuan"] == json_value(item.value)
    assert (
        county["projects_business"] + county["projects_public"]
        == kpis(user=admin, period=YEAR_2024, area=world.county)["projects"]
    )


def test_the_alliance_report_is_the_alliances_part_of_each_figure(world):
    figure_world(world)
    admin = world.users["admin"]
    data = build("alliance", user=admin, area=None, period="2024", alliance=world.a1).data()
    assert data["alliance"] == world.a1.pk
    members = _rows(data, "members")
    assert len(members) == 7  # 5 core enterprises, the chamber and the bank
    for key, value in data["figures"].items():
        parts = breakdown(key, user=admin, by="alliance", period=YEAR_2024)
        mine = next((i.value for i in parts.items if i.id == world.a1.pk), 0)
        assert value == json_value(mine), key
    assert data["figures"]["purchase_income_yuan"] == "1210.00"


def test_the_formats_hold_the_same_numbers(world):
    figure_world(world)
    api = ApiClient(world)
    params = {"area": "330112", "period": "2024Q2"}
    xlsx = api("admin", "get", "/reports/monthly", {**params, "format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Disposition"].endswith('.xlsx"')
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.content))
    sheet = book.worksheets[0]
    cells = {row[0]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert cells["purchase_income_yuan"][2] == 1210.0
    pdf = api("admin", "get", "/reports/monthly", {**params, "format": "pdf"}, lang="zh-hans")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Type"] == "application/pdf"


def test_bad_input_is_refused_naming_the_field(world):
    api = ApiClient(world)
    for params, status, field in [
        ({"period": "2099-01"}, 400, "period"),
        ({"period": "2025-13"}, 400, "period"),
        ({"period": "soon"}, 400, "period"),
        ({"period": "2024", "format": "doc"}, 400, "format"),
        ({"period": "2024", "area": "330111"}, 404, None),  # county B: not the admin's
    ]:
        for lang in ("en", "zh-hans"):
            r = api("admin", "get", "/reports/monthly", params, lang=lang)
            assert r.status_code == status, (params, r.content)
            if field:
                assert list(r.json()["errors"]) == [field]
    r = api("admin", "get", "/reports/alliance", {"period": "2024"})
    assert r.status_code == 400 and list(r.json()["errors"]) == ["alliance"]
    r = api("admin", "get", "/reports/alliance", {"period": "2024", "alliance": world.ab.pk})
    assert r.status_code == 404  # county B's alliance
    r = api("admin", "get", "/reports/weekly", {"period": "2024"})
    assert r.status_code == 400 and list(r.json()["errors"]) == ["report"]
    assert KeptReport.objects.count() == 0
    with pytest.raises(CommandError) as error:
        call_command("report", "monthly", "--period", "2099-01", "--out", "-")
    assert error.value.returncode == 2


def test_a_kept_report_shows_what_it_showed_then(world):
    from tianmu.core.context import acting_as
    from tianmu.events.tests.factories import EventFactory

    admin = world.users["admin"]
    kept = report_keep(user=admin, report="monthly", area=world.county, period="2024-06")
    assert kept.made_by == admin and kept.area == world.county
    with acting_as(username="test-setup"):
        EventFactory(village=world.v1a, date=D(2024, 6, 10))
    client = Client()
    client.force_login(admin)
    r = client.get(f"/reports/kept/{kept.pk}/json/")
    assert r.status_code == 200
    assert json.loads(r.content)["figures"]["events"] == 0  # as made, before the new event
    now = build("monthly", user=admin, area=world.county, period="2024-06").data()
    assert now["figures"]["events"] == 1
    outsider = Client()
    outsider.force_login(world.outsiders["admin"])
    assert outsider.get(f"/reports/kept/{kept.pk}/json/").status_code == 404
    assert outsider.get(f"/reports/kept/{kept.pk}/pdf/").status_code == 404


def test_beat_keeps_the_monthly_brief_of_every_programme_county(world):
    assert last_month(D(2026, 1, 15)) == "2025-12" and last_quarter(D(2026, 1, 15)) == "2025Q4"
    assert last_quarter(D(2026, 8, 1)) == "2026Q2"
    made = keep_monthly_briefs()
    assert made == 2  # counties A and B run a programme
    assert set(KeptReport.objects.values_list("area__code", flat=True)) == {
        world.county.code,
        world.county_b.code,
    }
    assert not KeptReport.objects.filter(made_by__isnull=False).exists()


def test_the_page_previews_and_downloads_in_both_languages(world):
    figure_world(world)
    for lang, word in (("en", "Key figures"), ("zh-hans", "关键指标")):
        client = Client(HTTP_ACCEPT_LANGUAGE=lang)
        client.force_login(world.users["admin"])
        r = client.get(
            "/reports/", {"report": "monthly", "area": "330112000000", "period": "2024-06"}
        )
        assert r.status_code == 200
        html = r.content.decode()
        assert word in html and 'data-section="figures"' in html
        assert "/commerce/payments/income/?" in html  # figures link to their records
        download = client.get(
            "/reports/download/",
            {"report": "ledger", "area": "330112000000", "period": "2024Q2", "format": "json"},
        )
        assert download.status_code == 200
        assert json.loads(download.content)["report"] == "ledger"
    leader = Client()
    leader.force_login(world.users["leader"])
    r = leader.post("/reports/keep/", {"report": "monthly", "period": "2024-06"})
    assert r.status_code == 404 and KeptReport.objects.count() == 0


def test_the_monthly_brief_equals_the_figures_on_the_demo(demo):
    """On the Lin'an demo (SQLite here, PostgreSQL in CI)."""
    from tianmu.accounts.models import User

    admin = User.objects.filter(role="admin").order_by("pk").first() or UserFactory(
        role="admin", scope_area=Area.objects.get(code="330112000000")
    )
    area = admin.scope_area
    for period, start, end in (
        ("2025-10", D(2025, 10, 1), D(2025, 10, 31)),
        ("2025Q3", D(2025, 7, 1), D(2025, 9, 30)),
        ("2025", D(2025, 1, 1), D(2025, 12, 31)),
    ):
        figures = build("monthly", user=admin, area=area, period=period).data()["figures"]
        expected = kpis(user=admin, period=Period(start, end), area=area)
        assert figures == {k: json_value(v) for k, v in expected.items()}, period
    # The ledger: every number of every area row is its column's figure for that area, every
    # alliance row its part of the breakdown by alliance.
    from tianmu.core.kpis import KpiContext
    from tianmu.reports.definitions import ledger_specs

    q3 = Period(D(2025, 7, 1), D(2025, 9, 30))
    ledger = build("ledger", user=admin, area=area, period="2025Q3").data()
    rows = _rows(ledger, "ledger")
    specs = ledger_specs()
    areas = {a.name: a for a in Area.objects.filter(Q(pk=area.pk) | Q(parent=area))}
    alliance_rows = [r for r in rows if r["name"] not in areas]
    assert len(alliance_rows) >= 13
    for row in rows:
        if row["name"] in areas:
            ctx = KpiContext(user=admin, period=q3, area=areas[row["name"]])
            for column, _key, spec in specs:
                assert row[column] == json_value(spec.value(ctx)), (row["name"], column)
    for column, key, spec in specs:
        parts = breakdown(key, user=admin, by="alliance", period=q3, area=area, spec=spec)
        by_name = {i.name: i.value for i in parts.items if i.id is not None}
        for row in alliance_rows:
            assert row[column] == json_value(by_name.get(row["name"], 0)), (row["name"], column)
    assert Decimal(rows[0]["purchase_income_yuan"]) > 0
    # The alliance report of each demo alliance: its part of every figure.
    from tianmu.alliances.models import Alliance

    year = Period(D(2025, 1, 1), D(2025, 12, 31))
    alliance = Alliance.objects.order_by("pk").first()
    report = build("alliance", user=admin, area=area, period="2025", alliance=alliance).data()
    for key, value in report["figures"].items():
        parts = breakdown(key, user=admin, by="alliance", period=year, area=area)
        mine = next((i.value for i in parts.items if i.id == alliance.pk), 0)
        assert value == json_value(mine), key
