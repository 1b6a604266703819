"""Orchestration: build the three pool problems, solve, certify, assemble the result."""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np

from . import scoring
from .diagnose import diagnose
from .flow import SlotProblem, pair_thresholds, potentials, solve_flow
from .greedy import solve_greedy
from .mip import solve_mip
from .model import DECIMALS, SCALE, Instance
from .validate import load_instance

#: Model-scored enterprise pairs are generated densely up to this many; beyond it candidates
#: are pruned by geography and the pruning is certified with flow duals.
DENSE_LIMIT = 200_000


def _fmt(q: int | float) -> float:
    return round(q / SCALE, DECIMALS)


def _quant(x: np.ndarray) -> np.ndarray:
    return np.rint(np.asarray(x, dtype=float) * SCALE).astype(np.int64)


class _CoreModel:
    """Model-scored enterprise pairs, dense or geographically pruned."""

    def __init__(self, inst: Instance, elig: list, radius_km: float | None, top_k: int | None):
        self.inst, self.elig = inst, elig
        self.w = inst.weights
        self.va, self.ea = scoring.build_arrays(inst.villages, elig, self.w)
        vid = {v.id: i for i, v in enumerate(inst.villages)}
        eid = {e.id: i for i, e in enumerate(elig)}
        self.cur = {(eid[m], vid[v]) for m, v in inst.current if m in eid}
        V, E = len(inst.villages), len(elig)
        self.dense = V * E <= DENSE_LIMIT and radius_km is None
        self.radius = radius_km or max(self.w["commute_km"], 3.0 * self.w["decay_km"])
        # generous lists: villages of one town compete for the same nearby enterprises
        self.top_k = top_k or max(8 * inst.rules.core, 40)
        self._cur_keys: np.ndarray | None = None

    def scores(self, vi: np.ndarray, ei: np.ndarray) -> np.ndarray:
        s = scoring.enterprise_scores(self.va, self.ea, vi, ei, self.w)
        if self.cur:
            cur = self._cur_mask(vi, ei)
            s = s + self.w["continuity"] * cur
        return _quant(s)

    def _cur_mask(self, vi, ei):
        if self._cur_keys is None:
            self._cur_keys = np.array(
                sorted(v * len(self.elig) + e for e, v in self.cur), dtype=np.int64
            )
        keys = self._cur_keys
        k = vi.astype(np.int64) * len(self.elig) + ei
        pos = np.minimum(np.searchsorted(keys, k), len(keys) - 1)
        return keys[pos] == k

    def all_pairs(self):
        V, E = len(self.inst.villages), len(self.elig)
        vi = np.repeat(np.arange(V, dtype=np.int64), E)
        ei = np.tile(np.arange(E, dtype=np.int64), V)
        return ei, vi, self.scores(vi, ei), None

    def geo_pairs(self, forced: list[tuple[int, int]]):
        """Top-k pairs per village among enterprises within ``radius`` km (grid buckets), plus
        forced pairs; returns also an upper bound (micro-points) on every other pair."""
        va, ea, R, k = self.va, self.ea, self.radius, self.top_k
        lat0 = float(np.mean(va.lat))
        kx = 111.32 * math.cos(math.radians(lat0))
        cell = R
        vx, vy = np.floor(va.lon * kx / cell).astype(np.int64), np.floor(va.lat * 111.32 / cell)
        ex, ey = np.floor(ea.lon * kx / cell).astype(np.int64), np.floor(ea.lat * 111.32 / cell)
        vy, ey = vy.astype(np.int64), ey.astype(np.int64)
        ekey = ex * 1_000_003 + ey
        order = np.argsort(ekey, kind="stable")
        skey = ekey[order]
        V = len(va.lat)
        ub = _quant(scoring.far_bound(va.mult, R, self.w)) + 1
        out_m, out_v, out_q = [], [], []
        vkey = vx * 1_000_003 + vy
        for key in np.unique(vkey):
            vs = np.flatnonzero(vkey == key)
            cx, cy = key // 1_000_003, key % 1_000_003
            if cy > 500_000:  # negative y wrapped by the modulo
                cx, cy = cx + 1, cy - 1_000_003
            es = []
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    kk = (cx + dx) * 1_000_003 + (cy + dy)
                    a, b = np.searchsorted(skey, [kk, kk + 1])
                    if b > a:
                        es.append(order[a:b])
            if not es:
                continue
            es = np.sort(np.concatenate(es))
            # cheap local-planar prefilter (2 % margin), exact great-circle test after
            dy = (ea.lat[es][None, :] - va.lat[vs][:, None]) * 111.32
            dx = (ea.lon[es][None, :] - va.lon[vs][:, None]) * (
                111.32 * np.cos(np.radians(va.lat[vs]))[:, None]
            )
            iv, ie = np.nonzero(dx * dx + dy * dy <= (1.02 * R) ** 2)
            vi, ei = vs[iv], es[ie]
            km = scoring.haversine_km(va.lat[vi], va.lon[vi], ea.lat[ei], ea.lon[ei])
            near = km <= R
            vi, ei = vi[near], ei[near]
            q = self.scores(vi, ei)
            # per village keep the k best; the (k+1)-th bounds the pruned near pairs
            o = np.lexsort((ei, -q, vi))
            vi, ei, q = vi[o], ei[o], q[o]
            first = np.searchsorted(vi, vi, side="left")
            rank = np.arange(len(vi)) - first
            keep = rank < k
            nxt = rank == k
            ub[vi[nxt]] = np.maximum(ub[vi[nxt]], q[nxt])
            out_m.append(ei[keep])
            out_v.append(vi[keep])
            out_q.append(q[keep])
        m = np.concatenate(out_m) if out_m else np.zeros(0, np.int64)
        v = np.concatenate(out_v) if out_v else np.zeros(0, np.int64)
        q = np.concatenate(out_q) if out_q else np.zeros(0, np.int64)
        extra = sorted(set(forced) | self.cur)
        if extra:
            em = np.array([e for e, _ in extra], dtype=np.int64)
            ev = np.array([v for _, v in extra], dtype=np.int64)
            m, v = np.concatenate([m, em]), np.concatenate([v, ev])
            q = np.concatenate([q, self.scores(ev, em)])
            m, v, q = _dedupe(m, v, q, len(self.elig))
        assert len(ub) == V
        return m, v, q, ub


def _dedupe(m, v, q, n_members):
    key = v * n_members + m
    _, idx = np.unique(key, return_index=True)
    idx = np.sort(idx)
    return m[idx], v[idx], q[idx]


def _sort_pairs(m, v, q):
    o = np.lexsort((m, v))
    return m[o], v[o], q[o]


def solve(
    instance: dict[str, Any] | Instance,
    time_limit: float | None = None,
    *,
    mip_gap: float = 0.0,
    radius_km: float | None = None,
    top_k: int | None = None,
    max_pricing_rounds: int = 10,
) -> dict[str, Any]:
    """Solve a matching instance (decoded JSON or :class:`Instance`) and return the result dict.

    ``mip_gap`` (relative) only applies with ``max_same_industry``.  ``radius_km``/``top_k``
    force geographic pruning of model-scored enterprise pairs (otherwise used automatically
    above :data:`DENSE_LIMIT` pairs).
    """
    t0 = time.perf_counter()
    inst = instance if isinstance(instance, Instance) else load_instance(instance)
    r = inst.rules
    w = inst.weights
    V = len(inst.villages)
    vid = {v.id: i for i, v in enumerate(inst.villages)}
    roles = sorted(r.core_roles)
    role_min = [r.core_roles[x] for x in roles]
    elig = [e for e in inst.enterprises if e.core_eligible]
    eid = {e.id: i for i, e in enumerate(elig)}
    pool_of = inst.pool_of()
    fixed_issues: list[str] = []
    stats: dict[str, Any] = {}

    # ---------- fixed pairs per pool
    fixed_by_pool: dict[str, list[tuple[int, int]]] = {
        "enterprise": [],
        "chamber": [],
        "partner": [],
    }
    ch_idx = {c.id: i for i, c in enumerate(inst.chambers)}
    pa_idx = {p.id: i for i, p in enumerate(inst.partners)}
    for mid, v in inst.fixed:
        pool = pool_of[mid]
        if pool == "enterprise":
            if mid not in eid:
                fixed_issues.append(f"fixed pair [{mid!r}, {v!r}]: enterprise is not core_eligible")
                continue
            fixed_by_pool[pool].append((eid[mid], vid[v]))
        elif pool == "chamber":
            fixed_by_pool[pool].append((ch_idx[mid], vid[v]))
        else:
            fixed_by_pool[pool].append((pa_idx[mid], vid[v]))

    # ---------- core enterprise pairs
    role_bits = {x: i for i, x in enumerate(roles)}
    member_roles = np.array(
        [sum(1 << role_bits[x] for x in set(e.roles) if x in role_bits) for e in elig],
        dtype=np.int64,
    )
    ind_names = sorted({e.industry for e in elig if e.industry is not None})
    ind_id = {x: i for i, x in enumerate(ind_names)}
    industry = np.array([ind_id.get(e.industry, -1) for e in elig], dtype=np.int64)
    core_model: _CoreModel | None = None
    far_ub = None
    if "enterprise" in inst.scores:
        rows = [(eid[m], vid[v], s) for (m, v), s in inst.scores["enterprise"].items() if m in eid]
        cm = np.array([x[0] for x in rows], dtype=np.int64)
        cv = np.array([x[1] for x in rows], dtype=np.int64)
        cq = _quant([x[2] for x in rows]) if rows else np.zeros(0, np.int64)
    else:
        core_model = _CoreModel(inst, elig, radius_km, top_k)
        if core_model.dense:
            cm, cv, cq, _ = core_model.all_pairs()
        else:
            cm, cv, cq, far_ub = core_model.geo_pairs(fixed_by_pool["enterprise"])
    cm, cv, cq = _sort_pairs(cm, cv, cq)

    def pool_problem(pool, n_members, cap, lo, hi, rmin, mroles, m, v, q) -> SlotProblem:
        key = v * max(n_members, 1) + m
        fx = []
        for mm, vv in fixed_by_pool[pool]:
            pos = np.searchsorted(key, vv * max(n_members, 1) + mm)
            if pos < len(key) and key[pos] == vv * max(n_members, 1) + mm:
                fx.append(pos)
            else:
                fixed_issues.append(
                    f"fixed pair [{_mid(pool, mm)!r}, {inst.villages[vv].id!r}] is not an "
                    f"allowed {pool} pair (wrong town or no score listed)"
                )
        return SlotProblem(
            pool=pool,
            n_members=n_members,
            cap=cap,
            n_villages=V,
            lo=lo,
            hi=hi,
            role_min=rmin,
            member_roles=mroles,
            m=m,
            v=v,
            q=q,
            fixed=np.array(sorted(fx), dtype=np.int64),
        )

    def _mid(pool, i):
        return {"enterprise": elig, "chamber": inst.chambers, "partner": inst.partners}[pool][i].id

    problems: dict[str, SlotProblem] = {}
    problems["enterprise"] = pool_problem(
        "enterprise",
        len(elig),
        np.array([e.capacity for e in elig], dtype=np.int64),
        r.core,
        r.core,
        role_min,
        member_roles,
        cm,
        cv,
        cq,
    )

    # ---------- chambers and partners (small: Python loops are fine)
    ch_expl: dict[tuple[int, int], dict] = {}
    rows = []
    by_town: dict[str, list[int]] = {}
    for i, c in enumerate(inst.chambers):
        by_town.setdefault(c.town, []).append(i)
    table = inst.scores.get("chamber")
    for j, vil in enumerate(inst.villages):
        for i in by_town.get(vil.town, []):
            c = inst.chambers[i]
            if table is not None:
                if (c.id, vil.id) not in table:
                    continue
                s, ex = table[(c.id, vil.id)], {"source": "instance"}
            else:
                s, ex = scoring.chamber_score(vil, w, (c.id, vil.id) in inst.current)
            rows.append((i, j, s))
            ch_expl[(i, j)] = ex
    problems["chamber"] = pool_problem(
        "chamber",
        len(inst.chambers),
        np.array([c.capacity for c in inst.chambers], np.int64),
        r.chamber,
        r.chamber,
        [],
        np.zeros(len(inst.chambers), np.int64),
        *_sort_pairs(*_arr3(rows)),
    )
    pa_expl: dict[tuple[int, int], dict] = {}
    rows = []
    table = inst.scores.get("partner")
    v_by_town: dict[str, list[int]] = {}
    for j, vil in enumerate(inst.villages):
        v_by_town.setdefault(vil.town, []).append(j)
    for i, p in enumerate(inst.partners):
        if p.towns is None:
            reach = range(V)
        else:
            reach = sorted({j for t in set(p.towns) for j in v_by_town.get(t, [])})
        for j in reach:
            vil = inst.villages[j]
            if table is not None:
                if (p.id, vil.id) not in table:
                    continue
                s, ex = table[(p.id, vil.id)], {"source": "instance"}
            else:
                s, ex = scoring.partner_score(vil, p, w, (p.id, vil.id) in inst.current)
            rows.append((i, j, s))
            pa_expl[(i, j)] = ex
    problems["partner"] = pool_problem(
        "partner",
        len(inst.partners),
        np.array([p.capacity for p in inst.partners], np.int64),
        r.partners[0],
        r.partners[1],
        [],
        np.zeros(len(inst.partners), np.int64),
        *_sort_pairs(*_arr3(rows)),
    )

    # ---------- solve each pool
    chosen: dict[str, np.ndarray] = {}
    bounds: dict[str, int] = {}
    status = "optimal"
    industry_issue: list[str] = []
    infeasible = bool(fixed_issues)
    for pool in ("chamber", "partner"):
        p = problems[pool]
        res = solve_flow(p)
        if not res.feasible:
            infeasible = True
            continue
        ch = res.chosen
        if pool == "partner":
            ch = _drop_useless_optional(p, ch)
        chosen[pool] = ch
        bounds[pool] = int(p.q[ch].sum())

    # Always solved, even when another pool failed, so the diagnosis covers every pool.
    p = problems["enterprise"]
    core = _solve_core(
        p,
        core_model,
        far_ub,
        industry,
        r.max_same_industry,
        time_limit,
        t0,
        mip_gap,
        max_pricing_rounds,
        stats,
    )
    if core is None:
        infeasible = True
        if r.max_same_industry is not None:
            industry_issue = _industry_issues(inst, p, industry, r.max_same_industry)
    else:
        ch, bound, st, problems["enterprise"] = core
        chosen["enterprise"], bounds["enterprise"] = ch, bound
        if st != "optimal":
            status = "feasible"

    seconds = round(time.perf_counter() - t0, 3)
    if infeasible:
        return {
            "status": "infeasible",
            "objective": None,
            "bound": None,
            "gap": None,
            "alliances": [],
            "diagnosis": diagnose(inst, problems, roles, fixed_issues, industry_issue),
            "seconds": seconds,
        }

    # ---------- assemble
    per_v: list[dict[str, list]] = [{"core": [], "chamber": [], "partners": []} for _ in range(V)]
    vq = np.zeros(V, dtype=np.int64)
    key_of = {"enterprise": "core", "chamber": "chamber", "partner": "partners"}
    for pool in ("enterprise", "chamber", "partner"):
        p = problems[pool]
        idx = np.flatnonzero(chosen[pool])
        np.add.at(vq, p.v[idx], p.q[idx])
        if pool == "enterprise" and core_model is not None and len(idx):
            comp = scoring.enterprise_components(
                core_model.va, core_model.ea, p.v[idx], p.m[idx], w
            )
        for n, j in enumerate(idx):
            m, v = int(p.m[j]), int(p.v[j])
            if pool == "enterprise":
                mid = elig[m].id
                if core_model is not None:
                    ex = {
                        k: round(float(comp[k][n]), 4)
                        for k in ("need", "market", "labour", "distance", "multiplier")
                    }
                    ex["km"] = round(float(comp["km"][n]), 2)
                    ex["continuity"] = 1.0 if (m, v) in core_model.cur else 0.0
                else:
                    ex = {"source": "instance"}
            elif pool == "chamber":
                mid, ex = inst.chambers[m].id, dict(ch_expl[(m, v)])
            else:
                mid, ex = inst.partners[m].id, dict(pa_expl[(m, v)])
            ex["score"] = _fmt(int(p.q[j]))
            if (mid, inst.villages[v].id) in set(inst.fixed):
                ex["fixed"] = True
            per_v[v][key_of[pool]].append((-int(p.q[j]), mid, ex))

    alliances = []
    for i, vil in enumerate(inst.villages):
        a: dict[str, Any] = {"village": vil.id}
        expl: dict[str, Any] = {}
        for k in ("core", "chamber", "partners"):
            items = sorted(per_v[i][k], key=lambda x: (x[0], x[1]))
            a[k] = [x[1] for x in items]
            expl[k] = {x[1]: x[2] for x in items}
        a["score"] = _fmt(int(vq[i]))
        a["explanation"] = expl
        alliances.append(a)
    obj = int(vq.sum())
    bound = sum(bounds.values())
    return {
        "status": status,
        "objective": _fmt(obj),
        "bound": _fmt(max(bound, obj)),
        "gap": round((bound - obj) / abs(bound), 6) if bound else 0.0,
        "alliances": alliances,
        "diagnosis": None,
        "pools": {
            pool: {
                "objective": _fmt(int(problems[pool].q[chosen[pool]].sum())),
                "bound": _fmt(max(bounds[pool], int(problems[pool].q[chosen[pool]].sum()))),
            }
            for pool in ("enterprise", "chamber", "partner")
        },
        "certificate": stats.get("certificate"),
        "seconds": seconds,
    }


def _arr3(rows):
    if not rows:
        z = np.zeros(0, np.int64)
        return z, z.copy(), z.copy()
    return (
        np.array([x[0] for x in rows], np.int64),
        np.array([x[1] for x in rows], np.int64),
        _quant([x[2] for x in rows]),
    )


def _drop_useless_optional(p: SlotProblem, ch: np.ndarray) -> np.ndarray:
    """Optional members (beyond ``lo``) are kept only if they score > 0: zero-score extras are
    ties for the flow, so drop them deterministically (dropping keeps feasibility)."""
    ch = ch.copy()
    fixed = np.zeros(len(ch), bool)
    fixed[p.fixed] = True
    count = np.bincount(p.v[ch], minlength=p.n_villages)
    for j in np.flatnonzero(ch & (p.q <= 0) & ~fixed)[::-1]:
        v = p.v[j]
        if count[v] > p.lo:
            ch[j] = False
            count[v] -= 1
    return ch


def _industry_issues(inst, p: SlotProblem, industry, msi) -> list[str]:
    out = []
    for vi, vil in enumerate(inst.villages):
        sel = p.m[p.v == vi]
        ind = industry[sel]
        cap = int((ind < 0).sum()) + sum(
            min(msi, int(c)) for c in np.unique(ind[ind >= 0], return_counts=True)[1]
        )
        if cap < inst.rules.core:
            out.append(
                f"core: village {vil.id!r}: with at most {msi} per industry only {cap} of "
                f"{inst.rules.core} core slots can be filled"
            )
    if not out:
        out.append(
            f"core: max_same_industry={msi} together with capacities and role minima "
            "leaves no feasible choice (the problem without the industry limit is "
            "feasible)"
        )
    return out


def _solve_core(p, core_model, far_ub, industry, msi, time_limit, t0, mip_gap, rounds, stats):
    """Returns (chosen, bound, status, problem actually solved) or None if infeasible."""
    if msi is None:
        if far_ub is None:
            res = solve_flow(p)
            if not res.feasible:
                return None
            return res.chosen, res.objective, "optimal", p
        out = _solve_pruned(p, core_model, far_ub, rounds, stats)
        # Too few candidates can make the restricted problem infeasible although the full one
        # is not: widen the candidate lists, and finally try every pair if that fits.
        for widen in (2, 4):
            if out is not None:
                return out
            core_model.top_k *= widen
            m, v, q, far_ub = core_model.geo_pairs(_fixed_pairs(p))
            p = _with_pairs(
                p, *_sort_pairs(m, v, q), fixed_keys=p.v[p.fixed] * p.n_members + p.m[p.fixed]
            )
            out = _solve_pruned(p, core_model, far_ub, rounds, stats)
        if out is None and p.n_villages * p.n_members <= 4 * DENSE_LIMIT:
            m, v, q, _ = core_model.all_pairs()
            p = _with_pairs(
                p, *_sort_pairs(m, v, q), fixed_keys=p.v[p.fixed] * p.n_members + p.m[p.fixed]
            )
            res = solve_flow(p)
            return None if not res.feasible else (res.chosen, res.objective, "optimal", p)
        return out
    if far_ub is None:
        relax = solve_flow(p)
        if not relax.feasible:
            return None
        relax_bound = relax.objective
    else:
        # Certified flow optimum over *all* pairs (industry limit relaxed) bounds every
        # solution, including those using pruned pairs; the MIP then runs on the candidates.
        out = _solve_core(
            p, core_model, far_ub, industry, None, time_limit, t0, mip_gap, rounds, stats
        )
        if out is None:
            return None
        _, relax_bound, _, p = out
        relax = None
    left = None if time_limit is None else max(0.5, time_limit - (time.perf_counter() - t0))
    mr = solve_mip(
        n_villages=p.n_villages,
        n_members=p.n_members,
        cap=p.cap,
        core=p.lo,
        role_min=p.role_min,
        member_roles=p.member_roles,
        industry=industry,
        msi=msi,
        m=p.m,
        v=p.v,
        q=p.q,
        fixed=p.fixed,
        time_limit=left,
        mip_gap=mip_gap,
    )
    if mr.status == "infeasible":
        return None
    if mr.status == "unknown":
        ok, ch = solve_greedy(p, industry, msi)
        if not ok:
            return None
        obj = int(p.q[ch].sum())
        return ch, max(relax_bound, obj), "feasible", p
    if relax is None:  # pruned candidates: the MIP's own bound covers only them
        bound = relax_bound
        src = "certified flow relaxation (industry limit dropped) over all pairs"
    else:
        bound = relax_bound if mr.bound is None else min(mr.bound, relax_bound)
        src = "min(HiGHS dual bound, flow relaxation)"
    bound = max(bound, mr.objective)
    stats["certificate"] = {
        **(stats.get("certificate") or {}),
        "mip": "HiGHS",
        "bound_source": src,
        "mip_status": mr.status,
    }
    return mr.chosen, bound, "optimal" if bound == mr.objective else "feasible", p


def _solve_pruned(p: SlotProblem, cmod: _CoreModel, far_ub: np.ndarray, rounds: int, stats):
    """Flow on geographic candidates, then price every pruned pair with the flow duals; add
    violators and repeat.  Certified optimal when no pruned pair can improve."""
    R = len(p.role_min)
    E = p.n_members
    mask_e = p.member_roles
    added_total = 0
    for it in range(rounds):
        res = solve_flow(p, keep_arcs=True)
        if not res.feasible:
            return None
        d = potentials(res)
        dm = d[res.member_node]
        thr = pair_thresholds(res, d, mask_e, R)  # (V, 2**R)
        min_d = np.full(1 << R, np.iinfo(np.int64).max // 4, dtype=np.int64)
        np.minimum.at(min_d, mask_e, dm)
        # screen: the loosest price any pruned pair at v must beat, per role class
        present = np.unique(mask_e)
        slack = (min_d[present][None, :] - thr[:, present]).min(axis=1)
        flagged = np.flatnonzero(far_ub > slack)
        new_m, new_v = [], []
        max_viol = np.zeros(p.n_villages, dtype=np.int64)
        key = np.sort(p.v * E + p.m)
        for start in range(0, len(flagged), max(1, 4_000_000 // max(E, 1))):
            vs = flagged[start : start + max(1, 4_000_000 // max(E, 1))]
            vi = np.repeat(vs, E)
            ei = np.tile(np.arange(E, dtype=np.int64), len(vs))
            q = cmod.scores(vi, ei)
            viol = q - (dm[ei] - thr[vi, mask_e[ei]])
            k = vi * E + ei
            pos = np.minimum(np.searchsorted(key, k), len(key) - 1)
            pruned = key[pos] != k
            bad = pruned & (viol > 0)
            np.maximum.at(max_viol, vi[bad], viol[bad])
            new_m.append(ei[bad])
            new_v.append(vi[bad])
        n_new = int(sum(len(x) for x in new_m))
        stats["certificate"] = {
            "method": "flow duals (Bellman-Ford potentials), pruned pairs priced",
            "rounds": it + 1,
            "candidate_pairs": int(len(p.q)),
            "villages_screened_out": int(p.n_villages - len(flagged)),
            "villages_priced_exactly": int(len(flagged)),
            "pairs_added": added_total,
            "violations_left": n_new,
        }
        if n_new == 0:
            return res.chosen, res.objective, "optimal", p
        if it == rounds - 1:
            # z* <= z + sum over villages of hi x (largest improvement of a pruned pair there)
            bound = res.objective + int((max_viol * p.hi).sum())
            return res.chosen, bound, "feasible", p
        nm, nv = np.concatenate(new_m), np.concatenate(new_v)
        added_total += len(nm)
        m = np.concatenate([p.m, nm])
        v = np.concatenate([p.v, nv])
        q = np.concatenate([p.q, cmod.scores(nv, nm)])
        p = _with_pairs(p, *_sort_pairs(m, v, q), fixed_keys=p.v[p.fixed] * E + p.m[p.fixed])
    raise AssertionError("unreachable")


def _fixed_pairs(p: SlotProblem) -> list[tuple[int, int]]:
    return [(int(p.m[j]), int(p.v[j])) for j in p.fixed]


def _with_pairs(p: SlotProblem, m, v, q, fixed_keys) -> SlotProblem:
    """Same problem over a new (sorted, deduplicated) pair list; fixed pairs re-indexed."""
    m, v, q = _dedupe(m, v, q, p.n_members)
    m, v, q = _sort_pairs(m, v, q)
    kk = v * p.n_members + m
    return SlotProblem(
        pool=p.pool,
        n_members=p.n_members,
        cap=p.cap,
        n_villages=p.n_villages,
        lo=p.lo,
        hi=p.hi,
        role_min=p.role_min,
        member_roles=p.member_roles,
        m=m,
        v=v,
        q=q,
        fixed=np.searchsorted(kk, np.sort(fixed_keys)),
    )
