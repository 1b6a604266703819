"""The values an assessment scores: each figure for the year, per alliance, town and core
enterprise of a programme, through the figures' own breakdown (`tianmu.core.kpis.breakdown`).

A read: nothing here writes. The breakdown attributes a record to an alliance (the alliance
whose pairing of the record's village was active on its date), a town (the record's area) or
an enterprise exactly as the cockpit does, so an assessment's value and the cockpit's bar for
the same subject and year are one number, and each part links to the records it counts.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from tianmu.alliances.choices import MemberRole
from tianmu.alliances.models import Alliance, AllianceMember
from tianmu.assessment.choices import BREAKDOWN_LEVEL, SubjectType
from tianmu.core import kpis
from tianmu.core.periods import Period, term_q
from tianmu.core.tables import object_url
from tianmu.registry.choices import AreaLevel
from tianmu.registry.models import Area, Organization


def year_period(year: int) -> Period:
    return Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31))


def evaluable(key: str, subject_type: str) -> bool:
    """Whether figure `key` has a breakdown at the subject type's level (the rule of
    `tianmu.core.kpis.breakdown`, `kpis.splits_by`)."""
    return kpis.kpi_spec(key) is not None and kpis.splits_by(key, BREAKDOWN_LEVEL[subject_type])


@dataclass
class Subject:
    type: str
    id: int
    name: str
    code: str | None = None  # towns


@dataclass
class Inputs:
    """Everything an assessment is computed from: the subjects, each one's value of each
    figure (absent: not applicable at that level), and the link to the records counted."""

    subjects: list[Subject]
    values: dict[tuple[str, int], dict[str, object]] = field(default_factory=dict)
    links: dict[tuple[str, int, str], str | None] = field(default_factory=dict)
    records: int = 0  # how many subject × figure values are non-zero


def subjects_of(program, period: Period) -> list[Subject]:
    """Every alliance of the programme (never drafts), every town of its area, every core
    enterprise of its alliances whose membership meets the period."""
    alliances = Alliance.objects.filter(Alliance.counted_q(), program=program).order_by("name")
    towns = Area.objects.filter(
        path__contains=f"/{program.area_id}/", level=AreaLevel.TOWN
    ).order_by("code")
    core = AllianceMember.objects.filter(
        term_q(period.start, period.end),
        Alliance.counted_q("alliance__"),
        alliance__program=program,
        role=MemberRole.CORE,
    )
    enterprises = Organization.objects.filter(pk__in=core.values("organization")).order_by("name")
    return [
        *(Subject(SubjectType.ALLIANCE, a.pk, a.name) for a in alliances),
        *(Subject(SubjectType.TOWN, t.pk, t.name, t.code) for t in towns),
        *(Subject(SubjectType.ENTERPRISE, e.pk, e.name) for e in enterprises),
    ]


def _default_link(key: str, subject: Subject, period: Period, objects) -> str | None:
    if subject.type == SubjectType.TOWN:
        return kpis.kpi_url(key, area_code=subject.code, start=period.start, end=period.end)
    return object_url(objects.get((subject.type, subject.id)))


def gather(*, user, program, year: int, keys: list[str]) -> Inputs:
    """Each subject's value of each figure `keys` for the year, as `user` may see them."""
    period = year_period(year)
    subjects = subjects_of(program, period)
    inputs = Inputs(subjects=subjects)
    objects = {}
    for model, kind in ((Alliance, SubjectType.ALLIANCE), (Organization, SubjectType.ENTERPRISE)):
        ids = [s.id for s in subjects if s.type == kind]
        objects.update({(kind, o.pk): o for o in model.objects.filter(pk__in=ids)})
    county = program.area  # a county, a city or the province
    for kind in (SubjectType.ALLIANCE, SubjectType.TOWN, SubjectType.ENTERPRISE):
        mine = [s for s in subjects if s.type == kind]
        if not mine:
            continue
        for key in keys:
            try:
                result = kpis.breakdown(
                    key, user=user, by=BREAKDOWN_LEVEL[kind], period=period, area=county
                )
            except ValueError:
                continue  # no breakdown at this level: the part is not applicable
            by_id = {}
            for item in result.items:
                ident = item.code if kind == SubjectType.TOWN else item.id
                if ident is not None:
                    by_id[ident] = item
            for s in mine:
                item = by_id.get(s.code if kind == SubjectType.TOWN else s.id)
                value = item.value if item is not None else 0
                inputs.values.setdefault((kind, s.id), {})[key] = value
                url = getattr(item, "url", None) if item is not None else None
                inputs.links[(kind, s.id, key)] = url or _default_link(key, s, period, objects)
                if value:
                    inputs.records += 1
    return inputs
