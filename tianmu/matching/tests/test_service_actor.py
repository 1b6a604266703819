"""Matching services and the background task name the user who started the run."""

import pytest

from tianmu.core.services import object_save
from tianmu.matching import services
from tianmu.matching.models import MatchingRun
from tianmu.matching.tasks import run_matching
from tianmu.testing.world import change_authors, changed_models, logged_changes

pytestmark = pytest.mark.django_db


def test_a_run_and_its_acceptance_outside_a_request_name_the_user(mworld):
    admin = mworld.users["admin"]
    # Celery is eager in tests: the task runs inside run_create, as the run's requester.
    with logged_changes() as rows:
        run = services.run_create(user=admin, program=mworld.program, villages=[mworld.v1b])
    assert run.status == "done"
    assert changed_models(rows) == [
        ("matchingrun", "create"),
        ("matchingrun", "update"),  # building
        ("matchingrun", "update"),  # solving, with its instance
        ("matchingrun", "update"),  # done, with the result
        ("proposal", "create"),
    ]
    assert change_authors(rows) == {(admin.pk, "admin_a")}

    with logged_changes() as rows:
        [(proposal, created)] = services.proposals_accept(user=admin, run=run)
    assert created
    models = {m for m, _ in changed_models(rows)}
    assert models == {"alliance", "alliancemember", "pairing", "proposal"}
    assert change_authors(rows) == {(admin.pk, "admin_a")}


def _queued_run(world, user) -> MatchingRun:
    run = MatchingRun(
        program=world.program, requested_by=user, options={"villages": [world.v1b.pk]}
    )
    return object_save(user=user, instance=run)


def test_the_task_runs_as_the_user_it_is_given(mworld):
    admin, root = mworld.users["admin"], mworld.users["superuser"]
    run = _queued_run(mworld, admin)
    with logged_changes() as rows:
        assert run_matching(run.pk, root.pk) == "done"
    assert rows and change_authors(rows) == {(root.pk, "root")}


def test_a_task_queued_without_a_user_runs_as_the_requester(mworld):
    admin = mworld.users["admin"]
    run = _queued_run(mworld, admin)
    with logged_changes() as rows:
        assert run_matching(run.pk) == "done"
    assert rows and change_authors(rows) == {(admin.pk, "admin_a")}
