"""Reads for workshops and jobs: a person's yearly earnings, and the placements that count."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Exists, OuterRef, QuerySet, Sum
from django.db.models.functions import ExtractYear

from tianmu.core.workflow import ConfirmationStatus
from tianmu.employment.models import MonthlyEarning, Person, Placement


def counted_placements(qs: QuerySet | None = None) -> QuerySet:
    """Placements that count in figures: confirmed, and not replaced by a confirmed correction."""
    qs = Placement.objects.all() if qs is None else qs
    replaced = Placement.objects.filter(
        corrects=OuterRef("pk"), confirmation=ConfirmationStatus.CONFIRMED
    )
    return qs.filter(confirmation=ConfirmationStatus.CONFIRMED).exclude(Exists(replaced))


def person_earnings_by_year(*, person: Person) -> dict[str, str]:
    """{"2025": "31234.00", …}: earnings of the person's counted placements, by year."""
    return earnings_by_year(person_ids=[person.pk]).get(person.pk, {})


def earnings_by_year(*, person_ids) -> dict[int, dict[str, str]]:
    """Yearly earnings of several people in one query (for lists)."""
    rows = (
        MonthlyEarning.objects.filter(
            placement__in=counted_placements(), placement__person_id__in=person_ids
        )
        .annotate(year=ExtractYear("month"))
        .values("placement__person_id", "year")
        .annotate(total=Sum("amount_yuan"))
        .order_by("placement__person_id", "year")
    )
    out: dict[int, dict[str, str]] = {}
    for row in rows:
        total = Decimal(row["total"]).quantize(Decimal("0.01"))
        out.setdefault(row["placement__person_id"], {})[str(row["year"])] = str(total)
    return out
