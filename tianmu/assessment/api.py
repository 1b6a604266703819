"""API for indicators (口径 and thresholds), assessment schemes and assessments
(docs/results.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from tianmu.alliances.models import Program
from tianmu.assessment.models import Assessment, AssessmentScheme, default_grades
from tianmu.assessment.selectors import (
    assessment_json,
    indicator_json,
    indicator_rows,
    scheme_json,
    schemes_visible,
    threshold_json,
)
from tianmu.assessment.services import (
    assessment_publish,
    assessment_run,
    scheme_save,
    threshold_set,
)
from tianmu.core.api import (
    InvalidInput,
    Page,
    PageParams,
    check_int,
    get_editable_or_404,
    get_visible_or_404,
    paginate,
    user_of,
)
from tianmu.core.indicators import indicator, registered_indicators
from tianmu.core.scoping import visible_to

router = Router(tags=["assessment"])


class ThresholdIn(Schema):
    program: int
    alert: Decimal
    excellence: Decimal
    higher_is_better: bool = True


class SchemeIn(Schema):
    program: int
    name: str
    description: str = ""
    indicators: list[dict[str, Any]]
    grades: list[dict[str, Any]] | None = None


class SchemeOut(Schema):
    id: int
    program: int
    name: str
    description: str
    indicators: list[dict[str, Any]]
    grades: list[dict[str, Any]]


class AssessmentIn(Schema):
    scheme: int
    year: int


def _program(user, pk: int) -> Program:
    check_int(pk, "program")
    program = visible_to(user, Program).filter(pk=pk).first()
    if program is None:
        raise InvalidInput({"program": [_("No programme with this id.")]})
    return program


@router.get(
    "/indicators",
    response=dict[str, Any],
    summary="Every figure's definition (口径), unit, kind, owner, frequency and thresholds",
)
def indicator_list(request):
    user = user_of(request)
    return {"items": [indicator_json(i, ts) for i, ts in indicator_rows(user)]}


@router.post(
    "/indicators/{key}/thresholds",
    response={200: dict[str, Any], 404: dict[str, Any]},
    summary="Set a programme's alert and excellence thresholds for a figure",
)
def indicator_threshold_set(request, key: str, data: ThresholdIn):
    user = user_of(request)
    entry = indicator(key)
    if entry is None or key not in {i.key for i in registered_indicators()}:
        return Status(404, {"detail": _("No figure named “%(key)s”.") % {"key": key}})
    program = _program(user, data.program)
    threshold = threshold_set(
        user=user,
        program=program,
        indicator=key,
        alert=data.alert,
        excellence=data.excellence,
        higher_is_better=data.higher_is_better,
    )
    return {"indicator": key, **threshold_json(threshold, entry.unit)}


@router.get(
    "/assessment-schemes",
    response=Page[SchemeOut],
    summary="List assessment schemes",
)
def scheme_list(request, page: Query[PageParams]):
    user = user_of(request)
    result = paginate(schemes_visible(user).order_by("program", "name", "pk"), page)
    return {**result, "items": [scheme_json(s) for s in result["items"]]}


@router.get("/assessment-schemes/{int:pk}", response=SchemeOut, summary="Get a scheme")
def scheme_detail(request, pk: int):
    return scheme_json(get_visible_or_404(user_of(request), AssessmentScheme, pk))


@router.post(
    "/assessment-schemes",
    response={201: SchemeOut},
    summary="Create an assessment scheme (weights add up to 100; grades default 优秀/良好/合格)",
)
def scheme_create(request, data: SchemeIn):
    user = user_of(request)
    scheme = AssessmentScheme(
        program=_program(user, data.program),
        name=data.name,
        description=data.description,
        indicators=data.indicators,
        grades=data.grades if data.grades is not None else default_grades(),
    )
    return Status(201, scheme_json(scheme_save(user=user, scheme=scheme)))


@router.post(
    "/assessments",
    response={201: dict[str, Any]},
    summary="Run a scheme for a year: a new draft version of its assessment",
)
def assessment_create(request, data: AssessmentIn):
    user = user_of(request)
    check_int(data.scheme, "scheme")
    scheme = schemes_visible(user).filter(pk=data.scheme).first()
    if scheme is None:
        raise InvalidInput({"scheme": [_("No assessment scheme with this id.")]})
    assessment = assessment_run(user=user, scheme=scheme, year=data.year)
    return Status(201, assessment_json(assessment))


@router.get(
    "/assessments/{int:pk}",
    response=dict[str, Any],
    summary="An assessment's scored, ranked items with each part",
)
def assessment_detail(request, pk: int):
    rows = Assessment.objects.select_related("made_by")
    return assessment_json(get_visible_or_404(user_of(request), rows, pk))


@router.post(
    "/assessments/{int:pk}/publish",
    response=dict[str, Any],
    summary="Publish a draft assessment (it is frozen from then on)",
)
def assessment_publish_view(request, pk: int):
    user = user_of(request)
    assessment = get_editable_or_404(user, Assessment, pk)
    return assessment_json(assessment_publish(user=user, assessment=assessment))
