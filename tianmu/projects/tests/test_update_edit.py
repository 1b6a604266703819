"""A returned progress update can be put right before it is resubmitted; each review action
says what happened to which update."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from tianmu.core.context import acting_as
from tianmu.core.tests.pages import client_for
from tianmu.projects.models import ProjectUpdate
from tianmu.projects.tests.factories import ProjectUpdateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def update(world, trade):
    with acting_as(username="test-setup"):
        return ProjectUpdateFactory(
            project=trade.project, date=datetime.date(2024, 3, 15), title="3 月进展",
            review_status="submitted",
        )  # fmt: skip


def review(client, update, action, **data):
    url = reverse("projects:update_review", args=[update.pk, action])
    return client.post(url, data, follow=True).content.decode()


def test_returned_update_is_edited_then_resubmitted(world, trade, update):
    admin = client_for(world.users["admin"], "zh-hans")
    page = review(admin, update, "return", reason="照片不清")
    assert "已退回：望湖村 2024-03-15“3 月进展”：照片不清" in page

    village = client_for(world.users["village"])
    edit = reverse("projects:update_edit", args=[update.pk])
    form = village.get(edit).content.decode()
    assert "Returned by the reviewer: 照片不清" in form
    response = village.post(
        edit, {"date": "2024-03-15", "title": "3 月进展（补照片）", "text": "已补清晰照片"},
        follow=True,
    )  # fmt: skip
    update.refresh_from_db()
    assert (update.title, update.text, update.review_status) == (
        "3 月进展（补照片）",
        "已补清晰照片",
        "returned",
    )
    assert "submit it again when it is ready" in response.content.decode()
    page = review(village, update, "submit")
    assert "Submitted for review: 望湖村, 2024-03-15 “3 月进展（补照片）”." in page
    page = review(admin, update, "approve")
    assert "已批准：望湖村 2024-03-15“3 月进展（补照片）”。" in page


def test_a_submitted_or_approved_update_cannot_be_edited(world, trade, update):
    village = client_for(world.users["village"])
    edit = reverse("projects:update_edit", args=[update.pk])
    assert village.get(edit).status_code == 404
    assert village.post(edit, {"date": "2024-03-15", "title": "改"}).status_code == 404
    assert ProjectUpdate.objects.get(pk=update.pk).title == "3 月进展"
    # An outsider does not even find it.
    ProjectUpdate.objects.filter(pk=update.pk).update(review_status="returned")
    assert client_for(world.outsiders["village"]).get(edit).status_code == 404
