"""Indicator thresholds, assessment schemes and their yearly results (docs/results.md).

A scheme is data — its indicators with weights, targets and rules, and its grade bands are
JSON validated here — so that a programme changes its assessment without a release. A result
is frozen with every input it was computed from (ADR 0013): running a scheme again makes a new
version; a published version never changes.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from tianmu.assessment.choices import AssessmentStatus, SubjectType
from tianmu.assessment.evaluation import evaluable
from tianmu.assessment.scoring import DEFAULT_GRADES, HUNDRED, RULES
from tianmu.core.indicators import Unit, indicator, indicator_name, registered_indicators
from tianmu.core.models import ChangeLoggedModel


def default_grades() -> list[dict]:
    return [dict(g) for g in DEFAULT_GRADES]


def _number(raw) -> Decimal | None:
    if isinstance(raw, bool) or raw is None or raw == "":
        return None
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def _registered_key(key) -> bool:
    return isinstance(key, str) and key in {i.key for i in registered_indicators()}


def unit_errors(key: str, value: Decimal) -> list[str]:
    """Why `value` is not a value of figure `key`'s unit (nothing when it is)."""
    unit = indicator(key).unit
    if unit == Unit.RATIO and not Decimal(0) <= value <= Decimal(1):
        return [_("A ratio is between 0 and 1 (0.05 is 5 %).")]
    if unit in (Unit.COUNT, Unit.PEOPLE) and (value < 0 or value != value.to_integral_value()):
        return [_("A count is a whole number, 0 or more.")]
    if unit == Unit.YUAN and (value < 0 or value != value.quantize(Decimal("0.01"))):
        return [_("An amount is 0 or more, in yuan with at most two decimals.")]
    if unit == Unit.RATIO and value != value.quantize(Decimal("0.0001")):
        return [_("A ratio has at most four decimals.")]
    return []


class IndicatorThreshold(ChangeLoggedModel):
    """A programme's alert and excellence thresholds for one figure (in the figure's unit).

    With `higher_is_better`, a value below `alert` is an alert and one at or above
    `excellence` is excellent; otherwise the other way round (PAR30).
    """

    program = models.ForeignKey(
        "alliances.Program",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="indicator_thresholds",
    )
    indicator = models.CharField(_("indicator"), max_length=64)
    alert = models.DecimalField(_("alert threshold"), max_digits=18, decimal_places=4)
    excellence = models.DecimalField(_("excellence threshold"), max_digits=18, decimal_places=4)
    higher_is_better = models.BooleanField(_("higher is better"), default=True)

    class Meta:
        ordering = ["program", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "indicator"],
                name="indicator_threshold_per_program",
                violation_error_message=_("This programme already has thresholds for it."),
            )
        ]
        verbose_name = _("indicator threshold")
        verbose_name_plural = _("indicator thresholds")

    def __str__(self) -> str:
        return f"{self.program} · {indicator_name(self.indicator)}"

    def clean(self):
        super().clean()
        if not _registered_key(self.indicator):
            raise ValidationError({"indicator": _("No figure with this key.")})
        errors: dict[str, list] = {}
        for name in ("alert", "excellence"):
            value = _number(getattr(self, name))
            if value is not None and (problems := unit_errors(self.indicator, value)):
                errors[name] = problems
        if errors:
            raise ValidationError(errors)
        if self.alert is not None and self.excellence is not None:
            better = (
                Decimal(self.excellence) > Decimal(self.alert)
                if self.higher_is_better
                else Decimal(self.excellence) < Decimal(self.alert)
            )
            if not better:
                raise ValidationError(
                    {"excellence": _("The excellence threshold must be better than the alert.")}
                )


class AssessmentScheme(ChangeLoggedModel):
    """A programme's yearly assessment (成效评价): indicators with weights, targets and
    rules, and grade bands (data, validated by `clean`)."""

    program = models.ForeignKey(
        "alliances.Program",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="assessment_schemes",
    )
    name = models.CharField(_("name"), max_length=200)
    indicators = models.JSONField(_("indicators"), default=list)
    grades = models.JSONField(_("grades"), default=default_grades)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["program", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "name"],
                name="assessment_scheme_name_per_program",
                violation_error_message=_("This programme already has a scheme of this name."),
            )
        ]
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        if problems := indicator_errors(self.indicators):
            errors["indicators"] = problems
        if problems := grade_errors(self.grades):
            errors["grades"] = problems
        if errors:
            raise ValidationError(errors)
        self.indicators = [normalised_part(p) for p in self.indicators]
        self.grades = [
            {"grade": str(g["grade"]).strip(), "min_score": _json_number(g["min_score"])}
            for g in sorted(self.grades, key=lambda g: -_number(g["min_score"]))
        ]


def _json_number(value):
    value = Decimal(str(value))
    return int(value) if value == value.to_integral_value() else float(value)


def normalised_part(p: dict) -> dict:
    out = {
        "indicator": p["indicator"],
        "weight": _json_number(p["weight"]),
        "target": _json_number(p["target"]) if _number(p.get("target")) is not None else None,
        "rule": p.get("rule") or "proportional",
    }
    if p.get("cap") not in (None, ""):
        out["cap"] = _json_number(p["cap"])
    if out["rule"] == "bands":
        out["bands"] = sorted(
            ({"min": _json_number(b["min"]), "points": _json_number(b["points"])}
             for b in p["bands"]),
            key=lambda b: b["min"],
        )  # fmt: skip
    return out


def indicator_errors(rows) -> list[str]:
    """What is wrong with a scheme's indicators (nothing when they are right)."""
    if not isinstance(rows, list) or not rows:
        return [_("List at least one indicator.")]
    problems: list[str] = []
    seen: set[str] = set()
    total = Decimal(0)
    for i, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            problems.append(_("Indicator %(n)s is not an object.") % {"n": i})
            continue
        key = row.get("indicator")
        name = indicator_name(key) if isinstance(key, str) else str(key)
        if not _registered_key(key):
            problems.append(_("Indicator %(n)s: no figure “%(key)s”.") % {"n": i, "key": key})
            continue
        if key in seen:
            problems.append(_("“%(name)s” is listed twice.") % {"name": name})
        seen.add(key)
        if not evaluable(key, SubjectType.ALLIANCE):
            problems.append(
                _("“%(name)s” cannot be evaluated for an alliance (no breakdown by alliance).")
                % {"name": name}
            )
        weight = _number(row.get("weight"))
        if weight is None or weight < 0:
            problems.append(_("“%(name)s”: the weight must be 0 or more.") % {"name": name})
        else:
            total += weight
        rule = row.get("rule") or "proportional"
        if rule not in RULES:
            problems.append(
                _("“%(name)s”: the rule is “proportional” or “bands”.") % {"name": name}
            )
            continue
        if rule == "proportional":
            target = _number(row.get("target"))
            if target is None or target <= 0:
                problems.append(
                    _("“%(name)s”: a proportional rule needs a target above 0.") % {"name": name}
                )
            elif problems_of := unit_errors(key, target):
                problems.extend(f"“{name}”: {p}" for p in problems_of)
            cap = row.get("cap")
            if cap not in (None, "") and ((c := _number(cap)) is None or c < 1):
                problems.append(_("“%(name)s”: the cap is 1 or more.") % {"name": name})
        else:
            problems.extend(_band_errors(name, row.get("bands"), weight))
    if not problems and total != HUNDRED:
        problems.append(_("The weights add up to %(total)s, not 100.") % {"total": total})
    return problems


def _band_errors(name: str, bands, weight: Decimal | None) -> list[str]:
    if not isinstance(bands, list) or not bands:
        return [_("“%(name)s”: the bands rule needs at least one band.") % {"name": name}]
    mins = []
    for band in bands:
        low = _number(band.get("min")) if isinstance(band, dict) else None
        pts = _number(band.get("points")) if isinstance(band, dict) else None
        if low is None or pts is None:
            return [_("“%(name)s”: each band has a “min” and “points”.") % {"name": name}]
        if pts < 0 or (weight is not None and pts > weight):
            return [_("“%(name)s”: a band's points are between 0 and the weight.") % {"name": name}]
        mins.append(low)
    if len(set(mins)) != len(mins):
        return [_("“%(name)s”: two bands start at the same value.") % {"name": name}]
    return []


def grade_errors(rows) -> list[str]:
    """Grade bands must cover every score from 0 to 100 once: distinct names and thresholds
    within [0, 100], the lowest at 0 (a score below every band would have no grade)."""
    if not isinstance(rows, list) or not rows:
        return [_("List at least one grade.")]
    names, mins = [], []
    for row in rows:
        low = _number(row.get("min_score")) if isinstance(row, dict) else None
        grade = str(row.get("grade") or "").strip() if isinstance(row, dict) else ""
        if low is None or not grade:
            return [_("Each grade has a name and a minimum score.")]
        if not Decimal(0) <= low <= HUNDRED:
            return [_("A grade's minimum score is between 0 and 100.")]
        names.append(grade)
        mins.append(low)
    if len(set(names)) != len(names):
        return [_("Two grades have the same name.")]
    if len(set(mins)) != len(mins):
        return [_("Two grades start at the same score (the bands overlap).")]
    if min(mins) != 0:
        return [_("The lowest grade must start at 0 (scores below it would have no grade).")]
    return []


class Assessment(ChangeLoggedModel):
    """One run of a scheme for a year: every subject's scores, frozen with their inputs.

    `results` holds the scheme as it was (indicators, grades), the period and every scored
    item with each part's value, so a published result reads the same whatever changes later.
    """

    scheme = models.ForeignKey(
        AssessmentScheme,
        verbose_name=_("scheme"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.DRAFT,
    )
    made_at = models.DateTimeField(_("made at"))
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    results = models.JSONField(_("results"), default=dict)

    class Meta:
        ordering = ["scheme", "-year", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "year", "version"], name="assessment_version_per_year"
            )
        ]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self) -> str:
        return _("%(scheme)s %(year)s (version %(version)s)") % {
            "scheme": self.scheme,
            "year": self.year,
            "version": self.version,
        }

    @property
    def is_published(self) -> bool:
        return self.status == AssessmentStatus.PUBLISHED

    def clean(self):
        super().clean()
        was = (getattr(self, "_loaded_snapshot", None) or {}).get("status")
        if self.pk and was == AssessmentStatus.PUBLISHED:
            raise ValidationError(_("A published assessment is frozen; run the scheme again."))
