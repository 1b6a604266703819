"""Core-enterprise selection with ``max_same_industry`` as a MIP solved by HiGHS.

Binary ``x[j]`` per allowed (enterprise, village) pair ``j``; maximise ``sum q[j] x[j]`` s.t.

* ``sum_{j in v} x[j] = core``                                   per village
* ``sum_{j in m} x[j] <= capacity[m]``                           per enterprise
* ``sum_{j in v, roles(m_j) & S} x[j] >= sum_{r in S} min_r``    per village, per role subset S
* ``sum_{j in v, industry(m_j) = i} x[j] <= max_same_industry``  per village, per industry
* ``x[j] = 1`` for fixed pairs.

The role rows are Hall's condition for matching the role slots to distinct chosen enterprises,
which is exact and needs no assignment variables (2**R - 1 rows per village; R is small).
Objective coefficients are in score units (``q / SCALE``) for numerical health; the reported
objective is recomputed exactly from the chosen pairs, and the bound is HiGHS' dual bound
rounded *down* to a micro-point only after a safety margin, so it never under-states.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import highspy
import numpy as np

from .model import SCALE


@dataclass
class MipResult:
    status: str  # "optimal" | "feasible" | "infeasible" | "unknown"
    chosen: np.ndarray | None
    objective: int
    bound: int | None


def solve_mip(
    *,
    n_villages: int,
    n_members: int,
    cap: np.ndarray,
    core: int,
    role_min: list[int],
    member_roles: np.ndarray,
    industry: np.ndarray,  # int per member, -1 = none
    msi: int,
    m: np.ndarray,
    v: np.ndarray,
    q: np.ndarray,
    fixed: np.ndarray,
    time_limit: float | None,
    mip_gap: float = 0.0,
) -> MipResult:
    V, M, R = n_villages, n_members, len(role_min)
    n = len(q)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    lower: list[np.ndarray] = []
    upper: list[np.ndarray] = []
    j = np.arange(n, dtype=np.int64)
    nrow = 0

    def block(row_of_col: np.ndarray, col: np.ndarray, n_rows: int, lo, hi) -> None:
        nonlocal nrow
        rows.append(row_of_col + nrow)
        cols.append(col)
        lower.append(np.broadcast_to(np.asarray(lo, dtype=float), (n_rows,)))
        upper.append(np.broadcast_to(np.asarray(hi, dtype=float), (n_rows,)))
        nrow += n_rows

    block(v, j, V, core, core)
    block(m, j, M, -np.inf, cap.astype(float))
    mask = member_roles[m]
    for s in range(1, 1 << R):
        need = sum(role_min[r] for r in range(R) if s >> r & 1)
        sel = (mask & s) != 0
        block(v[sel], j[sel], V, need, np.inf)
    ind = industry[m]
    has = ind >= 0
    if has.any():
        # one row per (village, industry) that has more candidates than allowed
        key = v[has] * (int(ind.max()) + 1) + ind[has]
        uniq, inv, counts = np.unique(key, return_inverse=True, return_counts=True)
        keep = counts[inv] > msi
        if keep.any():
            sub_uniq, sub_inv = np.unique(inv[keep], return_inverse=True)
            block(sub_inv, j[has][keep], len(sub_uniq), -np.inf, msi)

    row = np.concatenate(rows)
    col = np.concatenate(cols)
    order = np.lexsort((row, col))
    row, col = row[order], col[order]
    start = np.searchsorted(col, np.arange(n + 1))

    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = nrow
    lp.col_cost_ = (q / SCALE).astype(float)
    col_lower = np.zeros(n)
    col_lower[fixed] = 1.0
    lp.col_lower_ = col_lower
    lp.col_upper_ = np.ones(n)
    lp.row_lower_ = np.concatenate(lower)
    lp.row_upper_ = np.concatenate(upper)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = start.astype(np.int32)
    lp.a_matrix_.index_ = row.astype(np.int32)
    lp.a_matrix_.value_ = np.ones(len(row))
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", 0)
    h.setOptionValue("threads", 1)
    h.setOptionValue("mip_rel_gap", float(mip_gap))
    # scores are multiples of 1/SCALE, so an absolute gap below one micro-point proves optimality
    h.setOptionValue("mip_abs_gap", 0.5 / SCALE)
    if time_limit is not None:
        h.setOptionValue("time_limit", float(max(time_limit, 0.01)))
    h.passModel(lp)
    h.run()
    ms = h.getModelStatus()
    if ms == highspy.HighsModelStatus.kInfeasible:
        return MipResult("infeasible", None, 0, None)
    info = h.getInfo()
    if info.primal_solution_status != 2:  # no feasible point (e.g. time limit hit first)
        return MipResult("unknown", None, 0, None)
    x = np.asarray(h.getSolution().col_value)
    chosen = x > 0.5
    obj = int(q[chosen].sum())
    db = info.mip_dual_bound
    if ms == highspy.HighsModelStatus.kOptimal and mip_gap == 0:
        bound = obj  # proven: the absolute gap is below one micro-point
    elif not math.isfinite(db):
        bound = None
    else:
        # HiGHS works to ~1e-9 relative feasibility; a 1e-6 relative pad keeps the bound valid.
        bound = int(math.floor(db * SCALE + 1e-6 * max(1.0, abs(db * SCALE))))
        bound = max(bound, obj)
    status = "optimal" if bound == obj else "feasible"
    return MipResult(status, chosen, obj, bound)
