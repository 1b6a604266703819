"""The audit trail (issue “Trust”, hole 7): our own request ids, a change log the database keeps
append-only (PostgreSQL), kept six months, and browsed by admins within their scope."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tianmu.core.context import acting_as
from tianmu.core.management.commands.prunechanges import earliest_allowed
from tianmu.core.models import ObjectChange
from tianmu.core.tests.api_client import ApiClient
from tianmu.registry.models import Village

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only"
)


def ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["object_id"] for item in response.json()["items"]}


# --- Request ids ----------------------------------------------------------------------------------


def test_a_client_sent_request_id_is_not_stored_as_ours(world):
    api = ApiClient(world)
    forged = "0123456789abcdef0123456789abcdef"
    r = api(
        "admin", "patch", f"/villages/{world.v1a.pk}", {"population": 9}, HTTP_X_REQUEST_ID=forged
    )
    assert r.status_code == 200, r.content
    change = ObjectChange.objects.filter(object_id=str(world.v1a.pk)).first()
    assert change.request_id == r["X-Request-ID"]
    assert change.request_id != forged and r["X-Request-ID"] != forged
    assert len(change.request_id) == 32


# --- The change-log browser: API ----------------------------------------------------------------


def village_ids(*villages) -> set[str]:
    return {str(v.pk) for v in villages}


def test_changes_api_is_scoped_by_what_the_admin_may_see(world):
    api = ApiClient(world)
    county_a = village_ids(world.v1a, world.v1b, world.v2a)  # from the test world's map
    county_b = village_ids(world.vb)
    assert ids(api("admin", "get", "/changes", {"model": "registry.village"})) == county_a
    assert ids(api("o_admin", "get", "/changes", {"model": "village"})) == county_b
    assert ids(api("superuser", "get", "/changes", {"model": "village"})) == county_a | county_b
    # Without a model filter, nothing of county B reaches county A's admin.
    everything = api("admin", "get", "/changes", {"limit": 1000}).json()
    assert everything["count"] == len(everything["items"]) > 0
    b_objects = {
        ("registry.village", str(world.vb.pk)),
        ("registry.area", str(world.county_b.pk)),
        ("alliances.alliance", str(world.ab.pk)),
        ("alliances.program", str(world.program_b.pk)),
    }
    seen = {(item["model"], item["object_id"]) for item in everything["items"]}
    assert seen and not (seen & b_objects)


@pytest.mark.parametrize("who", ["leader", "town", "village", "enterprise", "bank", "o_town"])
def test_changes_api_is_for_admins_only(world, who):
    assert ApiClient(world)(who, "get", "/changes").status_code == 404


def test_changes_api_filters_and_shape(world):
    admin = world.users["admin"]
    with acting_as(admin, request_id="req-audit-1"):
        world.v1b.population = 777
        world.v1b.save()
    api = ApiClient(world)
    r = api("admin", "get", "/changes", {"object_id": str(world.v1b.pk), "user": "admin_a"})
    body = r.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert set(item) >= {"time", "user", "action", "model", "object_id", "changes", "request_id"}
    assert (item["user"], item["action"], item["model"], item["request_id"]) == (
        "admin_a",
        "update",
        "registry.village",
        "req-audit-1",
    )
    assert item["changes"] == {"population": [1200, 777]}
    today = timezone.localdate()
    yesterday = (today - datetime.timedelta(days=1)).isoformat()
    assert api("admin", "get", "/changes", {"user": "admin_a", "from": today}).json()["count"] == 1
    assert (
        api("admin", "get", "/changes", {"user": "admin_a", "to": yesterday}).json()["count"] == 0
    )
    assert api("admin", "get", "/changes", {"model": "no.such"}).json()["count"] == 0
    assert api("admin", "get", "/changes", {"action": "delete"}).json()["count"] == 0
    assert api("admin", "get", "/changes", {"from": "not-a-date"}).status_code == 400


# --- The change-log browser: page ---------------------------------------------------------------


def test_change_log_page_for_admins_within_scope(world):
    with acting_as(world.users["admin"]):
        world.v1b.population = 778
        world.v1b.save()
    with acting_as(world.outsiders["admin"]):
        world.vb.population = 779
        world.vb.save()
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(world.users["admin"])
    page = c.get(reverse("changes:change_list"), {"model": "registry.village"}).content.decode()
    # The village by its name in words, not its id.
    assert f"Village: {world.v1b}" in page and f"#{world.v1b.pk}" not in page and "778" in page
    assert f"Changed population of “{world.v1b}”." in page
    # The other county's change is not listed (its value alone could match a timestamp's or a
    # request id's digits, so look for the change itself).
    assert f"Changed population of “{world.vb}”." not in page and "admin_b" not in page
    for who in ("town", "leader", "village"):
        c.force_login(world.users[who])
        assert c.get(reverse("changes:change_list")).status_code == 404


# --- Retention: prunechanges ----------------------------------------------------------------------


def backdate_copy(change: ObjectChange, when: datetime.datetime) -> int:
    """Insert a copy of `change` dated `when` (the ORM dates rows itself), return its id."""
    cols = "user_id, user_name, request_id, action, content_type_id, object_id, object_repr"
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO core_objectchange (time, {cols}, before, after) "  # noqa: S608
            f"SELECT %s, {cols}, before, after FROM core_objectchange WHERE id = %s",
            [connection.ops.adapt_datetimefield_value(when), change.pk],
        )
    return ObjectChange.objects.order_by("-id").values_list("pk", flat=True).first()


def test_prune_refuses_rows_younger_than_six_months(world):
    before = ObjectChange.objects.count()
    with pytest.raises(CommandError, match="at least 6 months"):
        call_command("prunechanges", "--before", timezone.localdate().isoformat())
    too_late = earliest_allowed(timezone.localdate()) + datetime.timedelta(days=1)
    with pytest.raises(CommandError, match="at least 6 months"):
        call_command("prunechanges", "--before", too_late.isoformat())
    with pytest.raises(CommandError, match="must be a date"):
        call_command("prunechanges", "--before", "yesterday")
    assert ObjectChange.objects.count() == before


def test_prune_deletes_only_rows_before_the_date(world, capsys):
    old = backdate_copy(ObjectChange.objects.first(), timezone.now() - datetime.timedelta(days=400))
    young = ObjectChange.objects.count() - 1
    limit = earliest_allowed(timezone.localdate())
    call_command("prunechanges", "--before", limit.isoformat())
    assert "Deleted 1 change-log rows" in capsys.readouterr().out
    assert not ObjectChange.objects.filter(pk=old).exists()
    assert ObjectChange.objects.count() == young


def test_six_months_back_keeps_the_day_or_the_month_end():
    assert earliest_allowed(datetime.date(2026, 12, 1)) == datetime.date(2026, 6, 1)
    assert earliest_allowed(datetime.date(2026, 8, 31)) == datetime.date(2026, 2, 28)
    assert earliest_allowed(datetime.date(2026, 3, 15)) == datetime.date(2025, 9, 15)


# --- Append-only in PostgreSQL itself ----------------------------------------------------------


@on_postgresql
def test_database_refuses_update_and_delete_of_the_change_log(world):
    change = ObjectChange.objects.first()
    for sql in (
        "UPDATE core_objectchange SET user_name = 'someone else' WHERE id = %s",
        "DELETE FROM core_objectchange WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cur,
        ):
            cur.execute(sql, [change.pk])
    change = ObjectChange.objects.get(pk=change.pk)
    assert change.user_name == "test-setup"


@on_postgresql
def test_prune_opens_the_trigger_only_inside_its_own_transaction(world):
    now = timezone.now()
    old = backdate_copy(ObjectChange.objects.first(), now - datetime.timedelta(days=300))
    other = backdate_copy(ObjectChange.objects.last(), now - datetime.timedelta(days=401))
    before = timezone.localdate() - datetime.timedelta(days=395)
    call_command("prunechanges", "--before", before.isoformat())
    assert not ObjectChange.objects.filter(pk=other).exists()
    assert ObjectChange.objects.filter(pk=old).exists()
    # The setting did not outlive the command's transaction.
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cur,
    ):
        cur.execute("DELETE FROM core_objectchange WHERE id = %s", [old])
    # Even with the setting on, the trigger keeps young rows.
    young = ObjectChange.objects.first().pk
    with (
        pytest.raises(DatabaseError, match="at least 6 months"),
        transaction.atomic(),
        connection.cursor() as cur,
    ):
        cur.execute("SET LOCAL tianmu.prune_changes = 'on'")
        cur.execute("DELETE FROM core_objectchange WHERE id = %s", [young])


@on_postgresql
def test_deleting_a_user_keeps_their_changes_by_name(world):
    user = world.users["town"]
    with acting_as(user):
        world.v1a.population = 5
        world.v1a.save()
    change = ObjectChange.objects.filter(user_id=user.pk).get()
    user.delete()  # ON DELETE SET NULL: the one UPDATE the trigger allows
    change = ObjectChange.objects.get(pk=change.pk)
    assert (change.user_id, change.user_name) == (None, "town_t1")
    assert Village.objects.filter(pk=world.v1a.pk).exists()


def test_history_names_the_change_hides_internal_fields_and_shows_local_time(world, settings):
    from tianmu.core.views import _local_time

    with acting_as(world.users["admin"]):
        world.t1.name = "龙岗镇（新）"
        world.t1.save()
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(world.users["admin"])
    page = c.get(reverse("registry:area_history", args=[world.t1.pk])).content.decode()
    assert "Changed name of “龙岗镇（新）”." in page
    assert ">Path<" not in page and ">Id<" not in page and "Last updated" not in page
    settings.TIME_ZONE = "Asia/Shanghai"
    assert _local_time("2024-05-01T02:30:00+00:00") == "2024-05-01 10:30"


def test_history_leaves_structured_json_to_the_objects_page(world):
    from tianmu.matching.models import MatchingRun

    with acting_as(world.users["admin"]):
        run = MatchingRun.objects.create(program=world.program, status="done")
        run.result = {"alliances": [{"village": "1", "core": ["2"]}]}
        run.notes = ["a note"]
        run.save()
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(world.users["admin"])
    page = c.get(reverse("matching:matchingrun_history", args=[run.pk])).content.decode()
    assert "a note" in page  # a list of words reads as words
    assert "&#x27;alliances&#x27;" not in page and "&#x27;core&#x27;" not in page
