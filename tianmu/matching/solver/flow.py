"""Exact min-cost-flow solution of one member pool ("slot problem").

Every pool (core enterprises without ``max_same_industry``, chambers, partners) is the same
problem: members with capacities, villages each needing between ``lo`` and ``hi`` members, some
of them in role slots, allowed (member, village) pairs with integer scores ``q``.  Pools share no
constraint, so the three are solved independently and exactly.

Network (costs are ``-q``, so a min-cost flow is a max-score assignment)::

    s --(cap_m - fixed_m, 0)--> m
    m --(1, -q)--> P[m,v]           one node per pair whose member holds a role with a minimum
    P[m,v] --(1, 0)--> R[v,r]       for each such role r of m       R[v,r] demands min_r exactly
    P[m,v] --(1, 0)--> F[v]                                           F[v] demands lo - sum(min_r)
    m --(1, -q)--> F[v]             pairs whose member holds no relevant role
    F[v] --(hi - lo, 0)--> T        optional extra members           T demands V*hi - V*lo
    s --(V*hi, 0)--> T              bypass for the unused optional supply

The pair node caps every member at one use per village, so a member can fill a role slot *or*
a free slot but never both; an integral flow is therefore exactly a choice of ``lo..hi``
distinct members per village whose role minima are met by distinct members (Hall's theorem on
the role slots).  A fixed pair is removed from the member's arc and injected as one unit of
supply at its pair node (or at F[v]) -- the usual lower-bound transformation.

Shortest-path distances ``d`` in the optimal residual graph are dual prices: the flow stays
optimal after adding a pruned pair (m, v) iff ``q <= d[m] - max(d[X])`` over the slot nodes X
the pair could feed.  :func:`potentials` computes ``d`` with a vectorised Bellman-Ford.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow


@dataclass
class SlotProblem:
    pool: str
    n_members: int
    cap: np.ndarray  # int64 per member
    n_villages: int
    lo: int
    hi: int
    role_min: list[int]  # minima of the relevant roles (bit i of member_roles)
    member_roles: np.ndarray  # int64 bitmask per member
    m: np.ndarray  # pair member index (int64)
    v: np.ndarray  # pair village index (int64)
    q: np.ndarray  # pair score, integer micro-points (int64)
    fixed: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # pair idx


@dataclass
class FlowResult:
    feasible: bool
    chosen: np.ndarray | None = None  # bool per pair
    objective: int = 0
    # residual-graph data for certificates
    n_nodes: int = 0
    free_node: np.ndarray | None = None  # per village
    role_node: np.ndarray | None = None  # (V, R)
    member_node: np.ndarray | None = None
    arcs: tuple | None = None  # tail, head, cap, cost, flow
    slack: np.ndarray | None = None


def solve_flow(p: SlotProblem, keep_arcs: bool = False, slack: bool = False) -> FlowResult:
    """Solve the slot problem exactly; ``keep_arcs`` retains data for :func:`potentials`.

    With ``slack`` the scores are ignored and every demand node may instead be fed from the
    source at cost 1, so the optimum is the least total shortfall; ``FlowResult.slack`` then
    says how many slots of each village (free slots, then each role) stay unfilled.  Used for
    the infeasibility diagnosis."""
    V, M, R = p.n_villages, p.n_members, len(p.role_min)
    sum_r = sum(p.role_min)
    if sum_r > p.lo and not slack:
        return FlowResult(feasible=False)
    n_pairs = len(p.q)
    is_fixed = np.zeros(n_pairs, dtype=bool)
    is_fixed[p.fixed] = True
    cap = p.cap.astype(np.int64) - np.bincount(p.m[p.fixed], minlength=M).astype(np.int64)
    if (cap < 0).any():
        if not slack:
            return FlowResult(feasible=False)
        cap = np.maximum(cap, 0)

    S, T = 0, 1
    member_node = 2 + np.arange(M, dtype=np.int64)
    free_node = 2 + M + np.arange(V, dtype=np.int64)
    role_node = (2 + M + V + np.arange(V * R, dtype=np.int64)).reshape(V, R)
    base = 2 + M + V + V * R
    has_pair_node = (p.member_roles[p.m] != 0) if R else np.zeros(n_pairs, dtype=bool)
    pair_node = np.full(n_pairs, -1, dtype=np.int64)
    pair_node[has_pair_node] = base + np.arange(int(has_pair_node.sum()))
    n_nodes = base + int(has_pair_node.sum())

    tails, heads, caps, costs = [], [], [], []

    def add(t, h, c, w):
        t = np.asarray(t, dtype=np.int64)
        tails.append(t)
        heads.append(np.broadcast_to(np.asarray(h, dtype=np.int64), t.shape))
        caps.append(np.broadcast_to(np.asarray(c, dtype=np.int64), t.shape))
        costs.append(np.broadcast_to(np.asarray(w, dtype=np.int64), t.shape))

    X = V * p.hi
    add(np.full(M, S), member_node, cap, 0)
    add([S], [T], [X], 0)
    if p.hi > p.lo:
        add(free_node, T, p.hi - p.lo, 0)
    # pair arcs come first among "choice" arcs so their flows are easy to read back
    first_pair_arc = sum(len(t) for t in tails)
    free_pairs = ~is_fixed
    # one arc per non-fixed pair, in pair order: m -> F[v] or m -> P
    head_choice = np.where(has_pair_node, pair_node, free_node[p.v])
    idx_nonfixed = np.flatnonzero(free_pairs)
    pair_cost = 0 if slack else -p.q[idx_nonfixed]
    add(member_node[p.m[idx_nonfixed]], head_choice[idx_nonfixed], 1, pair_cost)
    pn = np.flatnonzero(has_pair_node)
    add(pair_node[pn], free_node[p.v[pn]], 1, 0)
    for r in range(R):
        sel = pn[(p.member_roles[p.m[pn]] >> r) & 1 == 1]
        add(pair_node[sel], role_node[p.v[sel], r], 1, 0)

    first_slack_arc = sum(len(t) for t in tails)
    if slack:
        add(np.full(V, S), free_node, max(p.lo - sum_r, 0), 1)
        for r in range(R):
            add(np.full(V, S), role_node[:, r], p.role_min[r], 1)

    supply = np.zeros(n_nodes, dtype=np.int64)
    F = int(is_fixed.sum())
    supply[S] = X - F
    supply[T] = -(X - V * p.lo)
    if slack:
        # the bypass absorbs the optional supply; the extra D units may take the slack arcs
        D = V * (max(p.lo - sum_r, 0) + sum_r)
        supply[S] = X + D - F
        supply[T] = -X
    supply[free_node] = -max(p.lo - sum_r, 0) if slack else -(p.lo - sum_r)
    if R:
        supply[role_node] = -np.asarray(p.role_min, dtype=np.int64)[None, :]
    fx = np.flatnonzero(is_fixed)
    fx_pn = fx[has_pair_node[fx]]
    supply[pair_node[fx_pn]] += 1
    fx_direct = fx[~has_pair_node[fx]]
    np.add.at(supply, free_node[p.v[fx_direct]], 1)

    tail = np.concatenate(tails)
    head = np.concatenate(heads)
    capa = np.concatenate(caps)
    cost = np.concatenate(costs)
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(tail, head, capa, cost)
    smcf.set_nodes_supplies(np.arange(n_nodes, dtype=np.int64), supply)
    status = smcf.solve()
    if status != smcf.OPTIMAL:
        if status in (smcf.INFEASIBLE, smcf.UNBALANCED):
            return FlowResult(feasible=False)
        raise RuntimeError(f"min-cost flow failed with status {status}")
    flow = smcf.flows(np.arange(len(tail), dtype=np.int64))
    if slack:
        sl = flow[first_slack_arc:]
        res = FlowResult(feasible=True)
        res.slack = sl.reshape(1 + R, V).T.copy()  # (V, 1 + R): free, role 0, role 1, ...
        return res
    chosen = is_fixed.copy()
    chosen[idx_nonfixed] = flow[first_pair_arc : first_pair_arc + len(idx_nonfixed)] > 0
    objective = int(p.q[chosen].sum())
    assert objective == -smcf.optimal_cost() + int(p.q[is_fixed].sum())
    res = FlowResult(feasible=True, chosen=chosen, objective=objective)
    if keep_arcs:
        res.n_nodes = n_nodes
        res.free_node = free_node
        res.role_node = role_node
        res.member_node = member_node
        res.arcs = (tail, head, capa, cost, flow)
    return res


def potentials(res: FlowResult, max_rounds: int | None = None) -> np.ndarray:
    """Shortest-path distances from a virtual root (0-cost arcs to all nodes) in the residual
    graph of an optimal flow.  They exist because an optimal flow has no negative cycle, and
    satisfy ``cost + d[tail] - d[head] >= 0`` on every residual arc (exact integers)."""
    tail, head, cap, cost, flow = res.arcs
    fwd = flow < cap
    bwd = flow > 0
    t = np.concatenate([tail[fwd], head[bwd]])
    h = np.concatenate([head[fwd], tail[bwd]])
    c = np.concatenate([cost[fwd], -cost[bwd]])
    # only negative arcs can lower a distance below the root's 0; but paths may pass through
    # zero-cost arcs, so keep every arc and iterate only from nodes that changed (SPFA-style).
    d = np.zeros(res.n_nodes, dtype=np.int64)
    active = np.zeros(res.n_nodes, dtype=bool)
    active[t[c < 0]] = True
    rounds = 0
    limit = max_rounds or res.n_nodes + 1
    while active.any():
        rounds += 1
        if rounds > limit:
            raise RuntimeError("negative cycle in residual graph: flow not optimal")
        sel = active[t]
        ts, hs, cs = t[sel], h[sel], c[sel]
        cand = d[ts] + cs
        better = cand < d[hs]
        if not better.any():
            break
        new = d.copy()
        np.minimum.at(new, hs[better], cand[better])
        active = new < d
        d = new
    return d


def pair_thresholds(res: FlowResult, d: np.ndarray, role_masks: np.ndarray, n_roles: int):
    """Per (village, role-mask) the largest ``d`` over the slot nodes a pair could feed.

    Returns an array ``thr[v, mask]`` for every mask in ``0..2**n_roles-1``.
    """
    V = len(res.free_node)
    thr = np.repeat(d[res.free_node][:, None], 1 << n_roles, axis=1)
    if n_roles:
        dr = d[res.role_node]  # (V, R)
        for mask in range(1, 1 << n_roles):
            for r in range(n_roles):
                if mask >> r & 1:
                    thr[:, mask] = np.maximum(thr[:, mask], dr[:, r])
    assert thr.shape[0] == V
    return thr
