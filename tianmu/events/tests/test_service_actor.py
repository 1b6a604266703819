"""Event services called outside any request name their user in the change log."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tianmu.events import services
from tianmu.events.models import Event
from tianmu.testing.world import change_authors, changed_models, logged_changes

pytestmark = pytest.mark.django_db


def test_an_event_outside_a_request_names_its_user(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ent = world.users["enterprise"]
    with logged_changes() as rows:
        event = services.event_save(
            user=ent,
            event=Event(
                kind="folk_custom", title="打麻糍", date=datetime.date(2024, 6, 1),
                village=world.v1a, villagers_served=30,
            ),
            organizations=[world.e1],
        )  # fmt: skip
    assert changed_models(rows) == [("event", "create"), ("event", "update")]  # + participants
    assert change_authors(rows) == {(ent.pk, "ent_e1")}

    with logged_changes() as rows:
        services.event_photo_add(
            user=ent,
            event=event,
            image=SimpleUploadedFile("a.jpg", b"\xff\xd8\xff\xe0jpeg", "image/jpeg"),
        )
    assert changed_models(rows) == [("eventphoto", "create")]
    assert change_authors(rows) == {(ent.pk, "ent_e1")}
