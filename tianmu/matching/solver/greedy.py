"""Greedy baseline: best pair first.

Pairs are taken in decreasing score order (ties by input order) whenever the member has
capacity left, the village has room, the industry limit holds and taking a role-less member
still leaves room for the village's unmet role minima.  Fixed pairs are taken first.  It is a
benchmark baseline and a fallback incumbent, with no optimality claim; it can fail to fill a
village even when the instance is feasible.
"""

from __future__ import annotations

import numpy as np

from .flow import SlotProblem


def solve_greedy(
    p: SlotProblem, industry: np.ndarray | None = None, msi: int | None = None
) -> tuple[bool, np.ndarray]:
    """Return ``(every village filled to its minimum, chosen mask over pairs)``."""
    R = len(p.role_min)
    cap = p.cap.astype(np.int64).copy()
    count = np.zeros(p.n_villages, dtype=np.int64)
    unmet = np.tile(np.asarray(p.role_min, dtype=np.int64), (p.n_villages, 1))
    ind_count: dict[tuple[int, int], int] = {}
    chosen = np.zeros(len(p.q), dtype=bool)
    used: set[tuple[int, int]] = set()

    def take(j: int, force: bool) -> bool:
        m, v = int(p.m[j]), int(p.v[j])
        if (m, v) in used:
            return False
        if not force:
            if cap[m] <= 0 or count[v] >= p.hi:
                return False
            if count[v] >= p.lo and p.q[j] <= 0:
                return False  # optional members only when they add value
        roles = int(p.member_roles[m])
        covers = [r for r in range(R) if roles >> r & 1 and unmet[v, r] > 0]
        if not force and not covers and p.hi - count[v] - 1 < unmet[v].sum():
            return False
        if industry is not None and msi is not None and industry[m] >= 0:
            k = (v, int(industry[m]))
            if not force and ind_count.get(k, 0) >= msi:
                return False
            ind_count[k] = ind_count.get(k, 0) + 1
        if covers:
            # fill the scarcest unmet role first
            r = max(covers, key=lambda r: (unmet[v, r], -r))
            unmet[v, r] -= 1
        cap[m] -= 1
        count[v] += 1
        chosen[j] = True
        used.add((m, v))
        return True

    for j in p.fixed:
        take(int(j), force=True)
    for j in np.argsort(-p.q, kind="stable"):
        take(int(j), force=False)
    ok = bool((count >= p.lo).all() and (unmet <= 0).all() and (cap >= 0).all())
    return ok, chosen
