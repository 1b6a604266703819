"""`tianmu gendata`: fill an empty database with a synthetic province, county or pilot
(docs/gendata.md). The generator is tianmu/testing/gendata.py."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tianmu.testing.gendata import SCALES, GendataError, generate, parse_fraction


class Command(BaseCommand):
    help = (
        "Fill an empty database with synthetic example data: --scale pilot (a few towns), "
        "county (one county) or province (11 cities, 90 counties, 20,000 villages and three "
        "years of records), optionally a --fraction of it. Refuses a database with domain "
        "records unless --force, which deletes them first."
    )

    def add_arguments(self, parser):
        # No argparse `choices`/`type` for scale and fraction: bad values get the
        # translated messages below and exit code 2, from the CLI and call_command alike.
        parser.add_argument("--scale", required=True, help="pilot, county or province")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same data (1).")
        parser.add_argument(
            "--fraction",
            default="1",
            help="Scale every count by F (0 < F ≤ 1), e.g. 0.01 for 1 %% of a province.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Delete the domain records (areas, organisations, alliances …) first.",
        )

    def handle(self, *args, scale: str, seed: int, fraction: str, force: bool, **options):
        if scale not in SCALES:
            raise CommandError(
                _("Unknown scale “%(scale)s”: choose pilot, county or province.")
                % {"scale": scale},
                returncode=2,
            )
        try:
            value = parse_fraction(fraction)
        except GendataError:
            raise CommandError(
                _("--fraction must be a number above 0 and at most 1; got “%(value)s”.")
                % {"value": fraction},
                returncode=2,
            ) from None
        verbose = options.get("verbosity", 1) >= 1
        say = self.stdout.write if verbose else None
        try:
            result = generate(scale=scale, seed=seed, fraction=value, force=force, progress=say)
        except GendataError as exc:
            if str(exc) != "not_empty":
                raise
            raise CommandError(
                _(
                    "The database already has domain records; gendata fills an empty "
                    "database. Run it with --force to delete them first."
                ),
                returncode=2,
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"gendata --scale {scale} --fraction {value:g} --seed {seed}: "
                f"{result.rows} rows in {len([t for t in result.tables if t.rows])} tables, "
                f"{result.seconds:.1f} s ({result.seconds / 60:.1f} min)."
            )
        )
