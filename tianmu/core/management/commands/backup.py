"""`tianmu backup --out FILE`: a backup of the whole database (docs/deploy.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from tianmu.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database to FILE: pg_dump's custom format on PostgreSQL, SQLite's "
        "backup API on SQLite. The file is readable by its owner only; it holds no keys."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="Where to write the backup.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, out: str, database: str, **options):
        try:
            size = backup(out=Path(out), using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Backed up the database to {out} ({size} bytes). The encryption keys are not in "
            "it: keep them apart from the backups (docs/deploy.md)."
        )
