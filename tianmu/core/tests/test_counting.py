"""Lists count their rows exactly up to TIANMU_EXACT_COUNT_LIMIT, then say "more than N"
(tianmu/core/counting.py): the helper, the list pages, the change log page and the API."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tianmu.commerce.models import Payment
from tianmu.commerce.tests.factories import PurchaseOrderFactory
from tianmu.core.counting import (
    CappedPaginator,
    Count,
    capped_count,
    format_count,
    more_than_label,
)
from tianmu.core.scoping import visible_to
from tianmu.core.tests.api_client import ApiClient
from tianmu.core.tests.pages import client_for
from tianmu.events.models import Event
from tianmu.events.tests.factories import EventFactory
from tianmu.registry.models import Area
from tianmu.testing.world import acting_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(world):
    """Three events in county A's village (望湖村): the admin of county A sees them all."""
    with acting_as(username="test-setup"):
        return [
            EventFactory(village=world.v1a, date=datetime.date(2024, 6, day)) for day in (1, 2, 3)
        ]


def test_counts_exactly_up_to_the_limit(world):
    areas = Area.objects.all()
    total = areas.count()
    assert capped_count(areas, limit=total) == Count(total, True)
    assert capped_count(areas, limit=total + 5) == Count(total, True)


def test_counts_past_the_limit_as_more_than_the_limit(world):
    areas = Area.objects.all()
    limit = areas.count() - 1
    assert capped_count(areas, limit=limit) == Count(limit, False)
    # The setting is the default limit.
    assert capped_count(areas) == Count(areas.count(), True)


def test_the_setting_is_the_default_limit(world, settings):
    settings.TIANMU_EXACT_COUNT_LIMIT = 2
    assert Area.objects.count() > 2
    assert capped_count(Area.objects.all()) == Count(2, False)


def test_a_capped_count_is_one_query_that_stops_at_the_limit(world):
    with CaptureQueriesContext(connection) as ctx:
        capped_count(Area.objects.order_by("name"), limit=3)
    assert len(ctx.captured_queries) == 1
    sql = ctx.captured_queries[0]["sql"].upper()
    assert "COUNT(" in sql and "LIMIT 4" in sql
    assert "ORDER BY" not in sql  # no sort for a count


def test_numbers_as_their_readers_read_them():
    assert format_count(10_000) == "10,000"
    assert more_than_label(Count(10_000, False)) == "10,000+ records"
    with translation.override("zh-hans"):
        assert format_count(10_000) == "1万"
        assert format_count(200_000_000) == "2亿"
        assert format_count(12_345) == "12,345"


def test_paginator_past_the_limit_pages_on_without_a_last_page(world, events, settings):
    settings.TIANMU_EXACT_COUNT_LIMIT = 2
    qs = visible_to(world.users["admin"], Event).order_by("date", "pk")
    paginator = CappedPaginator(qs, 1)
    assert (paginator.count, paginator.count_exact) == (2, False)
    first = paginator.get_page(1)
    assert list(first) == [events[0]] and first.has_next() and not first.has_previous()
    last = paginator.get_page(3)  # beyond the counted rows, still a page
    assert list(last) == [events[2]] and not last.has_next() and last.has_previous()
    assert last.start_index() == 3 and last.end_index() == 3
    # A page past the end falls back to a page that exists, as Django's get_page does.
    assert list(paginator.get_page(9))
    # Exactly counted: Django's own paginator behaviour.
    settings.TIANMU_EXACT_COUNT_LIMIT = 10
    exact = CappedPaginator(qs, 1)
    assert (exact.count, exact.count_exact, exact.num_pages) == (3, True, 3)
    assert exact.count_label == ""


def test_list_page_says_more_than_the_limit(world, events, settings):
    settings.TIANMU_EXACT_COUNT_LIMIT = 2
    settings.TIANMU_PAGE_SIZE = 1
    client = client_for(world.users["admin"])
    page = client.get(reverse("events:event_list")).content.decode()
    assert "2+ records" in page
    assert "Page 1" in page and "Page 1 of" not in page
    assert "page=2" in page  # Next
    last = client.get(reverse("events:event_list"), {"page": 3}).content.decode()
    assert "Page 3" in last and "page=2" in last and "page=4" not in last
    # Under the limit the list counts as before.
    settings.TIANMU_EXACT_COUNT_LIMIT = 10
    page = client.get(reverse("events:event_list")).content.decode()
    assert "3 records" in page and "Page 1 of 3" in page and "+ records" not in page


def test_list_totals_are_withheld_past_the_limit(world, settings):
    with acting_as(username="test-setup"):
        order = PurchaseOrderFactory(enterprise=world.e1, village=world.v1a)
        for day in (1, 2, 3):
            Payment.objects.create(
                order=order,
                date=datetime.date(2024, 5, day),
                amount_yuan=Decimal("100.00"),
                reported_side="enterprise",
                confirmation="confirmed",
            )
    client = client_for(world.users["admin"])
    url = reverse("commerce:payment_list")
    settings.TIANMU_EXACT_COUNT_LIMIT = 10
    page = client.get(url).content.decode()
    assert 'id="total-row"' in page and 'id="totals-withheld"' not in page
    settings.TIANMU_EXACT_COUNT_LIMIT = 2
    page = client.get(url).content.decode()
    assert 'id="total-row"' not in page and 'id="totals-withheld"' in page
    assert "2+ records" in page


def test_change_log_page_caps_its_count(world, events, settings):
    settings.TIANMU_EXACT_COUNT_LIMIT = 2
    page = client_for(world.users["admin"]).get(reverse("changes:change_list")).content.decode()
    assert "2+ records" in page


def test_api_lists_say_whether_the_count_is_exact(world, events, settings):
    api = ApiClient(world)
    body = api("admin", "get", "/events", {"limit": 2}).json()
    visible = visible_to(world.users["admin"], Event).count()
    assert body["count_exact"] is True and body["count"] == visible
    assert len(body["items"]) == 2
    settings.TIANMU_EXACT_COUNT_LIMIT = 2
    body = api("admin", "get", "/events", {"limit": 2, "offset": 2}).json()
    # Past the limit: the limit, or on PostgreSQL the planner's estimate when it is larger.
    assert body["count_exact"] is False and body["count"] >= 2
    if connection.vendor != "postgresql":
        assert body["count"] == 2
    assert len(body["items"]) == visible - 2  # the rows past the count are still served
    # A list that paginates itself (core.api.paginate) says the same.
    body = api("admin", "get", "/changes", {"limit": 1}).json()
    assert body["count_exact"] is False and body["count"] >= 2 and len(body["items"]) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner only")
def test_the_estimate_is_the_planners(world):
    from tianmu.core.counting import planner_estimate

    guess = planner_estimate(Area.objects.all())
    assert isinstance(guess, int) and guess >= 1


def test_openapi_documents_count_exact():
    from tianmu.api import api

    schema = api.get_openapi_schema()
    pages = [s for name, s in schema["components"]["schemas"].items() if name.startswith("Page_")]
    assert pages
    assert all(s["properties"]["count_exact"]["type"] == "boolean" for s in pages)
