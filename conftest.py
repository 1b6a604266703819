"""Shared pytest fixtures (see tianmu/testing/world.py for the test world)."""

import pytest


@pytest.fixture
def world(db):
    from tianmu.testing import build_world

    return build_world()


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
