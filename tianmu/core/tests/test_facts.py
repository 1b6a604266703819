"""The fact table equals the live count (tianmu.core.facts).

Random creates, edits, confirmations, disputes, corrections, moves (of a record to another
village, of a town to another county) and deletes, through the models' own save and delete (the
path every service takes, so the change log sees them); after each round every maintained
figure is computed both ways — from the cells and live from its list — for every area role, an
outsider, the public, areas inside and outside the scope, and whole-month, part-month,
open-ended and all-time periods.
"""

import datetime
import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tianmu.commerce.models import Payment
from tianmu.commerce.tests.factories import PaymentFactory, PurchaseOrderFactory
from tianmu.core import facts
from tianmu.core.context import acting_as
from tianmu.core.kpis import KpiContext, Period, kpi_spec, kpis
from tianmu.core.models import FigureCell, FigureDirty, FigureRollup
from tianmu.core.scoping import scope_for
from tianmu.dashboard.selectors import public_viewer
from tianmu.events.models import Event
from tianmu.events.tests.factories import EventFactory
from tianmu.loans import services as loans
from tianmu.loans.tests.factories import LoanFactory, LoanProductFactory

D = datetime.date
PERIODS = [
    Period(None, None),
    Period(D(2024, 1, 1), D(2024, 12, 31)),  # a year
    Period(D(2024, 2, 10), D(2024, 8, 20)),  # part months at both ends
    Period(D(2024, 3, 5), D(2024, 3, 25)),  # inside one month
    Period(D(2024, 3, 15), None),  # open-ended
    Period(None, D(2024, 5, 5)),
]


def _compare(world, users, areas) -> int:
    facts.catch_up()
    assert not FigureDirty.objects.exists()
    compared = 0
    for user in users:
        scope = scope_for(user)
        for area in areas:
            for period in PERIODS:
                ctx = KpiContext(user=user, period=period, area=area)
                for key in facts.maintained_keys():
                    kept = facts.value(key, scope=scope, area=area, period=period)
                    live = kpi_spec(key).value(ctx)
                    assert kept == live, (key, user.username, area, period)
                    compared += 1
    return compared


def _day(rng) -> datetime.date:
    return D(2023, 11, 1) + datetime.timedelta(days=rng.randrange(600))


@pytest.mark.django_db
def test_random_writes_keep_every_figure_equal_to_its_live_count(world):
    rng = random.Random(2026)
    w = world
    villages = [w.v1a, w.v1b, w.v2a, w.vb]
    users = [
        w.users["superuser"],
        w.users["admin"],
        w.users["town"],
        w.users["village"],
        w.outsiders["admin"],
        public_viewer(w.county),
    ]
    areas = [None, w.county, w.t2, w.v1a.area, w.city]
    bank = w.users["bank"]
    with acting_as(username="test-setup"):
        enterprises = [w.e1, w.e_other, w.e_b]
        orders = [
            PurchaseOrderFactory(enterprise=rng.choice(enterprises), village=v)
            for v in villages
            for _ in range(2)
        ]
        product = LoanProductFactory(bank=w.bank)
    loans_made = []
    done = {
        "repay": 0,
        "create": 0,
        "confirm": 0,
        "dispute": 0,
        "correct": 0,
        "move": 0,
        "delete": 0,
    }
    compared = 0
    for _round in range(4):
        with acting_as(username="test-writer"):
            for _ in range(18):
                op = rng.choice(
                    ["pay", "pay", "status", "date", "reorder", "revillage", "correct",
                     "delete", "event", "event_move", "event_delete", "loan", "loan",
                     "repay", "repay", "tranche", "close"]
                )  # fmt: skip
                payments = list(Payment.objects.all())
                events = list(Event.objects.all())
                if op == "pay" or not payments and op in ("status", "date", "reorder", "delete"):
                    PaymentFactory(
                        order=rng.choice(orders),
                        date=_day(rng),
                        amount_yuan=Decimal(rng.randrange(100, 99_999)) / 100,
                        confirmation=rng.choice(["reported", "confirmed", "disputed"]),
                    )
                    done["create"] += 1
                elif op == "status":
                    p = rng.choice(payments)
                    p.confirmation = rng.choice(["reported", "confirmed", "disputed"])
                    p.save()
                    done["confirm" if p.confirmation == "confirmed" else "dispute"] += 1
                elif op == "date":
                    p = rng.choice(payments)
                    p.date = _day(rng)
                    p.save()
                    done["move"] += 1
                elif op == "reorder":  # to an order of another village
                    p = rng.choice(payments)
                    p.order = rng.choice(orders)
                    p.save()
                    done["move"] += 1
                elif op == "revillage":  # an order moves to another village, its payments too
                    o = rng.choice(orders)
                    o.village = rng.choice(villages)
                    o.save()
                    done["move"] += 1
                elif op == "correct" and payments:
                    p = rng.choice(payments)
                    PaymentFactory(
                        order=p.order,
                        date=p.date,
                        amount_yuan=p.amount_yuan + 1,
                        confirmation="confirmed",
                        corrects=p,
                    )
                    done["correct"] += 1
                elif op == "delete" and payments:
                    p = rng.choice(payments)
                    if not p.corrections.exists():
                        p.delete()
                        done["delete"] += 1
                elif op == "event":
                    EventFactory(village=rng.choice(villages), alliance=w.a1, date=_day(rng))
                    done["create"] += 1
                elif op == "event_move" and events:
                    e = rng.choice(events)
                    e.village, e.date = rng.choice(villages), _day(rng)
                    e.save()
                    done["move"] += 1
                elif op == "event_delete" and events:
                    rng.choice(events).delete()
                    done["delete"] += 1
                elif op == "loan":
                    day = _day(rng)
                    loan = LoanFactory(
                        product=product,
                        village=rng.choice(villages),
                        amount_requested_yuan=500_000,
                        applied_on=day - datetime.timedelta(days=3),
                    )
                    loans.loan_approve(user=bank, loan=loan, amount_yuan=Decimal(500_000), date=day)
                    loans.loan_disburse(
                        user=bank,
                        loan=loan,
                        amount_yuan=Decimal(rng.randrange(1, 50)) * 10_000,
                        date=day,
                    )
                    loans_made.append(loan)
                    done["create"] += 1
                elif op in ("repay", "tranche", "close") and loans_made:
                    loan = rng.choice(loans_made)
                    loan.refresh_from_db()
                    if loan.closed_on:
                        continue
                    first = loan.disbursements.order_by("date").first().date
                    day = first + datetime.timedelta(days=rng.randrange(20, 400))
                    try:
                        if op == "repay":
                            amount = Decimal(rng.randrange(1_000, 60_000)) + Decimal("0.45")
                            loans.repayment_record(
                                user=bank, loan=loan, amount_yuan=amount, date=day
                            )
                        elif op == "tranche":
                            loans.loan_disburse(
                                user=bank, loan=loan, amount_yuan=Decimal(10_000), date=day
                            )
                        else:
                            loans.loan_write_off(user=bank, loan=loan, date=day, reason="test")
                    except ValidationError:  # refused by the service: nothing changed
                        continue
                    done["repay" if op == "repay" else "move"] += 1
        if _round == 2:  # a town moves to the other county: its villages' cells move with it
            with acting_as(username="test-writer"):
                w.t2.parent = w.county_b
                w.t2.save()
        compared += _compare(w, users, areas)
    assert all(done.values()), done  # every kind of write happened
    assert loans_made and FigureCell.objects.filter(key="loans_disbursed_yuan").exists()
    assert compared > 3_000
    # and kpis() serves the cells: the same figures as computed live with the table off
    for user in users:
        for period in PERIODS:
            kept = kpis(user=user, period=period)
            from django.test import override_settings

            with override_settings(TIANMU_FIGURE_FACTS=False):
                live = kpis(user=user, period=period)
            assert kept == live


@pytest.mark.django_db
def test_a_rolled_back_write_leaves_no_mark(world):
    from django.db import transaction

    facts.catch_up()
    with acting_as(username="test-writer"), pytest.raises(RuntimeError), transaction.atomic():
        EventFactory(village=world.v1a, alliance=world.a1, date=D(2024, 5, 1))
        assert FigureDirty.objects.exists()
        raise RuntimeError("rolled back")
    assert not FigureDirty.objects.exists()


@pytest.mark.django_db
def test_rebuild_gives_the_cells_the_writes_gave(world):
    with acting_as(username="test-writer"):
        for n in range(5):
            EventFactory(village=world.v1a, alliance=world.a1, date=D(2024, 5, n + 1))
    facts.catch_up()
    before = sorted(FigureCell.objects.values_list("key", "village_id", "day", "count", "amount"))
    assert before
    facts.rebuild()
    after = sorted(FigureCell.objects.values_list("key", "village_id", "day", "count", "amount"))
    assert after == before


@pytest.mark.django_db
def test_the_figures_command_refreshes_rebuilds_and_checks(world, capsys):
    from django.core.management import CommandError, call_command

    with acting_as(username="test-writer"):
        EventFactory(village=world.v1a, alliance=world.a1, date=D(2024, 5, 1))
    call_command("figures")
    assert "villages refreshed" in capsys.readouterr().out
    call_command("figures", "--rebuild", "--check", "--area", world.county.code)
    out = capsys.readouterr().out
    assert "0 differ" in out
    # a rollup edited by hand is found out
    FigureRollup.objects.filter(key="events").update(count=7)
    with pytest.raises(SystemExit):
        call_command("figures", "--check")
    with pytest.raises(CommandError):
        call_command("figures", "--check", "--area", "999999999999")
