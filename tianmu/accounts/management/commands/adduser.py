"""`tianmu adduser USERNAME --role ROLE [--scope CODE_OR_ID] [--password P] [--if-missing]`."""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tianmu.accounts.choices import AREA_ROLES, ORG_ROLES, Role
from tianmu.accounts.models import User
from tianmu.core.context import acting_as
from tianmu.registry.models import Organization
from tianmu.registry.selectors import area_from_code

# How the model's field names read on the command line.
_OPTION = {"scope_area": "--scope", "scope_organization": "--scope", "role": "--role"}


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(
            f"{_OPTION.get(field, field)}: {' '.join(errors)}"
            if field != "__all__"
            else " ".join(errors)
            for field, errors in exc.message_dict.items()
        )
    return " ".join(exc.messages)


class Command(BaseCommand):
    help = (
        "Create a user with a role and a scope. Area roles (admin, leader: a county, a city or "
        "the province; town; village) take a division code, short forms accepted (33, 3301, "
        "330112, 330112107); enterprise and bank roles take an organisation id or credit "
        "code; superuser takes none. The user must change the password at the first sign-in."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument(
            "--scope",
            default="",
            help="Division code (area roles) or organisation id / credit code (org roles).",
        )
        parser.add_argument(
            "--password", default="", help="The password; without it one is generated."
        )
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Do nothing if the user exists (still print the login).",
        )

    def handle(self, *args, username: str, role: str, scope: str, password: str, **options):
        scope = scope.strip()
        existing = User.objects.filter(username=username).first()
        if existing is not None:
            if options["if_missing"]:
                self.stdout.write(
                    f"User “{username}” exists already (role {existing.role}); "
                    f"log in as {username} with its current password."
                )
                return
            raise CommandError(f"User “{username}” exists already.", returncode=2)

        user = User(username=username, role=role)
        if role == Role.SUPERUSER:
            if scope:
                raise CommandError(
                    "A superuser sees everything; it takes no --scope.", returncode=2
                )
            user.is_superuser = user.is_staff = True
        elif role in AREA_ROLES:
            user.scope_area = self._area(role, scope)
        else:
            user.scope_organization = self._organization(role, scope)

        generated = not password
        if generated:
            password = secrets.token_urlsafe(12)
        try:
            validate_password(password, user)
            user.set_password(password)
            # Someone else chose it (or saw it printed): the owner picks their own first.
            user.must_change_password = True
            user.full_clean()
        except ValidationError as exc:
            raise CommandError(
                f"Cannot create “{username}”: {_messages(exc)}", returncode=2
            ) from exc

        with transaction.atomic(), acting_as(username="adduser"):
            user.save()
        where = user.scope_area or user.scope_organization
        self.stdout.write(f"Created {role} “{username}”" + (f" for {where}" if where else "") + ".")
        if generated:
            self.stdout.write(f"Log in as {username} with password: {password}")
        else:
            self.stdout.write(f"Log in as {username} with the password given.")

    def _area(self, role: str, scope: str):
        levels = AREA_ROLES[role]
        if not scope:
            raise CommandError(
                f"The role {role} needs --scope: the division code of a {' or '.join(levels)} "
                "(e.g. 33 for the province, 3301 for a city, 330112 for a county, 330112107 for "
                "a town).",
                returncode=2,
            )
        area = area_from_code(scope)
        if area is None:
            raise CommandError(
                f"No area has the division code (or id) “{scope}”: give the code of a "
                f"{' or '.join(levels)} that is in the registry.",
                returncode=2,
            )
        return area

    def _organization(self, role: str, scope: str):
        kind = ORG_ROLES[role]
        if not scope:
            raise CommandError(
                f"The role {role} needs --scope: the id or credit code of an organisation of "
                f"kind {kind}.",
                returncode=2,
            )
        org = None
        if scope.isdigit() and len(scope) < 18:
            org = Organization.objects.filter(pk=int(scope)).first()
        if org is None:
            org = Organization.objects.filter(credit_code=scope.upper()).first()
        if org is None:
            raise CommandError(
                f"No organisation has the id or credit code “{scope}”.", returncode=2
            )
        return org
