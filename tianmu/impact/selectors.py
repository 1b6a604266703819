"""Reads of the impact app: income status, the income chart, the difference-in-differences
estimate of the programme's effect on village income, and the ledger check.

The rules and the method are written out in docs/impact.md; the decision in
docs/decisions/0014-impact-method.md. Everything a user is shown is computed from the records
they may see (`visible_to`): a town officer's estimate compares their town's villages only.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.core.exceptions import ValidationError
from django.db.models import (
    CharField,
    DateField,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from tianmu.alliances.models import Alliance, Pairing, Program
from tianmu.core.kpis import KpiContext, kpi_spec, kpi_url
from tianmu.core.money import format_yuan, to_money
from tianmu.core.periods import Period
from tianmu.core.scoping import visible_to
from tianmu.impact.choices import IncomeStatus, Metric
from tianmu.impact.models import IncomeRules
from tianmu.projects.selectors import sales_sources
from tianmu.registry.models import Area, Village, VillageIncome
from tianmu.registry.selectors import area_from_code

#: The bootstrap: how many resamples, and the seed that makes every answer reproducible.
BOOTSTRAP_DRAWS = 2000
BOOTSTRAP_SEED = 20261201
METHOD = "did_nearest_neighbour_bootstrap"

METRIC_FIELDS = {Metric.COLLECTIVE: "amount_yuan", Metric.OPERATING: "operating_yuan"}


# --- Growth of operating income (the figure operating_income_growth_yuan) ----------------------


def with_growth(qs: QuerySet) -> QuerySet:
    """Income rows with `previous_operating_yuan` (the same village's row of the year before,
    exactly year − 1), `year_end` (31 December of its year) and `growth_yuan` =
    operating_yuan − previous_operating_yuan; None when either is missing (the first year of
    a village has no growth)."""
    previous = VillageIncome.objects.filter(
        village=OuterRef("village"), year=OuterRef("year") - 1
    ).values("operating_yuan")[:1]
    money = DecimalField(max_digits=14, decimal_places=2)
    return qs.annotate(
        previous_operating_yuan=Subquery(previous, output_field=money),
        # The day a year's row is counted on (31 December), as a column: for the records
        # endpoint and for whatever groups the figure's records by date.
        year_end=Cast(Concat(Cast("year", CharField()), Value("-12-31")), DateField()),
    ).annotate(
        growth_yuan=ExpressionWrapper(
            F("operating_yuan") - F("previous_operating_yuan"), output_field=money
        )
    )


# --- Rules and status -------------------------------------------------------------------------


def rules_for(program: Program) -> IncomeRules:
    """The programme's income rules, or the defaults (unsaved) when it has set none."""
    return IncomeRules.objects.filter(program=program).first() or IncomeRules(program=program)


@dataclass(frozen=True)
class Status:
    status: str
    reason: str

    @property
    def label(self) -> str:
        return IncomeStatus(self.status).label


def income_status(rules: IncomeRules, operating, previous) -> Status:
    """The status of one village's year by the programme's rules, with the rule that decided:

    green  — operating income ≥ the target;
    yellow — operating income ≥ yellow_rate × target, or (yellow_if_growing) it grew on the
             year before (previous year reported and lower);
    red    — otherwise; unknown when no operating income was reported for the year.
    """
    target = rules.target_operating_yuan
    if operating is None:
        return Status(IncomeStatus.UNKNOWN, _("No operating income was reported for the year."))
    values = {
        "operating": format_yuan(operating),
        "target": format_yuan(target),
        "share": f"{rules.yellow_rate * 100:.0f}",
        "floor": format_yuan(target * rules.yellow_rate),
    }
    if operating >= target:
        return Status(
            IncomeStatus.GREEN,
            _("Operating income %(operating)s reaches the target of %(target)s.") % values,
        )
    if operating >= target * rules.yellow_rate:
        return Status(
            IncomeStatus.YELLOW,
            _(
                "Operating income %(operating)s is below the target of %(target)s but reaches "
                "%(share)s %% of it (%(floor)s)."
            )
            % values,
        )
    if rules.yellow_if_growing and previous is not None and operating > previous:
        values["previous"] = format_yuan(previous)
        return Status(
            IncomeStatus.YELLOW,
            _(
                "Operating income %(operating)s is below %(share)s %% of the target but grew "
                "from %(previous)s the year before."
            )
            % values,
        )
    return Status(
        IncomeStatus.RED,
        _(
            "Operating income %(operating)s is below %(share)s %% of the target of %(target)s "
            "and did not grow."
        )
        % values,
    )


def programme_villages(user, program: Program) -> QuerySet:
    """The villages of the programme's area (any level) that `user` may see."""
    return (
        visible_to(user, Village)
        .filter(area__path__startswith=program.area.subtree_prefix())
        .select_related("area__parent")
    )


def village_statuses(*, user, program: Program, year: int, area: Area | None = None) -> list:
    """Each village of the programme (in `area`) the user may see, with its status for `year`
    and the rule that decided it: `[{"village", "income", "previous", "status"}]`."""
    rules = rules_for(program)
    villages = programme_villages(user, program)
    if area is not None:
        villages = villages.filter(area_q(area))
    incomes = {
        (row.village_id, row.year): row
        for row in VillageIncome.objects.filter(
            village__in=villages.values("pk"), year__in=[year - 1, year]
        )
    }
    out = []
    for village in villages.order_by("area__code"):
        row = incomes.get((village.pk, year))
        before = incomes.get((village.pk, year - 1))
        operating = row.operating_yuan if row else None
        previous = before.operating_yuan if before else None
        out.append(
            {
                "village": village,
                "income": row,
                "operating": operating,
                "previous": previous,
                "status": income_status(rules, operating, previous),
            }
        )
    return out


def area_q(area: Area, prefix: str = "area") -> Q:
    return area.subtree_q(prefix)


# --- The village page: income by year, pairing start, growth before and after -------------------


def _mean(values) -> Decimal | None:
    values = list(values)
    return sum(values, Decimal(0)) / len(values) if values else None


def yearly_growth(series: dict[int, Decimal], start_year: int) -> tuple:
    """(mean yearly growth before, after): the growth into year y is y's value − y−1's (both
    reported); it counts before the pairing when y < the start year, after otherwise."""
    before, after = [], []
    for year, value in series.items():
        last = series.get(year - 1)
        if last is None:
            continue
        (before if year < start_year else after).append(value - last)
    return _mean(before), _mean(after)


def village_income_chart(*, user, village: Village) -> dict | None:
    """What the village page shows of its income: rows by year, the first counted pairing's
    start, the average yearly growth before and after it, and this year's status."""
    rows = list(visible_to(user, VillageIncome).filter(village=village).order_by("year"))
    if not rows:
        return None
    pairing = (
        visible_to(user, Pairing)
        .filter(Alliance.counted_q("alliance__"), village=village, start__isnull=False)
        .select_related("alliance__program")
        .order_by("start")
        .first()
    )
    years = [r.year for r in rows]
    out = {
        "rows": rows,
        "pairing": pairing,
        "option": _chart_option(rows, pairing),
        "growth": [],
        "status": None,
    }
    if pairing is not None:
        start_year = pairing.start.year
        for label, field in (
            (_("collective income"), "amount_yuan"),
            (_("operating income"), "operating_yuan"),
        ):
            series = {r.year: getattr(r, field) for r in rows if getattr(r, field) is not None}
            before, after = yearly_growth(series, start_year)
            out["growth"].append(
                {"label": label, "before": _money_or_none(before), "after": _money_or_none(after)}
            )
    # The status by the rules of the pairing's programme, or else of the newest programme of
    # an area above the village (an unpaired village is judged by the same target).
    program = (
        pairing.alliance.program
        if pairing is not None
        else visible_to(user, Program)
        .filter(area_id__in=village.area.ancestor_ids())
        .order_by("-start", "pk")
        .first()
    )
    if program is not None:
        last = rows[-1]
        previous = next((r for r in rows if r.year == last.year - 1), None)
        out["status"] = income_status(
            rules_for(program),
            last.operating_yuan,
            previous.operating_yuan if previous else None,
        )
        out["status_year"] = last.year
        out["program"] = program
    out["years"] = years
    return out


def _money_or_none(value):
    return to_money(value) if value is not None else None


def _chart_option(rows, pairing) -> dict:
    """An ECharts option: total and operating income by year as bars, the start year of the
    pairing marked with a vertical line (markLine on the category axis)."""
    labels = [str(r.year) for r in rows]
    series = [
        {
            "type": "bar",
            "name": str(_("collective income")),
            "data": [float(r.amount_yuan) for r in rows],
        },
        {
            "type": "line",
            "name": str(_("operating income")),
            "data": [
                float(r.operating_yuan) if r.operating_yuan is not None else None for r in rows
            ],
        },
    ]
    if pairing is not None:
        start = str(pairing.start.year)
        if start not in labels:  # the line needs its year on the axis
            labels = sorted({*labels, start})
            for s, field in zip(series, ("amount_yuan", "operating_yuan"), strict=True):
                by_year = {str(r.year): getattr(r, field) for r in rows}
                s["data"] = [
                    float(by_year[y]) if by_year.get(y) is not None else None for y in labels
                ]
        series[0]["markLine"] = {
            "symbol": "none",
            "label": {"formatter": str(_("paired from %(start)s") % {"start": start})},
            "data": [{"xAxis": start}],
        }
    return {
        "grid": {"left": 70, "right": 10, "top": 30, "bottom": 50},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "xAxis": {"type": "category", "data": labels},
        "yAxis": {"type": "value"},
        "series": series,
    }


# --- Difference in differences ----------------------------------------------------------------


def impact_params(user, data) -> dict:
    """The programme, metric, area and alliance of an impact or ledger request, validated:
    a ValidationError naming each wrong field (answered 400 / shown on the page)."""
    errors: dict[str, list[str]] = {}
    program = None
    raw = str(data.get("program") or "").strip()
    if not raw:
        errors["program"] = [_("Choose a programme.")]
    else:
        if raw.isdigit() and raw.isascii() and len(raw) < 19:
            program = visible_to(user, Program).select_related("area").filter(pk=int(raw)).first()
        if program is None:
            errors["program"] = [_("No programme with the id “%(id)s”.") % {"id": raw}]
    metric = str(data.get("metric") or Metric.OPERATING).strip()
    if metric not in Metric.values:
        errors["metric"] = [
            _("Unknown metric “%(metric)s”: choose collective_income or operating_income.")
            % {"metric": metric}
        ]
    area = None
    code = str(data.get("area") or "").strip()
    if code:
        area = area_from_code(code)
        if area is not None and not visible_to(user, Area).filter(pk=area.pk).exists():
            area = None
        if area is None:
            errors["area"] = [_("No area with the division code “%(code)s”.") % {"code": code}]
    alliance = None
    raw = str(data.get("alliance") or "").strip()
    if raw:
        if raw.isdigit() and raw.isascii() and len(raw) < 19 and program is not None:
            alliance = visible_to(user, Alliance).filter(pk=int(raw), program=program).first()
        if alliance is None:
            errors["alliance"] = [
                _("No alliance with the id “%(id)s” in this programme.") % {"id": raw}
            ]
    if errors:
        raise ValidationError(errors)
    return {"program": program, "metric": metric, "area": area, "alliance": alliance}


def parse_year(raw) -> int:
    """A year given as text (empty: last year), or a ValidationError under `year`."""
    raw = str(raw or "").strip()
    if not raw:
        return timezone.localdate().year - 1
    if raw.isdigit() and raw.isascii() and 1900 <= int(raw) <= 2200:
        return int(raw)
    raise ValidationError({"year": _("Give a year between 1900 and 2200.")})


@dataclass
class _Unit:
    village: Village
    series: dict[int, Decimal]


def _sd(values: list[float]) -> float:
    """Population standard deviation, 1 when it is 0 or undefined (the term then compares raw
    differences rather than dividing by zero)."""
    if len(values) < 2:
        return 1.0
    sd = float(np.std(np.array(values, dtype=float)))
    return sd if sd > 0 and math.isfinite(sd) else 1.0


def impact_estimate(
    *, user, program: Program, metric: str, area: Area | None = None, alliance=None
) -> dict:
    """The difference-in-differences of `metric` for the programme's paired villages against
    matched never-paired villages of the same county (docs/impact.md#method).

    Raises ValidationError when no paired village has income years before and after its
    pairing's start, or none has a comparable unpaired village.
    """
    field = METRIC_FIELDS[Metric(metric)]
    pool = programme_villages(user, program)
    series: dict[int, dict[int, Decimal]] = {}
    for vid, year, value in (
        visible_to(user, VillageIncome)
        .filter(village__in=pool.values("pk"), **{f"{field}__isnull": False})
        .values_list("village_id", "year", field)
    ):
        series.setdefault(vid, {})[year] = value
    villages = {v.pk: v for v in pool}
    counted = Pairing.objects.filter(
        Alliance.counted_q("alliance__"), alliance__program=program, start__isnull=False
    )
    ever_paired = set(counted.values_list("village_id", flat=True))
    mine = visible_to(user, counted)
    if alliance is not None:
        mine = mine.filter(alliance=alliance)
    starts: dict[int, datetime.date] = {}
    for vid, start in mine.order_by("start", "pk").values_list("village_id", "start"):
        starts.setdefault(vid, start)

    paired: list[tuple[_Unit, int]] = []
    for vid, start in starts.items():
        village = villages.get(vid)
        if village is None or (area is not None and not _in(village, area)):
            continue
        years = series.get(vid, {})
        if any(y < start.year for y in years) and any(y >= start.year for y in years):
            paired.append((_Unit(village, years), start.year))
    if not paired:
        raise ValidationError(
            {
                "program": _(
                    "No paired village of this programme has income years both before and "
                    "after its pairing's start: there is nothing to compare."
                )
            }
        )
    candidates = [
        _Unit(villages[vid], s) for vid, s in series.items() if vid not in ever_paired and s
    ]
    scale_income = _sd(
        [float(v) for unit in [p for p, _ in paired] + candidates for v in unit.series.values()]
    )
    scale_pop = _sd(
        [
            float(u.village.population)
            for u in [p for p, _ in paired] + candidates
            if u.village.population is not None
        ]
    )

    pairs = []
    for unit, start_year in sorted(paired, key=lambda p: p[0].village.area.code):
        before_years = [y for y in unit.series if y < start_year]
        after_years = [y for y in unit.series if y >= start_year]
        p_before = _mean(unit.series[y] for y in before_years)
        p_after = _mean(unit.series[y] for y in after_years)
        best = None
        for cand in candidates:
            c_before = _mean(cand.series[y] for y in before_years if y in cand.series)
            c_after = _mean(cand.series[y] for y in after_years if y in cand.series)
            if c_before is None or c_after is None:
                continue
            distance = ((float(p_before) - float(c_before)) / scale_income) ** 2
            pop_p, pop_c = unit.village.population, cand.village.population
            if pop_p is not None and pop_c is not None:
                distance += ((pop_p - pop_c) / scale_pop) ** 2
            key = (distance, cand.village.area.code)
            if best is None or key < best[0]:
                best = (key, cand, c_before, c_after)
        if best is None:
            continue
        pairs.append((unit, p_before, p_after, best[1], best[2], best[3]))
    if not pairs:
        raise ValidationError(
            {
                "program": _(
                    "No unpaired village of the county has income in the same years as the "
                    "paired villages: there is nothing to compare with."
                )
            }
        )

    p_b = _mean(p[1] for p in pairs)
    p_a = _mean(p[2] for p in pairs)
    c_b = _mean(p[4] for p in pairs)
    c_a = _mean(p[5] for p in pairs)
    effect = (p_a - p_b) - (c_a - c_b)
    diffs = np.array([float((p[2] - p[1]) - (p[5] - p[4])) for p in pairs])
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    draws = diffs[rng.integers(0, len(diffs), size=(BOOTSTRAP_DRAWS, len(diffs)))].mean(axis=1)
    low, high = np.percentile(draws, [2.5, 97.5])
    ci = [to_money(round(float(low), 2)), to_money(round(float(high), 2))]
    by_village = []
    for unit, pb, pa, cand, cb, ca in pairs:
        by_village.append(_row(unit.village, True, pb, pa, None))
        by_village.append(_row(cand.village, False, cb, ca, unit.village.area.code))
    result = {
        "metric": metric,
        "method": METHOD,
        "paired": {
            "villages": len(pairs),
            "before_mean": to_money(p_b),
            "after_mean": to_money(p_a),
        },
        "comparison": {
            "villages": len(pairs),
            "before_mean": to_money(c_b),
            "after_mean": to_money(c_a),
        },
        "effect": to_money(effect),
        "ci95": ci,
        "by_village": by_village,
    }
    result["sentence"] = impact_sentence(result)
    return result


def impact_parts(*, user, program: Program, metric: str) -> dict:
    """The estimate for each town with paired villages and for each alliance of the programme
    (the page's tables; the API answers one with `area=` or `alliance=`): `{"towns": [...],
    "alliances": [...]}`, each `{"name", "query", "villages", "effect", "ci95"}`; a part
    without a paired village to compare is left out."""
    paired = (
        visible_to(user, Pairing)
        .filter(Alliance.counted_q("alliance__"), alliance__program=program)
        .select_related("village__area__parent", "alliance")
    )
    towns = {p.village.area.parent for p in paired if p.village.area.parent is not None}
    alliances = {p.alliance for p in paired}
    out: dict[str, list] = {"towns": [], "alliances": []}
    for kind, items, key in (
        ("towns", sorted(towns, key=lambda t: t.code), "area"),
        ("alliances", sorted(alliances, key=lambda a: a.name), "alliance"),
    ):
        for item in items:
            scope = {"area": item} if key == "area" else {"alliance": item}
            try:
                result = impact_estimate(user=user, program=program, metric=metric, **scope)
            except ValidationError:
                continue
            out[kind].append(
                {
                    "name": str(item),
                    "query": {key: item.code if key == "area" else item.pk},
                    "villages": result["paired"]["villages"],
                    "effect": result["effect"],
                    "ci95": result["ci95"],
                }
            )
    return out


def _in(village: Village, area: Area) -> bool:
    return village.area_id == area.pk or village.area.path.startswith(area.subtree_prefix())


def _row(village, paired, before, after, match_for) -> dict:
    return {
        "village": {"id": village.pk, "name": village.area.name, "code": village.area.code},
        "code": village.area.code,
        "paired": paired,
        "before": to_money(before),
        "after": to_money(after),
        "match_for": match_for,
    }


def impact_sentence(result: dict) -> str:
    """The estimate said plainly, in the reader's language."""
    low, high = result["ci95"]
    values = {
        "metric": Metric(result["metric"]).label,
        "effect": format_yuan(abs(result["effect"])),
        "low": format_yuan(low),
        "high": format_yuan(high),
    }
    if low <= 0 <= high:
        values["effect"] = format_yuan(result["effect"])
        return (
            _(
                "The difference between paired villages' %(metric)s and that of comparable "
                "unpaired villages, %(effect)s a year (95 %% CI %(low)s – %(high)s), is not "
                "distinguishable from zero."
            )
            % values
        )
    if result["effect"] >= 0:
        return (
            _(
                "Paired villages' %(metric)s grew %(effect)s a year more than comparable "
                "unpaired villages (95 %% CI %(low)s – %(high)s)."
            )
            % values
        )
    return (
        _(
            "Paired villages' %(metric)s grew %(effect)s a year less than comparable "
            "unpaired villages (95 %% CI %(low)s – %(high)s)."
        )
        % values
    )


# --- The ledger check -------------------------------------------------------------------------


def ledger_check(*, user, program: Program, year: int, area: Area | None = None) -> dict:
    """Villages whose confirmed receipts in `year` exceed the growth of the collective income
    they report (amount_yuan of `year` − of `year` − 1) by the programme's margin: both by
    `ledger_margin_yuan` and by `ledger_margin_rate` of the receipts. A village with receipts
    of at least the margin but no income reported for one of the two years is listed too.

    Receipts: confirmed 共富购 payments (the records of the figure `purchase_income_yuan`)
    + confirmed deliveries under agreements of the village's projects (garden sales; orders
    linked to a project are paid by 共富购 payments and counted there once).
    """
    rules = rules_for(program)
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    villages = programme_villages(user, program)
    if area is not None:
        villages = villages.filter(area_q(area))
    ids = villages.values("pk")
    ctx = KpiContext(user=user, period=Period(start, end), area=None)
    purchases = dict(
        kpi_spec("purchase_income_yuan")
        .filtered_records(ctx)
        .filter(order__village__in=ids)
        .values_list("order__village")
        .annotate(s=Sum("amount_yuan"))
        .values_list("order__village", "s")
    )
    garden = dict(
        sales_sources(user=user, start=start, end=end)["deliveries"]
        .filter(agreement__project__village__in=ids)
        .values_list("agreement__project__village")
        .annotate(s=Sum("amount_yuan"))
        .values_list("agreement__project__village", "s")
    )
    incomes = {
        (vid, y): amount
        for vid, y, amount in visible_to(user, VillageIncome)
        .filter(village__in=ids, year__in=[year - 1, year])
        .values_list("village_id", "year", "amount_yuan")
    }
    items = []
    for village in villages.order_by("area__code"):
        bought = to_money(purchases.get(village.pk))
        sold = to_money(garden.get(village.pk))
        receipts = bought + sold
        if receipts <= 0:
            continue
        now, last = incomes.get((village.pk, year)), incomes.get((village.pk, year - 1))
        growth = to_money(now - last) if now is not None and last is not None else None
        if growth is None:
            if receipts < rules.ledger_margin_yuan:
                continue
            excess, reason = (
                None,
                _("No collective income reported for %(years)s.")
                % {
                    "years": " / ".join(
                        str(y) for y in (year - 1, year) if (village.pk, y) not in incomes
                    )
                },
            )
        else:
            excess = receipts - growth
            if excess < rules.ledger_margin_yuan or excess < receipts * rules.ledger_margin_rate:
                continue
            reason = _("Receipts exceed the income's growth by %(excess)s.") % {
                "excess": format_yuan(excess)
            }
        code = village.area.code
        items.append(
            {
                "village": {"id": village.pk, "name": village.area.name, "code": code},
                "receipts_yuan": receipts,
                "purchase_yuan": bought,
                "project_sales_yuan": sold,
                "income_yuan": to_money(now) if now is not None else None,
                "previous_income_yuan": to_money(last) if last is not None else None,
                "income_growth_yuan": growth,
                "excess_yuan": to_money(excess) if excess is not None else None,
                "reason": reason,
                "links": {
                    "payments": kpi_url(
                        "purchase_income_yuan", area_code=code, start=start, end=end
                    ),
                    "project_sales": kpi_url(
                        "project_sales_yuan", area_code=code, start=start, end=end
                    ),
                    "incomes": village_link(village),
                },
            }
        )
    return {
        "program": program.pk,
        "year": year,
        "margin": {
            "yuan": to_money(rules.ledger_margin_yuan),
            "rate": f"{rules.ledger_margin_rate:.4f}",
        },
        "items": items,
    }


def village_link(village: Village) -> str:
    from django.urls import reverse

    return reverse("registry:village_detail", args=[village.pk])
