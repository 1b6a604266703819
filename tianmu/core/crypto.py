"""Personal data at rest: an encrypted text field, a keyed hash for lookups, and masking.

- `EncryptedTextField` stores Fernet tokens (AES-128-CBC + HMAC, from `cryptography`); the
  Python value is the plain text. The key is `settings.FIELD_ENCRYPTION_KEY` or, when that is
  empty, one derived from `SECRET_KEY` (development and tests). Changing the key makes stored
  values unreadable: production sets FIELD_ENCRYPTION_KEY once and keeps it.
- Fernet tokens are random, so an encrypted column cannot be searched or made unique. Store
  `keyed_hash(value)` beside it (an HMAC-SHA256 under a key derived from the encryption key)
  and put the index or the unique constraint on the hash.
- `mask()` is what every page and API response shows (`330112********1234`); the full value is
  given out only by an explicit, logged “reveal” (see docs/personal-data.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

_PREFIX = "fernet:"  # marks a stored token, so a plain value is never mistaken for one


def _key_material() -> str:
    return settings.FIELD_ENCRYPTION_KEY or ""


@lru_cache(maxsize=4)
def _fernet_for(configured: str, secret: str) -> Fernet:
    if configured:
        try:
            return Fernet(configured.encode())
        except (ValueError, TypeError) as exc:
            raise ImproperlyConfigured(
                "FIELD_ENCRYPTION_KEY must be 32 url-safe base64-encoded bytes "
                "(generate one with `python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'`)"
            ) from exc
    digest = hashlib.sha256(b"tianmu-field-encryption:" + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def fernet() -> Fernet:
    """The Fernet for the current settings (read at call time, never at import)."""
    return _fernet_for(_key_material(), settings.SECRET_KEY)


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


def keyed_hash(value: str) -> str:
    """An HMAC-SHA256 of `value` (hex), for uniqueness and exact lookups; "" for "".

    The HMAC key is derived from the encryption key, so the hashes cannot be recomputed from a
    list of candidate ID numbers without it.
    """
    if not value:
        return ""
    key = hashlib.sha256(b"tianmu-field-hash:" + fernet()._signing_key).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


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
