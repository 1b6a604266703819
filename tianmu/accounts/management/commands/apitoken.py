"""`tianmu apitoken USERNAME`: issue an API token and print it (the only time it is shown)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tianmu.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = (
        "Issue a new API token for a user and print only the token, on one line, so scripts "
        "can capture it: TOKEN=$(tianmu apitoken alice). Only its hash is stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called “{username}”.")
        if not user.is_active:
            raise CommandError(f"“{username}” is inactive; a token for it would not work.")
        _token, key = ApiToken.issue(user)
        self.stdout.write(key)
