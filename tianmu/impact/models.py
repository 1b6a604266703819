"""A programme's income rules: the weak-village target (消薄), the status thresholds and the
ledger check's margin — programme data, set by its admins and change-logged."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tianmu.core.models import ChangeLoggedModel

DEFAULT_TARGET = Decimal("500000.00")
DEFAULT_YELLOW_RATE = Decimal("0.8000")
DEFAULT_LEDGER_MARGIN = Decimal("100000.00")
DEFAULT_LEDGER_RATE = Decimal("0.5000")


class IncomeRules(ChangeLoggedModel):
    """How a programme judges its villages' collective income (docs/impact.md).

    Status of a village's year: green when its operating income reaches the target; yellow
    when it reaches `yellow_rate` of the target, or (with `yellow_if_growing`) grew on the
    year before; red otherwise. A programme without its own row uses the defaults.
    """

    program = models.OneToOneField(
        "alliances.Program",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="income_rules",
    )
    target_operating_yuan = models.DecimalField(
        _("weak-village target: operating income (yuan)"),
        max_digits=14,
        decimal_places=2,
        default=DEFAULT_TARGET,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("消薄: a village below this operating income a year is a weak village."),
    )
    yellow_rate = models.DecimalField(
        _("yellow from this share of the target"),
        max_digits=5,
        decimal_places=4,
        default=DEFAULT_YELLOW_RATE,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("A fraction: 0.8 is 80 %."),
    )
    yellow_if_growing = models.BooleanField(
        _("yellow when growing"),
        default=True,
        help_text=_("Below that share, a village whose operating income grew is yellow, not red."),
    )
    ledger_margin_yuan = models.DecimalField(
        _("ledger check: margin (yuan)"),
        max_digits=14,
        decimal_places=2,
        default=DEFAULT_LEDGER_MARGIN,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Receipts must exceed the income's growth by at least this much."),
    )
    ledger_margin_rate = models.DecimalField(
        _("ledger check: share of the receipts"),
        max_digits=5,
        decimal_places=4,
        default=DEFAULT_LEDGER_RATE,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("…and by at least this share of the receipts (0.5 is 50 %)."),
    )

    class Meta:
        verbose_name = _("income rules")
        verbose_name_plural = _("income rules")

    def __str__(self) -> str:
        return str(_("Income rules of %(program)s") % {"program": self.program})
