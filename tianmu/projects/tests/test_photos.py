"""Photos of progress updates: the upload endpoint and the page form, their scope, the photo
rule they share with events (tianmu.core.uploads) and the review and period-lock rules."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tianmu.core.context import acting_as
from tianmu.core.models import ObjectChange
from tianmu.core.tests.api_client import ApiClient, user_for
from tianmu.core.uploads import PHOTO_MAX_BYTES
from tianmu.core.workflow import PeriodLock
from tianmu.projects.models import UpdatePhoto
from tianmu.projects.tests.factories import ProjectUpdateFactory

pytestmark = pytest.mark.django_db

# A valid 1×1 greyscale PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108000000003a7e9b55"
    "0000000a49444154789c636000000002000148afa4710000000049454e44ae426082"
)


def png(name="field.png", content=PNG):
    return SimpleUploadedFile(name, content, content_type="image/png")


@pytest.fixture
def update(world, trade, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with acting_as(username="test-setup"):
        return ProjectUpdateFactory(project=trade.project, title="第一批蔬菜上市")


def state(tmp_path):
    return {
        "photos": UpdatePhoto.objects.count(),
        "changes": ObjectChange.objects.count(),
        "files": sorted(str(p) for p in tmp_path.rglob("*") if p.is_file()),
    }


def upload(api, who, update_id, image, lang="en", **data):
    return api.client.post(
        f"/api/v1/project-updates/{update_id}/photos",
        {"image": image, **data},
        HTTP_AUTHORIZATION=f"Bearer {api.key(who)}",
        HTTP_ACCEPT_LANGUAGE=lang,
    )


def test_village_cadre_adds_a_photo(world, update, tmp_path):
    api = ApiClient(world)
    response = upload(api, "village", update.pk, png(), caption="菜园航拍")
    assert response.status_code == 201, response.content
    photo = UpdatePhoto.objects.get()
    assert response.json() == {"id": photo.pk, "url": photo.image.url, "caption": "菜园航拍"}
    assert photo.update == update
    assert photo.image.url.startswith("/media/projects/photos/")
    assert (tmp_path / photo.image.name).read_bytes() == PNG
    change = ObjectChange.objects.get(
        content_type=ContentType.objects.get_for_model(UpdatePhoto), object_id=str(photo.pk)
    )
    assert (change.action, change.user) == ("create", world.users["village"])
    listed = api("village", "get", "/project-updates").json()["items"]
    assert [u["photos"] for u in listed] == [[photo.image.url]]


@pytest.mark.parametrize("who", ["leader", "enterprise", "o_village", "o_admin"])
def test_who_may_not_edit_the_update_gets_404(world, update, tmp_path, who):
    # leader and enterprise read the project, the cadre of a participating village (o_village:
    # 示例一村 in T1) sees it too, the admin of county B does not; none of them may change it.
    api = ApiClient(world)
    before = state(tmp_path)
    response = upload(api, who, update.pk, png())
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert state(tmp_path) == before


def test_only_photos_are_accepted(world, update, tmp_path):
    api = ApiClient(world)
    before = state(tmp_path)
    notes = SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")
    response = upload(api, "village", update.pk, notes)
    assert response.status_code == 400
    assert response.json()["errors"]["image"] == [
        "File extension “txt” is not allowed. Allowed extensions are: jpg, jpeg, png, webp."
    ]
    too_large = png("big.png", PNG + b"\0" * (PHOTO_MAX_BYTES + 1 - len(PNG)))
    response = upload(api, "village", update.pk, too_large, lang="zh-hans")
    assert response.status_code == 400
    assert response.json()["errors"]["image"] == ["照片最大 8 MB。"]
    assert state(tmp_path) == before


def test_submitted_approved_and_locked_updates_take_no_photos(world, update, tmp_path):
    # Photos change under the rule the update's text does: drafts and returned updates only.
    api = ApiClient(world)
    for status, label in [("submitted", "Submitted"), ("approved", "Approved")]:
        update.review_status = status
        update.save(update_fields=["review_status"])
        before = state(tmp_path)
        response = upload(api, "village", update.pk, png())
        assert response.status_code == 400
        assert response.json()["errors"]["__all__"] == [f"A “{label}” update cannot be edited."]
        assert state(tmp_path) == before
    update.review_status = "returned"
    update.save(update_fields=["review_status"])
    PeriodLock.objects.create(area=world.county, month=datetime.date(2024, 5, 1))
    before = state(tmp_path)
    response = upload(api, "village", update.pk, png())
    assert response.status_code == 400
    assert response.json()["errors"]["__all__"] == [
        "2024-05 is locked for 临安区; its records are read-only."
    ]
    assert state(tmp_path) == before


def test_photo_through_the_project_page(world, update, tmp_path):
    page = reverse("projects:project_detail", args=[update.project_id])
    add = reverse("projects:updatephoto_add", args=[update.pk])
    cadre = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    cadre.force_login(world.users["village"])
    assert add in cadre.get(page).content.decode()
    response = cadre.post(add, {"image": png(), "caption": "菜园航拍"}, follow=True)
    assert response.redirect_chain == [(page, 302)]
    photo = UpdatePhoto.objects.get()
    assert (photo.update, photo.caption) == (update, "菜园航拍")
    assert photo.image.url in response.content.decode()
    assert ObjectChange.objects.filter(
        content_type=ContentType.objects.get_for_model(UpdatePhoto), object_id=str(photo.pk)
    ).exists()

    before = state(tmp_path)
    notes = SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")
    response = cadre.post(add, {"image": notes}, follow=True)
    text = [str(m) for m in response.context["messages"]]
    assert text == ["照片: 文件扩展“txt”是不被允许。允许的扩展为：jpg, jpeg, png, webp。"]
    assert state(tmp_path) == before

    outsider = Client()
    outsider.force_login(user_for(world, "o_village"))
    assert add not in outsider.get(page).content.decode()
    assert outsider.post(add, {"image": png()}).status_code == 404
    assert state(tmp_path) == before
