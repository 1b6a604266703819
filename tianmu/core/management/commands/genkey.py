"""`tianmu genkey [--lookup | --secret]`: print a new key, for the settings in docs/deploy.md.

The keys are needed before the production settings can load, so `tianmu genkey` runs without
them (tianmu/cli.py calls `print_key` before Django is set up); as a Django command it is the
same.
"""

from __future__ import annotations

import argparse
import secrets

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand

HELP = (
    "Print a new key on one line: by default a Fernet key for TIANMU_ENCRYPTION_KEYS (put it "
    "first in the list, then run `tianmu reencrypt`); --lookup for TIANMU_LOOKUP_KEY; --secret "
    "for SECRET_KEY."
)


def _add_arguments(parser) -> None:
    kind = parser.add_mutually_exclusive_group()
    kind.add_argument("--lookup", action="store_true", help="A key for TIANMU_LOOKUP_KEY.")
    kind.add_argument("--secret", action="store_true", help="A key for SECRET_KEY.")


def new_key(*, lookup: bool = False, secret: bool = False) -> str:
    if lookup or secret:
        return secrets.token_urlsafe(48)
    return Fernet.generate_key().decode()


def print_key(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="tianmu genkey", description=HELP)
    _add_arguments(parser)
    options = parser.parse_args(argv)
    print(new_key(lookup=options.lookup, secret=options.secret))  # noqa: T201


class Command(BaseCommand):
    help = HELP

    def add_arguments(self, parser):
        _add_arguments(parser)

    def handle(self, *args, lookup: bool, secret: bool, **options):
        self.stdout.write(new_key(lookup=lookup, secret=secret))
