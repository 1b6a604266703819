"""`tianmu demousers`: one login per role on the loaded Lin'an demo, for `make run`.

Refused unless DEBUG=1 and TIANMU_DEMO=1 (the demo waiver): the password is public. Safe to
run twice: existing logins are left as they are.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tianmu.accounts.choices import Role
from tianmu.accounts.demo_logins import DEMO_LOGINS, DEMO_PASSWORD
from tianmu.accounts.middleware import demo_waiver
from tianmu.accounts.models import User
from tianmu.core.context import acting_as

COUNTY = "330112000000"
TOWN = "330112107000"  # 龙岗镇
VILLAGE = "望湖村"


class Command(BaseCommand):
    help = "Create one demo login per role on the loaded demo (DEBUG=1 TIANMU_DEMO=1 only)."

    def handle(self, *args, **options):
        if not demo_waiver():
            raise CommandError("demousers runs only with DEBUG=1 TIANMU_DEMO=1 (make run).")
        scopes = self._scopes()
        if scopes is None:
            self.stdout.write("No demo loaded: no demo logins created.")
            return
        created = []
        with transaction.atomic(), acting_as(username="demousers"):
            for login in DEMO_LOGINS:
                if User.objects.filter(username=login.username).exists():
                    continue
                user = User(username=login.username, role=login.role, **scopes[login.role])
                user.set_password(DEMO_PASSWORD)
                user.full_clean()
                user.save()
                created.append(login.username)
        if created:
            self.stdout.write(f"Demo logins created: {', '.join(created)}.")

    def _scopes(self) -> dict | None:
        from tianmu.alliances.models import AllianceMember
        from tianmu.registry.models import Area

        county = Area.objects.filter(code=COUNTY).first()
        town = Area.objects.filter(code=TOWN).first()
        village = Area.objects.filter(name=VILLAGE, level="village").first()
        members = AllianceMember.objects.filter(alliance__pairings__village__area=village)
        enterprise = members.filter(role="core").order_by("pk").first()
        bank = (
            members.filter(role="partner", organization__partner_kind="financial")
            .order_by("pk")
            .first()
        )
        if None in (county, town, village, enterprise, bank):
            return None
        return {
            Role.ADMIN: {"scope_area": county},
            Role.LEADER: {"scope_area": county},
            Role.TOWN: {"scope_area": town},
            Role.VILLAGE: {"scope_area": village},
            Role.ENTERPRISE: {"scope_organization": enterprise.organization},
            Role.BANK: {"scope_organization": bank.organization},
        }
