"""The programme admin's assessment pages on a 390 px phone: no page wider than the screen,
rankings as cards (as test_phone.py measures the cadre's pages).

Run with `TIANMU_CHROMIUM=$(command -v chromium) .venv/bin/pytest -m browser -p no:xdist -q
tests/browser/test_assessment_phone.py`.
"""

from __future__ import annotations

import pytest
from test_phone import MEASURE, PHONE, phone_login

from tianmu.assessment.tests.conftest import scored  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_assessment_pages_fit_a_phone(live_server, browser, scored):  # noqa: F811
    from tianmu.assessment.services import assessment_run

    w = scored
    a = assessment_run(user=w.users["admin"], scheme=w.scheme, year=2024)
    pages = [
        "/assessment/indicators/",
        "/assessment/schemes/",
        "/assessment/schemes/add/",
        f"/assessment/schemes/{w.scheme.pk}/",
        f"/assessment/results/{a.pk}/",
    ]
    for locale in ("zh-CN", "en-US"):
        context, page = phone_login(browser, live_server, "admin_a", locale=locale)
        problems = []
        for url in pages:
            response = page.goto(f"{live_server.url}{url}")
            assert response is not None and response.status == 200, url
            found = page.evaluate(MEASURE)
            if found["width"] > PHONE["width"]:
                problems.append(f"{url}: {found['width']} px wide")
            if any(display != "none" for display in found["thead"]):
                problems.append(f"{url}: a table shows its header, not cards")
        context.close()
        assert problems == [], (locale, problems)
