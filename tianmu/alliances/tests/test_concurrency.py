"""The 5+1+X rules hold under concurrent writes (PostgreSQL: real row locks and constraints).

Each test starts N writers on N threads (one database connection each) behind a barrier, all
trying to break the same rule at once; exactly one may succeed. The rule checks are slowed
down a little (`slow_clean`) so that, without locks, every writer would pass its check
before any of them inserts: the race the probe found, made certain instead of likely.
"""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections

from tianmu.alliances.models import Alliance, AllianceMember, Pairing
from tianmu.alliances.services import member_add, pairing_create
from tianmu.alliances.tests.factories import AllianceFactory
from tianmu.core.context import acting_as
from tianmu.registry.models import Village
from tianmu.registry.tests.factories import AreaFactory, OrganizationFactory, VillageFactory

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite serialises writers; row locks are PG's"
    ),
    pytest.mark.django_db(transaction=True),
]

N = 6
START = datetime.date(2025, 1, 1)


@pytest.fixture
def slow_clean(monkeypatch):
    """Widen the window between a rule check and the insert it allows."""
    for model in (Pairing, AllianceMember):
        original = model.clean

        def clean(self, _original=original):
            _original(self)
            time.sleep(0.2)

        monkeypatch.setattr(model, "clean", clean)


def race(jobs) -> tuple[int, list[Exception]]:
    """Run the callables at once on their own threads; (successes, refusals)."""
    barrier = threading.Barrier(len(jobs))
    wins, refusals, crashes = [], [], []

    def run(job):
        try:
            barrier.wait()
            job()
            wins.append(1)
        except (ValidationError, IntegrityError) as exc:
            refusals.append(exc)
        except Exception as exc:  # noqa: BLE001 - reported below, never swallowed
            crashes.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not crashes, crashes
    return len(wins), refusals


def _alliances(world, n):
    with acting_as(username="test-setup"):
        return [AllianceFactory(program=world.program, name=f"并发联盟{i}") for i in range(n)]


def _villages(world, n):
    with acting_as(username="test-setup"):
        out = []
        for i in range(n):
            area = AreaFactory(name=f"并发村{i}", level="village", parent=world.t1)
            out.append(VillageFactory(area=area))
        return out


def test_one_village_is_paired_once(world, slow_clean):
    admin = world.users["admin"]
    alliances = _alliances(world, N)
    jobs = [
        lambda a=a: pairing_create(
            user=admin, pairing=Pairing(alliance=a, village=world.v1b, start=START)
        )
        for a in alliances
    ]
    wins, refusals = race(jobs)
    assert wins == 1 and len(refusals) == N - 1
    assert Pairing.objects.filter(village=world.v1b).count() == 1
    assert all(isinstance(e, ValidationError) for e in refusals), refusals


def test_one_alliance_is_paired_with_one_village(world, slow_clean):
    admin = world.users["admin"]
    (alliance,) = _alliances(world, 1)
    villages = _villages(world, N)
    jobs = [
        lambda v=v: pairing_create(
            user=admin, pairing=Pairing(alliance=alliance, village=v, start=START)
        )
        for v in villages
    ]
    wins, refusals = race(jobs)
    assert wins == 1 and len(refusals) == N - 1
    assert Pairing.objects.filter(alliance=alliance).count() == 1
    assert Village.objects.filter(pairings__alliance=alliance).count() == 1


def test_one_enterprise_is_core_in_one_alliance_of_a_programme(world, slow_clean):
    admin = world.users["admin"]
    alliances = _alliances(world, N)
    with acting_as(username="test-setup"):
        enterprise = OrganizationFactory(home_town=world.t1)
    jobs = [
        lambda a=a: member_add(
            user=admin,
            member=AllianceMember(alliance=a, organization=enterprise, role="core", start=START),
        )
        for a in alliances
    ]
    wins, refusals = race(jobs)
    assert wins == 1 and len(refusals) == N - 1
    assert AllianceMember.objects.filter(organization=enterprise, role="core").count() == 1


def test_one_organisation_joins_an_alliance_once(world, slow_clean):
    admin = world.users["admin"]
    (alliance,) = _alliances(world, 1)
    jobs = [
        lambda: member_add(
            user=admin,
            member=AllianceMember(
                alliance=Alliance.objects.get(pk=alliance.pk),
                organization=world.bank,
                role="partner",
                start=START,
            ),
        )
        for _ in range(N)
    ]
    wins, refusals = race(jobs)
    assert wins == 1 and len(refusals) == N - 1
    assert AllianceMember.objects.filter(alliance=alliance, organization=world.bank).count() == 1


def test_the_database_refuses_overlapping_terms(world):
    """The exclusion constraints hold even for a write that skips the services' checks."""
    (alliance,) = _alliances(world, 1)
    with acting_as(username="test-setup"):
        Pairing.objects.create(
            alliance=alliance, village=world.v1b, start=START, end=datetime.date(2025, 6, 30)
        )
        with pytest.raises(IntegrityError):
            Pairing.objects.create(
                alliance=alliance,
                village=world.v2a,
                start=datetime.date(2025, 6, 30),
                end=datetime.date(2025, 12, 31),
            )
        Pairing.objects.create(  # the day after: no overlap
            alliance=alliance,
            village=world.v2a,
            start=datetime.date(2025, 7, 1),
            end=datetime.date(2025, 12, 31),
        )
        AllianceMember.objects.create(
            alliance=alliance, organization=world.bank, role="partner", start=START,
            end=datetime.date(2025, 3, 1),
        )  # fmt: skip
        with pytest.raises(IntegrityError):
            AllianceMember.objects.create(
                alliance=alliance, organization=world.bank, role="partner",
                start=datetime.date(2025, 2, 1), end=datetime.date(2025, 4, 1),
            )  # fmt: skip
