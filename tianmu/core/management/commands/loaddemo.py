"""`tianmu loaddemo`: load the Lin'an pilot demo (docs/demo.md). Safe to run again."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from tianmu.core.demo import domain_records_exist, load_demo


class Command(BaseCommand):
    help = (
        "Load the demo: Lin'an District, its villages, 65 enterprises and the 13 alliances of "
        "the 天目共富联盟 pilot. Idempotent: objects that exist already are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load only when the database has no domain records yet (used by `make run`).",
        )

    def handle(self, *args, if_empty: bool = False, **options):
        # -v 0 (make run): only the one line that says the demo was loaded.
        verbose = options.get("verbosity", 1) >= 1
        if if_empty and domain_records_exist():
            if verbose:
                self.stdout.write("The database already has domain records; demo not loaded.")
            return
        began = time.monotonic()
        ctx = load_demo()
        elapsed = time.monotonic() - began
        if not ctx.created:
            self.stdout.write(f"The demo is already loaded; nothing changed ({elapsed:.1f} s).")
            return
        for label, count in sorted(ctx.created.items()) if verbose else ():
            self.stdout.write(f"  {label}: {count} created")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded: {sum(ctx.created.values())} objects in {elapsed:.1f} s."
            )
        )
