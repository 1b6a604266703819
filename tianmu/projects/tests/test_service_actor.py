"""Project services called outside any request name their user in the change log."""

import datetime

import pytest

from tianmu.projects import services
from tianmu.projects.models import Project, ProjectUpdate, ProjectVillage
from tianmu.testing.world import change_authors, changed_models, logged_changes

pytestmark = pytest.mark.django_db

D = datetime.date


def test_a_project_and_its_reviewed_update_name_each_user(world):
    admin, village = world.users["admin"], world.users["village"]
    with logged_changes() as rows:
        project = services.project_save(
            user=admin,
            project=Project(
                name="共富茶园", kind="business", category="planting", village=world.v1a,
                alliance=world.a1, status="planned", start=D(2024, 1, 1),
            ),
        )  # fmt: skip
        services.participant_save(
            user=admin, participant=ProjectVillage(project=project, village=world.v1b)
        )
    assert changed_models(rows) == [("project", "create"), ("projectvillage", "create")]
    assert change_authors(rows) == {(admin.pk, "admin_a")}

    with logged_changes() as rows:
        update = services.update_save(
            user=village, update=ProjectUpdate(project=project, date=D(2024, 5, 1), title="开园")
        )
        services.update_submit(user=village, update=update)
    assert changed_models(rows) == [("projectupdate", "create"), ("projectupdate", "update")]
    assert change_authors(rows) == {(village.pk, "village_v1a")}

    # Review saves the record directly (core.workflow), as the reviewer.
    with logged_changes() as rows:
        services.update_approve(user=admin, update=update)
    assert changed_models(rows) == [("projectupdate", "update")]
    assert change_authors(rows) == {(admin.pk, "admin_a")}
