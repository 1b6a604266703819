"""`tianmu restore FILE [--force]`: replace the database with a backup (docs/deploy.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from tianmu.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `tianmu backup` into this database. Refuses a database "
        "that has tables unless --force (which replaces everything in it)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup file.")
        parser.add_argument(
            "--force", action="store_true", help="Replace a database that is not empty."
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, file: str, force: bool, database: str, **options):
        try:
            restore(source=Path(file), force=force, using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored {file}. Start the application with the same FIELD_ENCRYPTION_KEY as "
            "when the backup was made, or the personal data cannot be read."
        )
