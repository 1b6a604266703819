"""Demo logins, one per role, for `make run` (DEBUG=1 TIANMU_DEMO=1 only).

`tianmu demousers` creates them on the loaded Lin'an demo; the login and home pages list them
with what to try first as each role. Outside the demo waiver (production, tests) nothing here
is created or shown: the password is public.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from tianmu.accounts.choices import Role

#: The password of every demo login (docs/demo.md; refused unless DEBUG and TIANMU_DEMO).
DEMO_PASSWORD = "tianmu-demo-2026"  # noqa: S105 (public on purpose: the demo only)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    first: object  # what to try first, in two lines at most


DEMO_LOGINS = [
    DemoLogin("demo-admin", Role.ADMIN, _(
        "Propose alliances for the unpaired villages, accept a proposal; review a returned "
        "project update; add a user for a town."
    )),
    DemoLogin("demo-leader", Role.LEADER, _(
        "Read the county's figures on the home page and follow one to the records it counts."
    )),
    DemoLogin("demo-town", Role.TOWN, _(
        "See your town's villages and alliances; check an alliance's 5+1+X rule."
    )),
    DemoLogin("demo-village", Role.VILLAGE, _(
        "On a phone: confirm or dispute a delivery an enterprise reported; add a progress "
        "update with a photo."
    )),
    DemoLogin("demo-enterprise", Role.ENTERPRISE, _(
        "Place a purchase order with a village and report its delivery and payment."
    )),
    DemoLogin("demo-bank", Role.BANK, _(
        "Open a loan, record a repayment; see PAR30 and which loans are overdue."
    )),
]  # fmt: skip


def demo_logins() -> list[dict]:
    """The demo logins that exist, with their scope and what to try — empty unless the demo
    waiver is on (DEBUG=1 TIANMU_DEMO=1)."""
    from tianmu.accounts.middleware import demo_waiver
    from tianmu.accounts.models import User

    if not demo_waiver():
        return []
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=[d.username for d in DEMO_LOGINS], is_active=True
        ).select_related("scope_area", "scope_organization")
    }
    return [
        {
            "username": d.username,
            "password": DEMO_PASSWORD,
            "role": Role(d.role).label,
            "scope": users[d.username].scope_area or users[d.username].scope_organization,
            "first": d.first,
        }
        for d in DEMO_LOGINS
        if d.username in users
    ]
