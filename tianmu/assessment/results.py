"""An assessment's frozen result: the scheme as it was, the period, and every scored item
with each part's value, target, weight, points and link (JSON, stored on the Assessment)."""

from __future__ import annotations

from tianmu.assessment.evaluation import Inputs, year_period
from tianmu.assessment.scoring import Part, grades_from, score_all
from tianmu.core.indicators import unit_json, unit_of


def _num(value):
    return None if value is None else f"{value:.2f}"


def frozen_results(scheme, year: int, inputs: Inputs) -> dict:
    parts = [Part.from_dict(p) for p in scheme.indicators]
    grades = grades_from(scheme.grades)
    # A subject type none of whose figures has a breakdown at its level is left out: it
    # would score nothing out of nothing.
    subjects = [
        (s.type, s.id, s.name) for s in inputs.subjects if inputs.values.get((s.type, s.id))
    ]
    scored = score_all(subjects, inputs.values, parts, grades)
    period = year_period(year)
    items = []
    for item in scored:
        subject = item["subject"]
        out_parts = []
        for part in item["parts"]:
            key = part["indicator"]
            unit = unit_of(key)
            out_parts.append({
                "indicator": key,
                "value": unit_json(unit, part["value"]),
                "target": unit_json(unit, part["target"]),
                "weight": _num(part["weight"]),
                "points": _num(part["points"]),
                "applicable": part["applicable"],
                "link": inputs.links.get((subject["type"], subject["id"], key)),
            })  # fmt: skip
        items.append({
            "subject": subject,
            "score": _num(item["score"]),
            "grade": item["grade"],
            "rank": item["rank"],
            "parts": out_parts,
        })  # fmt: skip
    return {
        "scheme": {
            "id": scheme.pk,
            "name": scheme.name,
            "program": scheme.program_id,
            "indicators": scheme.indicators,
            "grades": scheme.grades,
        },
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
        "items": items,
    }
