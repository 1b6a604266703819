"""An import in a real browser: a village cadre uploads a 三资 sheet with one bad row, reads the
error, uploads the fixed sheet, checks the preview and confirms; the income is written.

The browser comes from conftest.py; the sign-in is test_order_flow.py's.
Run with `.venv/bin/pytest -m browser -p no:xdist -q tests/browser/test_import_flow.py`.
"""

from __future__ import annotations

import pytest
from test_order_flow import login

from tianmu.exchange.tests.test_imports import xlsx as _sheet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _upload(content: bytes) -> dict:
    return {"name": "三资.xlsx", "mimeType": "application/octet-stream", "buffer": content}


def test_upload_read_the_error_fix_and_import(live_server, browser):
    from playwright.sync_api import expect

    from tianmu.registry.models import VillageIncome
    from tianmu.testing import build_world

    world = build_world()
    header = ["区划代码", "村名", "年份", "总收入", "经营性收入"]
    bad = _sheet([header, ["330112107201", "望湖村", 2024, "一百万", None]])
    good = _sheet([header, ["330112107201", "望湖村", 2024, "1,000,000", 300000]])

    context, page = login(browser, live_server, "village_v1a")
    page.goto(f"{live_server.url}/exchange/import/village-incomes/")
    page.set_input_files("#id_file", files=[_upload(bad)])
    page.click("button[type=submit]:has-text('Check the file')")
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("一百万")
    expect(errors).to_contain_text("is not a number")
    assert not VillageIncome.objects.exists()

    page.set_input_files("#id_file", files=[_upload(good)])
    page.click("button[type=submit]:has-text('Check the file')")
    expect(page.locator("#import-preview")).to_contain_text("create")
    expect(page.locator("#count-created")).to_have_text("1")
    assert not VillageIncome.objects.exists()  # a dry run until confirmed

    page.click("button[type=submit]:has-text('Confirm')")
    expect(page.locator("[role=status]")).to_contain_text("Written")
    income = VillageIncome.objects.get(village=world.v1a, year=2024)
    assert income.amount_yuan == 1_000_000 and income.operating_yuan == 300_000
    context.close()
