"""On SQLite a writer that finds the database locked waits and then writes, instead of failing
with "database is locked" (a 500): the settings take the write lock at BEGIN (IMMEDIATE) and
wait up to the busy timeout.

The test opens two connections to a file database with the project's own SQLite settings.
One holds a write transaction for a moment; the other runs the shape every service has (read,
check, then write) inside a transaction. Without IMMEDIATE, the second one's read takes a
shared lock that it cannot upgrade while the first commits: SQLite reports the deadlock at
once, whatever the timeout.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.conf import settings
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's database lock only")


def _wrapper(path) -> DatabaseWrapper:
    config = {**settings.DATABASES["default"], "NAME": str(path)}
    config.setdefault("OPTIONS", {})
    config.setdefault("TIME_ZONE", None)
    config.setdefault("CONN_HEALTH_CHECKS", False)
    config.setdefault("AUTOCOMMIT", True)
    config.setdefault("ATOMIC_REQUESTS", False)
    return DatabaseWrapper(config, alias="lock-test")


def test_the_settings_wait_for_the_lock():
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["timeout"] >= 5
    assert options["transaction_mode"] == "IMMEDIATE"


@pytest.fixture
def own_database(django_db_blocker):
    """The test's connections are its own file database, not the test database."""
    with django_db_blocker.unblock():
        yield


def test_a_second_writer_waits_instead_of_failing(tmp_path, own_database):
    path = tmp_path / "lock.sqlite3"
    setup = _wrapper(path)
    with setup.cursor() as c:
        c.execute("CREATE TABLE counter (n integer)")
        c.execute("INSERT INTO counter VALUES (0)")
    setup.close()

    holding = threading.Event()
    errors: list[Exception] = []

    def first():
        db = _wrapper(path)
        try:
            with _atomic(db), db.cursor() as c:
                c.execute("UPDATE counter SET n = n + 1")
                holding.set()
                time.sleep(0.5)
        except Exception as exc:  # noqa: BLE001 - the assertion below reports it
            errors.append(exc)
        finally:
            db.close()

    def second():
        holding.wait(5)
        db = _wrapper(path)
        try:
            with _atomic(db), db.cursor() as c:
                c.execute("SELECT n FROM counter")  # read, check ...
                (n,) = c.fetchone()
                c.execute("UPDATE counter SET n = %s", [n + 10])  # ... then write
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    check = _wrapper(path)
    with check.cursor() as c:
        c.execute("SELECT n FROM counter")
        assert c.fetchone() == (11,)  # both writes, the second after the first
    check.close()


class _atomic:
    """BEGIN … COMMIT on a bare wrapper, the way Django's atomic() opens a transaction."""

    def __init__(self, db: DatabaseWrapper):
        self.db = db

    def __enter__(self):
        self.db.ensure_connection()
        # What atomic() does on SQLite: BEGIN (with the configured transaction_mode).
        self.db.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
        return self

    def __exit__(self, kind, exc, tb):
        if kind is None:
            self.db.commit()
        else:
            self.db.rollback()
        self.db.set_autocommit(True)
        return False
