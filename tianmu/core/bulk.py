"""Bulk inserts that still write the change log: one ObjectChange row per created object.

`Model.objects.bulk_create` sends no signals, so the change log would miss the rows. Use
`bulk_create_logged` wherever many objects are created at once (the demo, imports, generated
schedules): the objects and their log rows go in with two batched INSERTs each, attributed to
the current actor (`tianmu.core.context`). On PostgreSQL, large batches go in with `COPY`
instead (`copy_insert`): the ids are taken from the table's sequence first, so the log rows
can name them, and each value is prepared by its field exactly as an INSERT would.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction

from tianmu.core import facts
from tianmu.core.context import current_actor
from tianmu.core.copying import copy_rows
from tianmu.core.models import ObjectChange, snapshot


def bulk_create_logged(
    model: type[models.Model], objs: Sequence[models.Model], *, batch_size: int = 2000
) -> list[models.Model]:
    """Insert `objs` (already validated by the caller) and log each as created. Rows dated in
    a locked month are refused (`check_period_lock`), as in `object_save`."""
    if not objs:
        return []
    from tianmu.core.periodlocks import PeriodLock, check_period_lock

    if (
        PeriodLock.objects.active().exists()
    ):  # most databases have no lock: skip the per-row lookups
        for obj in objs:
            check_period_lock(obj)
    with transaction.atomic():
        created = insert_many(model, list(objs), batch_size=batch_size)
        missing = [o for o in created if o.pk is None]
        if missing:  # a backend that cannot return ids from a bulk insert
            raise RuntimeError(f"bulk_create returned no ids for {model.__name__}")
        write_log(model, ObjectChange.Action.CREATE, created, {}, batch_size=batch_size)
    return created


#: From how many rows an insert uses COPY on PostgreSQL.
COPY_FROM = 1000


def _fast(objs) -> bool:
    return connection.vendor == "postgresql" and len(objs) >= COPY_FROM


def insert_many(model, objs: list, *, batch_size: int = 2000) -> list:
    """`bulk_create`, or `copy_insert` for a large batch on PostgreSQL."""
    if _fast(objs):
        return copy_insert(model, objs)
    return model._default_manager.bulk_create(objs, batch_size=batch_size)


def write_log(model, action: str, objs: Sequence, before: dict, *, batch_size: int = 2000):
    """One change-log row per object of `objs` (`before`: `{pk: snapshot}` for updates),
    attributed to the current actor: by COPY for a large batch on PostgreSQL. The villages
    whose maintained figures the change moves are marked (`tianmu.core.facts.mark`)."""
    facts.mark(model, objs, before)
    actor = current_actor()
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    if _fast(objs):
        copy_log(actor, content_type, action, objs, before)
        return
    rows = [
        ObjectChange(
            user_id=actor.user_id,
            user_name=actor.username,
            request_id=actor.request_id,
            action=action,
            content_type=content_type,
            object_id=str(o.pk),
            object_repr=str(o)[:200],
            before=before.get(o.pk),
            after=snapshot(o),
        )
        for o in objs
    ]
    ObjectChange.objects.bulk_create(rows, batch_size=batch_size)


def copy_log(actor, content_type, action: str, objs: Sequence, before: dict) -> None:
    """The change log's rows for `objs` by COPY, without a model instance per row: the same
    columns `ObjectChange` would write (its time now, the actor, each object's snapshot)."""
    from django.core.serializers.json import DjangoJSONEncoder
    from django.utils import timezone
    from psycopg.types.json import Jsonb

    def dumps(value):
        return json.dumps(value, cls=DjangoJSONEncoder)

    now = timezone.now()
    columns = ["time", "user_id", "user_name", "request_id", "action", "content_type_id",
               "object_id", "object_repr", "before", "after"]  # fmt: skip
    copy_rows(
        ObjectChange._meta.db_table,
        columns,
        (
            (
                now,
                actor.user_id,
                actor.username,
                actor.request_id,
                action,
                content_type.pk,
                str(o.pk),
                str(o)[:200],
                None if before.get(o.pk) is None else Jsonb(before[o.pk], dumps),
                Jsonb(snapshot(o), dumps),
            )  # fmt: skip
            for o in objs
        ),
    )


def copy_insert(model: type[models.Model], objs: list[models.Model]) -> list[models.Model]:
    """Insert `objs` with PostgreSQL `COPY`: what `bulk_create` does (ids set on the objects,
    `auto_now` fields filled in, every value prepared by its field — encrypted fields
    encrypted, JSON as JSON), several times faster for thousands of rows."""
    from psycopg.types.json import Jsonb

    if not objs:
        return objs
    conn = connections[DEFAULT_DB_ALIAS]  # the proxy `connection` costs a look-up a value
    meta = model._meta
    pk = meta.pk
    fields = [
        (f.pre_save, f.get_db_prep_save, isinstance(f, models.JSONField))
        for f in meta.concrete_fields
        if f is not pk
    ]
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, pk.column, len(objs)],
        )
        ids = [row[0] for row in cursor.fetchall()]
    columns = [pk.column] + [f.column for f in meta.concrete_fields if f is not pk]
    rows = []
    for obj, new_id in zip(objs, ids, strict=True):
        obj.pk = new_id
        obj._state.adding = False
        obj._state.db = conn.alias
        row = [new_id]
        for pre_save, prep, is_json in fields:
            value = prep(pre_save(obj, True), conn)
            if is_json and value is not None and not isinstance(value, Jsonb):
                value = Jsonb(value)
            row.append(value)
        rows.append(row)
    copy_rows(meta.db_table, columns, rows)
    return objs


def bulk_update_logged(
    model: type[models.Model],
    objs: Sequence[models.Model],
    fields: Sequence[str],
    before: dict,
    *,
    batch_size: int = 2000,
) -> None:
    """Update `fields` of `objs` (validated by the caller) and log each change, with the
    `before` snapshot of each (`{pk: snapshot}`, taken when it was read). Period locks are
    checked as in `bulk_create_logged`; `last_updated` is set as `save()` would."""
    if not objs:
        return
    from django.utils import timezone

    from tianmu.core.periodlocks import PeriodLock, check_period_lock

    if PeriodLock.objects.active().exists():
        for obj in objs:
            check_period_lock(obj)
    fields = list(fields)
    if any(f.name == "last_updated" for f in model._meta.concrete_fields):
        now = timezone.now()
        for obj in objs:
            obj.last_updated = now
        fields.append("last_updated")
    with transaction.atomic():
        model._default_manager.bulk_update(objs, fields, batch_size=batch_size)
        write_log(model, ObjectChange.Action.UPDATE, objs, before, batch_size=batch_size)
