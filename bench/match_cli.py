"""`tianmu match` end to end on a county instance with 525,000 scored pairs: the command's wall
time against the solve time it reports, before and after, measured in the same run.

    .venv/bin/python bench/match_cli.py [--repeat 3] [--seed 7]

*before* is the command as it was: Django starts, runs every system check, then the solver's
CLI validates the 525,000 scores row by row. *after* is `tianmu match` today: the console
script runs the solver's CLI without starting Django (tianmu/cli.py) and the scores are checked
column by column (tianmu/matching/solver/validate.py; a bad row still gets the row-by-row
message). The target (issue 14, item 6): wall time within the solve time plus 1 s. Each run
is a fresh process; the medians of --repeat runs are printed, then where the time goes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from matching import SCALES, make_instance  # noqa: E402

VILLAGES, ENTERPRISES = 350, 1500  # 525,000 (enterprise, village) pairs

BEFORE = """
import sys
import django
from django.core.management import call_command
django.setup()
call_command("check")  # what BaseCommand ran before `requires_system_checks = []`
from tianmu.matching.solver import cli, validate
validate._score_table_fast = lambda rows, members, villages: None  # row by row, as before
sys.exit(cli.main(sys.argv[1:]))
"""


def make(seed: int) -> dict:
    SCALES["county525"] = (VILLAGES, ENTERPRISES, 18, None, (29.9, 118.9, 0.5, 0.8))
    inst = make_instance("county525", seed)
    rng = random.Random(seed)
    inst["scores"] = {
        "enterprise": [
            [e["id"], v["id"], round(rng.random(), 4)]
            for v in inst["villages"]
            for e in inst["enterprises"]
        ]
    }
    return inst


def run(kind: str, src: Path, out: Path) -> tuple[float, float]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "tianmu.settings",
        "DEBUG": "1",  # development keys: the command reads no setting either way
        "TIANMU_VAR_DIR": str(out.parent),
    }
    if kind == "before":
        args = [sys.executable, "-c", BEFORE, str(src), "--out", str(out)]
    else:
        args = [sys.executable, "-m", "tianmu.cli", "match", str(src), "--out", str(out)]
    t0 = time.perf_counter()
    subprocess.run(args, env=env, check=True, capture_output=True, cwd=ROOT)  # noqa: S603
    wall = time.perf_counter() - t0
    solve = json.loads(out.read_text())["seconds"]
    out.unlink()
    return wall, solve


def phases(src: Path) -> dict[str, float]:
    """Where the time goes, in this process (imports already warm are not counted)."""
    from tianmu.matching.solver import solve, validate

    t0 = time.perf_counter()
    data = json.loads(src.read_text(encoding="utf-8"))
    t1 = time.perf_counter()
    fast = validate.parse_instance(data)
    t2 = time.perf_counter()
    saved = validate._score_table_fast
    validate._score_table_fast = lambda rows, members, villages: None
    try:
        slow = validate.parse_instance(data)
    finally:
        validate._score_table_fast = saved
    t3 = time.perf_counter()
    assert fast.scores == slow.scores
    result = solve(fast)
    t4 = time.perf_counter()
    json.dumps(result, ensure_ascii=False, indent=1)
    t5 = time.perf_counter()
    return {
        "read + json.loads": t1 - t0,
        "validate, column by column (after)": t2 - t1,
        "validate, row by row (before)": t3 - t2,
        "solve": t4 - t3,
        "write result JSON": t5 - t4,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tianmu-bench-match-") as tmp:
        src = Path(tmp) / "county525.json"
        src.write_text(json.dumps(make(args.seed)), encoding="utf-8")
        print(
            f"instance: {VILLAGES} villages x {ENTERPRISES} enterprises = "
            f"{VILLAGES * ENTERPRISES:,} scored pairs, {src.stat().st_size / 1e6:.1f} MB"
        )
        runs: dict[str, list[tuple[float, float]]] = {"before": [], "after": []}
        for _ in range(args.repeat):
            for kind in runs:  # alternate, so a busy moment hits both
                runs[kind].append(run(kind, src, Path(tmp) / "result.json"))
        print(f"{'':8} {'wall s':>8} {'solve s':>8} {'overhead s':>11}  (median of {args.repeat})")
        for kind, rows in runs.items():
            wall = statistics.median(r[0] for r in rows)
            solve = statistics.median(r[1] for r in rows)
            over = statistics.median(r[0] - r[1] for r in rows)
            verdict = "within solve + 1 s" if over <= 1.0 else "over solve + 1 s"
            print(f"{kind:8} {wall:8.2f} {solve:8.2f} {over:11.2f}  {verdict}")
        print("where the time goes (in-process):")
        for name, seconds in phases(src).items():
            print(f"  {name:38} {seconds:6.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
