"""Exact min-cost-flow solution of one member pool ("slot problem").

Every pool (core enterprises without ``max_same_industry``, chambers, partners) is the same
problem: members with capacities, villages each needing between ``lo`` and ``hi`` members, some
of them in role slots, allowed (member, village) pairs with integer scores ``q``.  Pools share no
constraint, so the three are solved independently and exactly.

Network (costs are ``-q``, so a min-cost flow is a max-score assignment)::

    s --(cap_m - fixed_m, 0)--> m
    m --(1, -q)--> C[v,c]           pairs whose member holds role class c (c = the set of
                                    roles with a minimum that m holds, c non-empty)
    m --(1, -q)--> F[v]             pairs whose member holds no relevant role
    C[v,c] --(hi, 0)--> F[v]                                          F[v] demands lo - sum(min_r)
    C[v,c] --(min_r, 0)--> R[v,r]   for each role r in c              R[v,r] demands min_r exactly
    F[v] --(hi - lo, 0)--> T        optional extra members           T demands V*hi - V*lo
    s --(V*hi, 0)--> T              bypass for the unused optional supply

The pair arc has capacity 1 and is the only arc from m into village v, so a member enters a
village at most once.  All members reaching the class node C[v,c] hold exactly the roles c, so
they are interchangeable there: any split of the flow leaving C[v,c] over the free slot and the
role slots of c is realised by assigning those distinct members to the slots one to one.  An
integral flow is therefore exactly a choice of ``lo..hi`` distinct members per village whose role
minima are met by distinct members (Hall's theorem on the role slots).  Aggregating by role class
instead of creating one node per (member, village) pair keeps the network at one arc per pair
plus O(V * classes) nodes and arcs.  A fixed pair has no arc: its unit is removed from the
member's supply and injected at C[v,c] (or at F[v]) -- the usual lower-bound transformation.

Shortest-path distances ``d`` in the optimal residual graph are dual prices: the flow stays
optimal after adding a pruned pair (m, v) iff its arc has a non-negative reduced cost,
``q <= d[m] - d[C[v,c(m)]]`` (``d[F[v]]`` for role-less members).  :func:`potentials` computes
``d`` with a vectorised Bellman-Ford.
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
    class_node: np.ndarray | None = None  # (V, n_classes)
    member_class: np.ndarray | None = None  # per member: column of class_node, -1 if role-less
    member_node: np.ndarray | None = None
    arcs: tuple | None = None  # tail, head, cap, cost, flow
    pair_arc: np.ndarray | None = None  # per pair: its arc, -1 for a fixed pair
    slack: np.ndarray | None = None


def role_classes(member_roles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct non-empty role masks among the members, and each member's class index (-1 for a
    member holding no relevant role)."""
    classes = np.unique(member_roles[member_roles != 0])
    idx = np.searchsorted(classes, member_roles)
    return classes, np.where(member_roles != 0, idx, -1).astype(np.int64)


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

    if R:
        classes, member_class = role_classes(p.member_roles)
    else:
        classes, member_class = np.zeros(0, np.int64), np.full(M, -1, np.int64)
    nC = len(classes)
    S, T = 0, 1
    member_node = 2 + np.arange(M, dtype=np.int64)
    free_node = 2 + M + np.arange(V, dtype=np.int64)
    role_node = (2 + M + V + np.arange(V * R, dtype=np.int64)).reshape(V, R)
    base = 2 + M + V + V * R
    class_node = (base + np.arange(V * nC, dtype=np.int64)).reshape(V, nC)
    n_nodes = base + V * nC

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
    # one arc per non-fixed pair, in pair order (so flows are easy to read back):
    # m -> C[v, class(m)], or m -> F[v] for role-less members
    first_pair_arc = sum(len(t) for t in tails)
    pcls = member_class[p.m]
    head_choice = free_node[p.v]
    has_cls = pcls >= 0
    head_choice[has_cls] = class_node[p.v[has_cls], pcls[has_cls]]
    idx_nonfixed = np.flatnonzero(~is_fixed)
    pair_cost = 0 if slack else -p.q[idx_nonfixed]
    add(member_node[p.m[idx_nonfixed]], head_choice[idx_nonfixed], 1, pair_cost)
    for ci, mask in enumerate(classes.tolist()):
        add(class_node[:, ci], free_node, p.hi, 0)
        for r in range(R):
            if mask >> r & 1:
                add(class_node[:, ci], role_node[:, r], p.role_min[r], 0)

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
    np.add.at(supply, head_choice[fx], 1)

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
        res.class_node = class_node
        res.member_class = member_class
        res.member_node = member_node
        res.arcs = (tail, head, capa, cost, flow)
        res.pair_arc = np.full(n_pairs, -1, dtype=np.int64)
        res.pair_arc[idx_nonfixed] = first_pair_arc + np.arange(len(idx_nonfixed))
    return res


def pair_head(res: FlowResult, m: np.ndarray, v: np.ndarray) -> np.ndarray:
    """The node a pair arc (m, v) enters: C[v, class(m)], or F[v] for a role-less member."""
    cls = res.member_class[m]
    out = res.free_node[v]
    has = cls >= 0
    out[has] = res.class_node[v[has], cls[has]]
    return out


def add_pair_arcs(
    res: FlowResult, d: np.ndarray, m: np.ndarray, v: np.ndarray, q: np.ndarray
) -> FlowResult:
    """Warm start: the optimal flow after adding pair arcs (m, v, score q) to the network of
    ``res`` (an optimal flow with valid potentials ``d``), without solving from scratch.

    The min-cost circulation in the residual graph, with every arc priced at its reduced cost
    ``cost + d[tail] - d[head]`` (non-negative except on the new arcs that violate), is added
    to the old flow.  Reduced costs differ from costs by a potential, so the sum is a min-cost
    flow of the enlarged network.  Only the few units around the new arcs move, so OR-Tools'
    cost scaling has little to do."""
    tail, head, cap, cost, flow = res.arcs
    fwd = np.flatnonzero(flow < cap)
    bwd = np.flatnonzero(flow > 0)
    nt = res.member_node[m]
    nh = pair_head(res, m, v)
    nc = -q.astype(np.int64)
    rt = np.concatenate([tail[fwd], head[bwd], nt])
    rh = np.concatenate([head[fwd], tail[bwd], nh])
    rcap = np.concatenate([cap[fwd] - flow[fwd], flow[bwd], np.ones(len(m), np.int64)])
    rc = np.concatenate([cost[fwd], -cost[bwd], nc]) + d[rt] - d[rh]
    # A min-cost circulation is a sum of negative cycles.  Only the new arcs can be negative,
    # so a cycle through an arc whose reduced cost exceeds their total violation is positive:
    # such arcs never carry flow and are left out (exact; it shrinks the problem a lot).
    n_res = len(fwd) + len(bwd)
    total_viol = int(np.maximum(-rc[n_res:], 0).sum())
    use = np.flatnonzero(rc <= total_viol)
    use = np.union1d(use, n_res + np.arange(len(m)))
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(rt[use], rh[use], rcap[use], rc[use])
    smcf.set_nodes_supplies(
        np.arange(res.n_nodes, dtype=np.int64), np.zeros(res.n_nodes, dtype=np.int64)
    )
    status = smcf.solve()
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"min-cost flow (warm start) failed with status {status}")
    delta = np.zeros(len(rt), dtype=np.int64)
    delta[use] = smcf.flows(np.arange(len(use), dtype=np.int64))
    new_flow = flow.copy()
    np.add.at(new_flow, fwd, delta[: len(fwd)])
    np.subtract.at(new_flow, bwd, delta[len(fwd) : len(fwd) + len(bwd)])
    out = FlowResult(
        feasible=True,
        n_nodes=res.n_nodes,
        free_node=res.free_node,
        role_node=res.role_node,
        class_node=res.class_node,
        member_class=res.member_class,
        member_node=res.member_node,
    )
    n_old = len(tail)
    out.arcs = (
        np.concatenate([tail, nt]),
        np.concatenate([head, nh]),
        np.concatenate([cap, np.ones(len(m), np.int64)]),
        np.concatenate([cost, nc]),
        np.concatenate([new_flow, delta[len(fwd) + len(bwd) :]]),
    )
    out.pair_arc = np.concatenate([res.pair_arc, n_old + np.arange(len(m), dtype=np.int64)])
    return out


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


def tighten(res: FlowResult, d: np.ndarray, sweeps: int = 2, max_iter: int = 100) -> np.ndarray:
    """Shift the potentials ``d`` towards the best ones for pricing pair arcs ``m -> head``: the
    non-member nodes as low and the members as high as the residual arcs allow.

    Each step keeps every residual arc's reduced cost non-negative, so the result is again a
    valid set of potentials.  *Lowering* sets every non-member node n at once to
    ``max(d[h] - cost)`` over its residual out-arcs (n -> h); that is at most ``d[n]`` because
    d is valid, it satisfies n's out-arcs, and lowering a head only helps the arcs into it.  The
    arcs between non-member nodes all cost 0, so repeating it reaches a fixed point in a few
    steps.  *Raising* sets every member m to ``min(d[t] + cost)`` over its residual in-arcs
    (t -> m), symmetrically (members are never adjacent to each other).  A node without such
    arcs is left unchanged."""
    tail, head, cap, cost, flow = res.arcs
    fwd = flow < cap
    bwd = flow > 0
    t = np.concatenate([tail[fwd], head[bwd]])
    h = np.concatenate([head[fwd], tail[bwd]])
    c = np.concatenate([cost[fwd], -cost[bwd]])
    is_member = np.zeros(res.n_nodes, dtype=bool)
    is_member[res.member_node] = True
    low = ~is_member[t]  # arcs leaving a non-member node
    lt, lh, lc = t[low], h[low], c[low]
    hi = is_member[h]  # arcs entering a member
    rt, rh, rc = t[hi], h[hi], c[hi]
    d = d.copy()
    floor = np.iinfo(np.int64).min // 4
    for _ in range(sweeps):
        for _ in range(max_iter):
            new = np.full(res.n_nodes, floor, dtype=np.int64)
            np.maximum.at(new, lt, d[lh] - lc)
            new = np.where(is_member | (new == floor), d, new)
            if (new == d).all():
                break
            d = new
        up = np.full(res.n_nodes, -floor, dtype=np.int64)
        np.minimum.at(up, rh, d[rt] + rc)
        d = np.where(is_member & (up != -floor), up, d)
    return d


def slot_prices(res: FlowResult, d: np.ndarray) -> np.ndarray:
    """``thr[v, 1 + c] = d[C[v, c]]`` and ``thr[v, 0] = d[F[v]]``: the potential of the node a
    pair arc into village v ends at.  A pair (m, v) outside the network can be added without
    losing optimality iff ``q <= d[m] - thr[v, 1 + member_class[m]]``."""
    return np.concatenate([d[res.free_node][:, None], d[res.class_node]], axis=1)
