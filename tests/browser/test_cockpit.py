"""A leader on a phone: signing in lands on the cockpit, its charts are drawn, the page fits
390 px, and a tap on a town's bar opens that town's cockpit.

Run with `TIANMU_CHROMIUM=$(command -v chromium) .venv/bin/pytest -m browser -p no:xdist -q
tests/browser/test_cockpit.py`.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.test_phone import PHONE, phone_login, records  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: The pixel of the first bar's top in the breakdown chart, from ECharts' own coordinates.
FIRST_BAR = """() => {
  const el = document.querySelector('[data-cockpit-chart][data-kind=bar]');
  const chart = echarts.getInstanceByDom(el);
  const option = chart.getOption();
  const [x, y] = chart.convertToPixel({seriesIndex: 0}, [0, option.series[0].data[0] / 2]);
  const box = el.getBoundingClientRect();
  return {x: box.left + x, y: box.top + y, label: option.xAxis[0].data[0]};
}"""


def test_a_leader_lands_on_the_cockpit_and_taps_into_a_town(live_server, browser, records):  # noqa: F811
    from playwright.sync_api import expect

    world = records
    for village, (lat, lon) in ((world.v1a, (30.2, 119.5)), (world.v2a, (30.3, 119.1))):
        village.area.lat, village.area.lon = lat, lon
        village.area.save()
    context, page = phone_login(browser, live_server, world.users["leader"].username, "en-US")
    expect(page).to_have_url(re.compile(r"/cockpit/$"))
    query = "?period=2024&figure=purchase_income_yuan&by=child"
    page.goto(f"{live_server.url}/cockpit/{query}")
    # Every chart is drawn (ECharts puts a canvas in each) and nothing is wider than the phone.
    for chart in page.locator("[data-cockpit-chart]").all():
        expect(chart.locator("canvas")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    expect(page.locator('[data-kpi="purchase_income_yuan"] .kpi-value')).to_have_text("¥1,210.00")

    bar = page.evaluate(FIRST_BAR)
    assert bar["label"] == "龙岗镇"
    page.locator("[data-cockpit-chart][data-kind=bar]").scroll_into_view_if_needed()
    bar = page.evaluate(FIRST_BAR)
    page.touchscreen.tap(bar["x"], bar["y"])  # a phone: a tap, not a mouse click
    expect(page).to_have_url(re.compile(r"area=330112107000"))
    expect(page.locator("#cockpit-areas")).to_contain_text("龙岗镇")
    expect(page.locator("#cockpit-figure table").first).to_contain_text("望湖村")
    context.close()
