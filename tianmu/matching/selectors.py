"""Reads for matching: which villages a run covers, and the solver instance built from the registry.

The instance follows the JSON contract in docs/matching.md. How each field is derived from the
registry is documented in docs/matching-platform.md ("How the instance is built"); the
constants below are the documented assumptions.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tianmu.alliances.choices import MemberRole
from tianmu.alliances.models import AllianceMember, DateRangeMixin, Pairing, Program
from tianmu.matching.choices import EnterprisePool
from tianmu.matching.explain import (
    diagnosis_sentences,
    instance_index,
    member_reasons,
    score_parts,
    weights_of,
)
from tianmu.registry.choices import AreaLevel, OrganizationKind, PartnerKind
from tianmu.registry.models import Area, Organization, Village, VillageIncome

#: Core functions (智囊团, 资源团, 创新团), the solver's `roles`. Each alliance of three or more
#: core enterprises needs one holder of each, held by distinct enterprises.
ROLES = ("think_tank", "resource", "innovation")

#: Capability tags that say which functions an enterprise can take. An enterprise without any
#: of these tags may take all three (the registry records no function preference by default).
ROLE_TAGS = {
    "think_tank": {"think_tank", "智囊团"},
    "resource": {"resource", "资源团"},
    "innovation": {"innovation", "创新团"},
}

#: A cooperating unit's kind, written as the development need it answers, so the solver's
#: kind fit ("the unit's kind is among the village's needs") compares like with like.
PARTNER_KIND_NEED = {
    PartnerKind.FINANCIAL: "金融服务",
    PartnerKind.ACADEMIC: "技术指导",
    PartnerKind.SOCIAL: "就业岗位",
    PartnerKind.GOVERNMENT: "政策支持",
}

#: Surplus labour estimate: working-age people per low-income household (低收入农户) who could
#: take a job at the village's doorstep; without that figure, a share of the population.
WORKERS_PER_LOW_INCOME_HOUSEHOLD = 1.5
SURPLUS_SHARE_OF_POPULATION = 0.05

#: Priority for a village with no collective-income record: the middle of the range.
UNKNOWN_PRIORITY = 0.5

#: Cooperating units without a `partners_max` take at most this many per alliance (the solver
#: needs a finite upper bound; optional units are only added when they score above zero).
DEFAULT_PARTNERS_MAX = 3


class InstanceBuildError(ValueError):
    """The registry lacks something the instance needs; the message names what."""


def proposal_term(program: Program, today: datetime.date | None = None):
    """The dates an accepted proposal's alliance would run: from today (or the programme's
    start, if later) to the programme's end."""
    today = today or timezone.localdate()
    return max(today, program.start), program.end


def program_villages(program: Program) -> QuerySet[Village]:
    """The villages of the programme's area, at any level (a county, a city, the province)."""
    return Village.objects.filter(area__path__contains=f"/{program.area_id}/")


county_villages = program_villages  # the name from when every programme was a county's


def paired_village_ids(program: Program, today: datetime.date | None = None) -> set[int]:
    """Villages with a pairing in the programme that meets the proposal term."""
    start, end = proposal_term(program, today)
    return set(
        Pairing.objects.filter(
            DateRangeMixin.overlapping(start, end), alliance__program=program
        ).values_list("village_id", flat=True)
    )


def unpaired_villages(
    *, program: Program, town: Area | None = None, today: datetime.date | None = None
) -> QuerySet[Village]:
    """The area's villages (or one town's) without a pairing in the programme for the term."""
    qs = program_villages(program).exclude(pk__in=paired_village_ids(program, today))
    if town is not None:
        qs = qs.filter(area__parent=town)
    return qs.select_related("area__parent").order_by("area__code", "pk")


def enterprise_pool(*, program: Program, pool: str) -> QuerySet[Organization]:
    """Enterprises of the programme's area (a county, a city or the province): based in one of
    its towns, or with no town on record (the district FIC's members, such as the article's two
    named enterprises)."""
    qs = Organization.objects.filter(kind=OrganizationKind.ENTERPRISE).filter(
        Q(home_town__path__contains=f"/{program.area_id}/") | Q(home_town__isnull=True)
    )
    if pool == EnterprisePool.FIC:
        qs = qs.filter(fic_executive=True)
    return qs.select_related("home_town").order_by("pk")


def chamber_pool(*, program: Program) -> QuerySet[Organization]:
    return (
        Organization.objects.filter(
            kind=OrganizationKind.CHAMBER, home_town__path__contains=f"/{program.area_id}/"
        )
        .select_related("home_town")
        .order_by("pk")
    )


def partner_pool(*, program: Program) -> QuerySet[Organization]:
    """Cooperating units that serve the programme's area: anywhere, the area (or above) or a
    place inside it."""
    county = program.area  # a county, a city or the province
    inside = f"/{county.pk}/"
    # An empty service area means anywhere, unless the unit is based outside the county (a
    # neighbouring county's bank): then it is that county's.
    anywhere = Q(service_area__isnull=True) & (
        Q(home_town__isnull=True) | Q(home_town__path__contains=inside)
    )
    serving = anywhere | Q(service_area__in=[county.pk, *county.ancestor_ids()])
    serving |= Q(service_area__path__startswith=county.subtree_prefix())
    ids = Organization.objects.filter(serving, kind=OrganizationKind.PARTNER).values("pk")
    return Organization.objects.filter(pk__in=ids).prefetch_related("service_area").order_by("pk")


def _latest_incomes(village_ids) -> dict[int, Decimal]:
    latest: dict[int, Decimal] = {}
    rows = VillageIncome.objects.filter(village_id__in=village_ids).order_by("village_id", "year")
    for village_id, amount in rows.values_list("village_id", "amount_yuan"):
        latest[village_id] = amount  # ordered by year: the last one wins
    return latest


def village_priorities(program: Program) -> dict[int, float]:
    """0 (the county's richest collective) to 1 (the poorest), linear in the latest year's
    collective income. Measured against the whole county, so a village's priority does not
    depend on which other villages a run includes."""
    incomes = _latest_incomes(program_villages(program).values("pk"))
    if not incomes:
        return {}
    lo, hi = min(incomes.values()), max(incomes.values())
    if hi == lo:
        return dict.fromkeys(incomes, UNKNOWN_PRIORITY)
    return {vid: round(float((hi - x) / (hi - lo)), 4) for vid, x in incomes.items()}


def surplus_labour(village: Village) -> int:
    if village.low_income_households is not None:
        return round(village.low_income_households * WORKERS_PER_LOW_INCOME_HOUSEHOLD)
    if village.population is not None:
        return round(village.population * SURPLUS_SHARE_OF_POPULATION)
    return 0


def openings_by_enterprise(enterprise_ids) -> dict[int, int]:
    """Open job places (共富岗) in each enterprise's active workshops."""
    from tianmu.employment.models import Position

    rows = (
        Position.objects.filter(
            is_open=True,
            workshop__enterprise_id__in=enterprise_ids,
            workshop__status="active",
        )
        .values("workshop__enterprise_id")
        .annotate(n=Sum("headcount"))
    )
    return {r["workshop__enterprise_id"]: r["n"] or 0 for r in rows}


def enterprise_roles(org: Organization) -> list[str]:
    tags = set(org.capabilities or [])
    roles = [r for r in ROLES if ROLE_TAGS[r] & tags]
    return roles or list(ROLES)


def _coords(*areas) -> tuple[float, float] | None:
    for area in areas:
        if area is not None and area.lat is not None and area.lon is not None:
            return area.lat, area.lon
    return None


def busy_core_ids(*, program: Program, village_ids, today=None) -> set[int]:
    """Enterprises that are core members in this programme during the term, in an alliance
    whose village the run does not cover: the programme allows one core alliance at a time."""
    start, end = proposal_term(program, today)
    term = DateRangeMixin.overlapping(start, end)
    covered = Pairing.objects.filter(
        term, alliance__program=program, village_id__in=village_ids
    ).values("alliance_id")
    return set(
        AllianceMember.objects.filter(term, role=MemberRole.CORE, alliance__program=program)
        .exclude(alliance_id__in=covered)
        .values_list("organization_id", flat=True)
    )


def current_alliances(*, program: Program, village_ids, today=None) -> dict[int, int]:
    """{village id: alliance id} for the run's villages paired in the programme today."""
    on = today or timezone.localdate()
    rows = Pairing.objects.filter(
        DateRangeMixin.active_on(on), alliance__program=program, village_id__in=village_ids
    ).values_list("village_id", "alliance_id")
    return dict(rows)


def instance_build(
    *,
    program: Program,
    village_ids: list[int],
    pool: str = EnterprisePool.FIC,
    chamber_ids: list[int] | None = None,
    partner_ids: list[int] | None = None,
    weights: dict | None = None,
    today: datetime.date | None = None,
) -> tuple[dict, list[str]]:
    """The solver instance for a run, and notes on what had to be assumed.

    Ids in the instance are the registry's primary keys as strings (villages, organisations,
    and towns); everything is listed in primary-key order so the same registry gives the same
    instance, byte for byte.
    """
    county = program.area  # the coordinates' last resort and the partners' reach, any level
    notes: list[str] = []
    villages = list(
        Village.objects.filter(pk__in=village_ids)
        .select_related("area__parent")
        .order_by("area__code", "pk")
    )
    if not villages:
        raise InstanceBuildError(_("The run has no villages."))
    priorities = village_priorities(program)
    n = len(villages)

    v_rows = []
    for v in villages:
        town = v.area.parent
        coords = _coords(v.area, town, county)
        if coords is None:
            raise InstanceBuildError(
                _("“%(village)s” has no coordinates, and neither do its town and county.")
                % {"village": v}
            )
        if v.pk not in priorities:
            notes.append(
                _("“%(village)s” has no collective-income record; priority %(p)s assumed.")
                % {"village": v, "p": UNKNOWN_PRIORITY}
            )
        v_rows.append(
            {
                "id": str(v.pk),
                "town": str(town.pk),
                "lat": coords[0],
                "lon": coords[1],
                "priority": priorities.get(v.pk, UNKNOWN_PRIORITY),
                "needs": list(v.development_needs or []),
                "products": list(v.main_products or []),
                "surplus_labour": surplus_labour(v),
            }
        )

    ids = [v.pk for v in villages]
    busy = busy_core_ids(program=program, village_ids=ids, today=today)
    orgs = [o for o in enterprise_pool(program=program, pool=pool) if o.pk not in busy]
    if busy:
        notes.append(
            _(
                "%(n)d enterprises are left out: they are core members of other alliances of "
                "this programme during the term."
            )
            % {"n": len(busy)}
        )
    openings = openings_by_enterprise([o.pk for o in orgs])
    e_rows = []
    for o in orgs:
        coords = _coords(o.home_town, county)
        if coords is None:
            notes.append(_("“%(org)s” has no location; left out.") % {"org": o})
            continue
        e_rows.append(
            {
                "id": str(o.pk),
                "town": str(o.home_town_id) if o.home_town_id else None,
                "lat": coords[0],
                "lon": coords[1],
                "core_eligible": bool(o.fic_executive) if program.core_must_be_fic else True,
                "roles": enterprise_roles(o),
                "industry": o.industry or None,
                "capabilities": list(o.capabilities or []),
                "employees": o.employees or 0,
                "openings": openings.get(o.pk, 0),
                "capacity": 1,
            }
        )

    chambers = chamber_pool(program=program)
    if chamber_ids is not None:
        chambers = chambers.filter(pk__in=chamber_ids)
    # A chamber may serve every village of its town, a cooperating unit every village.
    c_rows = [{"id": str(c.pk), "town": str(c.home_town_id), "capacity": n} for c in chambers]

    partners = partner_pool(program=program)
    if partner_ids is not None:
        partners = partners.filter(pk__in=partner_ids)
    p_rows = []
    for p in partners:
        towns = _partner_towns(p, county)
        if towns == []:
            continue
        kind = PARTNER_KIND_NEED.get(p.partner_kind, p.partner_kind) or None
        p_rows.append({"id": str(p.pk), "kind": kind, "towns": towns, "capacity": n})

    current: list[list[str]] = []
    in_pool = {r["id"] for r in e_rows + c_rows + p_rows}
    alliances = current_alliances(program=program, village_ids=ids, today=today)
    on = today or timezone.localdate()
    members = AllianceMember.objects.filter(
        DateRangeMixin.active_on(on), alliance_id__in=alliances.values()
    ).values_list("alliance_id", "organization_id")
    by_alliance = defaultdict(list)
    for alliance_id, org_id in members.order_by("alliance_id", "organization_id"):
        by_alliance[alliance_id].append(str(org_id))
    for v in villages:
        for org_id in by_alliance.get(alliances.get(v.pk), []):
            if org_id in in_pool:
                current.append([org_id, str(v.pk)])

    partners_max = program.partners_max
    if partners_max is None:
        partners_max = max(program.partners_min, DEFAULT_PARTNERS_MAX)
    rules = {
        "core": program.core_count,
        "chamber": program.chamber_count,
        "partners": [program.partners_min, partners_max],
        "core_roles": dict.fromkeys(ROLES, 1) if program.core_count >= len(ROLES) else {},
        "max_same_industry": None,
    }
    instance = {
        "rules": rules,
        "villages": v_rows,
        "enterprises": e_rows,
        "chambers": c_rows,
        "partners": p_rows,
        "weights": dict(weights or {}),
        "current": current,
    }
    return instance, notes


def _partner_towns(partner: Organization, county: Area) -> list[str] | None:
    """The towns (as instance ids) a cooperating unit serves in the county; None: anywhere.

    An empty service area, or one that includes the county or a place above it, means the
    whole county. A village in the service area stands for its town. [] means nowhere here.
    """
    areas = list(partner.service_area.all())
    if not areas:
        return None
    above = {county.pk, *county.ancestor_ids()}
    towns: set[int] = set()
    for a in areas:
        if a.pk in above:
            return None
        if f"/{county.pk}/" not in a.path:
            continue
        if a.level == AreaLevel.TOWN:
            towns.add(a.pk)
        elif a.level == AreaLevel.VILLAGE and a.parent_id:
            towns.add(a.parent_id)
    return [str(t) for t in sorted(towns)]


def assign_functions(core_ids: list[str], roles_of: dict[str, list[str]]) -> dict[str, str]:
    """Give each core function (智囊团, 资源团, 创新团) to a distinct proposed enterprise that can
    take it, best-scored first (a small bipartite matching; the solver guarantees one exists
    when the rules asked for the functions)."""
    assignment: dict[str, str] = {}  # role -> enterprise

    def place(role: str, seen: set[str]) -> bool:
        taken = set(assignment.values())
        for e in core_ids:  # a free enterprise first, so the best-scored keep their pick
            if role in roles_of.get(e, ()) and e not in seen and e not in taken:
                seen.add(e)
                assignment[role] = e
                return True
        for e in core_ids:
            if role in roles_of.get(e, ()) and e not in seen:
                seen.add(e)
                holder = next((r for r, x in assignment.items() if x == e), None)
                # Kuhn's augmenting path: the role `e` holds moves to another enterprise.
                if holder is None or place(holder, seen):
                    assignment[role] = e
                    return True
        return False

    for role in ROLES:
        place(role, set())
    return {e: r for r, e in assignment.items()}


def proposals_with_members(*, run, today=None) -> list:
    """The run's proposals, each with `member_rows` (organisation, role, function, score,
    explanation) and `current_rows` (the current alliance's members, side by side)."""
    from tianmu.matching.models import Proposal

    proposals = list(
        Proposal.objects.filter(run=run)
        .select_related("village__area__parent", "current_alliance", "alliance")
        .order_by("village__area__code", "pk")
    )
    org_ids = {
        row["organization"] for p in proposals for rows in p.members.values() for row in rows
    }
    on = today or timezone.localdate()
    current = defaultdict(list)
    alliance_ids = [p.current_alliance_id for p in proposals if p.current_alliance_id]
    for m in (
        AllianceMember.objects.filter(DateRangeMixin.active_on(on), alliance_id__in=alliance_ids)
        .select_related("organization")
        .order_by("role", "organization__name")
    ):
        current[m.alliance_id].append(m)
    orgs = Organization.objects.in_bulk(org_ids)
    index = instance_index(run)
    weights = weights_of(run)
    pools = {"core": "enterprises", "chamber": "chambers", "partner": "partners"}
    for p in proposals:
        village = index["villages"].get(str(p.village_id), {})
        p.member_rows = []
        for role in ("core", "chamber", "partner"):
            for row in p.members.get(role, []):
                ex = row.get("explanation", {}) or {}
                member = index[pools[role]].get(str(row["organization"]), {})
                p.member_rows.append(
                    {
                        **row,
                        "role": role,
                        "org": orgs.get(row["organization"]),
                        "reasons": [(k, v) for k, v in ex.items() if k != "score"],
                        "function_label": _function_label(row.get("function")),
                        "why": member_reasons(role, ex, village, member),
                        "parts": score_parts(role, ex, weights),
                    }
                )
        p.current_rows = current.get(p.current_alliance_id, [])
    return proposals


_ID_IN_MESSAGE = re.compile(r"\b(town|village) '(\d+)'")


def diagnosis_messages(run) -> list[str]:
    """The solver's diagnosis sentences with the instance's ids (registry keys) replaced by
    the towns' and villages' names."""
    diagnosis = (run.result or {}).get("diagnosis") or {}
    messages = diagnosis.get("messages") or []
    if not messages:
        return []
    found = {kind: set() for kind in ("town", "village")}
    for m in messages:
        for kind, pk in _ID_IN_MESSAGE.findall(m):
            found[kind].add(int(pk))
    names = {
        "town": {a.pk: a.name for a in Area.objects.filter(pk__in=found["town"])},
        "village": {
            v.pk: v.area.name
            for v in Village.objects.filter(pk__in=found["village"]).select_related("area")
        },
    }

    def name(match: re.Match) -> str:
        kind, pk = match.group(1), int(match.group(2))
        return f"{kind} {names[kind].get(pk, pk)}"

    return [_ID_IN_MESSAGE.sub(name, m) for m in messages]


def _function_label(value) -> str:
    from tianmu.alliances.choices import MemberFunction

    if not value:
        return ""
    try:
        return MemberFunction(value).label
    except ValueError:
        return str(value)


def diagnosis_explained(run) -> list[str]:
    """One sentence per cause of an infeasible run, with the towns' and villages' names."""
    diagnosis = (run.result or {}).get("diagnosis") or {}
    if not diagnosis:
        return []
    towns = {str(i["town"]) for i in diagnosis.get("towns_lacking_chambers") or []}
    towns |= {str(i["town"]) for i in diagnosis.get("shortfalls") or []}
    villages = {str(i["village"]) for i in diagnosis.get("shortfalls") or []}
    names = {
        "town": {
            str(a.pk): a.name for a in Area.objects.filter(pk__in=[t for t in towns if t.isdigit()])
        },
        "village": {
            str(v.pk): v.area.name
            for v in Village.objects.filter(
                pk__in=[v for v in villages if v.isdigit()]
            ).select_related("area")
        },
    }
    return diagnosis_sentences(run, names)
