"""共富购 in a real browser: the enterprise liaison places an order and reports its delivery and
payment; the village cadre confirms both; the order ends “paid” and the income figure moves.

Same launch pattern as test_alliance_flow.py (never downloads a browser; skips without one).
Run with `.venv/bin/pytest -m browser -p no:xdist -q tests/browser/test_order_flow.py`.
"""

from __future__ import annotations

import re

import pytest

PASSWORD = "pw-for-tests-1"  # the accounts UserFactory's password

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(browser, live_server, username):
    from playwright.sync_api import expect

    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('Log in')")
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    return context, page


def test_order_from_placed_to_confirmed(live_server, browser):
    from playwright.sync_api import expect

    from tianmu.commerce.tests.factories import build_trade
    from tianmu.testing import build_world

    world = build_world()
    trade = build_trade(world)

    ent_ctx, ent = login(browser, live_server, "ent_e1")
    ent.goto(f"{live_server.url}/commerce/orders/add/")
    ent.select_option("#id_enterprise", str(world.e1.pk))
    ent.select_option("#id_village", str(world.v1a.pk))
    ent.select_option("#id_purpose", "festival_gift")
    ent.fill("#id_placed_on", "2024-09-01")
    ent.select_option("#id_lines-0-product", str(trade.product.pk))
    ent.fill("#id_lines-0-quantity", "100")
    ent.fill("#id_lines-1-product_name", "月饼")
    ent.fill("#id_lines-1-unit", "盒")
    ent.fill("#id_lines-1-quantity", "40")
    ent.fill("#id_lines-1-unit_price", "88.80")
    ent.click("#order-form button[type=submit]")
    expect(ent.locator("[data-status]")).to_have_attribute("data-status", "placed")
    expect(ent.locator("[data-figure=total]")).to_contain_text("¥6,552.00")
    order_url = ent.url

    # A bad payment is refused with a message, nothing written.
    ent.fill("#report-payment input[name=amount_yuan]", "0")
    ent.fill("#report-payment input[name=date]", "2024-09-02")
    ent.click("#report-payment button[type=submit]")
    expect(ent.locator("body")).to_contain_text("Must be greater than zero.")

    ent.fill("#report-delivery input[name=date]", "2024-09-05")
    ent.click("#report-delivery button[type=submit]")
    expect(ent.locator("#order-deliveries")).to_contain_text("Reported, awaiting confirmation")
    expect(ent.locator("#order-deliveries [data-action=confirm]")).to_have_count(0)

    vil_ctx, vil = login(browser, live_server, "village_v1a")
    vil.goto(order_url)
    vil.click("#order-deliveries [data-action=confirm]")
    expect(vil.locator("[data-status]")).to_have_attribute("data-status", "delivered")

    ent.goto(order_url)
    ent.fill("#report-payment input[name=amount_yuan]", "6552.00")
    ent.fill("#report-payment input[name=date]", "2024-09-10")
    ent.click("#report-payment button[type=submit]")
    expect(ent.locator("#payments")).to_contain_text("Reported, awaiting confirmation")

    vil.goto(order_url)
    vil.click("#payments [data-action=confirm]")
    expect(vil.locator("[data-status]")).to_have_attribute("data-status", "paid")
    expect(vil.locator("[data-figure=paid]")).to_contain_text("¥6,552.00")

    vil.goto(f"{live_server.url}/")
    expect(vil.locator("[data-kpi=purchase_income_yuan]")).to_contain_text("¥7,762.00")
    ent_ctx.close()
    vil_ctx.close()
