"""`tianmu reencrypt`: move every encrypted value to the newest key (key rotation).

Rotation (docs/personal-data.md): put a new key first in TIANMU_ENCRYPTION_KEYS, keep the old
ones after it, run this command, then drop the old keys. It rewrites only the encrypted
columns, row by row in one transaction — all or nothing — and through the database cursor, so
no timestamp, change-log row or keyed hash is touched (the hashes use TIANMU_LOOKUP_KEY, which
does not rotate).
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from tianmu.core.crypto import EncryptedTextField, rotate


def encrypted_columns():
    """(model, [fields]) for every model with an encrypted field."""
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if fields and not model._meta.proxy:
            yield model, fields


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field with the newest key in TIANMU_ENCRYPTION_KEYS, in one "
        "transaction. Changes nothing else. Run after adding a new key in front of the list."
    )

    def handle(self, *args, **options):
        counts = []
        with transaction.atomic(), connection.cursor() as cursor:
            for model, fields in encrypted_columns():
                table = connection.ops.quote_name(model._meta.db_table)
                pk = connection.ops.quote_name(model._meta.pk.column)
                for field in fields:
                    column = connection.ops.quote_name(field.column)
                    # Read and write raw tokens: the field's own conversion would decrypt.
                    sql = (
                        f"SELECT {pk}, {column} FROM {table} "  # noqa: S608 (quoted names)
                        f"WHERE {column} IS NOT NULL AND {column} <> '' ORDER BY {pk}"
                    )
                    if connection.features.has_select_for_update:
                        sql += " " + connection.ops.for_update_sql()
                    cursor.execute(sql)
                    changed = 0
                    for row_pk, token in cursor.fetchall():
                        try:
                            new = rotate(token)
                        except ValueError as exc:
                            raise CommandError(
                                f"{model._meta.label}.{field.name} of id {row_pk}: {exc}. "
                                "Nothing was changed; add the missing key to "
                                "TIANMU_ENCRYPTION_KEYS and run again."
                            ) from exc
                        if new is None:
                            continue
                        cursor.execute(
                            f"UPDATE {table} SET {column} = %s WHERE {pk} = %s",  # noqa: S608
                            [new, row_pk],
                        )
                        changed += 1
                    counts.append((f"{model._meta.label}.{field.name}", changed))
        for name, changed in counts:
            self.stdout.write(f"{name}: {changed} re-encrypted")
        total = sum(c for _n, c in counts)
        self.stdout.write(f"{total} values now use the newest key.")
