"""`tianmu report monthly|ledger|alliance --area CODE --period P [--alliance ID]
--format xlsx|pdf|json --out FILE [--user NAME] [--lang zh-hans|en]` (docs/reports.md)."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import override

from tianmu.reports.definitions import BUILDERS, ReportError
from tianmu.reports.render import FORMATS, render
from tianmu.reports.selectors import ReportInput, report_for


class Command(BaseCommand):
    help = "Make a report (monthly brief, quarterly ledger, alliance report) as a file."

    def add_arguments(self, parser):
        parser.add_argument("name", choices=sorted(BUILDERS))
        parser.add_argument("--area", default=None, help="Division code (default: everything).")
        parser.add_argument("--period", required=True, help="2025-10, 2025Q3 or 2025.")
        parser.add_argument("--alliance", default=None, help="Alliance id (alliance report).")
        parser.add_argument("--format", default="json", choices=FORMATS)
        parser.add_argument("--out", required=True, help="The file to write ('-' for stdout).")
        parser.add_argument(
            "--user", default=None, help="Make it as this user (default: a superuser's view)."
        )
        parser.add_argument("--lang", default="zh-hans", choices=["zh-hans", "en"])

    def handle(self, *args, **options):
        User = get_user_model()
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user named {options['user']!r}.", returncode=2)
        else:
            user = User(username="report", role="superuser", is_superuser=True)
        given = ReportInput(
            name=options["name"],
            area=options["area"],
            period=options["period"],
            alliance=options["alliance"],
        )
        with override(options["lang"]):
            try:
                report = report_for(user, given)
            except ReportError as error:
                raise CommandError(f"{error.field}: {error}", returncode=2) from None
            content = render(report, options["format"])
        if options["out"] == "-":
            self.stdout.buffer.write(content) if hasattr(
                self.stdout, "buffer"
            ) else self.stdout.write(content.decode())
        else:
            Path(options["out"]).write_bytes(content)
            self.stderr.write(f"Wrote {options['out']} ({len(content):,} bytes).")
