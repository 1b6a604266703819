"""Amounts are exact and shown in the units each language counts in."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tianmu.core.money import format_yuan, format_yuan_exact, money_str, to_money


@pytest.mark.parametrize(
    ("amount", "zh", "en"),
    [
        ("8123.5", "8,123.50 元", "¥8,123.50"),
        ("312500", "31.25 万元", "¥312,500.00"),
        ("8320185.00", "832.02 万元", "¥8.32 million"),
        ("135200000", "1.35 亿元", "¥135.20 million"),
        ("1350000000", "13.50 亿元", "¥1.35 billion"),
        ("-20000", "-2.00 万元", "-¥20,000.00"),
    ],
)
def test_format_yuan_by_language(amount, zh, en):
    with translation.override("zh-hans"):
        assert format_yuan(amount) == zh
    with translation.override("en"):
        assert format_yuan(amount) == en


def test_exact_form_and_api_form():
    with translation.override("zh-hans"):
        assert format_yuan_exact("312345") == "312,345.00 元"
    with translation.override("en"):
        assert format_yuan_exact("312345") == "¥312,345.00"
    assert money_str(Decimal("0.005")) == "0.01"  # half-up, as a cashier rounds
    assert money_str(None) == "0.00"


def test_not_an_amount():
    with pytest.raises(ValidationError):
        to_money("abc")
