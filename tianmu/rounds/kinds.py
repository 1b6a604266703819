"""The kinds of reporting round: for each, who reports (generated from the programme's
county), for which period unit, and which records make a reporter "reported" (docs/rounds.md).

A kind's `records(reporter, start, end)` is the queryset of the records that count for one
reporter and period; it is used as an `Exists` over `OuterRef`s of a RoundReporter row, so a
reporter's status is one SQL expression, for one reporter or a whole page of them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce, ExtractYear, Least
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from tianmu.commerce.models import Payment
from tianmu.core.periods import NamedPeriod, dated_q, named_period
from tianmu.core.workflow import ReviewStatus
from tianmu.employment.models import MonthlyEarning
from tianmu.loans.models import Disbursement, Repayment
from tianmu.projects.choices import ProjectStatus
from tianmu.projects.models import ProjectUpdate
from tianmu.registry.choices import OrganizationKind
from tianmu.registry.models import Organization, Village, VillageIncome
from tianmu.rounds.choices import PeriodUnit, RoundKind

VILLAGE, ORGANIZATION = "village", "organization"


#: A round's period: a month, a quarter or a year by its name (core.periods.named_period).
RoundPeriod = NamedPeriod


def parse_period(value: str) -> RoundPeriod | None:
    """`2025-10`, `2025Q3` or `2025` as a RoundPeriod; None when it is none of them, or
    before 1900."""
    period = named_period(value)
    if period is None or period.start.year < 1900:
        return None
    return period


@dataclass(frozen=True)
class Kind:
    """One kind of round. `candidates(program)` are the reporters it generates (villages or
    organisations); `sources` the record querysets that count, each a function of the
    reporter's id and the period's bounds (expressions); `report_url(reporter)` where the
    reporter enters them."""

    key: str
    unit: str
    reporter: str  # VILLAGE or ORGANIZATION
    candidates: Callable[[object], QuerySet]
    sources: tuple[Callable[[object, object, object], QuerySet], ...]
    report_url: Callable[[object], str]
    counts: object  # what counts, in words (shown on the round page and in the docs)

    @property
    def label(self) -> str:
        return RoundKind(self.key).label


def _in_county(program, path: str) -> Q:
    county = program.county
    return Q(**{path: county.pk}) | Q(**{f"{path}__path__startswith": county.subtree_prefix()})


def _villages(program) -> QuerySet:
    return Village.objects.filter(_in_county(program, "area"))


def _villages_with_projects(program) -> QuerySet:
    return _villages(program).filter(
        pk__in=_villages(program)
        .filter(projects__isnull=False)
        .exclude(projects__status=ProjectStatus.CLOSED)
        .values("pk")
    )


def _organizations(kind: str, q: Q) -> QuerySet:
    return Organization.objects.filter(
        pk__in=Organization.objects.filter(q, kind=kind).values("pk")
    )


def _workshop_enterprises(program) -> QuerySet:
    return _organizations(
        OrganizationKind.ENTERPRISE,
        _in_county(program, "workshops__town")
        | _in_county(program, "workshops__villages__area")
        | Q(workshops__alliance__program=program),
    )


def _buying_enterprises(program) -> QuerySet:
    return _organizations(
        OrganizationKind.ENTERPRISE, _in_county(program, "purchase_orders__village__area")
    )


def _lending_banks(program) -> QuerySet:
    return _organizations(
        OrganizationKind.PARTNER, _in_county(program, "loan_products__loans__village__area")
    )


def _year(start):
    return start.year if isinstance(start, datetime.date) else ExtractYear(start)


def _list(name: str, **params) -> Callable[[object], str]:
    def url(reporter) -> str:
        query = {k: getattr(reporter, v) for k, v in params.items()}
        return reverse(name) + ("?" + urlencode(query) if query else "")

    return url


KINDS: dict[str, Kind] = {
    k.key: k
    for k in [
        Kind(
            key=RoundKind.MONTHLY_EMPLOYMENT,
            unit=PeriodUnit.MONTH,
            reporter=ORGANIZATION,
            candidates=_workshop_enterprises,
            sources=(
                lambda who, start, end: MonthlyEarning.objects.filter(
                    dated_q("month", start, end), placement__position__workshop__enterprise=who
                ),
            ),
            report_url=_list("employment:placement_list"),
            counts=_(
                "Every enterprise with a workshop in the county; reported when its workshops "
                "have monthly earnings for the month."
            ),
        ),
        Kind(
            key=RoundKind.MONTHLY_PAYMENTS,
            unit=PeriodUnit.MONTH,
            reporter=ORGANIZATION,
            candidates=_buying_enterprises,
            sources=(
                lambda who, start, end: Payment.objects.filter(
                    dated_q("date", start, end), order__enterprise=who
                ),
            ),
            report_url=_list("commerce:purchaseorder_list"),
            counts=_(
                "Every enterprise with purchase orders from the county's villages; reported "
                "when one of its orders has a payment dated in the month."
            ),
        ),
        Kind(
            key=RoundKind.MONTHLY_LOANS,
            unit=PeriodUnit.MONTH,
            reporter=ORGANIZATION,
            candidates=_lending_banks,
            sources=(
                lambda who, start, end: Disbursement.objects.filter(
                    dated_q("date", start, end), loan__product__bank=who
                ),
                lambda who, start, end: Repayment.objects.filter(
                    dated_q("date", start, end), loan__product__bank=who
                ),
            ),
            report_url=_list("loans:loan_list"),
            counts=_(
                "Every bank with loans to the county's villages; reported when a disbursement "
                "or a repayment of its loans is dated in the month."
            ),
        ),
        Kind(
            key=RoundKind.QUARTERLY_PROJECTS,
            unit=PeriodUnit.QUARTER,
            reporter=VILLAGE,
            candidates=_villages_with_projects,
            sources=(
                lambda who, start, end: ProjectUpdate.objects.filter(
                    dated_q("date", start, end),
                    project__village=who,
                    review_status__in=[ReviewStatus.SUBMITTED, ReviewStatus.APPROVED],
                ),
            ),
            report_url=_list("projects:project_list"),
            counts=_(
                "Every village of the county running a project that is not closed; reported "
                "when an update of one of its projects, dated in the quarter, is submitted "
                "or approved."
            ),
        ),
        Kind(
            key=RoundKind.YEARLY_INCOME,
            unit=PeriodUnit.YEAR,
            reporter=VILLAGE,
            candidates=_villages,
            sources=(
                lambda who, start, end: VillageIncome.objects.filter(
                    village=who, year=_year(start)
                ),
            ),
            report_url=lambda village: reverse("registry:village_detail", args=[village.pk]),
            counts=_(
                "Every village of the county; reported when its collective income for the "
                "year is recorded."
            ),
        ),
    ]
}


def kind_of(key: str) -> Kind:
    return KINDS[key]


def _refs(kind: Kind):
    return (
        OuterRef(f"{kind.reporter}_id"),
        OuterRef("round__period_start"),
        OuterRef("round__period_end"),
    )


def records_q() -> Q:
    """RoundReporter rows whose records exist (any kind): one condition for every round."""
    parts = []
    for kind in KINDS.values():
        found = reduce(or_, [Q(Exists(source(*_refs(kind)))) for source in kind.sources])
        parts.append(Q(round__kind=kind.key) & found)
    return reduce(or_, parts)


def records_of(kind: Kind, reporter_id: int, period: RoundPeriod) -> list[QuerySet]:
    """The records that count for one reporter and period (for links and tests)."""
    return [source(reporter_id, period.start, period.end) for source in kind.sources]


def first_record_expr():
    """When the first record that counts was entered (its `created`), per RoundReporter row;
    null when there is none."""
    whens = []
    for kind in KINDS.values():
        firsts = [
            Subquery(source(*_refs(kind)).order_by("created").values("created")[:1])
            for source in kind.sources
        ]
        # LEAST is NULL on SQLite when one side is; the COALESCE keeps the other side.
        value = firsts[0] if len(firsts) == 1 else Coalesce(Least(*firsts), *firsts)
        whens.append(When(round__kind=kind.key, then=value))
    return Case(*whens, default=None)
