"""Every write names its user: `@service` runs each domain service in one transaction and
attributes its changes to the `user` it is given, inside a request or not.

The guard test below enumerates every public function of every app's services.py (and the
shared workflow) so a new service cannot forget the decorator.
"""

import datetime
import importlib
import inspect

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from tianmu.core import periodlocks, workflow
from tianmu.core.context import acting_as, current_actor
from tianmu.core.models import ObjectChange
from tianmu.core.services import object_save, service
from tianmu.registry.models import Area
from tianmu.testing.world import change_authors, changed_models, logged_changes

pytestmark = pytest.mark.django_db

D = datetime.date

#: Public functions of services modules that are not services, and why: they write nothing.
NOT_SERVICES = {
    "tianmu.core.services.ensure_editable": "a scope check services call",
    "tianmu.core.periodlocks.ensure_period_open": "a guard services call",
    "tianmu.core.periodlocks.check_period_lock": "a guard services call",
    "tianmu.core.workflow.ensure_record_writable": "a guard services call",
    "tianmu.core.workflow.confirmed_q": "a filter for figures",
    "tianmu.core.workflow.awaiting_q": "a filter for figures",
    "tianmu.core.workflow.corrections_index": "an index declaration for model Meta",
    "tianmu.core.workflow.period_locks_of": "a read: the locks a user may see",
    "tianmu.commerce.services.delivery_excess": "a read: the warning shown before a delivery",
    "tianmu.commerce.services.order_total": "a read",
    "tianmu.employment.services.may_reveal": "a read: whether the reveal button shows",
    "tianmu.employment.services.may_export_revealed": "a read: whether an export may reveal",
    "tianmu.matching.services.proposal_blockers": "a read: why a proposal cannot be accepted",
    "tianmu.matching.services.run_schedule": "hands a run to Celery; the task's service writes",
    "tianmu.exchange.services.import_execute": "runs a job as its user: each row is written "
    "by its register's service, attributed to the job's user (core.imports.Importer.run)",
    # Accounts' writes act on a user (`user`) for someone else (`by`): they attribute the
    # change to `by` themselves, in one transaction (tianmu/accounts/tests cover the log).
    "tianmu.accounts.services.user_set_password": "attributes to `by` inside",
    "tianmu.accounts.services.apitoken_issue": "attributes to `by` inside",
    "tianmu.accounts.services.apitoken_revoke": "attributes to `by` inside",
    "tianmu.employment.services.ensure_within_limit": "a guard services call (counts the log)",
    "tianmu.employment.services.may_search_id_number": "a read: whether the search may run",
}

#: Services that are not one transaction, on purpose (see their docstrings).
NOT_ATOMIC = {
    # The refused duplicate's access-log row must outlive the refusal (tianmu/employment).
    "tianmu.employment.services.person_save",
    "tianmu.employment.services.refuse_duplicate_id_number",
    "tianmu.employment.services.person_search_id_number",
    "tianmu.matching.services.run_create",
    "tianmu.matching.services.run_rerun",
    "tianmu.matching.execution.run_execute",
    # The job row must commit before a worker reads it; the rows' transaction is the import's.
    "tianmu.exchange.services.import_create",
    "tianmu.exchange.services.import_confirm",
}


def _service_modules():
    # The shared workflow, the period lock under it, and the matching task's work (its
    # services.py schedules it; execution.py keeps the two out of an import cycle).
    modules = [workflow, periodlocks, importlib.import_module("tianmu.matching.execution")]
    for config in apps.get_app_configs():
        if not config.name.startswith("tianmu."):
            continue
        try:
            modules.append(importlib.import_module(f"{config.name}.services"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.services":
                raise
    return modules


def _public_functions():
    for module in _service_modules():
        for name, fn in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(fn) or fn is service:
                continue
            if fn.__module__ == module.__name__:
                yield f"{module.__name__}.{name}", fn


def test_every_public_service_function_is_a_service():
    found = dict(_public_functions())
    assert len(found) > 60  # the enumeration really sees the apps' services
    assert set(NOT_SERVICES) <= set(found), "an exemption names a function that is gone"
    missing = sorted(
        name
        for name, fn in found.items()
        if name not in NOT_SERVICES and not getattr(fn, "is_service", False)
    )
    assert missing == [], f"decorate these with @service: {missing}"
    not_atomic = {name for name, fn in found.items() if getattr(fn, "atomic", True) is False}
    assert not_atomic == NOT_ATOMIC


def test_a_service_must_take_the_user_as_a_keyword():
    with pytest.raises(TypeError, match="keyword"):

        @service
        def no_user(*, instance):
            pass

    with pytest.raises(TypeError, match="keyword"):

        @service
        def positional_user(user, instance):
            pass


@service
def _make_town(*, user, name: str, fail: bool = False) -> Area:
    """A two-write service for the tests below: an area, then an edit of it."""
    area = Area(
        name=name,
        level="town",
        code="330112199000",
        parent=Area.objects.get(level="county", code="330112000000"),
    )
    area.full_clean(exclude=["path"])
    area.save()
    area.name = f"{name}（改）"
    area.save()
    if fail:
        raise ValidationError("refused")
    return area


def test_outside_a_request_the_changes_name_the_user(world):
    admin = world.users["admin"]
    assert current_actor().username == "system"  # no request, no acting_as: the fallback
    with logged_changes() as rows:
        _make_town(user=admin, name="新镇")
    assert changed_models(rows) == [("area", "create"), ("area", "update")]
    assert change_authors(rows) == {(admin.pk, "admin_a")}
    assert len({r.request_id for r in rows}) == 1  # one service call, one id to group by
    assert current_actor().username == "system"  # the attribution ends with the call


def test_a_refused_service_rolls_back_and_logs_nothing(world):
    before = (Area.objects.count(), ObjectChange.objects.count())
    with pytest.raises(ValidationError):
        _make_town(user=world.users["admin"], name="新镇", fail=True)
    assert (Area.objects.count(), ObjectChange.objects.count()) == before


def test_in_a_request_the_service_user_wins_and_the_request_id_stays(world):
    """The middleware's actor is only a fallback: a service acting for another user (an admin
    tool, a token) still names that user, grouped under the request's id."""
    admin, town = world.users["admin"], world.users["town"]
    with acting_as(town, request_id="req-42"), logged_changes() as rows:
        _make_town(user=admin, name="新镇")
    assert change_authors(rows) == {(admin.pk, "admin_a")}
    assert {r.request_id for r in rows} == {"req-42"}


def test_user_none_keeps_the_current_actor(world):
    """The demo and scripts call services without a user; their named actor stays."""
    with acting_as(username="loaddemo"), logged_changes() as rows:
        _make_town(user=None, name="新镇")
    assert change_authors(rows) == {(None, "loaddemo")}


def test_object_save_names_its_user(world):
    town = world.users["town"]
    org = world.e1
    org.name = "改名企业"
    with logged_changes() as rows:
        object_save(user=town, instance=org)
    assert changed_models(rows) == [("organization", "update")]
    assert change_authors(rows) == {(town.pk, "town_t1")}


def test_period_lock_names_its_user(world):
    admin = world.users["admin"]
    with logged_changes() as rows:
        workflow.period_lock(user=admin, area=world.county, month=D(2024, 3, 5), reason="结账")
    assert changed_models(rows) == [("periodlock", "create")]
    assert change_authors(rows) == {(admin.pk, "admin_a")}
