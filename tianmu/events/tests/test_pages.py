"""The events pages: list, detail and the add form for a village cadre."""

import pytest
from django.test import Client
from django.urls import reverse

from tianmu.events.models import Event

pytestmark = pytest.mark.django_db


def test_event_pages(world):
    c = Client()
    c.force_login(world.users["village"])
    assert c.get(reverse("events:event_list")).status_code == 200
    r = c.post(
        reverse("events:event_add"),
        {"kind": "festival", "title": "中秋节", "date": "2024-09-17", "village": world.v1a.pk,
         "villagers_served": 80},
    )  # fmt: skip
    assert r.status_code == 302, r.content.decode()[:2000]
    event = Event.objects.get()
    assert c.get(reverse("events:event_detail", args=[event.pk])).status_code == 200
    outsider = Client()
    outsider.force_login(world.outsiders["village"])
    assert outsider.get(reverse("events:event_detail", args=[event.pk])).status_code == 404
