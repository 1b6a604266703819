"""``match INSTANCE.json --out RESULT.json [--time-limit S]``.

Exit codes: 0 solved (the result may still say ``"status": "infeasible"`` with a diagnosis),
2 bad input or usage (message on stderr naming the offending item; no result file is created).
The result is written atomically (temporary file in the target directory, then rename), and
only after a successful solve.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from .solve import solve
from .validate import InstanceError, load_instance


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="tianmu match", description="Pair villages with 5+1+X alliances (optimiser)."
    )
    ap.add_argument("instance", metavar="INSTANCE", help="instance JSON file")
    ap.add_argument("--out", required=True, metavar="RESULT", help="result JSON file to write")
    ap.add_argument(
        "--time-limit",
        type=float,
        default=None,
        metavar="S",
        help="seconds allowed for the MIP (max_same_industry) path",
    )
    return ap


def write_atomic(path: Path, text: str) -> None:
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def main(argv: list[str] | None = None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    if len(args_in) > 1 and args_in[0] == "match":  # accept "match INSTANCE ..." too
        args_in = args_in[1:]
    try:
        args = build_parser().parse_args(args_in)
    except SystemExit as exc:  # argparse already printed the usage error
        return int(exc.code or 0)
    if args.time_limit is not None and args.time_limit <= 0:
        print("error: --time-limit must be positive", file=sys.stderr)
        return 2
    out = Path(args.out)
    if not out.parent.exists():
        print(f"error: output directory {str(out.parent)!r} does not exist", file=sys.stderr)
        return 2
    try:
        inst = load_instance(Path(args.instance))
    except InstanceError as exc:
        print(f"error: {args.instance}: {exc}", file=sys.stderr)
        return 2
    result = solve(inst, time_limit=args.time_limit)
    write_atomic(out, json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    obj = result["objective"]
    print(
        f"{result['status']}: objective {obj} bound {result['bound']} "
        f"({len(result['alliances'])} alliances, {result['seconds']} s) -> {out}"
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
