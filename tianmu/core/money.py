"""Money: exact yuan amounts (Decimal, two places) and how pages and the API show them.

Every amount is a `Decimal` with two decimal places, never a float. The API renders money as
a string with two decimals ("312345.00"), so no client rounds it; pages show it in the unit a
reader expects: 元 below ten thousand, 万元 below a hundred million, 亿元 above.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
WAN = Decimal(10_000)
YI = Decimal(100_000_000)


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
    """A human form of an amount: “8,123.50元”, “31.25万元”, “1.35亿元” (unit by size)."""
    amount = to_money(value)
    size = abs(amount)
    if size >= YI:
        shown = (amount / YI).quantize(CENT, rounding=ROUND_HALF_UP)
        template = _("%(amount)s hundred-million yuan")
    elif size >= WAN:
        shown = (amount / WAN).quantize(CENT, rounding=ROUND_HALF_UP)
        template = _("%(amount)s ten-thousand yuan")
    else:
        shown = amount
        template = _("%(amount)s yuan")
    return template % {"amount": f"{shown:,.2f}"}


def validate_positive(value) -> None:
    """A quantity or price must be more than zero."""
    if value is not None and value <= 0:
        raise ValidationError(_("Must be greater than zero."), code="not_positive")


def validate_not_negative(value) -> None:
    if value is not None and value < 0:
        raise ValidationError(_("Cannot be negative."), code="negative")
