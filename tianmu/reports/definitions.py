"""The generated reports (一表通): each a function of (user, area, period[, alliance]) that
reads figures, breakdowns and records and returns a `Report` — the same numbers as data,
rendered to HTML, xlsx, PDF and JSON by tianmu/reports/render.py.

Every number that is a registered figure comes from `tianmu.core.kpis` (`kpis`, `breakdown`,
`variant`) for the same area and period, and carries the link to its records, so a report
equals `/api/v1/kpis` and its lists. docs/reports.md.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.apps import apps
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tianmu.alliances.models import Alliance, AllianceMember
from tianmu.core.indicators import indicator_name
from tianmu.core.kpis import Period, breakdown, kpi_keys, kpi_spec, kpis, variant
from tianmu.core.scoping import visible_to
from tianmu.core.tables import object_url
from tianmu.core.workflow import Confirmable, ConfirmationStatus
from tianmu.dashboard.cockpit import CockpitPeriod, change_of, period_of
from tianmu.events.models import Event
from tianmu.projects.models import ProjectUpdate
from tianmu.rounds.choices import ReporterStatus
from tianmu.rounds.selectors import not_reported, round_url

NAMES = {
    "monthly": gettext_lazy("Monthly brief"),
    "ledger": gettext_lazy("Quarterly ledger of the 万企兴万村 action"),
    "alliance": gettext_lazy("Alliance yearly report"),
}


@dataclass
class Section:
    key: str
    title: str
    columns: list[tuple[str, str]]  # (key, label)
    rows: list[dict] = field(default_factory=list)  # {column key: value, "_links": {key: url}}


@dataclass
class Report:
    report: str
    title: str
    area: object
    period: CockpitPeriod
    made_at: datetime.datetime
    figures: dict[str, object]
    figure_links: dict[str, str | None]
    sections: list[Section]
    alliance: object | None = None
    notes: list[str] = field(default_factory=list)

    def stored(self) -> dict:
        """Everything the renderers need, as JSON, to show this report again as it was."""
        from tianmu.core.api import json_value

        return {
            "data": self.data(),
            "title": self.title,
            "notes": [str(n) for n in self.notes],
            "figure_links": self.figure_links,
            "sections": [
                {
                    "key": s.key,
                    "title": str(s.title),
                    "columns": [[k, str(label)] for k, label in s.columns],
                    "rows": [
                        {k: (v if k.startswith("_") else json_value(v)) for k, v in row.items()}
                        for row in s.rows
                    ],
                }
                for s in self.sections
            ],
        }

    @classmethod
    def from_stored(cls, content: dict, *, area, alliance=None) -> Report:
        data = content["data"]
        return cls(
            report=data["report"],
            title=content["title"],
            area=area,
            period=period_of(data["period"]),
            made_at=datetime.datetime.fromisoformat(data["made_at"]),
            figures=data["figures"],
            figure_links=content["figure_links"],
            sections=[
                Section(s["key"], s["title"], [tuple(c) for c in s["columns"]], s["rows"])
                for s in content["sections"]
            ],
            alliance=alliance,
            notes=content["notes"],
        )

    def data(self) -> dict:
        """The report as JSON data: `figures` by /api/v1/kpis key, `rows` every section's."""
        from tianmu.core.api import json_value

        rows = []
        for section in self.sections:
            for row in section.rows:
                rows.append(
                    {"section": section.key}
                    | {k: json_value(v) for k, v in row.items() if not k.startswith("_")}
                )
        return {
            "report": self.report,
            "area": getattr(self.area, "code", None),
            "period": self.period.value,
            "alliance": getattr(self.alliance, "pk", None),
            "made_at": self.made_at.isoformat(),
            "figures": {k: json_value(v) for k, v in self.figures.items()},
            "rows": rows,
        }


class ReportError(ValueError):
    """Bad input for a report: the message names what is wrong, in the user's language."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name


class ReportNotFound(ReportError):
    """An area or alliance outside the user's scope: answered as if it did not exist (404)."""


def parse_period(value: str) -> CockpitPeriod:
    """A month (the monthly brief's usual period), a quarter (the ledger's) or a year (an
    alliance's); each report takes any of the three, none that has not begun."""
    try:
        period = period_of(value)
    except ValueError as error:
        raise ReportError("period", str(error)) from None
    if period.value == "custom" or not value:
        raise ReportError(
            "period", _("Give a month (2025-10), a quarter (2025Q3) or a year (2025).")
        )
    if period.current.start > timezone.localdate():
        raise ReportError("period", _("%(period)s has not begun yet.") % {"period": period.label})
    return period


def _label(key: str) -> str:
    return indicator_name(key)


def _figures(user, period: Period, area):
    values = kpis(user=user, period=period, area=area)
    code = getattr(area, "code", None)
    links = {
        key: kpi_spec(key).url(area_code=code, start=period.start, end=period.end)
        for key in kpi_keys()
    }
    return values, links


def _last_year(period: Period) -> Period:
    def back(day):
        try:
            return day.replace(year=day.year - 1)
        except ValueError:
            return day.replace(year=day.year - 1, day=28)

    return Period(back(period.start), back(period.end))


# --- monthly ------------------------------------------------------------------------------------

ALLIANCE_FLOWS = ("purchase_income_yuan", "events", "loans_disbursed_yuan", "rural_jobs")


def _by_alliance(user, keys, period: Period, area) -> dict[int, dict]:
    """{alliance id: {"name", key: value, "_links"}} over the figures that can be split so."""
    table: dict[int, dict] = {}
    for key in keys:
        try:
            parts = breakdown(key, user=user, by="alliance", period=period, area=area)
        except ValueError:
            continue
        for item in parts.items:
            if item.id is None:
                continue
            row = table.setdefault(item.id, {"name": item.name, "_links": {"name": item.url}})
            row[key] = item.value
    for row in table.values():
        for key in keys:
            row.setdefault(key, 0)
    return table


def monthly(user, *, area, period: CockpitPeriod, alliance=None) -> Report:
    values, links = _figures(user, period.current, area)
    before, _links = _figures(user, period.previous, area)
    last_year, _links = _figures(user, _last_year(period.current), area)
    figures = Section(
        "figures",
        _("Key figures"),
        [
            ("key", _("Key")),
            ("name", _("Figure")),
            ("value", _("This period")),
            ("previous", _("Previous period")),
            ("change_percent", _("Change (%)")),
            ("last_year", _("Same period last year")),
        ],
    )
    for key in kpi_keys():
        change = change_of(values[key], before[key])
        figures.rows.append(
            {
                "key": key,
                "name": _label(key),
                "value": values[key],
                "previous": before[key],
                "change_percent": change["percent"] if change else None,
                "last_year": last_year[key],
                "_links": {"value": links[key]},
            }
        )
    ranked = sorted(
        _by_alliance(user, ALLIANCE_FLOWS, period.current, area).values(),
        key=lambda r: (-r["purchase_income_yuan"], r["name"]),
    )
    columns = [("rank", _("Rank")), ("name", _("Alliance"))] + [
        (k, _label(k)) for k in ALLIANCE_FLOWS
    ]
    top = Section("top_alliances", _("Top alliances"), columns)
    bottom = Section("bottom_alliances", _("Bottom alliances"), columns)
    for rank, row in enumerate(ranked, 1):
        row["rank"] = rank
    top.rows = ranked[:3]
    bottom.rows = ranked[3:][-3:]
    events = Section(
        "events",
        _("The period's events"),
        [
            ("date", _("Date")),
            ("title", _("Event")),
            ("village", _("Village")),
            ("alliance", _("Alliance")),
        ],
    )
    rows = visible_to(user, Event).filter(period.current.within_q("date"))
    if area is not None:
        rows = rows.filter(KpiArea(area).q("village__area"))
    for event in rows.select_related("village__area", "alliance").order_by("date", "pk"):
        events.rows.append(
            {
                "date": event.date,
                "title": event.title,
                "village": event.village.area.name if event.village_id else "",
                "alliance": event.alliance.name if event.alliance_id else "",
                "_links": {"title": object_url(event)},
            }
        )
    disputes = Section(
        "disputes",
        _("Confirmations in dispute"),
        [("kind", _("Kind")), ("record", _("Record")), ("date", _("Date")), ("note", _("Reason"))],
    )
    for record in disputed(user, period.current, area):
        disputes.rows.append(
            {
                "kind": str(record._meta.verbose_name),
                "record": str(record),
                "date": record.workflow_date(),
                "note": getattr(record, "dispute_reason", "") or "",
                "_links": {"record": object_url(record)},
            }
        )
    return Report(
        report="monthly",
        title=str(NAMES["monthly"]),
        area=area,
        period=period,
        made_at=timezone.now(),
        figures=values,
        figure_links=links,
        sections=[figures, top, bottom, events, disputes, _not_reported(user, period, area)],
    )


def _not_reported(user, period: CockpitPeriod, area) -> Section:
    """Who has neither reported nor declared "nothing to report" in the reporting rounds
    whose period lies in the brief's (tianmu/rounds)."""
    section = Section(
        "not_reported",
        _("Who has not reported"),
        [
            ("reporter", _("Reporter")),
            ("round", _("Round")),
            ("deadline", _("Deadline")),
            ("overdue", _("Overdue")),
        ],
    )
    current = period.current
    for row in not_reported(user, area, current.start, current.end):
        section.rows.append(
            {
                "reporter": str(row),
                "round": str(row.round),
                "deadline": row.round.deadline,
                "overdue": _("yes") if row.status == ReporterStatus.OVERDUE else _("no"),
                "_links": {"round": round_url(row.round)},
            }
        )
    return section


class KpiArea:
    """An area filter on any path to an Area: the area itself and its subtree."""

    def __init__(self, area):
        self.area = area

    def q(self, path: str):
        from django.db.models import Q

        return Q(**{path: self.area.pk}) | Q(
            **{f"{path}__path__startswith": self.area.subtree_prefix()}
        )


def disputed(user, period: Period, area) -> list:
    """Records in dispute (two-sided confirmation) dated in the period, in the area."""
    found = []
    inside = None
    if area is not None:
        inside = {area.pk}
    for model in apps.get_models():
        if not issubclass(model, Confirmable) or not hasattr(model, "workflow_date"):
            continue
        for record in visible_to(user, model).filter(confirmation=ConfirmationStatus.DISPUTED):
            day = record.workflow_date()
            if (
                day is None
                or (period.start and day < period.start)
                or (period.end and day > period.end)
            ):
                continue
            if inside is not None:
                where = record.workflow_area()
                if where is None or not ({where.pk, *where.ancestor_ids()} & inside):
                    continue
            found.append(record)
    return sorted(found, key=lambda r: (r.workflow_date(), r._meta.label, r.pk))


# --- ledger -------------------------------------------------------------------------------------

#: The FIC's columns, each a figure or a figure narrowed by its list's filters.
LEDGER_COLUMNS = [
    ("enterprises", "enterprises", {}),
    ("chambers", "enterprises", {"kind": "chamber"}),
    ("villages_paired", "villages_paired", {}),
    ("projects_public", "projects", {"kind": "public"}),
    ("projects_business", "projects", {"kind": "business"}),
    ("investment_yuan", "projects", {}),
    ("people_employed", "rural_jobs", {}),
    ("fixed_jobs", "rural_jobs", {"job_type": "fixed"}),
    ("temporary_jobs", "rural_jobs", {"job_type": "temporary"}),
    ("low_income_jobs", "low_income_jobs", {}),
    ("purchase_income_yuan", "purchase_income_yuan", {}),
    ("loans_disbursed_yuan", "loans_disbursed_yuan", {}),
    ("operating_income_growth_yuan", "operating_income_growth_yuan", {}),
]
LEDGER_LABELS = {
    "enterprises": gettext_lazy("Participating enterprises"),
    "chambers": gettext_lazy("Participating chambers"),
    "villages_paired": gettext_lazy("Villages paired"),
    "projects_public": gettext_lazy("Projects (public benefit, 公益类)"),
    "projects_business": gettext_lazy("Projects (business, 经营类)"),
    "investment_yuan": gettext_lazy("Investment in projects under way (yuan)"),
    "people_employed": gettext_lazy("People employed"),
    "fixed_jobs": gettext_lazy("in fixed jobs"),
    "temporary_jobs": gettext_lazy("in temporary jobs"),
    "low_income_jobs": gettext_lazy("Low-income people employed"),
    "purchase_income_yuan": gettext_lazy("Village income from purchases (yuan)"),
    "loans_disbursed_yuan": gettext_lazy("Loans disbursed (yuan)"),
    "operating_income_growth_yuan": gettext_lazy("Village operating income added (yuan)"),
}


#: Columns that sum an amount of the figure's records rather than count them: the projects
#: under way, by the investment the project list shows (all four sources; none recorded is 0).
LEDGER_AMOUNTS = {
    "investment_yuan": sum(
        (
            Coalesce(F(f"investment_{source}_yuan"), Value(Decimal(0)))
            for source in ("enterprise", "village", "loan", "government")
        ),
        Value(Decimal(0)),
    ),
}


def ledger_specs():
    specs = []
    for column, key, params in LEDGER_COLUMNS:
        if kpi_spec(key) is None:
            continue  # a figure of a module that is not installed
        spec = variant(key, **params) if params else kpi_spec(key)
        if column in LEDGER_AMOUNTS:
            spec = replace(spec, amount=LEDGER_AMOUNTS[column])
        specs.append((column, key, spec))
    return specs


def ledger(user, *, area, period: CockpitPeriod, alliance=None) -> Report:
    from tianmu.core.kpis import KpiContext
    from tianmu.registry.selectors import child_areas

    specs = ledger_specs()
    parent, towns = child_areas(user, area)
    columns = [("level", _("Level")), ("name", _("Name"))] + [
        (column, str(LEDGER_LABELS[column])) for column, _key, _spec in specs
    ]
    section = Section("ledger", _("Ledger"), columns)

    def area_row(level, where):
        ctx = KpiContext(user=user, period=period.current, area=where)
        code = getattr(where, "code", None)
        row = {"level": level, "name": where.name if where else _("Everything you may see")}
        row["_links"] = {}
        for column, _key, spec in specs:
            row[column] = spec.value(ctx)
            row["_links"][column] = spec.url(
                area_code=code, start=period.current.start, end=period.current.end
            )
        return row

    top = area_row(_("County") if getattr(parent, "level", "") == "county" else _("Area"), parent)
    section.rows.append(top)
    for town in towns:
        section.rows.append(area_row(_("Town"), town))
    alliances: dict[int, dict] = {}
    for column, key, spec in specs:
        try:
            parts = breakdown(
                key, user=user, by="alliance", period=period.current, area=parent, spec=spec
            )
        except ValueError:
            continue
        for item in parts.items:
            if item.id is None:
                continue
            row = alliances.setdefault(
                item.id, {"level": _("Alliance"), "name": item.name, "_links": {"name": item.url}}
            )
            row[column] = item.value
    for row in sorted(alliances.values(), key=lambda r: r["name"]):
        for column, _key, _spec in specs:
            row.setdefault(column, 0)
        section.rows.append(row)
    values, links = _figures(user, period.current, parent)
    return Report(
        report="ledger",
        title=str(NAMES["ledger"]),
        area=parent,
        period=period,
        made_at=timezone.now(),
        figures=values,
        figure_links=links,
        sections=[section],
        notes=[
            _(
                "Alliances' rows credit each record as the cockpit does; for counts of what is "
                "active (enterprises, villages, people) they need not add up to the county's."
            )
        ],
    )


# --- alliance -----------------------------------------------------------------------------------


def alliance_report(user, *, area, period: CockpitPeriod, alliance=None) -> Report:
    if alliance is None:
        raise ReportError("alliance", _("The alliance report needs an alliance."))
    members = Section(
        "members",
        _("Members"),
        [
            ("name", _("Organisation")),
            ("role", _("Role")),
            ("start", _("Start")),
            ("end", _("End")),
        ],
    )
    rows = (
        AllianceMember.objects.filter(alliance=alliance)
        .filter(period.current.overlap_q())
        .select_related("organization")
        .order_by("role", "organization__name")
    )
    for m in rows:
        members.rows.append(
            {
                "name": m.organization.name,
                "role": m.get_role_display(),
                "start": m.start,
                "end": m.end,
                "_links": {"name": object_url(m.organization)},
            }
        )
    did = Section(
        "figures",
        _("What the alliance did"),
        [("key", _("Key")), ("name", _("Figure")), ("value", _("Value"))],
    )
    figures: dict[str, object] = {}
    links: dict[str, str | None] = {}
    for key in kpi_keys():
        try:
            parts = breakdown(key, user=user, by="alliance", period=period.current, area=area)
        except ValueError:
            continue
        item = next((i for i in parts.items if i.id == alliance.pk), None)
        figures[key] = item.value if item is not None else 0
        links[key] = item.url if item is not None else object_url(alliance)
        did.rows.append(
            {
                "key": key,
                "name": _label(key),
                "value": figures[key],
                "_links": {"value": links[key]},
            }
        )
    photos = Section(
        "photos",
        _("Approved project updates"),
        [
            ("date", _("Date")),
            ("project", _("Project")),
            ("title", _("Update")),
            ("photo", _("Photo")),
        ],
    )
    updates = (
        visible_to(user, ProjectUpdate)
        .filter(project__alliance=alliance, review_status="approved")
        .filter(period.current.within_q("date"))
        .select_related("project")
        .prefetch_related("photos")
        .order_by("date", "pk")
    )
    for update in updates:
        pictures = list(update.photos.all()) or [None]
        for photo in pictures:
            photos.rows.append(
                {
                    "date": update.date,
                    "project": update.project.name,
                    "title": update.title,
                    "photo": photo.caption or photo.image.name if photo else "",
                    "_links": {"title": object_url(update)},
                    "_image": photo.image.url if photo else None,
                    "_path": photo.image.path if photo else None,
                }
            )
    return Report(
        report="alliance",
        title=f"{NAMES['alliance']}: {alliance.name}",
        area=area,
        period=period,
        made_at=timezone.now(),
        figures=figures,
        figure_links=links,
        sections=[members, did, photos],
        alliance=alliance,
    )


def last_month(today: datetime.date) -> str:
    first = today.replace(day=1) - datetime.timedelta(days=1)
    return f"{first.year}-{first.month:02d}"


def last_quarter(today: datetime.date) -> str:
    q = (today.month - 1) // 3  # the quarter before the current one; 0: last year's Q4
    return f"{today.year - 1}Q4" if q == 0 else f"{today.year}Q{q}"


def default_period(name: str) -> str:
    """The last whole month, quarter or year before today, by the report's kind."""
    today = timezone.localdate()
    kind = KINDS.get(name, "month")
    if kind == "month":
        return last_month(today)
    if kind == "quarter":
        return last_quarter(today)
    return str(today.year - 1)


BUILDERS = {"monthly": monthly, "ledger": ledger, "alliance": alliance_report}
KINDS = {"monthly": "month", "ledger": "quarter", "alliance": "year"}


def build(name: str, *, user, area, period: str, alliance=None) -> Report:
    """Report `name` for the user's scope. ReportError names the bad field."""
    from tianmu.registry.selectors import child_areas

    if name not in BUILDERS:
        raise ReportError(
            "report",
            _("No report named “%(name)s”: use %(names)s.")
            % {"name": name, "names": ", ".join(BUILDERS)},
        )
    parsed = parse_period(period or default_period(name))
    if alliance is not None and not visible_to(user, Alliance).filter(pk=alliance.pk).exists():
        raise ReportNotFound("alliance", _("No such alliance."))
    parent, _children = child_areas(user, area)
    return BUILDERS[name](user, area=parent, period=parsed, alliance=alliance)
