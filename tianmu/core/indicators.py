"""The indicator catalogue: what every registered figure means (口径), its unit and owner.

`tianmu.core.kpis` says how a figure is computed; this says what it is to the people who use
it — its name, its definition in one sentence true to the code and docs/figures.md, its unit,
whether it is a stock or a flow, the module its records come from, the office that owns it and
how often its records are updated. Every registered figure has an entry
(tianmu/assessment/tests/test_indicators.py); an app that registers a figure adds it here.
In core beside the registry, so that the dashboard and the assessment read the same labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Unit(models.TextChoices):
    COUNT = "count", pgettext_lazy("unit", "count")
    PEOPLE = "people", pgettext_lazy("unit", "people")
    YUAN = "yuan", pgettext_lazy("unit", "yuan")
    RATIO = "ratio", pgettext_lazy("unit", "ratio")


class Kind(models.TextChoices):
    STOCK = "stock", _("stock")
    FLOW = "flow", _("flow")


class Owner(models.TextChoices):
    """The office that answers for a figure's records."""

    UFWD = "ufwd", _("District United Front Work Department")
    FIC = "fic", _("District Federation of Industry and Commerce")
    AGRICULTURE = "agriculture", _("District Agriculture and Rural Affairs Bureau")
    HRSS = "hrss", _("District Human Resources and Social Security Bureau")
    BANKS = "banks", _("Partner banks")


class Frequency(models.TextChoices):
    DAILY = "daily", _("daily")
    MONTHLY = "monthly", _("monthly")
    QUARTERLY = "quarterly", _("quarterly")
    YEARLY = "yearly", _("yearly")


#: The module each figure's records come from, as the reader names it.
SOURCES = {
    "alliances": _("Alliances"),
    "projects": _("Projects"),
    "commerce": _("Common-prosperity purchases"),
    "employment": _("Employment"),
    "loans": _("Common-prosperity loans"),
    "events": _("Village–enterprise events"),
    "registry": _("Village collective income (asset ledgers)"),
}


@dataclass(frozen=True)
class Indicator:
    """One figure's metadata (the values of `unit`, `kind`, `owner`, `frequency` are the
    choices above)."""

    key: str
    name: Promise
    definition: Promise
    unit: str
    kind: str
    source: str
    owner: str
    frequency: str

    unit_label = property(lambda self: Unit(self.unit).label)
    kind_label = property(lambda self: Kind(self.kind).label)
    owner_label = property(lambda self: Owner(self.owner).label)
    frequency_label = property(lambda self: Frequency(self.frequency).label)
    source_label = property(lambda self: SOURCES.get(self.source, self.source))


def _entry(key, name, definition, unit, kind, source, owner, frequency) -> Indicator:
    return Indicator(key, name, definition, unit, kind, source, owner, frequency)


_ENTRIES = [
    _entry(
        "alliances",
        _("Alliances with an active pairing"),
        _(
            "Alliances (never drafts) with at least one pairing in the area active at any time "
            "in the period (today when no period is given)."
        ),
        Unit.COUNT,
        Kind.STOCK,
        "alliances",
        Owner.UFWD,
        Frequency.QUARTERLY,
    ),
    _entry(
        "core_enterprises",
        _("Core enterprises"),
        _(
            "Distinct organisations with a core membership active in the period, in an "
            "alliance whose pairing in the area is active in the period."
        ),
        Unit.COUNT,
        Kind.STOCK,
        "alliances",
        Owner.FIC,
        Frequency.QUARTERLY,
    ),
    _entry(
        "enterprises",
        _("Enterprises in alliances"),
        _("Distinct enterprises, in any role, that are members of those alliances in the period."),
        Unit.COUNT,
        Kind.STOCK,
        "alliances",
        Owner.FIC,
        Frequency.QUARTERLY,
    ),
    _entry(
        "villages_paired",
        _("Villages paired"),
        _("Distinct villages in the area with a pairing active at any time in the period."),
        Unit.COUNT,
        Kind.STOCK,
        "alliances",
        Owner.UFWD,
        Frequency.QUARTERLY,
    ),
    _entry(
        "projects",
        _("Common-prosperity projects"),
        _(
            "Projects under way at any time in the period (a project without a start date has "
            "not started)."
        ),
        Unit.COUNT,
        Kind.STOCK,
        "projects",
        Owner.AGRICULTURE,
        Frequency.MONTHLY,
    ),
    _entry(
        "project_sales_yuan",
        _("Project sales"),
        _(
            "Sum of the confirmed sales dated in the period of the projects under way in it, "
            "as the project list's sales column shows them."
        ),
        Unit.YUAN,
        Kind.FLOW,
        "projects",
        Owner.AGRICULTURE,
        Frequency.MONTHLY,
    ),
    _entry(
        "villages_driven",
        _("Neighbouring villages joined"),
        _("Distinct villages taking part in another village's project under way in the period."),
        Unit.COUNT,
        Kind.STOCK,
        "projects",
        Owner.AGRICULTURE,
        Frequency.QUARTERLY,
    ),
    _entry(
        "purchase_income_yuan",
        _("Village income from purchases (confirmed)"),
        _(
            "Sum of the common-prosperity purchase payments dated in the period that the selling "
            "village collective confirmed it received (a confirmed correction replaces the payment "
            "it corrects)."
        ),
        Unit.YUAN,
        Kind.FLOW,
        "commerce",
        Owner.FIC,
        Frequency.MONTHLY,
    ),
    _entry(
        "purchase_income_reported_yuan",
        _("Purchases reported, awaiting confirmation"),
        _(
            "Sum of the common-prosperity purchase payments dated in the period that an "
            "enterprise reported and the village has not confirmed yet; never added to the "
            "confirmed figure."
        ),
        Unit.YUAN,
        Kind.FLOW,
        "commerce",
        Owner.FIC,
        Frequency.MONTHLY,
    ),
    _entry(
        "rural_jobs",
        _("Villagers employed"),
        _("Distinct people with a confirmed placement active at any time in the period."),
        Unit.PEOPLE,
        Kind.STOCK,
        "employment",
        Owner.HRSS,
        Frequency.MONTHLY,
    ),
    _entry(
        "low_income_jobs",
        _("of them from low-income households"),
        _(
            "Of the people employed, those from low-income households, with a confirmed "
            "placement active in the period."
        ),
        Unit.PEOPLE,
        Kind.STOCK,
        "employment",
        Owner.HRSS,
        Frequency.MONTHLY,
    ),
    _entry(
        "loans_disbursed_yuan",
        _("Loans disbursed"),
        _("Sum of the loan tranches paid out in the period (the loan list's disbursed column)."),
        Unit.YUAN,
        Kind.FLOW,
        "loans",
        Owner.BANKS,
        Frequency.DAILY,
    ),
    _entry(
        "loans_outstanding_yuan",
        _("Loans outstanding"),
        _(
            "Outstanding principal of the loans on the book at the end of the period (today "
            "when no end is given)."
        ),
        Unit.YUAN,
        Kind.STOCK,
        "loans",
        Owner.BANKS,
        Frequency.DAILY,
    ),
    _entry(
        "par30",
        _("Loans overdue 30+ days (PAR30)"),
        _(
            "Share of the outstanding principal at the end of the period that belongs to "
            "loans more than 30 days past due."
        ),
        Unit.RATIO,
        Kind.STOCK,
        "loans",
        Owner.BANKS,
        Frequency.DAILY,
    ),
    _entry(
        "events",
        _("Village–enterprise events"),
        _("Events that alliances' organisations held with villages, dated in the period."),
        Unit.COUNT,
        Kind.FLOW,
        "events",
        Owner.UFWD,
        Frequency.MONTHLY,
    ),
    _entry(
        "operating_income_growth_yuan",
        _("Growth of village operating income"),
        _(
            "Sum over the villages of their operating income for the years in the period less "
            "that of the year before, as the collectives' asset ledgers report it."
        ),
        Unit.YUAN,
        Kind.FLOW,
        "registry",
        Owner.AGRICULTURE,
        Frequency.YEARLY,
    ),
    _entry(
        "alliances_active_after_term",
        _("Alliances active after their term"),
        _(
            "Alliances whose pairing ended and that still recorded confirmed activity after "
            "it ended, in the period."
        ),
        Unit.COUNT,
        Kind.STOCK,
        "alliances",
        Owner.UFWD,
        Frequency.YEARLY,
    ),
]

INDICATORS: dict[str, Indicator] = {entry.key: entry for entry in _ENTRIES}


def indicator(key: str) -> Indicator | None:
    return INDICATORS.get(key)


def indicator_name(key: str) -> str:
    """The figure's name in the user's language (its key for a figure without an entry)."""
    entry = INDICATORS.get(key)
    return str(entry.name) if entry is not None else key


def registered_indicators() -> list[Indicator]:
    """The entries of the registered figures, in registration order (as /api/v1/kpis)."""
    from tianmu.core.kpis import kpi_keys

    return [INDICATORS[key] for key in kpi_keys() if key in INDICATORS]


def indicator_choices() -> list[tuple[str, str]]:
    return [(i.key, i.name) for i in registered_indicators()]


def unit_of(key: str) -> str:
    entry = INDICATORS.get(key)
    return entry.unit if entry is not None else Unit.COUNT


def unit_json(unit: str, value):
    """A value in its unit as the API writes figures: counts as integers, money as a
    two-decimal string, ratios as a four-decimal string (docs/figures.md)."""
    if value is None:
        return None
    value = Decimal(str(value))
    if unit in (Unit.COUNT, Unit.PEOPLE):
        return int(value) if value == value.to_integral_value() else str(value)
    if unit == Unit.YUAN:
        return f"{value:.2f}"
    return f"{value:.4f}"
