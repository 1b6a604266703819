"""Every page of every role speaks the UI's language, apart from the data it shows.

The test world with a few records of every instrument (orders, deliveries, placements, loans,
project updates, events) and an optimiser run is rendered page by page, as each role, in
English and in Chinese; a page fails when it shows text of the other language outside the
data (language.py). The check is dictionary-free, so a string that was never extracted or
never translated is found without listing it.
"""

from __future__ import annotations

import datetime

import pytest

from tianmu.commerce.tests.conftest import trade  # noqa: F401 (fixtures used below)
from tianmu.core.tests.language import data_strings, foreign_text, page_urls_for, visible_text
from tianmu.core.tests.pages import ROLES, client_for
from tianmu.employment.tests.conftest import emp  # noqa: F401
from tianmu.loans.tests.conftest import book  # noqa: F401
from tianmu.matching.tests.conftest import mworld  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(world, trade, emp, book, mworld):  # noqa: F811
    from tianmu.core.context import acting_as
    from tianmu.events.tests.factories import EventFactory
    from tianmu.matching.services import run_create

    with acting_as(username="test-setup"):
        EventFactory(village=world.v1a, alliance=world.a1, date=datetime.date(2024, 9, 1))
    # An optimiser run with its proposals (the run page explains each member).
    run = run_create(user=world.users["admin"], program=world.program, villages=[world.v1b])
    assert run.solver_status in ("optimal", "feasible")
    # A reporting round past its deadline: its page shows reported, overdue and pending rows.
    from tianmu.rounds.kinds import parse_period
    from tianmu.rounds.services import round_open

    round_open(
        user=world.users["admin"], program=world.program, kind="yearly_income",
        period=parse_period("2024"), deadline=datetime.date(2025, 1, 31),
    )  # fmt: skip
    return world


def test_the_check_finds_the_other_language_outside_the_data():
    data = ["望湖村", "Tea Co"]
    assert foreign_text("<p>Village 望湖村</p><p>已确认</p>", "en", data) == ["已确认"]
    assert foreign_text('<p title="审核状态">望湖村</p>', "en", data) == ["审核状态"]
    assert foreign_text("<p>望湖村 Tea Co 已确认 PAR30</p>", "zh-hans", data) == []
    assert foreign_text("<p>审核状态 Review status</p>", "zh-hans", data) == [
        "审核状态 Review status [Review status]"
    ]
    # Scripts and code are not text; the language switcher names each language in itself.
    assert visible_text("<script>var a='已确认'</script><code>x</code><b>y</b>") == ["y"]
    assert foreign_text("<button>简体中文</button><button>English</button>", "en", []) == []
    assert foreign_text("<button>简体中文</button><button>English</button>", "zh-hans", []) == []


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_the_role_is_in_the_ui_language(records, role):
    user = records.users[role]
    urls = page_urls_for(user)
    data = data_strings()
    found, rendered = [], 0
    for language in ("en", "zh-hans"):
        client = client_for(user, language)
        for url in urls:
            response = client.get(url)
            assert response.status_code < 500, url
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            rendered += 1
            html = response.content.decode()
            if "<html" in html:  # a whole page, not a fragment
                assert f'<html lang="{"en" if language == "en" else "zh-Hans"}">' in html, url
            found += [f"{language} {url}: {text}" for text in foreign_text(html, language, data)]
    assert found == [], "\n".join(found)
    assert rendered >= 40, rendered
