"""`{% load money %}`: `{{ amount|yuan }}` shows an amount as 元, 万元 or 亿元.

`{{ amount|yuan_exact }}` shows every fen (“312,345.00元”) where the exact figure matters.
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
