"""`tianmu import R FILE [--dry-run] [--user NAME]`: exit 0 when written, 2 with the errors."""

from __future__ import annotations

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from tianmu.core.api import InvalidInput
from tianmu.core.imports import iter_errors
from tianmu.exchange.registers import importers
from tianmu.exchange.services import import_create


class Command(BaseCommand):
    help = "Import a sheet (xlsx or csv) into a register, all rows or none."

    def add_arguments(self, parser):
        parser.add_argument("resource", help="The register: " + ", ".join(importers()))
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check and preview only.")
        parser.add_argument(
            "--user",
            help="Import as this user (their scope applies; default: the first superuser).",
        )

    def handle(self, *args, resource, file, dry_run, user, **options):
        User = get_user_model()
        if user:
            actor = User.objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(f"No active user {user!r}.")
        else:
            actor = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
            if actor is None:
                raise CommandError("No superuser: pass --user NAME.")
        if not file.is_file():
            raise CommandError(f"No file {file}.")
        try:
            job = import_create(
                user=actor,
                resource=resource,
                filename=file.name,
                content=file.read_bytes(),
                dry_run=dry_run,
            )
        except InvalidInput as exc:
            for name, messages in exc.errors.items():
                for m in messages:
                    self.stderr.write(f"{name}: {m}")
            sys.exit(2)
        summary = (
            f"rows {job.rows} · created {job.created} · updated {job.updated} · "
            f"unchanged {job.unchanged}"
        )
        if job.errors:
            for line in iter_errors(job.errors):
                self.stderr.write(line)
            self.stderr.write(f"Refused: nothing written ({len(job.errors)} errors).")
            sys.exit(2)
        if dry_run:
            for row, action, text in job.actions:
                self.stdout.write(f"{row}\t{action}\t{text}")
            self.stdout.write(f"Dry run, nothing written: {summary}")
        else:
            self.stdout.write(f"Written: {summary}")
