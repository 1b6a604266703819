"""Personal data at rest: an encrypted text field, a keyed hash for lookups, and masking.

- `EncryptedTextField` stores Fernet tokens (AES-128-CBC + HMAC, from `cryptography`); the
  Python value is the plain text. The keys are `settings.TIANMU_ENCRYPTION_KEYS`, newest first
  (a `MultiFernet`): the newest encrypts, every one decrypts, and `tianmu reencrypt` moves
  stored values to the newest so an old key can be dropped. Development (DEBUG=1) without keys
  derives one from `SECRET_KEY`; production refuses to start without them (settings.py).
- Fernet tokens are random, so an encrypted column cannot be searched or made unique. Store
  `keyed_hash(value)` beside it (an HMAC-SHA256 under `settings.TIANMU_LOOKUP_KEY`) and put the
  index or the unique constraint on the hash. The lookup key is not an encryption key, so
  rotating those leaves every hash valid.
- `mask()` is what every page and API response shows (`330112********1234`); the full value is
  given out only by an explicit, logged “reveal” (see docs/personal-data.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

_PREFIX = "fernet:"  # marks a stored token, so a plain value is never mistaken for one


def _derived(purpose: bytes, secret: str) -> bytes:
    return hashlib.sha256(purpose + secret.encode()).digest()


def encryption_keys() -> tuple[str, ...]:
    """The configured Fernet keys, newest first (a development key derived when none is)."""
    keys = tuple(k for k in settings.TIANMU_ENCRYPTION_KEYS if k)
    if keys:
        return keys
    if not settings.DEBUG:
        raise ImproperlyConfigured("TIANMU_ENCRYPTION_KEYS must be set when DEBUG=0.")
    derived = _derived(b"tianmu-field-encryption:", settings.SECRET_KEY)
    return (base64.urlsafe_b64encode(derived).decode(),)


@lru_cache(maxsize=8)
def _multi_for(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "TIANMU_ENCRYPTION_KEYS must hold Fernet keys (32 url-safe base64-encoded bytes); "
            "generate one with `tianmu genkey`."
        ) from exc


def fernet() -> MultiFernet:
    """The MultiFernet for the current settings (read at call time, never at import)."""
    return _multi_for(encryption_keys())


def newest_fernet() -> Fernet:
    """The key that encrypts: a value it can read needs no re-encryption."""
    return Fernet(encryption_keys()[0].encode())


def rotate(token: str) -> str | None:
    """`token` re-encrypted under the newest key, or None when it already is.

    Raises ValueError when no configured key reads it.
    """
    if not token.startswith(_PREFIX):
        raise ValueError("not an encrypted value")
    raw = token[len(_PREFIX) :].encode()
    try:
        newest_fernet().decrypt(raw)
        return None
    except InvalidToken:
        pass
    try:
        return _PREFIX + fernet().rotate(raw).decode()
    except InvalidToken as exc:
        raise ValueError("the value cannot be decrypted with any configured key") from exc


def encrypt(value: str) -> str:
    if not value:
        return ""
    return _PREFIX + fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    if not token.startswith(_PREFIX):
        raise ValueError("not an encrypted value")
    try:
        return fernet().decrypt(token[len(_PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ValueError("the value cannot be decrypted with the configured key") from exc


def _lookup_key() -> bytes:
    configured = settings.TIANMU_LOOKUP_KEY
    if configured:
        return configured.encode()
    if not settings.DEBUG:
        raise ImproperlyConfigured("TIANMU_LOOKUP_KEY must be set when DEBUG=0.")
    return _derived(b"tianmu-field-hash:", settings.SECRET_KEY)


def keyed_hash(value: str) -> str:
    """An HMAC-SHA256 of `value` (hex), for uniqueness and exact lookups; "" for "".

    Keyed by TIANMU_LOOKUP_KEY, so the hashes cannot be recomputed from a list of candidate ID
    numbers without it, and stay the same when the encryption keys rotate.
    """
    if not value:
        return ""
    return hmac.new(_lookup_key(), value.encode(), hashlib.sha256).hexdigest()


def mask(value: str, *, keep_start: int = 6, keep_end: int = 4) -> str:
    """`330112********1234`: the first and last characters kept, the middle starred.

    At least a third of the value is always hidden, so a short value keeps fewer characters
    (a phone number shows as `138****5678` with keep_start=3).
    """
    if not value:
        return ""
    n = len(value)
    while n - keep_start - keep_end < max(1, -(-n // 3)) and (keep_start or keep_end):
        if keep_start >= keep_end:
            keep_start -= 1
        else:
            keep_end -= 1
    tail = value[n - keep_end :] if keep_end else ""
    return value[:keep_start] + "*" * (n - keep_start - keep_end) + tail


class EncryptedTextField(models.TextField):
    """A text column holding a Fernet token; reads and writes plain text in Python.

    Not searchable and not unique by design (see the module docstring for the hash beside it).
    """

    description = "Text encrypted at rest"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def to_python(self, value):
        if isinstance(value, str) and value.startswith(_PREFIX):
            return decrypt(value)
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)
