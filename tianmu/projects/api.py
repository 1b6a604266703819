"""API for projects: the projects with their sales and participating villages, the
participations (带动村) and the reviewed progress updates (docs/projects.md)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from tianmu.alliances.api import AllianceRef
from tianmu.commerce.models import Agreement
from tianmu.commerce.selectors import agreements_annotated
from tianmu.core.api import (
    InvalidInput,
    Money,
    Page,
    PageParams,
    ReasonIn,
    VillageRef,
    bind_form,
    ensure_can_create,
    filter_parameters,
    filtered,
    get_editable_or_404,
    get_visible_or_404,
    money,
    paginate,
    payload_of,
    user_of,
)
from tianmu.core.scoping import visible_to
from tianmu.projects.filtersets import (
    ProjectFilterSet,
    ProjectUpdateFilterSet,
    ProjectVillageFilterSet,
)
from tianmu.projects.forms import (
    ProjectForm,
    ProjectUpdateForm,
    ProjectVillageForm,
    ReasonForm,
    UpdatePhotoForm,
)
from tianmu.projects.models import Project, ProjectUpdate, ProjectVillage
from tianmu.projects.selectors import projects_with_sales
from tianmu.projects.services import (
    participant_remove,
    participant_save,
    project_save,
    update_approve,
    update_photo_add,
    update_return,
    update_save,
    update_submit,
)

router = Router(tags=["projects"])

MONEY_FIELDS = (
    "investment_enterprise_yuan",
    "investment_village_yuan",
    "investment_loan_yuan",
    "investment_government_yuan",
    "idle_farmland_mu",
)


# --- Schemas ----------------------------------------------------------------------------------


class ProjectRef(Schema):
    id: int
    name: str
    brand: str


class ParticipantOut(Schema):
    id: int
    village: VillageRef
    supplies: str
    joined: datetime.date | None


class ParticipationOut(ParticipantOut):
    project: ProjectRef


class ParticipantIn(Schema):
    village: int | None = None
    supplies: str | None = None
    joined: datetime.date | None = None


class InvestmentOut(Schema):
    enterprise: str
    village: str
    loan: str
    government: str
    total: str


class ProjectOut(Schema):
    id: int
    name: str
    brand: str
    kind: str
    category: str
    status: str
    alliance: AllianceRef | None
    village: VillageRef
    start: datetime.date | None
    end: datetime.date | None
    investment: InvestmentOut
    idle_farmland_mu: Money
    standard: str
    sales_yuan: str
    sales_reported_yuan: str
    participating_villages_count: int

    @staticmethod
    def resolve_investment(obj):
        by = {k: money(v) for k, v in obj.investment_by_source().items()}
        return {**by, "total": money(obj.investment_total_yuan)}

    @staticmethod
    def resolve_sales_yuan(obj) -> str:
        return money(obj._sales_d + obj._sales_o)

    @staticmethod
    def resolve_sales_reported_yuan(obj) -> str:
        return money(obj._rep_d + obj._rep_o)

    @staticmethod
    def resolve_participating_villages_count(obj) -> int:
        return len(obj.participant_rows)


class AgreementBrief(Schema):
    id: int
    title: str
    enterprise: str
    status: str
    start: datetime.date
    end: datetime.date
    value_yuan: Money
    value_reported_yuan: Money

    @staticmethod
    def resolve_enterprise(obj) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_status(obj) -> str:
        return obj.effective_status


class ProjectDetailOut(ProjectOut):
    description: str
    participating_villages: list[ParticipantOut]
    agreements: list[AgreementBrief]

    @staticmethod
    def resolve_participating_villages(obj):
        return obj.participant_rows

    @staticmethod
    def resolve_agreements(obj):
        return obj.agreement_rows


class ProjectIn(Schema):
    name: str | None = None
    brand: str | None = None
    kind: str | None = None
    category: str | None = None
    alliance: int | None = None
    village: int | None = None
    status: str | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    description: str | None = None
    investment_enterprise_yuan: Decimal | None = None
    investment_village_yuan: Decimal | None = None
    investment_loan_yuan: Decimal | None = None
    investment_government_yuan: Decimal | None = None
    idle_farmland_mu: Decimal | None = None
    standard: str | None = None


class UpdateOut(Schema):
    id: int
    project: ProjectRef
    date: datetime.date
    title: str
    text: str
    review_status: str
    review_note: str
    photos: list[str]

    @staticmethod
    def resolve_photos(obj) -> list[str]:
        return [p.image.url for p in obj.photos.all()]  # prefetched


class UpdateIn(Schema):
    date: datetime.date | None = None
    title: str | None = None
    text: str | None = None


class PhotoOut(Schema):
    id: int
    url: str
    caption: str

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.image.url


class PhotoIn(Schema):
    caption: str = ""


# --- Projects ---------------------------------------------------------------------------------


def _projects(request):
    user = user_of(request)
    participants = ProjectVillage.objects.select_related("village__area").order_by("id")
    return projects_with_sales(
        visible_to(user, Project)
        .select_related("alliance", "village__area")
        .prefetch_related(Prefetch("participants", participants, to_attr="participant_rows")),
        user=user,
        start=_date_param(request, "from"),
        end=_date_param(request, "to"),
    )


def _date_param(request, name) -> datetime.date | None:
    raw = request.GET.get(name)
    if not raw:
        return None
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput({name: [_("Enter a valid date.")]}) from None


def _project_detail(request, pk: int) -> Project:
    user = user_of(request)
    project = get_visible_or_404(user, _projects(request), pk)
    project.agreement_rows = list(
        agreements_annotated(visible_to(user, Agreement).filter(project=project)).order_by("id")
    )
    return project


def _project_payload(payload: ProjectIn) -> dict:
    data = payload_of(payload)
    for name in MONEY_FIELDS:
        if data.get(name) is not None:
            data[name] = str(data[name])
    return data


@router.get(
    "/projects",
    response=Page[ProjectOut],
    openapi_extra=filter_parameters(ProjectFilterSet),
    summary="List projects with their sales",
)
def project_list(request, page: Query[PageParams]):
    return paginate(filtered(request, ProjectFilterSet, _projects(request)), page)


@router.get(
    "/projects/{int:project_id}",
    response=ProjectDetailOut,
    summary="Get a project with its sales, agreements and participating villages",
)
def project_detail(request, project_id: int):
    return _project_detail(request, project_id)


@router.post("/projects", response={201: ProjectDetailOut}, summary="Create a project")
def project_create(request, payload: ProjectIn):
    user = user_of(request)
    ensure_can_create(user, Project)
    form = bind_form(ProjectForm, _project_payload(payload), user=user)
    project = project_save(user=user, project=form.instance)
    return Status(201, _project_detail(request, project.pk))


@router.patch("/projects/{int:project_id}", response=ProjectDetailOut, summary="Change a project")
def project_update(request, project_id: int, payload: ProjectIn):
    user = user_of(request)
    project = get_editable_or_404(user, Project, project_id)
    form = bind_form(
        ProjectForm, _project_payload(payload), user=user, instance=project, partial=True
    )
    project_save(user=user, project=form.instance)
    return _project_detail(request, project.pk)


# --- Participating villages -------------------------------------------------------------------


def _participations(user):
    return visible_to(user, ProjectVillage).select_related("village__area", "project")


@router.get(
    "/project-villages",
    response=Page[ParticipationOut],
    openapi_extra=filter_parameters(ProjectVillageFilterSet),
    summary="List villages taking part in projects (带动村)",
)
def participation_list(request, page: Query[PageParams]):
    qs = filtered(request, ProjectVillageFilterSet, _participations(user_of(request)))
    return paginate(qs.order_by("project_id", "id"), page)


@router.post(
    "/projects/{int:project_id}/villages",
    response={201: ParticipantOut},
    summary="Add a participating village to a project",
)
def participant_create(request, project_id: int, payload: ParticipantIn):
    user = user_of(request)
    project = get_editable_or_404(user, Project, project_id)
    form = bind_form(ProjectVillageForm, payload_of(payload), user=user, project=project)
    participant = participant_save(user=user, participant=form.instance)
    return Status(201, _participations(user).get(pk=participant.pk))


@router.delete(
    "/projects/{int:project_id}/villages/{int:participant_id}",
    response={204: None},
    summary="Remove a participating village",
)
def participant_delete(request, project_id: int, participant_id: int):
    user = user_of(request)
    participant = get_editable_or_404(
        user, ProjectVillage.objects.filter(project_id=project_id), participant_id
    )
    participant_remove(user=user, participant=participant)
    return Status(204, None)


# --- Progress updates -------------------------------------------------------------------------


def _updates(user):
    return visible_to(user, ProjectUpdate).select_related("project").prefetch_related("photos")


@router.get(
    "/project-updates",
    response=Page[UpdateOut],
    openapi_extra=filter_parameters(ProjectUpdateFilterSet),
    summary="List progress updates",
)
def update_list(request, page: Query[PageParams]):
    return paginate(filtered(request, ProjectUpdateFilterSet, _updates(user_of(request))), page)


@router.post(
    "/projects/{int:project_id}/updates",
    response={201: UpdateOut},
    summary="Write a progress update (a draft)",
)
def update_create(request, project_id: int, payload: UpdateIn):
    user = user_of(request)
    project = get_editable_or_404(user, Project.objects.select_related("village__area"), project_id)
    form = bind_form(ProjectUpdateForm, payload_of(payload), user=user, project=project)
    update = update_save(user=user, update=form.instance)
    return Status(201, _updates(user).get(pk=update.pk))


@router.patch(
    "/project-updates/{int:update_id}",
    response=UpdateOut,
    summary="Change a draft or returned update",
)
def update_change(request, update_id: int, payload: UpdateIn):
    user = user_of(request)
    update = get_editable_or_404(user, ProjectUpdate.objects.select_related("project"), update_id)
    form = bind_form(
        ProjectUpdateForm,
        payload_of(payload),
        user=user,
        instance=update,
        partial=True,
        project=update.project,
    )
    update_save(user=user, update=form.instance)
    return _updates(user).get(pk=update.pk)


@router.post("/project-updates/{int:update_id}/submit", response=UpdateOut, summary="Submit")
def update_submit_view(request, update_id: int):
    user = user_of(request)
    update = get_visible_or_404(user, ProjectUpdate, update_id)
    update_submit(user=user, update=update)
    return _updates(user).get(pk=update.pk)


@router.post("/project-updates/{int:update_id}/approve", response=UpdateOut, summary="Approve")
def update_approve_view(request, update_id: int):
    user = user_of(request)
    update = get_visible_or_404(user, ProjectUpdate, update_id)
    update_approve(user=user, update=update)
    return _updates(user).get(pk=update.pk)


@router.post(
    "/project-updates/{int:update_id}/return",
    response=UpdateOut,
    summary="Return an update with a reason",
)
def update_return_view(request, update_id: int, payload: ReasonIn):
    user = user_of(request)
    update = get_visible_or_404(user, ProjectUpdate, update_id)
    form = ReasonForm(data=payload_of(payload))
    if not form.is_valid():
        raise InvalidInput({k: [str(m) for m in v] for k, v in form.errors.items()})
    update_return(user=user, update=update, reason=form.cleaned_data["reason"])
    return _updates(user).get(pk=update.pk)


@router.post(
    "/project-updates/{int:update_id}/photos",
    response={201: PhotoOut},
    summary="Add a photo to a draft or returned update (multipart)",
)
def update_photo_create(
    request, update_id: int, image: File[UploadedFile], caption: Form[PhotoIn] = None
):
    user = user_of(request)
    update = get_editable_or_404(
        user, ProjectUpdate.objects.select_related("project__village__area"), update_id
    )
    form = UpdatePhotoForm(
        data={"caption": caption.caption if caption else ""},
        files={"image": image},
        user=user,
        update=update,
    )
    if not form.is_valid():
        raise InvalidInput({k: [str(m) for m in v] for k, v in form.errors.items()})
    return Status(201, update_photo_add(user=user, photo=form.instance))
