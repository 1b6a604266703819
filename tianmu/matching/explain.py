"""The optimiser explained to an official, in the reader's language.

For each proposed member: the reasons it was chosen, in words ("Needs met: 技术指导 ↔ 电子制造",
"12 km away", "Jobs: 40 positions / 55 surplus workers"), and its score split into its parts
(for a small stacked bar). For an infeasible run: one sentence per cause with what to do,
built from the solver's structured diagnosis; the solver's own messages stay available,
folded away.

Reads only the run's saved instance, weights and result: what the solver saw, not today's
registry.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tianmu.matching.solver.scoring import DEFAULT_WEIGHTS

#: The score's parts, in the order the bar shows them, with their colour.
PARTS = {
    "need": (gettext_lazy("needs met"), "bg-primary"),
    "market": (gettext_lazy("market for products"), "bg-info"),
    "labour": (gettext_lazy("jobs"), "bg-success"),
    "distance": (gettext_lazy("nearness"), "bg-warning"),
    "locality": (gettext_lazy("local"), "bg-warning"),
    "kind_fit": (gettext_lazy("kind fits a need"), "bg-primary"),
    "continuity": (gettext_lazy("already a member"), "bg-secondary"),
}


def weights_of(run) -> dict:
    return {**DEFAULT_WEIGHTS, **(run.weights or {})}


def instance_index(run) -> dict:
    """The run's instance by kind and id: {"villages": {id: row}, "enterprises": …}."""
    inst = run.instance or {}
    return {
        kind: {str(row.get("id")): row for row in inst.get(kind) or []}
        for kind in ("villages", "enterprises", "chambers", "partners")
    }


def _join(words) -> str:
    return _(", ").join(str(w) for w in words)


def score_parts(role: str, ex: dict, w: dict) -> list[dict]:
    """The member's score as parts: [{key, label, value, pct, css}], pct of the total."""
    m = float(ex.get("multiplier", 1.0) or 1.0)
    values: dict[str, float] = {}
    if role == "core":
        for key in ("need", "market", "labour", "distance"):
            if key in ex:
                values[key] = m * w[key] * float(ex[key])
    elif role == "chamber":
        values["locality"] = m * float(ex.get("locality", 1.0))
    else:
        values["locality"] = m * w["partner_local"] * float(ex.get("locality", 0))
        values["kind_fit"] = m * w["partner_kind"] * float(ex.get("kind_fit", 0))
    values["continuity"] = w["continuity"] * float(ex.get("continuity", 0) or 0)
    total = sum(values.values())
    parts = []
    for key, value in values.items():
        if value <= 0:
            continue
        label, css = PARTS[key]
        pct = round(100 * value / total, 1) if total else 0
        parts.append({"key": key, "label": label, "value": round(value, 3), "pct": pct, "css": css})
    return parts


def member_reasons(role: str, ex: dict, village: dict, member: dict, org=None) -> list[str]:
    """Why the solver chose this member for this village, one short phrase a reason."""
    reasons: list[str] = []
    if ex.get("fixed"):
        reasons.append(_("Kept as required by the run"))
    if role == "core":
        needs = list(village.get("needs") or [])
        caps = list(member.get("capabilities") or [])
        met = [n for n in needs if n in caps]
        if met and float(ex.get("need", 0)) > 0:
            offer = member.get("industry") or _join(caps)
            reasons.append(
                _("Needs met: %(needs)s ↔ %(offer)s") % {"needs": _join(met), "offer": offer}
            )
        if "km" in ex:
            reasons.append(_("%(km)s km away") % {"km": f"{float(ex['km']):.0f}"})
        if float(ex.get("labour", 0)) > 0:
            reasons.append(
                _("Jobs: %(openings)s positions / %(surplus)s surplus workers")
                % {
                    "openings": member.get("openings", 0),
                    "surplus": village.get("surplus_labour", 0),
                }
            )
        if float(ex.get("market", 0)) > 0 and village.get("products"):
            reasons.append(
                _("Could buy %(products)s (%(employees)s employees)")
                % {"products": _join(village["products"]), "employees": member.get("employees", 0)}
            )
    elif role == "chamber":
        reasons.append(_("The local chamber of the village's town"))
    else:
        if float(ex.get("locality", 0)) >= 1:
            reasons.append(_("Serves the village's town"))
        elif float(ex.get("locality", 0)) > 0:
            reasons.append(_("Serves the whole county"))
        if float(ex.get("kind_fit", 0)) >= 1:
            reasons.append(_("Its kind answers a need of the village"))
    if float(ex.get("continuity", 0) or 0) > 0:
        reasons.append(_("Already a member of the current alliance"))
    if float(ex.get("multiplier", 1) or 1) > 1.001:
        reasons.append(
            _("Priority village (score × %(m)s)") % {"m": f"{float(ex['multiplier']):.2f}"}
        )
    return reasons


def diagnosis_sentences(run, names: dict[str, dict]) -> list[str]:
    """One sentence per cause of an infeasible run, each saying what to do. `names` gives
    the display names of towns and villages by instance id ({"town": {id: name}, …})."""
    diagnosis = (run.result or {}).get("diagnosis") or {}
    if not diagnosis:
        return []
    town = lambda key: names.get("town", {}).get(str(key), str(key))  # noqa: E731
    village = lambda key: names.get("village", {}).get(str(key), str(key))  # noqa: E731
    out: list[str] = []
    for item in diagnosis.get("towns_lacking_chambers") or []:
        out.append(
            _(
                "%(town)s lacks a local chamber of commerce: %(villages)s villages need "
                "%(needed)s chamber places and its chambers offer %(available)s. Register a "
                "chamber for the town first, or relax the programme's rule."
            )
            % {**item, "town": town(item["town"])}
        )
    core = diagnosis.get("core") or {}
    if core.get("short"):
        out.append(
            _(
                "Too few core enterprises: %(needed)s core places are needed and the "
                "%(eligible)s eligible enterprises offer %(available)s. Add FIC-member "
                "enterprises that are in no other alliance, widen the enterprise pool, or "
                "propose for fewer villages."
            )
            % {
                "needed": core["needed"],
                "eligible": core["eligible"],
                "available": core["eligible_capacity"],
            }
        )
    for item in diagnosis.get("roles_short") or []:
        out.append(
            _(
                "Too few enterprises for the “%(role)s” function: %(needed)s places are needed "
                "and %(available)s are offered. Record the function for more enterprises, or "
                "lower the programme's minimum for it."
            )
            % {**item, "role": ROLE_NAMES.get(item["role"], item["role"])}
        )
    # A village left short for a cause named above is that cause again, not news.
    explained_pools = set()
    if core.get("short") or diagnosis.get("roles_short"):
        explained_pools.add("enterprise")
    lacking = {str(i["town"]) for i in diagnosis.get("towns_lacking_chambers") or []}
    shortfalls = [
        item
        for item in diagnosis.get("shortfalls") or []
        if item["pool"] not in explained_pools
        and not (item["pool"] == "chamber" and str(item["town"]) in lacking)
    ]
    for item in shortfalls:
        out.append(
            _(
                "%(village)s (%(town)s) stays %(short)s short in the %(pool)s pool: nothing "
                "eligible is left nearby. Add candidates near it, or leave it out of this run."
            )
            % {
                "village": village(item["village"]),
                "town": town(item["town"]),
                "short": item["short"],
                "pool": POOL_NAMES.get(item["pool"], item["pool"]),
            }
        )
    for message in diagnosis.get("messages") or []:
        found = _PARTNERS_SHORT.match(message)
        if found:
            out.append(
                _(
                    "Too few cooperating units: %(needed)s places are needed and they offer "
                    "%(available)s. Register more cooperating units (banks, academic, social "
                    "units) or let them serve more villages."
                )
                % found.groupdict()
            )
    if not out and diagnosis.get("messages"):
        out.append(
            _(
                "The villages compete for the same few candidates, so no assignment meets every "
                "rule. Add candidates or propose for fewer villages; the solver's detail is below."
            )
        )
    return out


_PARTNERS_SHORT = re.compile(
    r"partners: (?P<needed>\d+) partner slot\(s\) needed but cooperating units offer "
    r"(?P<available>\d+)"
)

ROLE_NAMES = {
    "think_tank": gettext_lazy("think tank"),
    "resource": gettext_lazy("resource group"),
    "innovation": gettext_lazy("innovation group"),
}
POOL_NAMES = {
    "enterprise": gettext_lazy("enterprises"),
    "chamber": gettext_lazy("chambers"),
    "partner": gettext_lazy("cooperating units"),
}
