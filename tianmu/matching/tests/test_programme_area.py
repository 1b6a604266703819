"""The optimiser's instance for a programme above the county (山海协作): its villages, towns and
pools are those of the programme's area, whatever its level."""

import datetime

import pytest

from tianmu.alliances.models import Program
from tianmu.core.context import acting_as
from tianmu.matching.choices import EnterprisePool
from tianmu.matching.forms import RunForm
from tianmu.matching.selectors import (
    chamber_pool,
    enterprise_pool,
    instance_build,
    program_villages,
    unpaired_villages,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def city_program(mworld):
    with acting_as(username="test-setup"):
        return Program.objects.create(
            name="山海协作", area=mworld.city, start=datetime.date(2024, 1, 1), core_count=1
        )


def test_a_city_programme_takes_the_villages_and_pools_of_both_counties(mworld, city_program):
    w = mworld
    assert set(program_villages(city_program)) == {w.v1a, w.v1b, w.v2a, w.vb}
    # Nothing is paired in the new programme yet: every village of the city is a candidate.
    assert set(unpaired_villages(program=city_program)) == {w.v1a, w.v1b, w.v2a, w.vb}
    assert list(unpaired_villages(program=city_program, town=w.tb)) == [w.vb]
    pool = set(enterprise_pool(program=city_program, pool=EnterprisePool.ALL))
    assert {w.e1, w.e_b, *w.free} <= pool
    assert set(chamber_pool(program=city_program)) == {w.c1, w.c2}
    # County A's programme keeps to county A.
    assert w.vb not in set(program_villages(w.program))
    assert w.e_b not in set(enterprise_pool(program=w.program, pool=EnterprisePool.ALL))

    instance, _notes = instance_build(program=city_program, village_ids=[w.v1b.pk, w.vb.pk])
    assert {v["id"] for v in instance["villages"]} == {str(w.v1b.pk), str(w.vb.pk)}
    ids = {e["id"] for e in instance["enterprises"]}
    # County B's enterprise may serve county A's village and the reverse.
    assert str(w.e_b.pk) in ids and str(w.free[0].pk) in ids


def test_the_run_form_offers_the_towns_of_the_whole_city(mworld, city_program):
    from tianmu.accounts.tests.factories import UserFactory

    w = mworld
    with acting_as(username="test-setup"):
        admin = UserFactory(username="admin_city", role="admin", scope_area=w.city)
    form = RunForm(user=admin, program=city_program)
    assert set(form.fields["town"].queryset) == {w.t1, w.t2, w.tb}
    bound = RunForm({"program": city_program.pk, "selection": "town", "town": w.tb.pk},
                    user=admin, program=city_program)  # fmt: skip
    assert bound.is_valid(), bound.errors
    assert bound.cleaned_data["selected_villages"] == [w.vb]
