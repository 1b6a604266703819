"""Phone-first: a village cadre and an enterprise liaison on a 390 × 844 phone.

Every page each of them can open (the same list the language walk renders) is checked in
Chromium: no page is wider than the screen, lists read as cards, and no figure breaks inside a
number. Then the cadre's daily action — confirming what the other side reported — is done with
one thumb, and a confirmation dialog that is cancelled changes nothing.

Same launch pattern as test_alliance_flow.py (never downloads a browser; skips without one).
Run with `TIANMU_CHROMIUM=$(command -v chromium) .venv/bin/pytest -m browser -p no:xdist -q
tests/browser/test_phone.py`.
"""

from __future__ import annotations

import re

import pytest

PASSWORD = "pw-for-tests-1"  # the accounts UserFactory's password
PHONE = {"width": 390, "height": 844}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: What the page measures: its width, the list cards' header display, and every figure that
#: wraps onto a second line (a number broken in two).
MEASURE = """() => ({
  page: !!document.querySelector('meta[name=viewport]'),
  width: document.documentElement.scrollWidth,
  thead: Array.from(document.querySelectorAll('table.table-cards thead'))
    .map(e => getComputedStyle(e).display),
  broken: Array.from(document.querySelectorAll('.text-nowrap, .kpi-value'))
    .filter(e => e.getClientRects().length > 1 ||
      e.getBoundingClientRect().height > 2 * parseFloat(getComputedStyle(e).lineHeight || 20))
    .map(e => e.textContent.trim()),
})"""


@pytest.fixture
def records():
    """The test world with a few records of every instrument (as test_languages.py)."""
    import datetime
    from decimal import Decimal

    from tianmu.commerce.tests.factories import build_trade
    from tianmu.core.context import acting_as
    from tianmu.employment.tests.factories import (
        PersonFactory,
        PlacementFactory,
        PositionFactory,
        WorkshopFactory,
    )
    from tianmu.events.tests.factories import EventFactory
    from tianmu.loans import services as loans
    from tianmu.loans.tests.factories import LoanFactory, LoanProductFactory
    from tianmu.testing import build_world

    world = build_world()
    trade = build_trade(world)
    with acting_as(username="test-setup"):
        workshop = WorkshopFactory(
            name="天目共富岗", enterprise=world.e1, town=world.t1, villages=[world.v1a]
        )
        position = PositionFactory(workshop=workshop, title="装配工")
        person = PersonFactory(name="阿花", village=world.v1a, low_income=True)
        PlacementFactory(person=person, position=position, start=datetime.date(2024, 1, 1))
        EventFactory(village=world.v1a, alliance=world.a1, date=datetime.date(2024, 9, 1))
        product = LoanProductFactory(bank=world.bank, name="共富贷A")
        loan = LoanFactory(product=product, village=world.v1a, amount_requested_yuan=1_200_000)
    bank = world.users["bank"]
    amount = Decimal(1_200_000)
    loans.loan_approve(user=bank, loan=loan, amount_yuan=amount, date=datetime.date(2024, 1, 12))
    loans.loan_disburse(user=bank, loan=loan, amount_yuan=amount, date=datetime.date(2024, 1, 15))
    world.trade = trade
    return world


def phone_login(browser, live_server, username, locale="zh-CN"):
    from playwright.sync_api import expect

    context = browser.new_context(locale=locale, viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    return context, page


@pytest.mark.parametrize("role", ["village", "enterprise"])
def test_every_page_fits_a_phone(live_server, browser, records, role):
    from tianmu.core.tests.language import page_urls_for

    user = records.users[role]
    urls = page_urls_for(user)
    context, page = phone_login(browser, live_server, user.username)
    measured, problems, cards = 0, [], 0
    from playwright.sync_api import Error

    for url in urls:
        try:
            response = page.goto(f"{live_server.url}{url}")
        except Error as error:
            # A POST-only URL answers 405 with no body, and an export starts a download:
            # neither is a page. Chromium leaves the tab on its error page, whose own
            # navigation would interrupt the next goto, so the walk goes on in a new tab.
            page.close()
            page = context.new_page()
            page.set_default_timeout(15_000)
            if not re.search(r"ERR_HTTP_RESPONSE_CODE_FAILURE|Download is starting", str(error)):
                problems.append(f"{url}: {str(error).splitlines()[0]}")
            continue
        if response is None or response.status in (403, 404, 405):
            continue  # not this user's page (the walk lists every route)
        if response.status != 200:
            problems.append(f"{url}: answered {response.status}")
            continue
        found = page.evaluate(MEASURE)
        if not found["page"]:
            continue  # an htmx fragment (the rule check), shown inside its page
        measured += 1
        if found["width"] > PHONE["width"]:
            problems.append(f"{url}: {found['width']} px wide")
        if found["broken"]:
            problems.append(f"{url}: broken figures {found['broken']}")
        if any(display != "none" for display in found["thead"]):
            problems.append(f"{url}: a list shows its table header, not cards")
        cards += bool(found["thead"])
    context.close()
    assert problems == []
    assert measured >= 30 and cards >= 10, (measured, cards)


def test_the_cadre_confirms_with_one_thumb_and_a_cancelled_dialog_changes_nothing(
    live_server, browser, records
):
    from playwright.sync_api import expect

    from tianmu.commerce.models import Delivery

    trade = records.trade
    context, page = phone_login(browser, live_server, "village_v1a", locale="en-US")
    page.goto(f"{live_server.url}/commerce/agreements/{trade.agreement.pk}/")
    button = page.locator(f"[data-record='{trade.d2.pk}'] [data-action=confirm]").first
    if not button.count():
        button = page.locator("[data-action=confirm]").first
    box = button.bounding_box()
    assert box is not None and box["height"] >= 36  # big enough for a thumb
    button.tap()
    expect(page.locator(".alert-success")).to_contain_text("Confirmed:")
    assert Delivery.objects.get(pk=trade.d2.pk).confirmation == "confirmed"
    context.close()

    # A bank officer's write-off asks first; cancelling leaves the loan as it was.
    from tianmu.loans.models import Loan

    loan = Loan.objects.get(village=records.v1a, status="disbursed")
    context, page = phone_login(browser, live_server, "bank_p1", locale="en-US")
    page.goto(f"{live_server.url}/loans/{loan.pk}/")
    write_off = page.locator("button:has-text('Write off')")
    if write_off.count():
        asked = []
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
        write_off.first.tap()
        page.wait_for_timeout(300)
        assert asked and "Write off the loan" in asked[0]
        loan.refresh_from_db()
        assert loan.status == "disbursed"
    context.close()


#: The smallest valid PNG (1 × 1 px): a photo from the phone's camera, for the upload.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


def test_the_cadre_adds_a_progress_update_with_a_photo_on_the_phone(
    live_server, browser, records, tmp_path
):
    from playwright.sync_api import expect

    from tianmu.projects.models import ProjectUpdate

    project = records.trade.project
    context, page = phone_login(browser, live_server, "village_v1a", locale="en-US")
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.fill("#updates input[name=date]", "2024-05-20")
    page.fill("#updates input[name=title]", "5 月进展")
    page.locator("#updates button:has-text('Write a draft')").tap()
    expect(page.locator("#updates")).to_contain_text("5 月进展")
    update = ProjectUpdate.objects.get(project=project, title="5 月进展")
    photo = tmp_path / "photo.png"
    photo.write_bytes(PNG)
    page.set_input_files(f"#photo-{update.pk}", str(photo))
    page.locator(f"#photo-{update.pk} ~ button").tap()
    expect(page.locator("#updates img[alt]").first).to_be_visible()
    assert update.photos.count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()
