"""Benchmark of the alliance optimiser on seeded synthetic instances with geography.

    .venv/bin/python bench/matching.py [--scales pilot,county,county_msi,province] [--seed 7]

Each (scale, method) runs in a forked child process so memory figures do not bleed into each
other.  Memory is ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` of that child: the increase of
the peak resident set during the run (the instance is built before the first reading), which
unlike tracemalloc also counts OR-Tools' and HiGHS' C++ allocations.

Methods per scale: ``optimiser`` (tianmu.matching.solver.solve), ``greedy`` (best pair first on
the same candidate pairs as a dense run), ``dense-flow`` (plain OR-Tools min-cost flow over
every (enterprise, village) pair, ignoring ``max_same_industry``; skipped when its arc arrays
would not fit the memory budget).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from tianmu.matching.solver import load_instance, solve  # noqa: E402
from tianmu.matching.solver.flow import solve_flow  # noqa: E402
from tianmu.matching.solver.greedy import solve_greedy  # noqa: E402
from tianmu.matching.solver.model import SCALE  # noqa: E402
from tianmu.matching.solver.solve import _CoreModel  # noqa: E402

SCALES = {
    #            villages enterprises towns  msi  area (lat0, lon0, dlat, dlon)
    "pilot": (13, 65, 13, None, (29.9, 118.9, 0.5, 0.8)),
    "county": (300, 1500, 18, None, (29.9, 118.9, 0.5, 0.8)),
    "county_msi": (300, 1500, 18, 2, (29.9, 118.9, 0.5, 0.8)),
    "province": (20_000, 100_000, 1_300, None, (27.2, 118.0, 3.8, 4.4)),
}
MEM_BUDGET_GB = 4.0
NEEDS = [
    "tea",
    "tourism",
    "ecommerce",
    "herbs",
    "bamboo",
    "rice",
    "hickory",
    "bayberry",
    "logistics",
    "branding",
    "finance",
    "training",
]
INDUSTRIES = [
    "manufacturing",
    "electronics",
    "food",
    "retail",
    "construction",
    "it",
    "tourism",
    "agriculture",
    "finance",
    "logistics",
]
ROLES = ["think_tank", "resource", "innovation"]


def make_instance(scale: str, seed: int = 7) -> dict:
    """Villages and enterprises scattered (gaussian, ~4 km) around town centres."""
    n_v, n_e, n_t, msi, (lat0, lon0, dlat, dlon) = SCALES[scale]
    rng = random.Random(seed)
    towns = [
        (f"T{i:04d}", lat0 + rng.random() * dlat, lon0 + rng.random() * dlon) for i in range(n_t)
    ]
    jitter = 0.04
    villages = []
    for i in range(n_v):
        t, la, lo = towns[i % n_t] if i < n_t else rng.choice(towns)
        villages.append(
            {
                "id": f"V{i:05d}",
                "town": t,
                "lat": round(la + rng.gauss(0, jitter), 5),
                "lon": round(lo + rng.gauss(0, jitter), 5),
                "priority": round(rng.random(), 3),
                "needs": rng.sample(NEEDS, 3),
                "products": rng.sample(NEEDS[:8], rng.randint(0, 2)),
                "surplus_labour": rng.randint(0, 120),
            }
        )
    enterprises = []
    for i in range(n_e):
        t, la, lo = rng.choice(towns)
        enterprises.append(
            {
                "id": f"E{i:06d}",
                "town": t,
                "lat": round(la + rng.gauss(0, jitter), 5),
                "lon": round(lo + rng.gauss(0, jitter), 5),
                "core_eligible": i < n_v * 5 or rng.random() < 0.6,
                "roles": rng.sample(ROLES, rng.choice([0, 1, 1, 1, 2])),
                "industry": rng.choice(INDUSTRIES),
                "capabilities": rng.sample(NEEDS, 3),
                "employees": int(rng.lognormvariate(4.5, 1.2)),
                "openings": rng.randint(0, 40),
                "capacity": rng.choice([1, 1, 2, 3]),
            }
        )
    chambers = [{"id": f"C{t}", "town": t, "capacity": 1000} for t, _, _ in towns]
    partners = [
        {"id": f"B{i}", "kind": "finance", "towns": None, "capacity": max(5, n_v // 4)}
        for i in range(6)
    ]
    partners += [
        {
            "id": f"P{i:04d}",
            "kind": rng.choice(NEEDS),
            "capacity": 4,
            "towns": [t for t, _, _ in rng.sample(towns, min(3, n_t))],
        }
        for i in range(max(3, n_t // 2))
    ]
    rules = {
        "core": 5,
        "chamber": 1,
        "partners": [1, 3],
        "core_roles": {"think_tank": 1, "resource": 1, "innovation": 1},
    }
    if msi:
        rules["max_same_industry"] = msi
    current = [[enterprises[i]["id"], villages[i % n_v]["id"]] for i in range(0, n_v, 3)]
    return {
        "rules": rules,
        "villages": villages,
        "enterprises": enterprises,
        "chambers": chambers,
        "partners": partners,
        "current": current,
    }


def _core_problem(inst_obj, dense: bool):
    """Core-enterprise SlotProblem for the baselines: over every pair (dense), or over the
    optimiser's own geographic candidate pairs where every pair would not fit in memory."""
    elig = [e for e in inst_obj.enterprises if e.core_eligible]
    cm = _CoreModel(inst_obj, elig, None, None)
    m, v, q, _ = cm.all_pairs() if dense else cm.geo_pairs([])
    roles = sorted(inst_obj.rules.core_roles)
    bits = {r: i for i, r in enumerate(roles)}
    from tianmu.matching.solver.flow import SlotProblem

    inds = sorted({e.industry for e in elig})
    return SlotProblem(
        pool="enterprise",
        n_members=len(elig),
        cap=np.array([e.capacity for e in elig], np.int64),
        n_villages=len(inst_obj.villages),
        lo=inst_obj.rules.core,
        hi=inst_obj.rules.core,
        role_min=[inst_obj.rules.core_roles[r] for r in roles],
        member_roles=np.array(
            [sum(1 << bits[r] for r in e.roles if r in bits) for e in elig], np.int64
        ),
        m=m,
        v=v,
        q=q,
    ), np.array([inds.index(e.industry) for e in elig], np.int64)


def _run(scale: str, method: str, seed: int, conn) -> None:
    inst = make_instance(scale, seed)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    out: dict = {}
    try:
        if method == "optimiser":
            kw = {"mip_gap": 0.004} if scale == "county_msi" else {}
            res = solve(inst, time_limit=55 if scale == "county_msi" else None, **kw)
            out = {k: res.get(k) for k in ("status", "objective", "bound", "gap", "certificate")}
            if res.get("pools"):
                core = res["pools"]["enterprise"]
                out["note"] = f"core part: {core['objective']} (bound {core['bound']})"
        else:
            io = load_instance(inst)
            n_pairs = len(io.villages) * sum(e.core_eligible for e in io.enterprises)
            need_gb = n_pairs * 200 / 1e9  # ~200 B per pair: scores, arcs in Python + C++
            dense = need_gb <= MEM_BUDGET_GB
            if not dense and method != "greedy":
                out = {"skipped": f"would need ~{need_gb:.0f} GB for {n_pairs:,} pairs"}
            else:
                # Greedy still runs at scale, on the optimiser's geographic candidate pairs.
                p, ind = _core_problem(io, dense=dense)
                msi = io.rules.max_same_industry
                if method == "greedy":
                    ok, ch = solve_greedy(p, ind, msi)
                    pairs = "all pairs" if dense else f"{len(p.q):,} geographic candidate pairs"
                    out = {
                        "status": "feasible" if ok else "failed (a village left short)",
                        "objective": round(int(p.q[ch].sum()) / SCALE, 6),
                        "note": f"core enterprises only, over {pairs}",
                    }
                else:
                    res = solve_flow(p)
                    out = {
                        "status": "optimal" if res.feasible else "infeasible",
                        "objective": round(res.objective / SCALE, 6),
                        "note": "core only"
                        + (", relaxation: ignores max_same_industry" if msi else ""),
                    }
    except Exception as exc:  # report, don't crash the whole benchmark
        out = {"error": repr(exc)}
    out["seconds"] = round(time.perf_counter() - t, 2)
    out["peak_mb"] = round((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024)
    conn.send(out)
    conn.close()


def measure(scale: str, method: str, seed: int) -> dict:
    ctx = mp.get_context("fork")
    a, b = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_run, args=(scale, method, seed, b))
    proc.start()
    out = a.recv()
    proc.join()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", default="pilot,county,county_msi,province")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    print(
        f"# bench/matching.py  seed={args.seed}  {time.strftime('%Y-%m-%d %H:%M')}  "
        f"cpus={os.cpu_count()}  memory: ru_maxrss increase in a forked child"
    )
    for scale in args.scales.split(","):
        n_v, n_e, n_t, msi, _ = SCALES[scale]
        print(
            f"\n## {scale}: {n_v:,} villages, {n_e:,} enterprises, {n_t} towns, "
            f"max_same_industry={msi}"
        )
        opt = None
        for method in ("optimiser", "greedy", "dense-flow"):
            r = measure(scale, method, args.seed)
            if method == "optimiser":
                opt = r
            line = f"  {method:10s} {r['seconds']:7.2f} s  peak +{r['peak_mb']:5d} MB  "
            if "skipped" in r or "error" in r:
                print(line + (r.get("skipped") or r.get("error")))
                continue
            line += f"{r['status']:9s} objective {r['objective']}"
            if method == "optimiser":
                gap = r["gap"]
                line += f"  bound {r['bound']}  gap {100 * gap:.4f}%" if gap is not None else ""
            print(line + (f"  ({r['note']})" if r.get("note") else ""))
            if method == "optimiser" and r.get("certificate"):
                print(f"             certificate: {r['certificate']}")
        targets = {"pilot": 1.0, "county": 1.0, "county_msi": 60.0, "province": 30.0}
        if opt and "error" not in opt:
            ok = opt["seconds"] <= targets[scale]
            if scale == "county_msi":
                ok = ok and opt["gap"] is not None and opt["gap"] <= 0.005
            if scale == "province":
                ok = ok and opt["peak_mb"] <= 4096 and opt["status"] == "optimal"
            print(
                f"  target ({targets[scale]} s{', gap<=0.5%' if msi else ''}"
                f"{', 4 GB, certified' if scale == 'province' else ''}): "
                f"{'met' if ok else 'NOT met'}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
