"""Template context every page needs: the navigation the user's role may use."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tianmu.accounts.choices import Role

ALL = None  # every signed-in role

#: (url name, label, roles that see it in the menu). The pages check scope themselves; the
#: menu only leaves out what a role has little use for.
NAV = [
    ("dashboard:home", _("Home"), ALL),
    ("registry:village_list", _("Villages"), ALL),
    ("registry:area_list", _("Areas"), {Role.SUPERUSER, Role.ADMIN, Role.LEADER, Role.TOWN}),
    ("registry:organization_list", _("Organisations"), ALL),
    ("alliances:program_list", _("Programmes"), {Role.SUPERUSER, Role.ADMIN, Role.LEADER}),
    ("alliances:alliance_list", _("Alliances"), ALL),
    ("alliances:pairing_list", _("Pairings"), ALL),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    role = Role.SUPERUSER if user.is_superuser else user.role
    match = getattr(request, "resolver_match", None)
    here = f"{match.namespace}:{match.url_name}" if match else ""
    items = []
    for name, label, roles in NAV:
        if roles is not ALL and role not in roles:
            continue
        prefix = name.rsplit("_", 1)[0]  # registry:village_list → registry:village
        active = here == name or (name != "dashboard:home" and here.startswith(prefix + "_"))
        items.append({"url": reverse(name), "label": label, "active": active})
    return {"nav_items": items}
