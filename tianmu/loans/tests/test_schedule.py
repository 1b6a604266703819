"""The schedule arithmetic against cases worked by hand (no database).

Case A: ¥100,000 at 6 % a year (r = 0.005 a month) over 12 months, lent on 31 Jan 2024.
Case B: ¥1,000 at 10 % a year (r = 0.008333…) over 3 months, lent on 15 Jan 2025.
"""

import datetime
from decimal import Decimal as D

import pytest

from tianmu.loans.schedule import (
    BULLET,
    EQUAL_INSTALMENT,
    EQUAL_PRINCIPAL,
    INTEREST_ONLY,
    Instalment,
    add_months,
    build_schedule,
    par_ratio,
    position,
)


def rows(schedule):
    return [(str(i.principal), str(i.interest)) for i in schedule]


def case_a(method):
    return build_schedule(
        principal=D("100000"),
        annual_rate=D("0.06"),
        months=12,
        method=method,
        start=datetime.date(2024, 1, 31),
    )


def case_b(method):
    return build_schedule(
        principal=D("1000"),
        annual_rate=D("0.10"),
        months=3,
        method=method,
        start=datetime.date(2025, 1, 15),
    )


def test_add_months_clamps_to_month_end():
    assert add_months(datetime.date(2024, 1, 31), 1) == datetime.date(2024, 2, 29)
    assert add_months(datetime.date(2023, 1, 31), 1) == datetime.date(2023, 2, 28)
    assert add_months(datetime.date(2024, 11, 30), 3) == datetime.date(2025, 2, 28)
    assert add_months(datetime.date(2024, 5, 15), 12) == datetime.date(2025, 5, 15)


def test_equal_instalments_case_a():
    # A = 100000·0.005·1.005^12 / (1.005^12 − 1) = 8606.6429 → 8606.64.
    s = case_a(EQUAL_INSTALMENT)
    assert len(s) == 12
    # Month 1: interest 100000·0.005 = 500.00, principal 8606.64 − 500.00 = 8106.64.
    assert (s[0].principal, s[0].interest) == (D("8106.64"), D("500.00"))
    # Month 2: balance 91893.36, interest 459.4668 → 459.47, principal 8147.17.
    assert (s[1].principal, s[1].interest) == (D("8147.17"), D("459.47"))
    assert all(i.total == D("8606.64") for i in s[:-1])
    # The last instalment repays the remaining 8563.87 with 42.82 interest: 8606.69, five fen
    # more than A — it absorbs the rounding of the eleven before it.
    assert (s[-1].principal, s[-1].interest) == (D("8563.87"), D("42.82"))
    assert sum(i.principal for i in s) == D("100000.00")
    assert sum(i.interest for i in s) == D("3279.73")
    assert [i.due_date for i in s[:3]] == [
        datetime.date(2024, 2, 29),
        datetime.date(2024, 3, 31),
        datetime.date(2024, 4, 30),
    ]
    assert s[-1].due_date == datetime.date(2025, 1, 31)


def test_equal_instalments_case_b():
    # A = 1000·r·(1+r)^3/((1+r)^3−1) = 338.9006 → 338.90.
    # 1: interest 8.33, principal 330.57, balance 669.43
    # 2: interest 669.43·r = 5.5786 → 5.58, principal 333.32, balance 336.11
    # 3: interest 336.11·r = 2.8009 → 2.80, principal 336.11 (total 338.91: +1 fen)
    assert rows(case_b(EQUAL_INSTALMENT)) == [
        ("330.57", "8.33"),
        ("333.32", "5.58"),
        ("336.11", "2.80"),
    ]


def test_equal_principal_cases():
    s = case_a(EQUAL_PRINCIPAL)
    # 100000/12 = 8333.33; the last takes 100000 − 11·8333.33 = 8333.37.
    assert [i.principal for i in s[:-1]] == [D("8333.33")] * 11
    assert s[-1].principal == D("8333.37")
    # Interest on the balance before each payment: 500.00, 91666.67·0.005 = 458.33335 → 458.33,
    # 83333.34·0.005 = 416.6667 → 416.67 … last: 8333.37·0.005 = 41.66685 → 41.67.
    assert [i.interest for i in s[:3]] == [D("500.00"), D("458.33"), D("416.67")]
    assert s[-1].interest == D("41.67")
    assert sum(i.interest for i in s) == D("3250.00")
    # B: 333.33, 333.33, 333.34; interest 8.33, 666.67·r = 5.5556 → 5.56, 333.34·r = 2.78.
    assert rows(case_b(EQUAL_PRINCIPAL)) == [
        ("333.33", "8.33"),
        ("333.33", "5.56"),
        ("333.34", "2.78"),
    ]


def test_interest_only_cases():
    s = case_a(INTEREST_ONLY)
    assert all((i.principal, i.interest) == (D("0.00"), D("500.00")) for i in s[:-1])
    assert (s[-1].principal, s[-1].interest) == (D("100000.00"), D("500.00"))
    # 1000·0.1/12 = 8.3333 → 8.33 each month.
    assert rows(case_b(INTEREST_ONLY)) == [
        ("0.00", "8.33"),
        ("0.00", "8.33"),
        ("1000.00", "8.33"),
    ]


def test_bullet_cases():
    s = case_a(BULLET)
    assert len(s) == 1
    assert s[0] == Instalment(1, datetime.date(2025, 1, 31), D("100000.00"), D("6000.00"))
    # 1000·(0.1/12)·3 = 25.00
    assert rows(case_b(BULLET)) == [("1000.00", "25.00")]


def test_zero_rate_splits_principal_evenly():
    s = build_schedule(
        principal=D("1000"),
        annual_rate=D("0"),
        months=3,
        method=EQUAL_INSTALMENT,
        start=datetime.date(2025, 1, 15),
    )
    assert rows(s) == [("333.33", "0.00"), ("333.33", "0.00"), ("333.34", "0.00")]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"principal": D("0")},
        {"months": 0},
        {"annual_rate": D("-0.01")},
        {"method": "weekly"},
    ],
)
def test_bad_terms_are_refused(kwargs):
    args = {
        "principal": D("1000"),
        "annual_rate": D("0.05"),
        "months": 3,
        "method": EQUAL_PRINCIPAL,
        "start": datetime.date(2025, 1, 1),
    } | kwargs
    with pytest.raises(ValueError):
        build_schedule(**args)


def test_position_allocates_interest_first_and_ages_arrears():
    s = case_b(EQUAL_PRINCIPAL)  # due 15 Feb, 15 Mar, 15 Apr 2025
    # Nothing paid on the due date itself: due, not yet overdue.
    p = position(s, repaid=D("0"), on=datetime.date(2025, 2, 15))
    assert p.days_past_due == 0
    assert p.due_unpaid == D("341.66")
    assert p.arrears == D("0")
    # A month later, 100 paid: 8.33 interest, 91.67 principal of instalment 1.
    p = position(s, repaid=D("100"), on=datetime.date(2025, 3, 17))
    assert (p.interest_paid, p.principal_paid) == (D("8.33"), D("91.67"))
    # Overdue: the rest of instalment 1 (241.66) and all of instalment 2 (333.33 + 5.56).
    assert p.arrears_principal == D("574.99")
    assert p.arrears_interest == D("5.56")
    assert p.days_past_due == 30  # 15 Feb → 17 Mar; the 15 Mar instalment is 2 days late
    assert p.outstanding_principal == D("908.33")
    # Everything paid: nothing outstanding, nothing overdue.
    p = position(s, repaid=D("1016.67"), on=datetime.date(2025, 6, 1))
    assert (p.outstanding_principal, p.days_past_due, p.remaining_total) == (
        D("0.00"),
        0,
        D("0.00"),
    )


def test_par30():
    assert par_ratio([]) == D("0.0000")
    loans = [(D("1000000"), 0), (D("30000"), 31), (D("20000"), 30), (D("0"), 90)]
    # Only the 31-day loan is more than 30 days past due: 30000 / 1050000 = 0.028571 → 0.0286.
    assert par_ratio(loans) == D("0.0286")
    assert str(par_ratio(loans)) == "0.0286"
