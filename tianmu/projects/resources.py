"""The projects app's resources: projects (with sales), participations and progress updates."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, OuterRef
from ninja import Schema

from tianmu.alliances.resources import ALLIANCE_REF
from tianmu.core.api import money
from tianmu.core.money import to_money
from tianmu.core.resources import Calc, Many, Nest, Obj, Resource, Shape, Val, village_ref
from tianmu.core.scoping import visible_to
from tianmu.projects.filtersets import (
    ProjectFilterSet,
    ProjectUpdateFilterSet,
    ProjectVillageFilterSet,
)
from tianmu.projects.forms import ProjectForm
from tianmu.projects.models import Project, ProjectUpdate, ProjectVillage, UpdatePhoto
from tianmu.projects.selectors import projects_with_sales
from tianmu.projects.services import project_save
from tianmu.projects.tables import ProjectTable, ProjectUpdateTable, ProjectVillageTable

PROJECT_REF = Shape("ProjectRef", Project, {"id": None, "name": None, "brand": None})

PARTICIPANT = Shape(
    "ParticipantOut",
    ProjectVillage,
    {
        "id": None,
        "village": village_ref(ProjectVillage, "village"),
        "supplies": None,
        "joined": None,
    },
)

SOURCES = ("enterprise", "village", "loan", "government")


class InvestmentOut(Schema):
    """Each source's amount, null when not disclosed; the total of the disclosed ones (null
    when none is)."""

    enterprise: str | None
    village: str | None
    loan: str | None
    government: str | None
    total: str | None


def _investment(row) -> dict:
    by = {k: row[f"investment_{k}_yuan"] for k in SOURCES}
    given = [v for v in by.values() if v is not None]
    total = money(to_money(sum(given, Decimal(0)))) if given else None
    return {**{k: None if v is None else money(v) for k, v in by.items()}, "total": total}


def _sum(*names):
    return lambda row: money(sum((row[n] or Decimal(0)) for n in names))


def _date(raw):
    try:
        return datetime.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None  # the FilterSet's `from`/`to` say what is wrong with it


def _with_sales(qs, user, params):
    """Sales within the request's `from`/`to`, and the number of participating villages."""
    participants = (
        ProjectVillage.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(n=Count("pk"))
        .values("n")
    )
    from django.db.models import IntegerField, Subquery
    from django.db.models.functions import Coalesce

    return projects_with_sales(
        qs, user=user, start=_date(params.get("from")), end=_date(params.get("to"))
    ).annotate(participant_count=Coalesce(Subquery(participants, output_field=IntegerField()), 0))


PROJECT = Shape(
    "ProjectOut",
    Project,
    {
        "id": None,
        "name": None,
        "brand": None,
        "kind": None,
        "category": None,
        "status": None,
        "alliance": Nest(ALLIANCE_REF, "alliance"),
        "village": village_ref(Project, "village"),
        "start": None,
        "end": None,
        "investment": Calc(
            _investment, needs=tuple(f"investment_{k}_yuan" for k in SOURCES), type=InvestmentOut
        ),
        "idle_farmland_mu": Val(type=str),
        "standard": None,
        "sales_yuan": Calc(_sum("_sales_d", "_sales_o"), needs=("_sales_d", "_sales_o"), type=str),
        "sales_reported_yuan": Calc(_sum("_rep_d", "_rep_o"), needs=("_rep_d", "_rep_o"), type=str),
        "participating_villages_count": Val("participant_count", type=int),
    },
)


class AgreementBrief(Schema):
    id: int
    title: str
    enterprise: str
    status: str
    start: datetime.date
    end: datetime.date
    value_yuan: str
    value_reported_yuan: str


def _agreements(project: Project, user) -> list[dict]:
    from tianmu.commerce.models import Agreement
    from tianmu.commerce.selectors import agreements_annotated

    rows = agreements_annotated(visible_to(user, Agreement).filter(project=project)).order_by("id")
    return [
        {
            "id": a.pk,
            "title": a.title,
            "enterprise": a.enterprise.name,
            "status": a.effective_status,
            "start": a.start,
            "end": a.end,
            "value_yuan": money(a.value_yuan),
            "value_reported_yuan": money(a.value_reported_yuan),
        }
        for a in rows
    ]


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


PROJECTS = Resource(
    model=Project,
    path="projects",
    pk_name="project_id",
    shape=PROJECT,
    detail_shape=Shape(
        "ProjectDetailOut",
        Project,
        {
            "description": None,
            "participating_villages": Many("participants", PARTICIPANT, order_by=("id",)),
            "agreements": Obj(_agreements, type=list[AgreementBrief]),
        },
        extends=PROJECT,
    ),
    filterset=ProjectFilterSet,
    form=ProjectForm,
    input_schema=ProjectIn,
    table=ProjectTable,
    natural_key=("name", "village__area__code"),
    operations=("list", "detail", "create", "update"),
    base_queryset=lambda user: Project.objects.select_related("alliance", "village__area"),
    annotate=_with_sales,
    save=lambda user, form: project_save(user=user, project=form.instance),
    labels={
        "list": "List projects with their sales",
        "detail": "Get a project with its sales, agreements and participating villages",
    },
    page_prefix="",
)

PROJECT_VILLAGES = Resource(
    model=ProjectVillage,
    path="project-villages",
    shape=Shape(
        "ParticipationOut",
        ProjectVillage,
        {"project": Nest(PROJECT_REF, "project")},
        extends=PARTICIPANT,
    ),
    filterset=ProjectVillageFilterSet,
    table=ProjectVillageTable,
    natural_key=("project__name", "village__area__code"),
    operations=("list",),
    base_queryset=lambda user: ProjectVillage.objects.select_related(
        "village__area__parent", "project"
    ).order_by("project_id", "id"),
    labels={"list": "List villages taking part in projects (带动村)"},
    page_prefix="villages",
)


UPDATE = Shape(
    "UpdateOut",
    ProjectUpdate,
    {
        "id": None,
        "project": Nest(PROJECT_REF, "project"),
        "date": None,
        "title": None,
        "text": None,
        "review_status": None,
        "review_note": None,
        "photos": Many(
            "photos",
            flat="image",
            flat_type=str,
            order_by=("pk",),
            convert=lambda name: UpdatePhoto._meta.get_field("image").storage.url(name),
        ),
    },
)

PROJECT_UPDATES = Resource(
    model=ProjectUpdate,
    path="project-updates",
    pk_name="update_id",
    shape=UPDATE,
    filterset=ProjectUpdateFilterSet,
    table=ProjectUpdateTable,
    natural_key=("project__name", "date", "title"),
    operations=("list",),
    base_queryset=lambda user: ProjectUpdate.objects.select_related("project"),
    labels={"list": "List progress updates"},
    page_prefix="updates",
)

PHOTO = Shape(
    "ProjectPhotoOut",
    UpdatePhoto,
    {
        "id": None,
        "url": Calc(
            lambda r: UpdatePhoto._meta.get_field("image").storage.url(r["image"]),
            needs=("image",),
            type=str,
        ),
        "caption": None,
    },
)
