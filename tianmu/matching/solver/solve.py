"""Orchestration: build the three pool problems, solve, certify, assemble the result."""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np

from . import scoring
from .diagnose import diagnose
from .flow import SlotProblem, add_pair_arcs, potentials, slot_prices, solve_flow, tighten
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


class _Grid:
    """Eligible enterprises bucketed in (lat, lon) cells for exact radius queries.

    Cells are ``cell_km`` high (in latitude) and ``cell_km / cos(lat_max)`` wide (in longitude),
    where ``lat_max`` is the largest ``|lat|`` of any point.  A pair within ``r`` km differs by
    at most ``r / EARTH_KM`` radians in latitude and, because the haversine term is at least
    ``cos(lat1) cos(lat2) sin^2(dlon/2)``, by at most ``2 asin(sin(r / 2 EARTH_KM) / cos(lat_max))``
    in longitude.  A query scans every cell within those extents (one contiguous key range per
    cell row) and then applies the exact great-circle test, so no pair within ``r`` is missed.
    """

    def __init__(self, va: scoring.VillageArrays, ea: scoring.EnterpriseArrays, cell_km: float):
        self.va, self.ea = va, ea
        lat = np.concatenate([va.rlat, ea.rlat])
        lon = np.concatenate([va.rlon, ea.rlon])
        self.cmin = max(float(np.cos(np.abs(lat).max())), 1e-9) if len(lat) else 1.0
        self.cell = cell_km
        self.dlat = cell_km / scoring.EARTH_KM
        self.dlon = cell_km / (scoring.EARTH_KM * self.cmin)
        # longitudes straddling the antimeridian: scan whole rows (correct, just slower)
        self.wrap = bool(len(lon) and lon.max() - lon.min() > math.pi)
        y0 = math.floor(lat.min() / self.dlat) if len(lat) else 0
        x0 = math.floor(lon.min() / self.dlon) if len(lon) else 0
        self.H = (math.floor(lat.max() / self.dlat) - y0 + 1) if len(lat) else 1
        self.W = (math.floor(lon.max() / self.dlon) - x0 + 1) if len(lon) else 1
        ey = np.floor(ea.rlat / self.dlat).astype(np.int64) - y0
        ex = np.floor(ea.rlon / self.dlon).astype(np.int64) - x0
        key = ey * self.W + ex
        self.order = np.argsort(key, kind="stable")
        self.skey = key[self.order]
        self.vy = np.floor(va.rlat / self.dlat).astype(np.int64) - y0
        self.vx = np.floor(va.rlon / self.dlon).astype(np.int64) - x0

    def pairs(self, vs: np.ndarray, r_km: float, max_pairs: int = 3_000_000):
        """Yield chunks ``(vi, ei, hav)`` of every pair with a village in ``vs`` (ascending) and
        great-circle distance <= ``r_km`` (hav is the haversine term); grouped by village."""
        ny = math.ceil(r_km / self.cell - 1e-9)
        sx = math.sin(r_km / (2 * scoring.EARTH_KM)) / self.cmin
        wide = self.wrap or sx >= 1
        nx = self.W if wide else math.ceil(2 * math.asin(sx) / self.dlon - 1e-9)
        dy = np.arange(-ny, ny + 1, dtype=np.int64)
        rows = self.vy[vs][:, None] + dy[None, :]
        xlo, xhi = self.vx[vs] - nx, self.vx[vs] + nx
        ok = (rows >= 0) & (rows < self.H) & ((xhi >= 0) & (xlo < self.W))[:, None]
        xlo, xhi = np.clip(xlo, 0, self.W - 1), np.clip(xhi, 0, self.W - 1)
        start = np.searchsorted(self.skey, rows * self.W + xlo[:, None])
        stop = np.searchsorted(self.skey, rows * self.W + xhi[:, None] + 1)
        lens = np.where(ok, stop - start, 0)
        per_v = lens.sum(axis=1)
        hmax = scoring.km_to_hav(r_km) * (1 + 1e-9)
        i = 0
        while i < len(vs):
            c = np.cumsum(per_v[i:])
            j = i + max(1, int(np.searchsorted(c, max_pairs, side="right")))
            ln = lens[i:j].ravel()
            st = start[i:j].ravel()
            n = int(ln.sum())
            vi = np.repeat(vs[i:j], per_v[i:j])
            off = np.repeat(st - (np.cumsum(ln) - ln), ln) + np.arange(n, dtype=np.int64)
            ei = self.order[off]
            h = scoring.pair_hav(self.va, self.ea, vi, ei)
            near = h <= hmax
            yield vi[near], ei[near], h[near]
            i = j


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
        # R: exact pricing radius (beyond it the far bound is tiny); near_km: first-pass radius
        self.radius = radius_km or max(self.w["commute_km"], 3.0 * self.w["decay_km"])
        self.near_km = min(self.radius, 1.5 * self.w["decay_km"])
        # candidate lists: up to top_k per village; the capacity-aware selection keeps at least
        # min_k of them and more where the nearby capacity is contested (see select())
        self.top_k = top_k or max(8 * inst.rules.core, 40)
        self.min_k = min(self.top_k, 5 * inst.rules.core)
        self.share_target = 0.5
        self.role_k = 4
        self.price_margin = int(0.02 * SCALE)
        self.cap = np.array([e.capacity for e in elig], dtype=np.int64)
        roles = sorted(inst.rules.core_roles)
        self.role_min = [inst.rules.core_roles[r] for r in roles]
        self.holds = np.array([[r in e.roles for r in roles] for e in elig], dtype=bool).reshape(
            len(elig), len(roles)
        )
        self._cur_keys: np.ndarray | None = None
        self._grid: _Grid | None = None

    @property
    def grid(self) -> _Grid:
        if self._grid is None:
            # cells a quarter of the first-pass radius (+0.1 % so that the scanned extents
            # round to whole cells): about 1.8x the circle's area is scanned
            self._grid = _Grid(self.va, self.ea, self.near_km / 4 * 1.001)
        return self._grid

    def scores(self, vi: np.ndarray, ei: np.ndarray, km=None) -> np.ndarray:
        """Quantised model scores, continuity bonus included."""
        s = scoring.enterprise_scores(self.va, self.ea, vi, ei, self.w, km)
        if self.cur:
            cur = self._cur_mask(vi, ei)
            s = s + self.w["continuity"] * cur
        return _quant(s)

    def base_scores(self, vi, ei, km=None) -> np.ndarray:
        """Quantised model scores without the continuity bonus (current pairs are always
        candidates, so every pruned pair scores exactly this)."""
        return _quant(scoring.enterprise_scores(self.va, self.ea, vi, ei, self.w, km))

    def far_ub(self, r_km: float) -> np.ndarray:
        """Per village, upper bound (micro-points, +1 for rounding) on pairs beyond ``r_km``."""
        return _quant(scoring.far_bound(self.va, r_km, self.w)) + 1

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

    def _top_k(self, vs, r_km, k, bound):
        """Best ``k`` pairs within ``r_km`` of each village in ``vs``.  Returns the kept pairs
        (m, v, base score), and per village of ``vs``: the (k+1)-th best base score maxed with
        ``bound`` (a bound on every pruned pair, given that ``bound`` bounds the pairs beyond
        ``r_km``), and the k-th best (-1 if fewer than k)."""
        out_m, out_v, out_q = [], [], []
        V = len(self.va.lat)
        ub = bound.copy()
        kth = np.full(V, -1, dtype=np.int64)
        for vi, ei, h in self.grid.pairs(vs, r_km):
            q = self.base_scores(vi, ei, scoring.hav_to_km(h))
            vi, ei, q = _sort_by_score(vi, ei, q)
            rank = _rank_in_group(vi)
            keep = rank < k
            nxt = rank == k
            ub[vi[nxt]] = np.maximum(ub[vi[nxt]], q[nxt])
            last = rank == k - 1
            kth[vi[last]] = q[last]
            out_m.append(ei[keep])
            out_v.append(vi[keep])
            out_q.append(q[keep])
        z = np.zeros(0, np.int64)
        cat = lambda xs: np.concatenate(xs) if xs else z  # noqa: E731
        return cat(out_m), cat(out_v), cat(out_q), ub[vs], kth[vs]

    def geo_pairs(self, forced: list[tuple[int, int]]):
        """Candidate pairs (exact great-circle distances, grid buckets), plus forced and current
        pairs; returns also ``ub``, an upper bound (micro-points) on every other pair.

        First pass: the best ``top_k`` pairs within ``near_km`` of each village; pairs beyond are
        bounded by ``far_ub(near_km)``.  A village whose k-th best near pair does not beat that
        bound, or that has fewer than k near pairs, is redone with radius ``radius`` (bound
        ``far_ub(radius)``).  Then :meth:`select` trims each list by contested capacity."""
        V = len(self.va.lat)
        k = self.top_k
        allv = np.arange(V, dtype=np.int64)
        b1 = self.far_ub(self.near_km)
        m, v, q, ub, kth = self._top_k(allv, self.near_km, k, b1)
        ext = np.flatnonzero(kth < b1)
        if len(ext) and self.near_km < self.radius:
            sel = ~np.isin(v, ext)
            m2, v2, q2, ub2, _ = self._top_k(ext, self.radius, k, self.far_ub(self.radius))
            m, v, q = (
                np.concatenate([m[sel], m2]),
                np.concatenate([v[sel], v2]),
                np.concatenate([q[sel], q2]),
            )
            ub[ext] = ub2
            v, m, q = _sort_by_score(v, m, q)
        m, v = self.select(m, v, q, ub)
        extra = sorted(set(forced) | self.cur)
        if extra:
            m = np.concatenate([m, np.array([e for e, _ in extra], dtype=np.int64)])
            v = np.concatenate([v, np.array([vv for _, vv in extra], dtype=np.int64)])
            m, v, _ = _dedupe(m, v, np.zeros(len(m), np.int64), len(self.elig))
        q = self.scores(v, m)
        assert len(ub) == V
        return m, v, q, ub

    def select(self, m, v, q, ub):
        """Capacity-aware trimming of the candidate lists (grouped by village, best first).

        An enterprise on the lists of n villages counts ``capacity / n`` towards each of them.
        A village keeps its ``min_k`` best candidates, then further ones while the capacity
        shares kept so far are below ``share_target x core`` slots, and role holders while the
        shares of that role's holders are below ``share_target x min_r``.  In a town whose
        villages all want the same few enterprises the lists therefore grow, so the restricted
        problem stays feasible with short lists elsewhere.  ``ub`` (updated in place) is raised
        to the best dropped score, so it still bounds every pair that is not a candidate."""
        if not len(m):
            return m, v
        pop = np.bincount(m, minlength=len(self.elig))
        share = self.cap[m] / pop[m]
        first = _group_first(v)
        rank = np.arange(len(v)) - first

        def before(x):  # sum of x over the earlier entries of the same village
            c = np.cumsum(x) - x
            return c - c[first]

        keep = (rank < self.min_k) | (before(share) < self.share_target * self.inst.rules.core)
        for r, mn in enumerate(self.role_min):
            if mn > 0:
                h = self.holds[m, r]
                keep |= h & (before(share * h) < self.share_target * mn)
                keep |= h & (before(h.astype(np.int64)) < self.role_k * mn)
        drop = ~keep
        np.maximum.at(ub, v[drop], q[drop])
        return m[keep], v[keep]


def _group_first(v: np.ndarray) -> np.ndarray:
    """For a grouped array (equal values adjacent): index of each entry's group start."""
    n = len(v)
    starts = np.flatnonzero(np.r_[True, v[1:] != v[:-1]]) if n else np.zeros(0, np.int64)
    return np.repeat(starts, np.diff(np.r_[starts, n]))


def _rank_in_group(v: np.ndarray) -> np.ndarray:
    return np.arange(len(v)) - _group_first(v)


def _sort_by_score(v, m, q):
    """Sort pairs by village, then score descending (ties in input order)."""
    if len(q) and q.min() >= 0 and q.max() < 1 << 40 and v.max() < 1 << 22:
        o = np.argsort((v << 40) | ((1 << 40) - 1 - q), kind="stable")
    else:
        o = np.lexsort((-q, v))
    return v[o], m[o], q[o]


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
    fixed_set = set(inst.fixed)
    parts = ("need", "market", "labour", "distance", "multiplier")
    for pool in ("enterprise", "chamber", "partner"):
        p = problems[pool]
        idx = np.flatnonzero(chosen[pool])
        np.add.at(vq, p.v[idx], p.q[idx])
        cols: dict[str, list] = {}
        if pool == "enterprise" and core_model is not None and len(idx):
            comp = scoring.enterprise_components(
                core_model.va, core_model.ea, p.v[idx], p.m[idx], w
            )
            cols = {k: [round(x, 4) for x in comp[k].tolist()] for k in parts}
            cols["km"] = [round(x, 2) for x in comp["km"].tolist()]
        slot = key_of[pool]
        ms, vs, qs = p.m[idx].tolist(), p.v[idx].tolist(), p.q[idx].tolist()
        for n, (m, v, qj) in enumerate(zip(ms, vs, qs, strict=True)):
            if pool == "enterprise":
                mid = elig[m].id
                if core_model is not None:
                    ex = {k: cols[k][n] for k in parts}
                    ex["km"] = cols["km"][n]
                    ex["continuity"] = 1.0 if (m, v) in core_model.cur else 0.0
                else:
                    ex = {"source": "instance"}
            elif pool == "chamber":
                mid, ex = inst.chambers[m].id, dict(ch_expl[(m, v)])
            else:
                mid, ex = inst.partners[m].id, dict(pa_expl[(m, v)])
            ex["score"] = _fmt(qj)
            if fixed_set and (mid, inst.villages[v].id) in fixed_set:
                ex["fixed"] = True
            per_v[v][slot].append((-qj, mid, ex))

    alliances = []
    for i, vil in enumerate(inst.villages):
        a: dict[str, Any] = {"village": vil.id}
        expl: dict[str, Any] = {}
        for k in ("core", "chamber", "partners"):
            items = sorted(per_v[i][k], key=_rank_key)
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


def _rank_key(x):
    return x[0], x[1]


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
            core_model.min_k *= widen
            core_model.role_k *= widen
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
    violators (warm-started re-solve) and repeat.  Certified optimal when no pruned pair can
    improve."""
    E = p.n_members
    added_total = 0
    far_R = cmod.far_ub(cmod.radius)
    res = solve_flow(p, keep_arcs=True)
    if not res.feasible:
        return None
    pm, pv, pq = p.m, p.v, p.q
    is_fixed = np.zeros(len(pq), dtype=bool)
    is_fixed[p.fixed] = True
    for it in range(rounds):
        d = tighten(res, potentials(res))
        dm = d[res.member_node]
        thr = slot_prices(res, d)  # (V, 1 + classes): potential of the arc's head node
        col = res.member_class + 1
        # screen: the loosest price any pruned pair at v must beat, per role class
        min_d = np.full(thr.shape[1], np.iinfo(np.int64).max // 4, dtype=np.int64)
        np.minimum.at(min_d, col, dm)
        present = np.unique(col)
        slack = (min_d[present][None, :] - thr[:, present]).min(axis=1)
        flagged = np.flatnonzero(far_ub > slack)
        key = np.sort(pv * E + pm)
        max_viol = np.zeros(p.n_villages, dtype=np.int64)
        new_m, new_v = [], []

        # near-violators are added too, so that one re-solve usually suffices
        margin = cmod.price_margin if it < rounds - 1 else 0
        n_bad: list[int] = []
        ctx = (dm, thr, col, key, E, max_viol, new_m, new_v, margin, n_bad)

        # exact pricing of the pairs within R of each flagged village ...
        for vi, ei, h in cmod.grid.pairs(flagged, cmod.radius):
            _price(ctx, vi, ei, cmod.base_scores(vi, ei, scoring.hav_to_km(h)))
        # ... and of every pair of the (rare) villages where even the far bound is not enough
        far_flag = flagged[far_R[flagged] > slack[flagged]]
        step = max(1, 4_000_000 // max(E, 1))
        for start in range(0, len(far_flag), step):
            vs = far_flag[start : start + step]
            vi = np.repeat(vs, E)
            ei = np.tile(np.arange(E, dtype=np.int64), len(vs))
            _price(ctx, vi, ei, cmod.base_scores(vi, ei))
        nm = np.concatenate(new_m) if new_m else np.zeros(0, np.int64)
        nv = np.concatenate(new_v) if new_v else np.zeros(0, np.int64)
        if len(nm):
            nm, nv, _ = _dedupe(nm, nv, np.zeros(len(nm), np.int64), E)
        n_new = len(nm)
        n_viol = int(sum(n_bad))
        flow = res.arcs[4]
        chosen = is_fixed.copy()
        has_arc = res.pair_arc >= 0
        chosen[has_arc] = flow[res.pair_arc[has_arc]] > 0
        objective = int(pq[chosen].sum())
        stats["certificate"] = {
            "method": "flow duals (Bellman-Ford potentials), pruned pairs priced",
            "rounds": it + 1,
            "candidate_pairs": int(len(pq)),
            "villages_screened_out": int(p.n_villages - len(flagged)),
            "villages_priced_exactly": int(len(flagged)),
            "pairs_added": added_total,
            "violations_left": n_viol,
        }
        if n_viol == 0 or it == rounds - 1:
            # z* <= z + sum over villages of hi x (largest improvement of a pruned pair there)
            bound = objective + int((max_viol * p.hi).sum())
            o = np.lexsort((pm, pv))
            rank = np.empty(len(o), dtype=np.int64)
            rank[o] = np.arange(len(o))
            p = SlotProblem(
                pool=p.pool,
                n_members=p.n_members,
                cap=p.cap,
                n_villages=p.n_villages,
                lo=p.lo,
                hi=p.hi,
                role_min=p.role_min,
                member_roles=p.member_roles,
                m=pm[o],
                v=pv[o],
                q=pq[o],
                fixed=np.sort(rank[np.flatnonzero(is_fixed)]),
            )
            return chosen[o], bound, "optimal" if n_viol == 0 else "feasible", p
        added_total += n_new
        nq = cmod.scores(nv, nm)
        res = add_pair_arcs(res, d, nm, nv, nq)
        pm, pv, pq = np.concatenate([pm, nm]), np.concatenate([pv, nv]), np.concatenate([pq, nq])
        is_fixed = np.concatenate([is_fixed, np.zeros(n_new, dtype=bool)])
    raise AssertionError("unreachable")


def _price(ctx, vi, ei, q) -> None:
    """Record the pruned pairs among (vi, ei, q) whose arc has a negative reduced cost (the
    violators), and those to add: violators and pairs within ``margin`` of violating."""
    dm, thr, col, key, E, max_viol, new_m, new_v, margin, n_bad = ctx
    viol = q - (dm[ei] - thr[vi, col[ei]])
    k = vi * E + ei
    pos = np.minimum(np.searchsorted(key, k), len(key) - 1)
    pruned = key[pos] != k
    bad = pruned & (viol > 0)
    np.maximum.at(max_viol, vi[bad], viol[bad])
    n_bad.append(int(bad.sum()))
    add = pruned & (viol > -margin)
    new_m.append(ei[add])
    new_v.append(vi[add])


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
