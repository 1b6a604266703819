"""The scoring rules of an assessment scheme, as pure functions (docs/results.md#assessment).

Nothing here touches the database: a scheme's parts and grades go in with the values of each
subject (`{subject: {indicator: value}}`), scored items come out. So the rules can be checked
by hand on a few numbers (tianmu/assessment/tests/test_scoring.py).

- **proportional** (the default): points = max(0, min(value / target, cap)) × weight, cap 1
  unless the part says otherwise.
- **bands**: the points of the band with the greatest `min` not above the value (0 below the
  lowest band) — for a lower-is-better figure (PAR30) give the lowest band the most points.
- A part whose value is missing for a subject (the figure has no breakdown at that level) is
  *not applicable*: it scores nothing and the other parts' weights are scaled to add up to 100.
- score = the sum of the parts' points (each rounded to two places); grade = the grade with
  the highest `min_score` not above the score; rank = 1 + the number of subjects of the same
  type with a higher score (ties share a rank).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
PROPORTIONAL = "proportional"
BANDS = "bands"
RULES = (PROPORTIONAL, BANDS)

#: The grade bands when a scheme gives none: 优秀 ≥ 90, 良好 ≥ 75, 合格 ≥ 60, else 不合格.
DEFAULT_GRADES = (
    {"grade": "优秀", "min_score": 90},
    {"grade": "良好", "min_score": 75},
    {"grade": "合格", "min_score": 60},
    {"grade": "不合格", "min_score": 0},
)


def dec(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Part:
    """One indicator of a scheme: its weight (of 100), target, rule and bands."""

    indicator: str
    weight: Decimal
    target: Decimal | None = None
    rule: str = PROPORTIONAL
    cap: Decimal = Decimal(1)
    bands: tuple[tuple[Decimal, Decimal], ...] = field(default=())  # (min, points)

    @classmethod
    def from_dict(cls, data: Mapping) -> Part:
        bands = tuple(sorted((dec(b["min"]), dec(b["points"])) for b in data.get("bands") or ()))
        target = data.get("target")
        return cls(
            indicator=data["indicator"],
            weight=dec(data["weight"]),
            target=dec(target) if target not in (None, "") else None,
            rule=data.get("rule") or PROPORTIONAL,
            cap=dec(data.get("cap") or 1),
            bands=bands,
        )

    def points(self, value, weight: Decimal | None = None) -> Decimal:
        """The points of `value` with this part's weight (or `weight`, when renormalised)."""
        weight = self.weight if weight is None else weight
        value = dec(value)
        if self.rule == BANDS:
            earned = Decimal(0)
            for low, pts in self.bands:
                if value >= low:
                    earned = pts
            # Band points are of the part's own weight; scale them with it.
            return cents(earned * weight / self.weight) if self.weight else Decimal("0.00")
        ratio = min(max(value / self.target, Decimal(0)), self.cap)
        return cents(ratio * weight)


@dataclass(frozen=True)
class Grade:
    grade: str
    min_score: Decimal


def grades_from(data: Iterable[Mapping]) -> list[Grade]:
    """Grades from highest to lowest threshold."""
    rows = [Grade(str(g["grade"]), dec(g["min_score"])) for g in data]
    return sorted(rows, key=lambda g: g.min_score, reverse=True)


def grade_of(score: Decimal, grades: list[Grade]) -> str:
    for g in grades:
        if score >= g.min_score:
            return g.grade
    return grades[-1].grade if grades else ""


def score_subject(values: Mapping[str, object], parts: list[Part]) -> tuple[Decimal, list[dict]]:
    """(score, parts) for one subject; a part without a value is not applicable."""
    applicable = [p for p in parts if values.get(p.indicator) is not None]
    total_weight = sum((p.weight for p in applicable), Decimal(0))
    scale = HUNDRED / total_weight if total_weight and len(applicable) < len(parts) else None
    out, score = [], Decimal("0.00")
    for p in parts:
        value = values.get(p.indicator)
        if value is None:
            out.append({"indicator": p.indicator, "value": None, "target": p.target,
                        "weight": Decimal(0), "points": None, "applicable": False})  # fmt: skip
            continue
        weight = cents(p.weight * scale) if scale is not None else p.weight
        points = p.points(value, weight)
        score += points
        out.append({"indicator": p.indicator, "value": dec(value), "target": p.target,
                    "weight": weight, "points": points, "applicable": True})  # fmt: skip
    return score, out


def ranks(scores: list[Decimal]) -> list[int]:
    """Competition ranks (1, 1, 3): 1 + the number of higher scores."""
    return [1 + sum(1 for other in scores if other > s) for s in scores]


def score_all(
    subjects: list[tuple[str, object, str]],
    values: Mapping[tuple[str, object], Mapping[str, object]],
    parts: list[Part],
    grades: list[Grade],
) -> list[dict]:
    """Scored items for `subjects` [(type, id, name)], ranked within each type.

    `values[(type, id)]` holds the subject's value of each indicator (missing: not applicable).
    Items come out by type (in the order first seen), then rank, then name.
    """
    items = []
    for kind, pk, name in subjects:
        score, scored = score_subject(values.get((kind, pk), {}), parts)
        items.append({
            "subject": {"type": kind, "id": pk, "name": name},
            "score": score, "grade": grade_of(score, grades), "parts": scored,
        })  # fmt: skip
    order = list(dict.fromkeys(kind for kind, _pk, _name in subjects))
    out = []
    for kind in order:
        group = [i for i in items if i["subject"]["type"] == kind]
        for item, rank in zip(group, ranks([i["score"] for i in group]), strict=True):
            item["rank"] = rank
        out.extend(sorted(group, key=lambda i: (i["rank"], i["subject"]["name"])))
    return out
