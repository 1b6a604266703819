"""Money: exact yuan amounts (Decimal, two places) and how pages and the API show them.

Every amount is a `Decimal` with two decimal places, never a float. The API renders money as
a string with two decimals ("312345.00"), so no client rounds it; pages show it in the unit a
reader expects: 元 below ten thousand, 万元 below a hundred million, 亿元 above.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
WAN = Decimal(10_000)
YI = Decimal(100_000_000)
MILLION = Decimal(1_000_000)
BILLION = Decimal(1_000_000_000)


def to_money(value) -> Decimal:
    """`value` as yuan with two places (half-up, as a cashier rounds); None counts as zero."""
    if value is None:
        return ZERO
    if not isinstance(value, Decimal):
        try:
            value = Decimal(str(value))
        except InvalidOperation as exc:
            raise ValidationError(_("“%(value)s” is not an amount.") % {"value": value}) from exc
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money_str(value) -> str:
    """The API form of an amount: a plain string with two decimals ("312345.00")."""
    return f"{to_money(value):.2f}"


def line_amount(quantity, unit_price) -> Decimal:
    """quantity × unit price, in yuan with two places."""
    return to_money(Decimal(quantity) * Decimal(unit_price))


def format_yuan(value) -> str:
    """A human form of an amount in the reader's language.

    Chinese readers count in 万 and 亿: “8,123.50 元”, “31.25 万元”, “1.35 亿元”. English readers
    count in thousands: “¥8,123.50”, “¥312,500.00”, “¥1.35 million”, “¥1.35 billion”.
    """
    amount = to_money(value)
    size = abs(amount)
    if (get_language() or "").startswith("zh"):
        if size >= YI:
            shown, template = amount / YI, _("%(amount)s hundred-million yuan")
        elif size >= WAN:
            shown, template = amount / WAN, _("%(amount)s ten-thousand yuan")
        else:
            shown, template = amount, _("%(amount)s yuan")
    else:
        sign = "-" if amount < 0 else ""
        if size >= BILLION:
            shown, template = size / BILLION, sign + "¥%(amount)s billion"
        elif size >= MILLION:
            shown, template = size / MILLION, sign + "¥%(amount)s million"
        else:
            shown, template = size, sign + "¥%(amount)s"
    shown = shown.quantize(CENT, rounding=ROUND_HALF_UP)
    return template % {"amount": f"{shown:,.2f}"}


def format_yuan_exact(value) -> str:
    """Every fen, where the exact figure matters: “312,345.00 元” / “¥312,345.00”."""
    amount = to_money(value)
    if (get_language() or "").startswith("zh"):
        return _("%(amount)s yuan") % {"amount": f"{amount:,.2f}"}
    return ("-" if amount < 0 else "") + f"¥{abs(amount):,.2f}"


def validate_positive(value) -> None:
    """A quantity or price must be more than zero."""
    if value is not None and value <= 0:
        raise ValidationError(_("Must be greater than zero."), code="not_positive")


def validate_not_negative(value) -> None:
    if value is not None and value < 0:
        raise ValidationError(_("Cannot be negative."), code="negative")
