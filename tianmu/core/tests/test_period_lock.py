"""The period lock holds on every write path: create, update, delete, confirm, dispute and
bulk inserts (imports, generated rows), and its refusal names the locked month and area."""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from tianmu.core.bulk import bulk_create_logged
from tianmu.core.context import acting_as
from tianmu.core.models import ObjectChange
from tianmu.core.services import object_delete, object_save
from tianmu.core.tests.api_client import ApiClient
from tianmu.core.workflow import PeriodLock, record_dispute
from tianmu.events.models import Event
from tianmu.events.tests.factories import EventFactory

pytestmark = pytest.mark.django_db
D = datetime.date
LOCKED = "2024-07 is locked for 临安区; its records are read-only."


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def state() -> dict[str, int]:
    counts = {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.app_label in ("commerce", "events")
    }
    counts["changes"] = ObjectChange.objects.count()
    return counts


@pytest.fixture
def trade(world):
    from tianmu.commerce.tests.factories import build_trade

    return build_trade(world)


@pytest.fixture
def locked(world):
    with acting_as(username="test-setup"):
        PeriodLock.objects.create(area=world.county, month=D(2024, 7, 1))
        world.event = EventFactory(title="七月活动", village=world.v1a, date=D(2024, 7, 9))
        world.june = EventFactory(title="六月活动", village=world.v1a, date=D(2024, 6, 9))
    return world


def test_disputing_a_record_dated_in_a_locked_month_is_refused(locked, trade):
    api = ApiClient(locked)
    before = state()
    r = api("village", "post", f"/payments/{trade.pay2.pk}/dispute", {"reason": "没收到"})
    assert r.status_code == 400, r.content
    assert r.json()["errors"]["__all__"] == [LOCKED]
    r = api("village", "post", f"/payments/{trade.pay2.pk}/dispute", {"reason": "没收到"},
            lang="zh-hans")  # fmt: skip
    assert r.status_code == 400
    message = r.json()["errors"]["__all__"][0]
    assert "2024-07" in message and "临安区" in message and message != LOCKED
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError, match=LOCKED[:20]):
        record_dispute(user=locked.users["village"], obj=trade.pay2, reason="没收到")
    trade.pay2.refresh_from_db()
    assert trade.pay2.confirmation == "reported"
    assert state() == before


def test_deleting_an_event_dated_in_a_locked_month_is_refused(locked):
    api = ApiClient(locked)
    before = state()
    r = api("admin", "delete", f"/events/{locked.event.pk}")
    assert r.status_code == 400, r.content
    assert r.json()["errors"]["__all__"] == [LOCKED]
    assert Event.objects.filter(pk=locked.event.pk).exists()
    assert state() == before
    assert api("admin", "delete", f"/events/{locked.june.pk}").status_code == 204  # June is open


def test_the_shared_write_path_checks_the_lock_before_and_after(locked):
    admin = locked.users["admin"]
    before = state()
    event = Event.objects.get(pk=locked.event.pk)
    event.title = "改名"
    with pytest.raises(ValidationError, match="2024-07 is locked"):
        object_save(user=admin, instance=event)  # an update of a locked record
    event = Event.objects.get(pk=locked.event.pk)
    event.date = D(2024, 8, 1)
    with pytest.raises(ValidationError, match="2024-07 is locked"):
        object_save(user=admin, instance=event)  # moved out of the locked month
    june = Event.objects.get(pk=locked.june.pk)
    june.date = D(2024, 7, 2)
    with pytest.raises(ValidationError, match="2024-07 is locked"):
        object_save(user=admin, instance=june)  # moved into it
    new = Event(kind="lecture", title="新活动", village=locked.v1a, date=D(2024, 7, 20))
    with pytest.raises(ValidationError, match="2024-07 is locked"):
        object_save(user=admin, instance=new)
    with pytest.raises(ValidationError, match="2024-07 is locked"):
        object_delete(user=admin, instance=Event.objects.get(pk=locked.event.pk))
    assert state() == before


def test_bulk_inserts_respect_the_lock(locked):
    before = state()
    rows = [
        Event(kind="lecture", title="导入一", village=locked.v1a, date=D(2024, 6, 3)),
        Event(kind="lecture", title="导入二", village=locked.v1a, date=D(2024, 7, 3)),
    ]
    with acting_as(username="import"), pytest.raises(ValidationError, match="2024-07 is locked"):
        bulk_create_logged(Event, rows)
    assert state() == before
    # County B has no lock: the same month is open there.
    with acting_as(username="import"):
        bulk_create_logged(
            Event, [Event(kind="lecture", title="导入三", village=locked.vb, date=D(2024, 7, 3))]
        )
    assert Event.objects.filter(title="导入三").exists()


def test_the_pages_refuse_a_dispute_and_an_event_delete_in_a_locked_month(locked, trade, client):
    """The same two paths from the pages (flash messages, nothing written)."""
    before = state()
    client.force_login(locked.users["village"])
    url = reverse("commerce:record_decision", args=["payment", trade.pay2.pk, "dispute"])
    r = client.post(url, {"reason": "没收到"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert LOCKED in r.content.decode()
    client.force_login(locked.users["admin"])
    url = reverse("events:event_delete", args=[locked.event.pk])
    r = client.post(url, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert LOCKED in r.content.decode()
    assert Event.objects.filter(pk=locked.event.pk).exists()
    assert state() == before


def test_a_photo_of_an_event_in_a_locked_month_is_refused(locked):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tianmu.events.services import event_photo_add

    before = state()
    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00"
        b"\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05"
        b"\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    with pytest.raises(ValidationError, match=LOCKED[:20]):
        event_photo_add(
            user=locked.users["admin"], event=locked.event,
            image=SimpleUploadedFile("a.png", png, content_type="image/png"),
        )  # fmt: skip
    assert state() == before


def test_an_import_into_a_locked_month_fails_naming_the_lock(locked):
    from tianmu.exchange.registers import importer
    from tianmu.exchange.services import import_create

    admin = locked.users["admin"]
    columns = {c.name: str(c.label) for c in importer("events").columns(admin)}
    header = [columns[n] for n in ("kind", "title", "date", "village")]
    rows = [header, ["lecture", "导入七月", "2024-07-03", "330112107201"]]
    content = "\n".join(",".join(r) for r in rows).encode()
    before = state()
    job = import_create(user=admin, resource="events", filename="e.csv", content=content,
                        dry_run=False)  # fmt: skip
    assert job.status == "failed"
    assert [e["message"] for e in job.errors] == [LOCKED]
    assert state() == before
