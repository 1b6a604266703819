"""`tianmu apitoken USERNAME [--name N] [--days D]`: issue an API token and print only it.

`tianmu apitoken USERNAME --revoke TOKEN_PREFIX` revokes one of the user's tokens instead,
named by the 8-character prefix the tokens page lists (or by the whole key).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tianmu.accounts.models import ApiToken, User
from tianmu.accounts.selectors import tokens_matching
from tianmu.accounts.services import apitoken_issue, apitoken_revoke
from tianmu.core.context import acting_as


class Command(BaseCommand):
    help = (
        "Issue a new API token for a user and print only the token, on one line, so scripts "
        "can capture it: TOKEN=$(tianmu apitoken alice --name export --days 30). Only its hash "
        "is stored. With --revoke PREFIX, revoke the user's token with that prefix instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the token is for.")
        parser.add_argument(
            "--days",
            type=int,
            default=ApiToken.DEFAULT_DAYS,
            help=f"Days until it expires (1 to {ApiToken.MAX_DAYS}; "
            f"default {ApiToken.DEFAULT_DAYS}).",
        )
        parser.add_argument(
            "--revoke",
            metavar="TOKEN_PREFIX",
            default="",
            help="Revoke the token whose key starts with this 8-character prefix (tm_…).",
        )

    def handle(self, *args, username: str, name: str, days: int, revoke: str, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called “{username}”.")
        if revoke:
            self._revoke(user, revoke)
            return
        if not user.is_active:
            raise CommandError(f"“{username}” is inactive; a token for it would not work.")
        try:
            with acting_as(username="apitoken"):
                _token, key = apitoken_issue(user=user, name=name or "tianmu apitoken", days=days)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(key)

    def _revoke(self, user: User, given: str) -> None:
        matches = tokens_matching(user, given)
        if not matches:
            raise CommandError(
                f"“{user.username}” has no unrevoked token “{given}” (give the 8-character "
                "prefix the tokens page lists, e.g. tm_AbCdE)."
            )
        if len(matches) > 1:
            raise CommandError(
                f"{len(matches)} tokens of “{user.username}” start with “{given}”; revoke "
                "them on the tokens page (/accounts/tokens/) or give the whole key."
            )
        with acting_as(username="apitoken"):
            token = apitoken_revoke(token=matches[0])
        self.stdout.write(f"Revoked {token.prefix}… “{token.name}” of {user.username}.")
