"""Backup and restore (issue “Trust”, hole 8): a backup restored into a fresh database has
every table with the same number of rows and the same sampled rows.

The backup runs in-process on the test database; the restore runs the real `tianmu restore`
in a subprocess pointed at a new database (an SQLite file, or a new PostgreSQL database when
the suite runs on PostgreSQL).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tianmu.core.context import acting_as
from tianmu.employment.tests.factories import PersonFactory, make_id_number

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump reads committed data only

REPO = Path(__file__).resolve().parents[3]


def run_tianmu(*args: str, database_url: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(REPO),
        "DJANGO_SETTINGS_MODULE": "tianmu.settings",
        "TIANMU_VAR_DIR": str(tmp_path / "var"),
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "tianmu.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )


# --- Reading a database the same way on both sides ------------------------------------------------


@contextlib.contextmanager
def raw_sqlite(path_or_uri: str):
    conn = sqlite3.connect(path_or_uri, uri=path_or_uri.startswith("file:"))
    try:
        yield conn
    finally:
        conn.close()


@contextlib.contextmanager
def raw_postgres(dbname: str):
    import psycopg

    s = connection.settings_dict
    conn = psycopg.connect(
        dbname=dbname,
        user=s.get("USER") or None,
        password=s.get("PASSWORD") or None,
        host=s.get("HOST") or None,
        port=s.get("PORT") or None,
        autocommit=True,
    )
    try:
        yield conn
    finally:
        conn.close()


def snapshot(conn, tables: list[str]) -> dict[str, tuple]:
    """Per table: its row count and its first and last three rows by primary key/rowid."""
    out = {}
    cur = conn.cursor()
    for table in tables:
        cur.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608  (names from introspection)
        count = cur.fetchone()[0]
        cur.execute(f'SELECT * FROM "{table}" ORDER BY 1 LIMIT 3')  # noqa: S608
        first = [tuple(str(v) for v in row) for row in cur.fetchall()]
        cur.execute(f'SELECT * FROM "{table}" ORDER BY 1 DESC LIMIT 3')  # noqa: S608
        last = [tuple(str(v) for v in row) for row in cur.fetchall()]
        out[table] = (count, first, last)
    return out


@pytest.fixture
def data(world):
    with acting_as(username="test-setup"):
        PersonFactory(
            name="备份测试人", village=world.v1a, id_number=make_id_number(3), phone="13800001111"
        )
    return world


@pytest.fixture
def fresh_database(tmp_path):
    """A new, empty database of the suite's kind: (DATABASE_URL, how to open it raw)."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"
        yield f"sqlite:///{path}", lambda: raw_sqlite(str(path))
        return
    name = f"tianmu_restore_{uuid.uuid4().hex[:8]}"
    s = connection.settings_dict
    with raw_postgres("postgres") as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    url = f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"
    try:
        yield url, lambda: raw_postgres(name)
    finally:
        with raw_postgres("postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def source_conn():
    if connection.vendor == "sqlite":
        # The test database is a shared in-memory SQLite database: open it by its URI.
        return raw_sqlite(connection.settings_dict["NAME"])
    return raw_postgres(connection.settings_dict["NAME"])


# --- The round trip -------------------------------------------------------------------------------


def test_backup_restores_into_a_fresh_database_with_every_row(data, fresh_database, tmp_path):
    url, open_restored = fresh_database
    out = tmp_path / "tianmu.backup"
    call_command("backup", "--out", str(out))
    assert out.stat().st_size > 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # the owner only

    r = run_tianmu("restore", str(out), database_url=url, tmp_path=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Restored" in r.stdout

    tables = connection.introspection.table_names()
    assert "employment_person" in tables and "core_objectchange" in tables
    with source_conn() as src, open_restored() as dst:
        expected, restored = snapshot(src, tables), snapshot(dst, tables)
    assert restored == expected
    assert expected["employment_person"][0] == 1 and expected["core_objectchange"][0] > 10
    # Personal data travels encrypted: the same tokens, not plain numbers.
    first_person = restored["employment_person"][1][0]
    assert any(v.startswith("fernet:") for v in first_person)
    assert make_id_number(3) not in str(restored)

    # --force replaces a database that has tables (here: the restored one, after a loss).
    with open_restored() as dst:
        dst.cursor().execute("DELETE FROM employment_person")
        if connection.vendor == "sqlite":
            dst.commit()
    forced = run_tianmu("restore", str(out), "--force", database_url=url, tmp_path=tmp_path)
    assert forced.returncode == 0, forced.stderr
    with open_restored() as dst:
        assert snapshot(dst, tables) == expected


def test_restore_refuses_a_database_that_is_not_empty(data, tmp_path):
    out = tmp_path / "tianmu.backup"
    call_command("backup", "--out", str(out))
    before = {t: n for t, (n, _first, _last) in snapshot_here().items()}
    with pytest.raises(CommandError, match="not empty") as refused:
        call_command("restore", str(out))  # into the test database, which has data
    assert "--force" in str(refused.value)
    assert {t: n for t, (n, _first, _last) in snapshot_here().items()} == before


def snapshot_here() -> dict[str, tuple]:
    return snapshot(connection, connection.introspection.table_names())


def test_restore_refuses_a_file_that_is_no_backup(db, tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a backup")
    with pytest.raises(CommandError, match=r"is not an? .*made by `tianmu backup`"):
        call_command("restore", str(bogus))
    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore", str(tmp_path / "missing"))
