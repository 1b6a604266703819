"""`tianmu gendata` at the pilot scale: the promised shape, valid rows, working figures,
determinism by seed, and bad input refused with exit code 2 and nothing written."""

from __future__ import annotations

import io
from collections import Counter
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import ManagementUtility, call_command
from django.db.models import F, Sum
from django.utils import timezone
from stdnum.cn import ric, uscc

from tianmu.accounts.tests.factories import UserFactory
from tianmu.alliances.models import Alliance, AllianceMember, Pairing
from tianmu.alliances.rules import alliance_rule_check
from tianmu.commerce.models import Payment, PurchaseOrder, PurchaseOrderLine
from tianmu.core.crypto import keyed_hash
from tianmu.core.models import ChangeLoggedModel, ObjectChange
from tianmu.core.tests.pages import client_for
from tianmu.employment.models import MonthlyEarning, Person, Placement
from tianmu.events.models import Event
from tianmu.loans.models import Loan
from tianmu.loans.services import loan_position
from tianmu.registry.models import Area, Organization, Village, VillageIncome
from tianmu.testing.gendata import SCALES, years_for
from tianmu.testing.world import build_world

pytestmark = pytest.mark.django_db

PILOT = SCALES["pilot"]


def gendata(*args: str) -> None:
    call_command("gendata", "--scale", "pilot", *args, verbosity=0)


def domain_counts() -> tuple:
    """Rows of every domain model plus the change log: equal tuples mean nothing written."""
    models = [m for m in apps.get_models() if issubclass(m, ChangeLoggedModel)]
    return tuple(m._default_manager.count() for m in models) + (ObjectChange.objects.count(),)


def fingerprint() -> dict:
    """Every generated row's values but its timestamps (decrypted where encrypted)."""
    out = {}
    for model in apps.get_models():
        if not issubclass(model, ChangeLoggedModel):
            continue
        names = [f.attname for f in model._meta.concrete_fields
                 if f.attname not in ("created", "last_updated")]  # fmt: skip
        out[model._meta.label] = list(model._default_manager.order_by("pk").values_list(*names))
    return out


def test_pilot_makes_the_promised_shape_with_valid_rows_and_working_figures():
    out = io.StringIO()
    call_command("gendata", "--scale", "pilot", stdout=out)
    years = years_for(timezone.localdate())

    # The area tree: one province > city > county, its towns and villages; paths as
    # Area.save computes them.
    levels = Counter(Area.objects.values_list("level", flat=True))
    assert levels == {"province": 1, "city": 1, "county": 1, "town": PILOT.towns,
                      "village": PILOT.villages}  # fmt: skip
    areas = {a.pk: a for a in Area.objects.all()}
    for area in areas.values():
        parent = areas.get(area.parent_id)
        assert area.path == (f"{parent.path}{parent.pk}/" if parent else "/")
        assert len(area.code) == 12 and area.code.isdigit()
        if parent:
            assert area.code.startswith(parent.code.rstrip("0")[:2])
    assert Area.objects.get(level="province").code == "330000000000"
    assert Village.objects.filter(is_example=True).count() == PILOT.villages
    assert Village.objects.filter(area__name__startswith="示例村").count() == PILOT.villages
    assert VillageIncome.objects.count() == PILOT.villages * len(years)

    # Organisations: valid credit codes, all examples; alliances 5+1+X meeting their rules.
    orgs = Organization.objects.all()
    assert all(o.is_example for o in orgs)
    for code in orgs.values_list("credit_code", flat=True):
        uscc.validate(code)
    kinds = Counter(orgs.values_list("kind", flat=True))
    assert kinds["enterprise"] == PILOT.enterprises
    assert kinds["chamber"] == PILOT.towns
    alliances = Alliance.objects.all()
    assert alliances.count() == Pairing.objects.count() > PILOT.villages // 3
    for alliance in alliances:
        roles = Counter(alliance.members.values_list("role", flat=True))
        assert roles["core"] == 5 and roles["chamber"] == 1 and roles["partner"] >= 1
        assert alliance_rule_check(alliance=alliance).ok
    program = alliances.first().program
    for pairing in Pairing.objects.all():
        assert program.start <= pairing.start and pairing.end <= program.end
    assert AllianceMember.objects.filter(start__lt=program.start).count() == 0

    # Per-year volumes in the pilot's proportions.
    for year in years:
        assert Placement.objects.filter(start__year=year).count() == PILOT.placements
        assert Loan.objects.filter(applied_on__year=year).count() == PILOT.loans
        assert Event.objects.filter(date__year=year).count() == PILOT.events
        lines = PurchaseOrderLine.objects.filter(order__placed_on__year=year).count()
        assert 0.8 * PILOT.order_lines <= lines <= 1.2 * PILOT.order_lines
        earnings = MonthlyEarning.objects.filter(month__year=year).count()
        assert 0.7 * PILOT.earnings <= earnings <= 1.3 * PILOT.earnings
    assert set(Payment.objects.values_list("confirmation", flat=True)) == {
        "confirmed", "reported", "disputed"}  # fmt: skip

    # Invariants: payments within order totals, earnings inside their placement, every
    # sampled row passes its model's full_clean, closed loans owe nothing.
    totals = dict(
        PurchaseOrder.objects.annotate(t=Sum("lines__amount_yuan")).values_list("pk", "t")
    )
    paid = Payment.objects.values("order").annotate(s=Sum("amount_yuan"))
    assert all(row["s"] <= totals[row["order"]] for row in paid)
    assert not MonthlyEarning.objects.filter(month__lt=F("placement__start") - 31).exists()
    assert not MonthlyEarning.objects.filter(month__gt=F("placement__end")).exists()
    for model in apps.get_models():
        if issubclass(model, ChangeLoggedModel):
            for obj in model._default_manager.order_by("?")[:40]:
                obj.full_clean()
    today = timezone.localdate()
    for loan in Loan.objects.filter(status="closed")[:10]:
        assert loan_position(loan=loan, on=today, all_tranches=True).remaining_total == 0

    # Personal data as the model stores it: encrypted at rest, hashed for look-ups.
    person = Person.objects.exclude(id_number="").first()
    ric.validate(person.id_number)
    assert person.id_number_hash == keyed_hash(person.id_number)
    assert person.birth_year == ric.get_birth_date(person.id_number).year
    raw = Person.objects.filter(pk=person.pk).values_list("id_number", flat=True).query
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(*raw.sql_with_params())
        assert cursor.fetchone()[0].startswith("fernet:")

    # One change-log entry per table filled, with its row count.
    entries = ObjectChange.objects.filter(user_name="gendata")
    assert entries.count() == len({e.after["table"] for e in entries}) >= 25
    area_entry = entries.get(after__table="registry_area")
    assert area_entry.after["rows"] == Area.objects.count()
    assert "registry_area" in out.getvalue() and "rows in" in out.getvalue()

    # The figures work on the result.
    root = UserFactory(username="gd-root", role="superuser", is_superuser=True, is_staff=True)
    figures = client_for(root).get("/api/v1/kpis").json()
    for key in ("alliances", "villages_paired", "core_enterprises", "purchase_income_yuan",
                "rural_jobs", "loans_disbursed_yuan", "loans_outstanding_yuan", "events",
                "projects", "operating_income_growth_yuan"):  # fmt: skip
        value = figures[key]
        assert Decimal(str(value["value"] if isinstance(value, dict) else value)) > 0, key
    # and the fact table gendata built equals the live counts, for everything and a county
    county = Area.objects.filter(level="county").first()
    checked = io.StringIO()
    call_command("figures", "--check", "--area", county.code, stdout=checked)
    assert ", 0 differ." in checked.getvalue()


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    gendata("--seed", "7")
    first = fingerprint()
    gendata("--seed", "7", "--force")
    assert fingerprint() == first
    gendata("--seed", "8", "--force")
    assert fingerprint() != first


def test_force_replaces_existing_records_and_logs_what_it_deleted():
    build_world()
    gendata("--force")
    assert Area.objects.filter(name="临安区").count() == 0
    assert Village.objects.count() == PILOT.villages
    deleted = ObjectChange.objects.filter(user_name="gendata", action="delete")
    assert deleted.filter(before__table="registry_area").exists()


def run_cli(monkeypatch, capsys, *args: str) -> tuple[int, str]:
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: None)
    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["tianmu", "gendata", *args]).execute()
    return exit_info.value.code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scale", "planet"], "Unknown scale “planet”"),
        (["--scale", "pilot", "--fraction", "0"], "--fraction must be"),
        (["--scale", "pilot", "--fraction", "1.5"], "--fraction must be"),
        (["--scale", "pilot", "--fraction", "abc"], "--fraction must be"),
        (["--scale", "pilot", "--fraction", "nan"], "--fraction must be"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(monkeypatch, capsys, args, message):
    before = domain_counts()
    code, err = run_cli(monkeypatch, capsys, *args, "--no-color")
    assert code == 2
    assert message in err
    assert domain_counts() == before


def test_a_database_with_records_is_refused_without_force(monkeypatch, capsys):
    build_world()
    before = domain_counts()
    code, err = run_cli(monkeypatch, capsys, "--scale", "pilot")
    assert code == 2
    assert "--force" in err
    assert domain_counts() == before


def test_a_failure_half_way_leaves_nothing(monkeypatch):
    from tianmu.testing import gendata as module

    def boom(self):
        raise RuntimeError("disk full")

    monkeypatch.setattr(module.Generator, "loans", boom)
    before = domain_counts()
    with pytest.raises(RuntimeError):
        gendata()
    assert domain_counts() == before


def test_the_county_scale_is_one_province_county_and_fractions_keep_the_tree_whole():
    county, province = SCALES["county"], SCALES["province"]
    for name in ("order_lines", "placements", "earnings", "loans", "events"):
        assert abs(getattr(county, name) * province.counties / getattr(province, name) - 1) < 0.02
    assert abs(county.villages * province.counties / province.villages - 1) < 0.02
    one = province.times(0.01)
    assert (one.cities, one.counties, one.towns, one.villages) == (1, 1, 13, 200)
    assert one.order_lines == province.order_lines // 100
    tiny = SCALES["pilot"].times(0.001)
    assert tiny.cities <= tiny.counties <= tiny.towns <= tiny.villages
    assert tiny.enterprises >= 5 * tiny.villages  # enough cores for every alliance
