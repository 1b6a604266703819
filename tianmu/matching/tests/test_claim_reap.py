"""A matching run is claimed atomically (never solved twice) and a run whose worker died is
reaped: marked failed, "worker stopped", in both languages."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone, translation

from tianmu.core.context import acting_as
from tianmu.core.models import ObjectChange
from tianmu.matching.execution import run_claim, run_execute, run_reap
from tianmu.matching.models import MatchingRun, Proposal


def queued_run(world) -> MatchingRun:
    with acting_as(username="test-setup"):
        return MatchingRun.objects.create(
            program=world.program,
            requested_by=world.users["admin"],
            options={"villages": [world.v1b.pk], "enterprise_pool": "fic"},
            time_limit=10,
        )


@pytest.mark.django_db
def test_two_claims_of_one_run_give_it_to_exactly_one_worker(mworld):
    run = queued_run(mworld)
    first = run_claim(user=None, run_id=run.pk, worker="host-a:1")
    second = run_claim(user=None, run_id=run.pk, worker="host-b:2")
    assert first is not None and first.worker == "host-a:1"
    assert second is None
    run.refresh_from_db()
    assert (run.status, run.worker, run.progress) == ("building", "host-a:1", 10)
    assert run.started is not None and run.heartbeat == run.started
    # The claim, an UPDATE without signals, is still in the change log.
    change = ObjectChange.objects.filter(object_id=str(run.pk), action="update").latest("id")
    assert (change.before["status"], change.after["status"]) == ("queued", "building")
    assert change.after["worker"] == "host-a:1"


@pytest.mark.django_db
def test_executing_a_run_twice_solves_it_once(mworld):
    run = queued_run(mworld)
    done = run_execute(user=mworld.users["admin"], run_id=run.pk)
    assert done.status == "done"
    proposals = Proposal.objects.filter(run=run).count()
    assert proposals == 1
    again = run_execute(user=mworld.users["admin"], run_id=run.pk)
    assert again.status == "done"
    assert Proposal.objects.filter(run=run).count() == proposals


@pytest.mark.django_db
def test_a_run_claimed_by_another_worker_is_left_to_it(mworld):
    run = queued_run(mworld)
    run_claim(user=None, run_id=run.pk, worker="elsewhere:7")
    left = run_execute(user=mworld.users["admin"], run_id=run.pk)
    assert (left.status, left.worker) == ("building", "elsewhere:7")
    assert not Proposal.objects.filter(run=run).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need a real server")
@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_on_postgresql_give_one_winner(mworld):
    run = queued_run(mworld)
    barrier = threading.Barrier(4)
    won = []

    def claim(name):
        barrier.wait()
        try:
            if run_claim(user=None, run_id=run.pk, worker=name) is not None:
                won.append(name)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(won) == 1
    run.refresh_from_db()
    assert run.worker == won[0]


def stalled(run: MatchingRun, seconds_ago: float) -> MatchingRun:
    run_claim(user=None, run_id=run.pk, worker="dead-host:42")
    beat = timezone.now() - datetime.timedelta(seconds=seconds_ago)
    MatchingRun.objects.filter(pk=run.pk).update(status="solving", heartbeat=beat)
    return MatchingRun.objects.get(pk=run.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "language, text",
    [
        ("en", "Failed: worker stopped (dead-host:42)"),
        ("zh-hans", "失败：工作进程已停止（dead-host:42）"),
    ],
)
def test_a_run_whose_worker_died_is_reaped_and_says_so(mworld, settings, language, text):
    settings.TIANMU_MATCHING_STALE_SECONDS = 300
    # Time limit 10 s + 300 s grace: silent for 311 s is dead, for 300 s is still alive.
    dead = stalled(queued_run(mworld), 311)
    alive = stalled(queued_run(mworld), 300)
    with translation.override(language):
        assert run_reap(user=None) == [dead.pk]
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert (dead.status, dead.progress) == ("failed", 100)
    assert dead.error.startswith(text)
    assert dead.finished is not None
    assert alive.status == "solving"
    assert run_reap(user=None) == []  # reaped once
    change = ObjectChange.objects.filter(object_id=str(dead.pk)).latest("id")
    assert (change.before["status"], change.after["status"]) == ("solving", "failed")


@pytest.mark.django_db
def test_a_slow_worker_does_not_overwrite_its_reaped_run(mworld, settings, monkeypatch):
    """The worker was only slow, not dead: when it comes back its result is not stored."""
    from tianmu.matching import execution

    run = queued_run(mworld)

    def reaped_meanwhile(instance, time_limit=None):
        MatchingRun.objects.filter(pk=run.pk).update(status="failed", error="reaped")
        return {"status": "optimal", "alliances": []}

    monkeypatch.setattr("tianmu.matching.solver.solve", reaped_meanwhile)
    result = execution.run_execute(user=mworld.users["admin"], run_id=run.pk)
    assert (result.status, result.error) == ("failed", "reaped")
    assert not Proposal.objects.filter(run=run).exists()
