"""An organisation's contribution ledger by year: the basis of FIC commendations (表彰).

Each number is a list of records, exactly as a figure is (docs/figures.md): the list's
resource (FilterSet and scoped, annotated queryset), its fixed filters — the organisation
(`enterprise=`, `bank=`, `organization=`), the confirmation state — and the year as
`from`/`to`, counted or summed. The number is computed by running that FilterSet on the very
query string its link carries (`KpiSpec.value`/`KpiSpec.url`), so the list a number links to
holds exactly the records it counts. See docs/contributions.md.

Confirmed and awaiting are kept apart by each instrument's own confirmation rule: deliveries,
共富购 payments and placements count when confirmed and not replaced by a confirmed correction
(`counted=true`, as the figures count them) and await when reported (`confirmation=reported`);
disputed records are in neither. Agreements count once signed (dated by the signature),
loans by the tranches the bank paid out, events and projects as they are recorded: they have
no second side to confirm, so they are never awaiting.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tianmu.commerce.resources import AGREEMENTS, DELIVERIES, PAYMENTS
from tianmu.core.kpis import KpiContext, KpiSpec
from tianmu.core.money import to_money
from tianmu.core.periods import Period
from tianmu.core.scoping import scope_for, visible_to
from tianmu.employment.resources import PLACEMENTS
from tianmu.events.resources import EVENTS
from tianmu.loans.resources import LOANS
from tianmu.projects.resources import PROJECTS
from tianmu.registry.choices import OrganizationKind, PartnerKind
from tianmu.registry.models import Organization

CONFIRMED = "confirmed"
AWAITING = "awaiting"
COUNTED = {"counted": "true"}
REPORTED = {"confirmation": "reported"}

#: Organisations an instrument applies to (the page leaves the others' rows out; the API
#: answers every key, 0 where the instrument does not apply).
ENTERPRISES = "enterprise"
BANKS = "bank"
ANY = "any"


@dataclass(frozen=True)
class Line:
    """One instrument's number: the list it is (`resource`, `link`), the filter naming the
    organisation (`org_param`), the fixed filters for each state, and count or Sum(`amount`).
    `date` is the path to a record's date, for the years the ledger offers."""

    key: str
    label: str
    resource: object
    link: str
    org_param: str
    states: dict[str, dict[str, str]]
    date: str
    amount: str | None = None
    applies_to: str = ENTERPRISES

    def spec(self, org: Organization, state: str) -> KpiSpec:
        params = {**self.states[state], self.org_param: str(org.pk)}
        return KpiSpec(
            link=self.link,
            params=tuple(sorted(params.items())),
            filterset=self.resource.filterset,
            resource=self.resource,
            amount=self.amount,
            date=self.date,
        )


BOTH = {CONFIRMED: COUNTED, AWAITING: REPORTED}
RECORDED = {CONFIRMED: {}}

LINES: tuple[Line, ...] = (
    Line(
        "agreements", _("Agreements signed"), AGREEMENTS, "commerce:agreement_list",
        "enterprise", RECORDED, date="signed_on",
    ),
    Line(
        "deliveries", _("Deliveries under agreements"), DELIVERIES, "commerce:delivery_list",
        "enterprise", BOTH, date="date",
    ),
    Line(
        "deliveries_yuan", _("Value of deliveries"), DELIVERIES, "commerce:delivery_list",
        "enterprise", BOTH, date="date", amount="amount_yuan",
    ),
    Line(
        "purchases", _("共富购 payments"), PAYMENTS, "commerce:payment_list",
        "enterprise", BOTH, date="date",
    ),
    Line(
        "purchases_yuan", _("共富购 purchases paid"), PAYMENTS, "commerce:payment_list",
        "enterprise", BOTH, date="date", amount="amount_yuan",
    ),
    Line(
        "jobs", _("Jobs in its workshops (placements)"), PLACEMENTS,
        "employment:placement_list", "enterprise", BOTH, date="start",
    ),
    Line(
        "loans", _("Loans paid out"), LOANS, "loans:loan_list", "bank", RECORDED,
        date="disbursements__date", applies_to=BANKS,
    ),
    Line(
        "loans_yuan", _("Amount paid out"), LOANS, "loans:loan_list", "bank", RECORDED,
        date="disbursements__date", amount="disbursed_yuan", applies_to=BANKS,
    ),
    Line(
        "events", _("Events taken part in"), EVENTS, "events:event_list", "organization",
        RECORDED, date="date", applies_to=ANY,
    ),
    Line(
        "projects", _("Projects supplied under a signed agreement"), PROJECTS,
        "projects:project_list", "enterprise", RECORDED, date="start",
    ),
)  # fmt: skip

#: The money lines whose sum is the ledger's total (bought from villages).
TOTAL_KEYS = ("deliveries_yuan", "purchases_yuan")

MIN_YEAR, MAX_YEAR = 2000, 2100


@dataclass(frozen=True)
class Cell:
    value: int | Decimal
    url: str | None


@dataclass(frozen=True)
class Contributions:
    """An organisation's ledger for one year: `confirmed` and `awaiting` cells by key, the
    `years` with records (for the year picker) and the lines that apply to it."""

    organization: Organization
    year: int
    years: list[int]
    confirmed: dict[str, Cell]
    awaiting: dict[str, Cell]
    lines: list[Line]

    def total_yuan(self, state: str) -> Decimal:
        """What the organisation bought from villages in the year: agreement deliveries plus
        共富购 payments (two kinds of record, never the same money: docs/commerce.md)."""
        cells = self.confirmed if state == CONFIRMED else self.awaiting
        return to_money(sum((cells[k].value for k in TOTAL_KEYS), Decimal(0)))

    def rows(self) -> list[dict]:
        """The page's rows: one per line that applies, with its confirmed and awaiting cells."""
        return [
            {
                "line": line,
                "confirmed": self.confirmed[line.key],
                "awaiting": self.awaiting.get(line.key),
            }
            for line in self.lines
        ]


def applies(line: Line, org: Organization) -> bool:
    if line.applies_to == ANY:
        return True
    if line.applies_to == BANKS:
        return org.kind == OrganizationKind.PARTNER and org.partner_kind == PartnerKind.FINANCIAL
    return org.kind == OrganizationKind.ENTERPRISE


def organization_for_contributions(*, user, org_id: int) -> Organization | None:
    """The organisation whose ledger the user may read, or None (answered 404).

    Area staff read the ledger of any organisation they see, counted over the records they
    see; an enterprise's or a bank's own users read their own organisation's only (they see
    fellow alliance members, not what those members did)."""
    org = visible_to(user, Organization).filter(pk=org_id).first()
    if org is None:
        return None
    scope = scope_for(user)
    if scope.is_org and scope.organization.pk != org.pk:
        return None
    return org


def _year_period(year: int) -> Period:
    return Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31))


def contribution_years(*, user, org: Organization) -> list[int]:
    """Every year from the first to the last in which one of the organisation's records (in
    the user's scope, confirmed or not) is dated; empty when it has none."""
    ctx = KpiContext(user=user, period=Period(None, None), area=None)
    first, last = None, None
    seen = set()
    for line in LINES:
        if (line.link, line.date) in seen:
            continue  # a count and a sum of the same list
        seen.add((line.link, line.date))
        for state in line.states:
            rows = line.spec(org, state).filtered_records(ctx).order_by()
            span = rows.aggregate(lo=Min(line.date), hi=Max(line.date))
            if span["lo"] is not None:
                first = min(first or span["lo"], span["lo"])
                last = max(last or span["hi"], span["hi"])
    if first is None:
        return []
    # A record dated in the future (a placement planned for next year) does not move the
    # picker beyond this year's end.
    last_year = min(last.year, max(timezone.localdate().year, first.year))
    return list(range(first.year, last_year + 1))


def organization_contributions(
    *, user, org: Organization, year: int | None = None
) -> Contributions:
    """The organisation's ledger for `year` (default: the latest year with records, or this
    year when it has none), in the user's scope."""
    years = contribution_years(user=user, org=org)
    if year is None:
        year = years[-1] if years else timezone.localdate().year
    period = _year_period(year)
    ctx = KpiContext(user=user, period=period, area=None)
    out: dict[str, dict[str, Cell]] = {CONFIRMED: {}, AWAITING: {}}
    for line in LINES:
        for state in line.states:
            spec = line.spec(org, state)
            value = spec.value(ctx)
            if spec.is_amount:
                value = to_money(value)
            out[state][line.key] = Cell(value, spec.url(start=period.start, end=period.end))
    return Contributions(
        organization=org,
        year=year,
        years=years,
        confirmed=out[CONFIRMED],
        awaiting=out[AWAITING],
        lines=[line for line in LINES if applies(line, org)],
    )


def parse_year(value: str | None) -> int | None:
    """The `year` of a request: None when not given, else a year in [2000, 2100].

    Raises ValueError with the user's message for anything else (the API answers 400 naming
    `year`, the page shows the message and the default year)."""
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    if not text.isdigit() or not MIN_YEAR <= int(text) <= MAX_YEAR:
        raise ValueError(
            _("Enter a year between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR}
        )
    return int(text)
