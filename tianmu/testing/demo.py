"""The Lin'an demo for tests: loaded once per test session (per xdist worker), copied per test.

Loading the demo takes seconds (every object is validated and change-logged), and many tests
only read it. So the first test that asks for the `demo` fixture (conftest.py) builds a
snapshot: in one committed transaction the demo is loaded, every table it filled is copied to a
snapshot table (`demo_snap_<table>`), and the tables are emptied again. Each `demo` test then
copies the rows back inside its own test transaction, which is rolled back after the test like
any other: a test may write on top of the demo without the next test seeing it, and a test that
does not ask for the demo finds the database as empty as before (SQLite's id counters are put
back too, so its ids do not change). The rows are copied by SQL, not through the models, so
nothing is validated, logged or encrypted twice: the demo's change log is restored with it.

The snapshot tables are not Django models, so a flush (transactional tests) leaves them alone;
they go with the test database at the end of the session.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import translation

from tianmu.core.demo import DemoContext, load_demo
from tianmu.core.facts import catch_up

SNAPSHOT_PREFIX = "demo_snap_"


@dataclass(frozen=True)
class DemoSnapshot:
    """What the session load left: the demo's context and the tables it filled."""

    ctx: DemoContext
    tables: tuple[str, ...]


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _count(cursor, table: str) -> int:
    cursor.execute(f"SELECT COUNT(*) FROM {_q(table)}")  # noqa: S608 (table names from Django)
    return cursor.fetchone()[0]


def _sqlite_sequences(cursor) -> dict[str, int]:
    cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'")
    if cursor.fetchone() is None:
        return {}
    cursor.execute("SELECT name, seq FROM sqlite_sequence")
    return dict(cursor.fetchall())


def _put_back_sqlite_sequences(cursor, before: dict[str, int]) -> None:
    cursor.execute("SELECT name FROM sqlite_sequence")
    for (name,) in cursor.fetchall():
        if name in before:
            cursor.execute(
                "UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [before[name], name]
            )
        else:
            cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [name])


def build_snapshot() -> DemoSnapshot:
    """Load the demo, copy what it wrote to snapshot tables, empty the tables again (committed).

    Runs outside any test transaction (the session fixture unblocks the database for it). It
    loads in English with the tests' fast password hasher, as the per-test loads did.
    """
    tables = sorted(connection.introspection.django_table_names(only_existing=True))
    sqlite = connection.vendor == "sqlite"
    with (
        transaction.atomic(),
        translation.override("en"),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        connection.cursor() as cursor,
    ):
        catch_up()  # takes the fact table's "build every cell" mark of an empty database
        before = {t: _count(cursor, t) for t in tables}
        sequences = _sqlite_sequences(cursor) if sqlite else {}
        ctx = load_demo()
        filled = tuple(t for t in tables if _count(cursor, t) > before[t])
        mixed = [t for t in filled if before[t]]
        if mixed:
            # A snapshot of a table that had rows already could not tell the demo's rows apart.
            raise RuntimeError(f"The demo added rows to tables that were not empty: {mixed}")
        if connection.vendor == "postgresql":
            # Emptying the tables again deletes the demo's change log, which the append-only
            # trigger (core migration 0003) refuses; this transaction alone skips triggers.
            cursor.execute("SET LOCAL session_replication_role = 'replica'")
        for table in filled:
            snap = _q(SNAPSHOT_PREFIX + table)
            cursor.execute(f"DROP TABLE IF EXISTS {snap}")
            cursor.execute(f"CREATE TABLE {snap} AS SELECT * FROM {_q(table)}")  # noqa: S608
            cursor.execute(f"DELETE FROM {_q(table)}")  # noqa: S608
        if sqlite:
            _put_back_sqlite_sequences(cursor, sequences)
    return DemoSnapshot(ctx=ctx, tables=filled)


def restore_snapshot(snapshot: DemoSnapshot) -> DemoContext:
    """Copy the demo's rows back (inside the caller's test transaction); a fresh context.

    The context is a deep copy, so a test that changes an object in `ctx.refs` changes its own.
    """
    with connection.cursor() as cursor:
        for table in snapshot.tables:
            snap = _q(SNAPSHOT_PREFIX + table)
            cursor.execute(f"INSERT INTO {_q(table)} SELECT * FROM {snap}")  # noqa: S608
    return copy.deepcopy(snapshot.ctx)


def drop_snapshot(snapshot: DemoSnapshot) -> None:
    with connection.cursor() as cursor:
        for table in snapshot.tables:
            cursor.execute(f"DROP TABLE IF EXISTS {_q(SNAPSHOT_PREFIX + table)}")
