"""Backup and restore of the whole database (`tianmu backup`, `tianmu restore`; docs/deploy.md).

PostgreSQL: `pg_dump --format=custom` and `pg_restore --single-transaction` (all or nothing).
SQLite: the SQLite online backup API, which copies a consistent snapshot of a live database.
A backup holds personal data only encrypted, and never the keys: `FIELD_ENCRYPTION_KEY` and
`SECRET_KEY` live in the environment, and are kept apart from the backups (docs/deploy.md).

A restore refuses a target that already has tables unless forced: restoring over a working
database by mistake would throw its data away.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


def _private_file(path: Path) -> None:
    """Create `path` empty, readable by its owner only (a backup holds the user table too)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


def _pg_env_and_args(settings_dict: dict) -> tuple[dict, list[str]]:
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    args = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    return env, args


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return found


def backup(*, out: Path, using: str = "default") -> int:
    """Write a backup of database `using` to `out`; returns its size in bytes."""
    connection = connections[using]
    out = Path(out)
    _private_file(out)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(out)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    elif connection.vendor == "postgresql":
        settings_dict = connection.settings_dict
        env, args = _pg_env_and_args(settings_dict)
        cmd = [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(out), *args]
        result = subprocess.run(  # noqa: S603  (fixed program, no shell)
            [*cmd, str(settings_dict["NAME"])], env=env, capture_output=True, text=True
        )
        if result.returncode != 0:
            out.unlink(missing_ok=True)
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    else:
        raise BackupError(f"Backups of {connection.vendor} databases are not supported.")
    return out.stat().st_size


def target_tables(using: str = "default") -> list[str]:
    connection = connections[using]
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def restore(*, source: Path, force: bool = False, using: str = "default") -> None:
    """Replace database `using` with the backup in `source`.

    Refused when the target has tables and `force` is not set. On PostgreSQL a forced
    restore drops the objects the backup contains first (`--clean --if-exists`), all in one
    transaction; on SQLite the whole file is replaced.
    """
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"No backup file at {source}.")
    with source.open("rb") as f:
        head = f.read(len(SQLITE_MAGIC))
    connection = connections[using]
    expected = {"sqlite": SQLITE_MAGIC, "postgresql": PGDUMP_MAGIC}.get(connection.vendor)
    if expected is None:
        raise BackupError(f"Restoring {connection.vendor} databases is not supported.")
    if not head.startswith(expected):
        kind = "an SQLite file" if expected == SQLITE_MAGIC else "a pg_dump custom-format file"
        raise BackupError(
            f"{source} is not {kind} (made by `tianmu backup` on this kind of database)."
        )
    tables = target_tables(using)
    if tables and not force:
        raise BackupError(
            f"The target database is not empty ({len(tables)} tables). Restore into a new, "
            "empty database, or pass --force to replace everything in this one."
        )
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        backup_db = sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            backup_db.backup(connection.connection)
        finally:
            backup_db.close()
        connection.close()
        return
    settings_dict = connection.settings_dict
    connection.close()  # pg_restore must not wait on our own locks
    env, args = _pg_env_and_args(settings_dict)
    cmd = [_tool("pg_restore"), "--no-owner", "--no-privileges", "--single-transaction", *args]
    if force:
        cmd += ["--clean", "--if-exists"]
    cmd += ["--dbname", str(settings_dict["NAME"]), str(source)]
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed (nothing was changed): {result.stderr.strip()}")
