"""Reads for indicators, thresholds, schemes and assessments, in the user's scope."""

from __future__ import annotations

from decimal import Decimal

from tianmu.assessment.models import Assessment, AssessmentScheme, IndicatorThreshold
from tianmu.core.indicators import Indicator, registered_indicators, unit_json
from tianmu.core.scoping import visible_to

ALERT, NORMAL, EXCELLENT = "alert", "normal", "excellent"


def status_of(key: str, value, thresholds) -> str | None:
    """ "alert", "normal" or "excellent" for figure `key`'s `value` by the first of
    `thresholds` (IndicatorThreshold rows or dicts with indicator, alert, excellence,
    higher_is_better) that is for `key`; None without one or without a value.

    Higher is better: below `alert` is an alert, at or above `excellence` excellent. Lower is
    better (PAR30): above `alert` is an alert, at or below `excellence` excellent.
    """
    if value is None:
        return None
    for t in thresholds:
        get = t.get if isinstance(t, dict) else lambda name, t=t: getattr(t, name)
        if get("indicator") != key:
            continue
        value = Decimal(str(value))
        alert, excellence = Decimal(str(get("alert"))), Decimal(str(get("excellence")))
        higher = get("higher_is_better")
        higher = True if higher is None else higher
        if higher:
            return ALERT if value < alert else EXCELLENT if value >= excellence else NORMAL
        return ALERT if value > alert else EXCELLENT if value <= excellence else NORMAL
    return None


def figure_statuses(user, values: dict, program=None) -> dict[str, str | None]:
    """`status_of` for each figure of `values` ({key: value}, as `kpis()` gives them) by the
    thresholds the user sees (of `program`, when given): what the cockpit colours cards by."""
    thresholds = list(thresholds_visible(user, program).order_by("program__start", "pk"))
    return {key: status_of(key, value, thresholds) for key, value in values.items()}


def thresholds_visible(user, program=None):
    qs = visible_to(user, IndicatorThreshold).select_related("program")
    return qs.filter(program=program) if program is not None else qs


def threshold_json(t: IndicatorThreshold, unit: str) -> dict:
    return {
        "program": t.program_id,
        "alert": unit_json(unit, t.alert),
        "excellence": unit_json(unit, t.excellence),
        "higher_is_better": t.higher_is_better,
    }


def indicator_rows(user) -> list[tuple[Indicator, list[IndicatorThreshold]]]:
    """Every registered figure's entry with the thresholds the user may see (one query)."""
    by_key: dict[str, list[IndicatorThreshold]] = {}
    for t in thresholds_visible(user).order_by("program__name", "pk"):
        by_key.setdefault(t.indicator, []).append(t)
    return [(i, by_key.get(i.key, [])) for i in registered_indicators()]


def indicator_json(entry: Indicator, thresholds) -> dict:
    return {
        "key": entry.key,
        "name": str(entry.name),
        "definition": str(entry.definition),
        "unit": entry.unit,
        "unit_label": str(entry.unit_label),
        "kind": entry.kind,
        "source": entry.source,
        "owner": str(entry.owner_label),
        "frequency": entry.frequency,
        "thresholds": [threshold_json(t, entry.unit) for t in thresholds],
    }


def schemes_visible(user):
    return visible_to(user, AssessmentScheme).select_related("program")


def assessments_visible(user):
    return visible_to(user, Assessment).select_related("scheme__program", "made_by")


def scheme_json(scheme: AssessmentScheme) -> dict:
    return {
        "id": scheme.pk,
        "program": scheme.program_id,
        "name": scheme.name,
        "description": scheme.description,
        "indicators": scheme.indicators,
        "grades": scheme.grades,
    }


def assessment_json(a: Assessment) -> dict:
    return {
        "id": a.pk,
        "scheme": a.scheme_id,
        "year": a.year,
        "version": a.version,
        "status": a.status,
        "made_at": a.made_at.isoformat() if a.made_at else None,
        "made_by": a.made_by.username if a.made_by_id else None,
        "published_at": a.published_at.isoformat() if a.published_at else None,
        "items": a.results.get("items", []),
    }


def items_by_type(a: Assessment) -> list[tuple[str, list[dict]]]:
    """The result's items grouped by subject type, in the stored (ranked) order."""
    groups: dict[str, list[dict]] = {}
    for item in a.results.get("items", []):
        groups.setdefault(item["subject"]["type"], []).append(item)
    return list(groups.items())
