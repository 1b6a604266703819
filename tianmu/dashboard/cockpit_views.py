"""The cockpit page (/cockpit/) and the landing page that sends each role to its start."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tianmu.assessment.selectors import figure_statuses, status_of, thresholds_visible
from tianmu.core.indicators import Unit, indicator_name, unit_of
from tianmu.core.kpis import LEVELS, by_village, kpi_keys, kpi_spec, kpi_url, splits_by_village
from tianmu.core.roles import Role
from tianmu.core.scoping import scope_for, visible_to
from tianmu.dashboard import cockpit
from tianmu.dashboard.views import show_figure
from tianmu.registry.models import Area
from tianmu.registry.selectors import area_from_code, child_areas
from tianmu.rounds.selectors import overdue_summary

#: Who lands on the cockpit after signing in, and who on their to-do inbox (the roles that
#: confirm, report and fix records, often on a phone); the others land on the home page.
COCKPIT_ROLES = {Role.SUPERUSER, Role.ADMIN, Role.LEADER}
INBOX_ROLES = {Role.VILLAGE, Role.ENTERPRISE, Role.BANK}
#: The figure the cockpit opens on when none is chosen.
DEFAULT_FIGURE = "purchase_income_yuan"
LEVEL_LABELS = {
    "child": gettext_lazy("By area"),
    "alliance": gettext_lazy("By alliance"),
    "enterprise": gettext_lazy("By enterprise"),
}


@login_required
def start(request):
    """Programme staff and leaders start on the cockpit; village cadres, enterprise liaisons
    and bank officers on their to-do inbox (when installed); town officers at home."""
    role = scope_for(request.user).role
    if role in COCKPIT_ROLES:
        return redirect("dashboard:cockpit")
    if role in INBOX_ROLES:
        try:
            return redirect(reverse("inbox:inbox"))
        except NoReverseMatch:
            pass  # a deployment without the inbox
    return redirect("dashboard:home")


def _date(raw):
    try:
        return datetime.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _query(request, **changes) -> str:
    """This page's query string with `changes` (None drops a key)."""
    query = {k: v for k, v in request.GET.items() if v}
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return "?" + urlencode(query)


@login_required
def cockpit_page(request):
    user = request.user
    q = request.GET
    # The area: the user's own unless a visible one is asked for by code.
    area = None
    if q.get("area"):
        area = area_from_code(q["area"])
        if area is not None and not visible_to(user, Area).filter(pk=area.pk).exists():
            area = None
        if area is None:
            messages.error(
                request, _("No area with the division code “%(code)s”.") % {"code": q["area"]}
            )
    area, children = child_areas(user, area)
    try:
        period = cockpit.period_of(q.get("period"), _date(q.get("from")), _date(q.get("to")))
    except ValueError as error:
        messages.error(request, str(error))
        period = cockpit.period_of(None)
    key = q.get("figure") if kpi_spec(q.get("figure") or "") else DEFAULT_FIGURE
    by = q.get("by") if q.get("by") in LEVELS else "child"
    code = getattr(area, "code", None)

    cards = cockpit.figure_cards(user, period, area)
    statuses = figure_statuses(user, {c["key"]: c["value"] for c in cards})
    for card in cards:
        card["label"] = indicator_name(card["key"])
        unit = unit_of(card["key"])  # money and ratios carry theirs (¥, %)
        card["unit"] = Unit(unit).label if unit in (Unit.COUNT, Unit.PEOPLE) else ""
        card["status"] = statuses.get(card["key"])
        card["shown"] = show_figure(card["key"], card["value"])
        card["shown_previous"] = show_figure(card["key"], card["previous"])
        card["select"] = _query(request, figure=card["key"], by=by)
        card["selected"] = card["key"] == key
        change = card["change"]
        if change is not None and change["percent"] is None and not change["difference"]:
            card["change"] = None  # zero then and now: nothing to say

    try:
        parts = cockpit.figure_breakdown(user, key, by, period, area)
        items, total, level_error = parts.items, parts.total, None
    except ValueError as error:
        items, total, level_error = [], None, str(error)
    rows = []
    for item in items:
        drill = None
        if by == "child" and item.code:
            drill = reverse("dashboard:cockpit") + _query(request, area=item.code)
        rows.append(
            {
                "name": item.name or _("Not attributed"),
                "shown": show_figure(key, item.value),
                "value": float(item.value) if item.value is not None else 0,
                "url": item.url,
                "drill": drill,
            }
        )
    attributed = [r for r in rows if r["drill"] or r["url"]]
    ranking = {
        "top": attributed[:5],
        "bottom": list(reversed(attributed[-5:])) if len(attributed) > 5 else [],
    }
    bar = {
        "labels": [r["name"] for r in rows],
        "values": [r["value"] for r in rows],
        "urls": [r["drill"] or r["url"] for r in rows],
        "name": indicator_name(key),
    }
    lines = cockpit.figure_trend(user, key, period, area)
    line = {
        "labels": [i.period for i in lines["now"]],
        "series": [
            {"name": _("Last 12 months"), "values": [float(i.value) for i in lines["now"]]},
            {"name": _("A year earlier"), "values": [float(i.value) for i in lines["earlier"]]},
        ],
        "urls": [i.url for i in lines["now"]],
    }

    colour = q.get("colour") if kpi_spec(q.get("colour") or "") else "paired"
    points = cockpit.village_points(user, area, min(period.current.end, timezone.localdate()))
    values = {}
    if colour != "paired":
        values = by_village(colour, user=user, period=period.current, area=area)
    thresholds = [t for t in thresholds_visible(user) if t.indicator == colour]
    for point in points:
        point["status"] = None
        if colour == "paired":
            point["value"] = 1 if point["paired"] else 0
            point["url"] = reverse("registry:village_detail", args=[point["id"]])
        else:
            point["value"] = float(values.get(point["id"], 0))
            point["url"] = kpi_url(
                colour, area_code=point["code"], start=period.current.start, end=period.current.end
            )
            point["status"] = status_of(colour, point["value"], thresholds)
    map_data = {
        "points": points,
        "mode": colour,
        "labels": {
            "paired": _("Paired"),
            "unpaired": _("Not paired"),
            "alert": _("Below the alert threshold"),
            "normal": _("Between the thresholds"),
            "excellent": _("At or above the excellence threshold"),
        },
        "by_status": bool(thresholds),
        "name": indicator_name(colour) if colour != "paired" else _("Paired"),
    }
    context = {
        "area": area,
        "chain": cockpit.area_chain(user, area) if area is not None else [],
        "children": children,
        "period": period,
        "period_choices": cockpit.period_choices(),
        "cards": cards,
        "key": key,
        "key_label": indicator_name(key),
        "key_url": kpi_url(key, area_code=code, start=period.current.start, end=period.current.end),
        "by": by,
        "levels": [(level, LEVEL_LABELS[level], _query(request, by=level)) for level in LEVELS],
        "level_error": level_error,
        "rows": rows,
        "total": show_figure(key, total) if total is not None else None,
        "ranking": ranking,
        "bar": bar,
        "line": line,
        "map": map_data,
        "colour": colour,
        "colour_choices": [(k, indicator_name(k)) for k in kpi_keys() if splits_by_village(k)],
        "mapped": len(points),
        "results": cockpit.results_summary(user, area),
        "overdue_rounds": overdue_summary(user, area),
    }
    return render(request, "dashboard/cockpit.html", context)
