"""Encryption keys rotate: the newest encrypts, all decrypt, `tianmu reencrypt` moves stored
values to the newest key, and the keyed hashes do not change."""

from __future__ import annotations

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tianmu.core.crypto import decrypt, encrypt, keyed_hash
from tianmu.core.models import ObjectChange
from tianmu.employment.models import Person
from tianmu.employment.tests.factories import PersonFactory, make_id_number

pytestmark = pytest.mark.django_db

OLD, NEW, OTHER = (Fernet.generate_key().decode() for _ in range(3))


def raw(person: Person) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM employment_person WHERE id = %s", [person.pk])
        return cursor.fetchone()


def reencrypt() -> str:
    out = StringIO()
    call_command("reencrypt", stdout=out)
    return out.getvalue()


def test_newest_key_encrypts_and_every_key_decrypts(settings):
    settings.TIANMU_ENCRYPTION_KEYS = [OLD]
    token = encrypt("330124198001010024")
    settings.TIANMU_ENCRYPTION_KEYS = [NEW, OLD]
    assert decrypt(token) == "330124198001010024"
    fresh = encrypt("x")
    settings.TIANMU_ENCRYPTION_KEYS = [NEW]
    assert decrypt(fresh) == "x"
    with pytest.raises(ValueError, match="cannot be decrypted"):
        decrypt(token)


def test_rotation_round_trip(world, settings):
    settings.TIANMU_ENCRYPTION_KEYS = [OLD]
    number = make_id_number(7)
    people = [
        PersonFactory(village=world.v1a, id_number=number, phone="13812345678"),
        PersonFactory(village=world.v1a, phone="13900001111"),
        PersonFactory(village=world.v1a),  # nothing encrypted
    ]
    before_raw = [raw(p) for p in people]
    before_hash = [Person.objects.get(pk=p.pk).id_number_hash for p in people]
    before_updated = [Person.objects.get(pk=p.pk).last_updated for p in people]
    changes = ObjectChange.objects.count()

    settings.TIANMU_ENCRYPTION_KEYS = [NEW, OLD]
    out = reencrypt()

    assert "employment.Person.id_number: 1 re-encrypted" in out
    assert "employment.Person.phone: 2 re-encrypted" in out
    after_raw = [raw(p) for p in people]
    assert after_raw[0][0] != before_raw[0][0] and after_raw[0][1] != before_raw[0][1]
    assert after_raw[2] == before_raw[2] == ("", "")
    # Only the new key is needed now; nothing else changed.
    settings.TIANMU_ENCRYPTION_KEYS = [NEW]
    got = Person.objects.get(pk=people[0].pk)
    assert (got.id_number, got.phone) == (number, "13812345678")
    assert Person.objects.get(pk=people[1].pk).phone == "13900001111"
    assert [Person.objects.get(pk=p.pk).id_number_hash for p in people] == before_hash
    assert before_hash[0] == keyed_hash(number) != ""
    assert [Person.objects.get(pk=p.pk).last_updated for p in people] == before_updated
    assert ObjectChange.objects.count() == changes
    # The exact search by hash still finds the person under the new key.
    assert Person.objects.filter(id_number_hash=keyed_hash(number)).get().pk == people[0].pk

    # A second run finds nothing to do.
    assert "0 values now use the newest key" in reencrypt()


def test_reencrypt_changes_nothing_when_a_key_is_missing(world, settings):
    settings.TIANMU_ENCRYPTION_KEYS = [OTHER]
    b = PersonFactory(village=world.v1a, phone="13900001111")  # rewritten first, then undone
    settings.TIANMU_ENCRYPTION_KEYS = [OLD]
    a = PersonFactory(village=world.v1a, phone="13812345678")
    before = (raw(a), raw(b))

    settings.TIANMU_ENCRYPTION_KEYS = [NEW, OTHER]  # OLD is missing: `a` cannot be read
    with pytest.raises(CommandError, match=f"employment.Person.phone of id {a.pk}"):
        reencrypt()

    assert (raw(a), raw(b)) == before  # all or nothing: `b` was not rewritten either


def test_the_lookup_key_is_not_an_encryption_key(settings):
    settings.TIANMU_ENCRYPTION_KEYS = [OLD]
    first = keyed_hash("330124198001010024")
    settings.TIANMU_ENCRYPTION_KEYS = [NEW]
    assert keyed_hash("330124198001010024") == first
    settings.TIANMU_LOOKUP_KEY = "another-lookup-key-that-is-long-enough-000"
    assert keyed_hash("330124198001010024") != first
