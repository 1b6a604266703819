"""``tianmu match INSTANCE.json --out RESULT.json [--time-limit S]``: run the alliance optimiser.

A thin wrapper: parsing, validation, solving and the atomic write all live in the pure-Python
:mod:`tianmu.matching.solver.cli`, whose exit code (0 solved, 2 bad input) becomes ours.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from tianmu.matching.solver import cli


class Command(BaseCommand):
    help = "Pair villages with 5+1+X alliances: optimise INSTANCE.json into RESULT.json."
    # The solver touches no model or URL: Django's system checks would only add a second.
    # (The `tianmu` console script does not even start Django for `match`: tianmu/cli.py.)
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("instance", metavar="INSTANCE", help="instance JSON file")
        parser.add_argument("--out", required=True, metavar="RESULT", help="result JSON file")
        parser.add_argument(
            "--time-limit",
            type=float,
            default=None,
            metavar="S",
            help="seconds allowed for the MIP (max_same_industry) path",
        )

    def handle(self, *args, **options):
        argv = [options["instance"], "--out", options["out"]]
        if options.get("time_limit") is not None:
            argv += ["--time-limit", str(options["time_limit"])]
        code = cli.main(argv)
        if code:
            sys.exit(code)
