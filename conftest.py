"""Shared pytest fixtures (see tianmu/testing/world.py for the test world)."""

import pytest


@pytest.fixture
def world(db):
    from tianmu.testing import build_world

    return build_world()


@pytest.fixture(scope="session")
def _demo_snapshot(django_db_setup, django_db_blocker):
    """The Lin'an demo, loaded once per session and xdist worker (tianmu/testing/demo.py)."""
    from tianmu.testing.demo import build_snapshot, drop_snapshot

    with django_db_blocker.unblock():
        snapshot = build_snapshot()
    yield snapshot
    with django_db_blocker.unblock():
        drop_snapshot(snapshot)


@pytest.fixture
def demo(_demo_snapshot, db):
    """The Lin'an demo in this test's transaction (rolled back after it); its DemoContext.

    Tests that do not ask for it see no demo data.
    """
    from tianmu.testing.demo import restore_snapshot

    return restore_snapshot(_demo_snapshot)


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    """Tests read English messages unless they ask for Chinese (the site default)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 costs ~0.2 s a user; the test world makes a dozen. Not used outside tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
