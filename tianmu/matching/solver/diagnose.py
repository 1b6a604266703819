"""Explain an infeasible instance.

Counting checks first (they give the clearest messages: which towns lack chambers, how many
core-eligible enterprises or which role is short), then, for what counting cannot explain
(capacity conflicts between villages), a least-shortfall flow (:func:`flow.solve_flow` with
``slack``) that names every village left short and by how many slots of which kind.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np

from .flow import SlotProblem, solve_flow


def diagnose(
    inst,
    problems: dict[str, SlotProblem],
    roles: list[str],
    fixed_issues: list[str],
    industry_issue: list[str],
) -> dict:
    r = inst.rules
    V = len(inst.villages)
    messages: list[str] = list(fixed_issues) + list(industry_issue)
    out: dict = {"messages": messages, "fixed": fixed_issues}

    # chambers per town
    need_town = Counter(v.town for v in inst.villages)
    cap_town: dict[str, int] = defaultdict(int)
    for c in inst.chambers:
        cap_town[c.town] += c.capacity
    lacking = []
    for town in sorted(need_town):
        needed = need_town[town] * r.chamber
        if cap_town.get(town, 0) < needed:
            lacking.append(
                {
                    "town": town,
                    "villages": need_town[town],
                    "needed": needed,
                    "available": cap_town.get(town, 0),
                }
            )
            messages.append(
                f"town {town!r}: {need_town[town]} village(s) need {needed} chamber slot(s), "
                f"its chambers offer {cap_town.get(town, 0)}"
            )
    out["towns_lacking_chambers"] = lacking

    elig = [e for e in inst.enterprises if e.core_eligible]
    needed = V * r.core
    avail = sum(e.capacity for e in elig)
    out["core"] = {
        "eligible": len(elig),
        "eligible_capacity": avail,
        "needed": needed,
        "short": max(0, needed - avail),
    }
    if avail < needed:
        messages.append(
            f"core: {V} village(s) x {r.core} = {needed} core slots but only {len(elig)} "
            f"core-eligible enterprise(s) with total capacity {avail} (short {needed - avail})"
        )
    if sum(r.core_roles.values()) > r.core:
        messages.append(
            f"core: role minima {dict(r.core_roles)} need {sum(r.core_roles.values())} distinct "
            f"enterprises but a village has only {r.core} core slots"
        )
    roles_short = []
    for role, mn in r.core_roles.items():
        have = sum(e.capacity for e in elig if role in e.roles)
        if have < V * mn:
            roles_short.append({"role": role, "needed": V * mn, "available": have})
            messages.append(
                f"core: role {role!r} needs {V * mn} slot(s) ({mn} per village) but core-eligible "
                f"enterprises with that role offer {have}"
            )
    out["roles_short"] = roles_short

    p_lo = r.partners[0]
    pcap = sum(p.capacity for p in inst.partners)
    if pcap < V * p_lo:
        messages.append(
            f"partners: {V * p_lo} partner slot(s) needed but cooperating units offer {pcap}"
        )

    # Least-shortfall flows name the villages that stay short in every pool.
    shortfalls = []
    for pool, p in problems.items():
        res = solve_flow(p, slack=True)
        if res.slack is None:
            continue
        for vi in np.flatnonzero(res.slack.sum(axis=1)):
            row = res.slack[vi]
            vil = inst.villages[vi]
            item = {"pool": pool, "village": vil.id, "town": vil.town, "short": int(row.sum())}
            parts = []
            if row[0]:
                parts.append(
                    f"{int(row[0])} {'free ' if roles and pool == 'enterprise' else ''}slot(s)"
                )
            if pool == "enterprise":
                by_role = {roles[k]: int(row[1 + k]) for k in range(len(roles)) if row[1 + k]}
                if by_role:
                    item["roles"] = by_role
                    parts.extend(f"{n} {role!r} slot(s)" for role, n in by_role.items())
            shortfalls.append(item)
            messages.append(
                f"{pool}: village {vil.id!r} (town {vil.town!r}) stays short of " + ", ".join(parts)
            )
    out["shortfalls"] = shortfalls
    if not messages:
        messages.append("no feasible assignment exists (capacity conflict between villages)")
    return out
