"""`tianmu prunechanges --before DATE`: delete change-log rows older than DATE.

The change log is kept at least six months (`TIANMU_CHANGELOG_MIN_MONTHS`; 等保 2.0 asks for
audit records of at least six months), so a DATE later than six months ago is refused and
nothing is deleted. On PostgreSQL the append-only trigger (core migration 0003) is opened only
for this command's own transaction, by a `SET LOCAL` setting it checks, and it still refuses
younger rows itself.
"""

from __future__ import annotations

import calendar
import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from tianmu.core.models import ObjectChange


def earliest_allowed(today: datetime.date) -> datetime.date:
    """The latest `--before` the retention rule allows: today minus the minimum months (the
    same day of the month, or the month's last day when it is shorter)."""
    year, month = divmod(
        today.year * 12 + today.month - 1 - settings.TIANMU_CHANGELOG_MIN_MONTHS, 12
    )
    month += 1
    return today.replace(
        year=year, month=month, day=min(today.day, calendar.monthrange(year, month)[1])
    )


def prune_changes(*, before: datetime.date, using: str = DEFAULT_DB_ALIAS) -> int:
    """Delete rows logged before `before` (local midnight); returns how many."""
    limit = earliest_allowed(timezone.localdate())
    if before > limit:
        raise CommandError(
            f"Refused: the change log is kept at least {settings.TIANMU_CHANGELOG_MIN_MONTHS} "
            f"months; --before may be at most {limit.isoformat()}. Nothing was deleted."
        )
    cutoff = timezone.make_aware(datetime.datetime.combine(before, datetime.time.min))
    table = ObjectChange._meta.db_table
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        postgresql = connection.vendor == "postgresql"
        if postgresql:
            # SET LOCAL ends with the transaction (no other session ever sees it); it is
            # switched off again right after the DELETE, for when this runs inside a larger
            # transaction (a savepoint does not end a SET LOCAL).
            cursor.execute("SET LOCAL tianmu.prune_changes = 'on'")
        # Raw SQL: the ORM refuses to delete change-log rows (ObjectChangeQuerySet).
        cursor.execute(f"DELETE FROM {table} WHERE time < %s", [cutoff])  # noqa: S608
        deleted = cursor.rowcount
        if postgresql:
            cursor.execute("SET LOCAL tianmu.prune_changes = 'off'")
        return deleted


class Command(BaseCommand):
    help = (
        "Delete change-log rows older than --before (YYYY-MM-DD). Rows younger than six "
        "months are kept: a later date is refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, help="Delete rows logged before this date.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, before: str, database: str, **options):
        try:
            day = datetime.date.fromisoformat(before)
        except ValueError as exc:
            raise CommandError(f"--before must be a date like 2025-01-31; got {before!r}") from exc
        deleted = prune_changes(before=day, using=database)
        self.stdout.write(f"Deleted {deleted} change-log rows logged before {day.isoformat()}.")
