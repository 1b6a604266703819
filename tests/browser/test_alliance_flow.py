"""A programme admin builds a 5+1+X alliance in a real browser and sees the rule check pass.

Runs Chromium through Playwright against pytest-django's live server. Never downloads a
browser: it uses TIANMU_CHROMIUM (default /usr/bin/chromium) and skips if that is missing.
Run with `.venv/bin/pytest -m browser -p no:xdist -q`.
"""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
PASSWORD = "browser-test-pw-1"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def county():
    """A county with two towns, three villages, five FIC enterprises, a chamber and a bank."""
    from tianmu.accounts.tests.factories import UserFactory
    from tianmu.alliances.tests.factories import ProgramFactory
    from tianmu.core.context import acting_as
    from tianmu.registry.tests.factories import AreaFactory, OrganizationFactory, VillageFactory

    with acting_as(username="test-setup"):
        province = AreaFactory(name="浙江省", level="province", code="330000000000")
        city = AreaFactory(name="杭州市", level="city", code="330100000000", parent=province)
        county = AreaFactory(name="临安区", level="county", code="330112000000", parent=city)
        longgang = AreaFactory(name="龙岗镇", level="town", code="330112107000", parent=county)
        changhua = AreaFactory(name="昌化镇", level="town", code="330112106000", parent=county)
        for name, code, town in [
            ("望湖村", "330112107201", longgang),
            ("示例一村", "330112107202", longgang),
            ("示例二村", "330112106201", changhua),
        ]:
            VillageFactory(area=AreaFactory(name=name, level="village", code=code, parent=town))
        for i in range(5):
            OrganizationFactory(name=f"天目示例企业{i + 1}", home_town=longgang)
        OrganizationFactory(
            kind="chamber",
            name="龙岗镇商会",
            home_town=longgang,
            credit_code=None,
            fic_executive=False,
            fic_position="",
            industry="",
            employees=None,
        )
        OrganizationFactory(
            kind="partner",
            partner_kind="financial",
            name="示例农商银行",
            home_town=None,
            registered_area=county,  # a county bank: registered by the county it serves
            credit_code=None,
            fic_executive=False,
            fic_position="",
            industry="",
            employees=None,
        )
        program = ProgramFactory(
            county=county, name="天目共富联盟 2020–2099", start=datetime.date(2020, 1, 1)
        )
        admin = UserFactory(username="admin_ui", role="admin", scope_area=county)
        admin.set_password(PASSWORD)
        admin.save()
    return program


def current_code(username: str) -> str:
    """The code the user's authenticator shows now (UserFactory gives admins a device)."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0):06d}"


def test_admin_builds_an_alliance_until_the_rule_check_passes(live_server, browser, county):
    from playwright.sync_api import expect

    program = county
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)

    # Every page asks for a login first.
    page.goto(f"{live_server.url}/alliances/programs/{program.pk}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.fill("#id_username", "admin_ui")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('Log in')")
    # A programme admin signs in with a second factor: the code of their authenticator.
    expect(page).to_have_url(re.compile(r"/accounts/2fa/verify/\?next="))
    page.fill("#id_token", current_code("admin_ui"))
    page.click("button[type=submit]:has-text('Continue')")
    expect(page.locator("h1")).to_contain_text("天目共富联盟 2020–2099")
    expect(page.locator("body")).to_contain_text("5 core enterprises")

    # A new alliance under the programme.
    page.click("text=Add alliance")
    expect(page.locator("#id_program")).to_have_value(str(program.pk))
    page.fill("#id_name", "望湖村共富联盟")
    page.click("#object-form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("望湖村共富联盟")
    rules = page.locator("#rule-check")
    expect(rules).to_contain_text("Needs 5 more core enterprises (has 0 of 5).")
    expect(rules).to_contain_text("Not paired with a village.")

    def add_member(org: str, role: str, *, ok: bool = True) -> None:
        rows = page.locator("#members table").first.locator("tbody tr:has(a)")  # members only
        before = rows.count()
        form = page.locator("#member-form")
        form.locator("#member_organization").select_option(label=org)
        form.locator("#member_role").select_option(role)
        form.locator("button[type=submit]").click()
        if ok:
            expect(rows).to_have_count(before + 1)
            expect(rows.filter(has_text=org)).to_have_count(1)

    # Three core enterprises: the panel, refreshed by htmx, still complains.
    for i in range(3):
        add_member(f"天目示例企业{i + 1}", "core")
    expect(rules).to_contain_text("Needs 2 more core enterprises (has 3 of 5).")

    # Adding one twice is refused inline and changes nothing.
    add_member("天目示例企业1", "core", ok=False)
    expect(page.locator("#member-form")).to_contain_text("is already a member of this alliance")
    expect(rules).to_contain_text("has 3 of 5")

    # The missing members: two more core enterprises, the local chamber and the bank.
    add_member("天目示例企业4", "core")
    add_member("天目示例企业5", "core")
    add_member("龙岗镇商会", "chamber")
    add_member("示例农商银行", "partner")
    expect(rules).not_to_contain_text("core enterprise")
    expect(rules).to_contain_text("Not paired with a village.")

    # Pairing with the chamber's town's village makes it pass.
    pair = page.locator("#pair-form")
    pair.locator("#pair_village").select_option(label="龙岗镇 · 望湖村")
    pair.locator("button[type=submit]").click()
    expect(page.locator("#pairings")).to_contain_text("Paired with 望湖村")
    expect(rules).to_contain_text("OK")
    expect(rules).to_contain_text("The alliance meets the programme's rules (5+1+X).")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "alliance.png"), full_page=True)

    # The history tab shows who did it.
    page.click("text=History")
    expect(page.locator("main")).to_contain_text("admin_ui")

    # Switch to Chinese (the site default); with TIANMU_SCREENSHOT=1, photograph the home page
    # for the README (a test run does not rewrite the repository otherwise).
    page.goto(f"{live_server.url}/")
    page.click("#language-menu")
    page.click("button[name=language][value=zh-hans]")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("#kpis")).to_contain_text("在结对中的联盟")
    page.wait_for_timeout(500)  # let the chart finish its animation
    if os.environ.get("TIANMU_SCREENSHOT"):
        page.screenshot(path=str(ROOT / "docs" / "screenshot.png"), full_page=True)

    # On a phone the menu collapses behind the toggler.
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    mobile = phone.new_page()
    mobile.goto(f"{live_server.url}/accounts/login/")
    expect(mobile.locator(".navbar-toggler")).to_be_visible()
    expect(mobile.locator("h1")).to_contain_text("登录")
    phone.close()
    context.close()
