"""`tianmu figures [--rebuild] [--check]`: the fact table of the figures (docs/figures.md#facts).

Without options it refreshes the villages that changes have marked (what beat's
`aggregates.catch_up` does every few seconds). `--rebuild` builds every cell afresh from the
records (after a restore, or rows written past the change log). `--check` computes every kept
figure both ways — from the cells and live from its list — for everything and for each
county, all time and for each of the last three years, and exits 1 when any differs.
"""

from __future__ import annotations

import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from tianmu.core import facts
from tianmu.core.kpis import KpiContext, Period, all_seeing_user, area_from, kpi_spec
from tianmu.core.scoping import scope_for


class Command(BaseCommand):
    help = "Refresh, rebuild or check the fact table the figures are read from."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="Rebuild every cell.")
        parser.add_argument(
            "--check", action="store_true", help="Compare every kept figure with its live count."
        )
        parser.add_argument(
            "--area", action="append", default=[], help="Check this area (code); repeatable."
        )

    def handle(self, *args, rebuild=False, check=False, area=(), **options):
        if not facts.enabled():
            raise CommandError(_("The fact table is switched off (TIANMU_FIGURE_FACTS=0)."))
        started = time.perf_counter()
        done = facts.rebuild() if rebuild else facts.catch_up()
        self.stdout.write(
            _("%(n)d villages refreshed in %(s).1f s.")
            % {"n": done, "s": time.perf_counter() - started}
        )
        if check:
            self._check(area)

    def _check(self, codes) -> None:
        everyone = all_seeing_user()
        areas = [None]
        for code in codes:
            found = area_from(code)
            if found is None:
                raise CommandError(_("“%(code)s” is not an area.") % {"code": code})
            areas.append(found)
        year = timezone.localdate().year
        periods = [Period(None, None)] + [
            Period(datetime.date(y, 1, 1), datetime.date(y, 12, 31)) for y in range(year - 3, year)
        ]
        scope = scope_for(everyone)
        differ = compared = 0
        for area in areas:
            for period in periods:
                ctx = KpiContext(user=everyone, period=period, area=area)
                for key in facts.maintained_keys():
                    kept = facts.value(key, scope=scope, area=area, period=period)
                    live = kpi_spec(key).value(ctx)
                    compared += 1
                    if kept != live:
                        differ += 1
                        self.stderr.write(
                            f"{key} {getattr(area, 'code', '-')} {period.start}–{period.end}: "
                            f"cells {kept}, live {live}"
                        )
        self.stdout.write(_("%(n)d figures compared, %(d)d differ.") % {"n": compared, "d": differ})
        if differ:
            raise SystemExit(1)
