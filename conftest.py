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
def _empty_cache():
    """Each test starts with an empty cache: rolled-back tests reuse ids (SQLite), so a cached
    figure keyed by the newest change id could outlive the test that counted it."""
    from django.core.cache import cache

    cache.clear()
    yield


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


@pytest.fixture(autouse=True)
def _force_login_includes_the_second_factor(monkeypatch):
    """`client.force_login(user)` stands for a complete sign-in: for a user with a confirmed
    TOTP device that includes its code (as `django_otp.login` records it in the session).
    Production is unchanged; tests of the second factor log in with the real views."""
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)
