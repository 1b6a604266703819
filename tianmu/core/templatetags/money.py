"""`{% load money %}`: `{{ amount|yuan }}` shows an amount as 元, 万元 or 亿元.

`{{ amount|yuan_exact }}` shows every fen (“312,345.00元”) where the exact figure matters;
`{{ amount|yuan_disclosed }}` says “not disclosed” for an amount nobody gave (never 0.00).
"""

from __future__ import annotations

from django import template

from tianmu.core.money import format_yuan, format_yuan_exact

register = template.Library()


@register.filter
def yuan(value):
    if value is None or value == "":
        return "—"
    return format_yuan(value)


@register.filter
def yuan_exact(value):
    if value is None or value == "":
        return "—"
    return format_yuan_exact(value)


@register.filter
def yuan_disclosed(value):
    """An amount that may never have been given: “not disclosed”, not 0.00, when empty."""
    from tianmu.core.tables import not_disclosed

    if value is None or value == "":
        return not_disclosed()
    return format_yuan(value)
