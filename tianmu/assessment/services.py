"""Writes for thresholds, schemes and assessments; each runs in one transaction and names
its user in the change log."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tianmu.assessment.choices import AssessmentStatus
from tianmu.assessment.evaluation import gather
from tianmu.assessment.models import Assessment, AssessmentScheme, IndicatorThreshold
from tianmu.assessment.results import frozen_results
from tianmu.core.services import ensure_editable, object_delete, object_save, service


@service
def threshold_set(
    *, user, program, indicator: str, alert, excellence, higher_is_better: bool = True
) -> IndicatorThreshold:
    """Set (create or change) a programme's thresholds for one figure."""
    threshold = IndicatorThreshold.objects.filter(program=program, indicator=indicator).first()
    if threshold is None:
        threshold = IndicatorThreshold(program=program, indicator=indicator)
    threshold.alert = alert
    threshold.excellence = excellence
    threshold.higher_is_better = higher_is_better
    return object_save(user=user, instance=threshold)


@service
def threshold_delete(*, user, threshold: IndicatorThreshold) -> None:
    object_delete(user=user, instance=threshold)


@service
def scheme_save(*, user, scheme: AssessmentScheme) -> AssessmentScheme:
    """Create or change a scheme (its indicators and grades are validated by the model)."""
    return object_save(user=user, instance=scheme)


@service
def scheme_delete(*, user, scheme: AssessmentScheme) -> None:
    object_delete(user=user, instance=scheme)


def _check_year(scheme: AssessmentScheme, year) -> None:
    program = scheme.program
    first = program.start.year if program.start else None
    this_year = timezone.localdate().year
    if not isinstance(year, int) or year > this_year or (first is not None and year < first):
        raise ValidationError(
            {
                "year": _("Choose a year from %(first)s to %(last)s (the programme's years).")
                % {"first": first or "—", "last": this_year}
            }
        )


@service
def assessment_run(*, user, scheme: AssessmentScheme, year: int) -> Assessment:
    """Score every subject of the scheme's programme for `year`: a new draft version.

    Earlier versions stay as they are (a published one is frozen). A year in which none of
    the scheme's figures counts anything for any subject is refused: there is nothing to judge.
    """
    ensure_editable(user, scheme)
    _check_year(scheme, year)
    keys = [p["indicator"] for p in scheme.indicators]
    inputs = gather(user=user, program=scheme.program, year=year, keys=keys)
    if not inputs.records:
        raise ValidationError(
            {"year": _("No records for this scheme's figures in %(year)s.") % {"year": year}}
        )
    last = Assessment.objects.filter(scheme=scheme, year=year).aggregate(v=Max("version"))["v"]
    assessment = Assessment(
        scheme=scheme,
        year=year,
        version=(last or 0) + 1,
        status=AssessmentStatus.DRAFT,
        made_at=timezone.now(),
        made_by=user if getattr(user, "pk", None) else None,
        results=frozen_results(scheme, year, inputs),
    )
    return object_save(user=user, instance=assessment)


@service
def assessment_publish(*, user, assessment: Assessment) -> Assessment:
    """Publish a draft: from now on it is frozen (the model refuses any change)."""
    ensure_editable(user, assessment)
    if assessment.is_published:
        raise ValidationError(_("This assessment is already published."))
    assessment.status = AssessmentStatus.PUBLISHED
    assessment.published_at = timezone.now()
    return object_save(user=user, instance=assessment)
