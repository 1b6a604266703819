"""Template context every page needs: the navigation the user's role may use."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from tianmu.core.roles import Role

ALL = None  # every signed-in role
STAFF = {Role.SUPERUSER, Role.ADMIN, Role.LEADER}

#: Menu groups: (label or None for a top-level link, [(url name, label, roles)]). The pages
#: check scope themselves; the menu only leaves out what a role has little use for. Entries
#: whose URL is not installed are skipped, so a deployment without a module still renders.
NAV = [
    (
        None,
        [
            ("dashboard:home", _("Home"), ALL),
            ("inbox:inbox", _("To-do"), ALL),
            ("dashboard:cockpit", _("Cockpit"), STAFF | {Role.TOWN}),
        ],
    ),
    (
        _("Registry"),
        [
            ("registry:village_list", _("Villages"), ALL),
            ("registry:area_list", _("Areas"), STAFF | {Role.TOWN}),
            ("registry:organization_list", _("Organisations"), ALL),
        ],
    ),
    (
        _("Alliances"),
        [
            ("alliances:program_list", _("Programmes"), STAFF),
            ("alliances:alliance_list", _("Alliances"), ALL),
            ("alliances:pairing_list", _("Pairings"), ALL),
            ("matching:matchingrun_list", _("Propose alliances"), {Role.SUPERUSER, Role.ADMIN}),
        ],
    ),
    (
        _("Industry instruments"),
        [
            ("projects:project_list", _("Projects"), ALL),
            ("commerce:agreement_list", _("Subscription agreements"), ALL),
            ("commerce:product_list", _("Village products"), ALL),
            ("commerce:purchaseorder_list", _("Purchase orders"), ALL),
            ("employment:workshop_list", _("Workshops"), ALL),
            ("employment:person_list", _("People"), STAFF | {Role.TOWN, Role.VILLAGE}),
            ("employment:placement_list", _("Placements"), ALL),
            ("loans:loan_list", _("Loans"), ALL),
            ("events:event_list", _("Events"), ALL),
        ],
    ),
    (
        _("Results"),
        [
            ("assessment:indicator_list", _("Indicators"), ALL),
            ("assessment:scheme_list", _("Assessment"), STAFF | {Role.TOWN}),
            ("impact:status", _("Income status"), STAFF | {Role.TOWN}),
            ("impact:villageincome_list", _("Income growth"), STAFF | {Role.TOWN}),
            ("impact:impact", _("Effect on village income"), STAFF | {Role.TOWN}),
            ("impact:ledger", _("Ledger check"), STAFF | {Role.TOWN}),
            ("reports:report_page", _("Reports"), STAFF | {Role.TOWN}),
            ("rounds:round_list", _("Reporting rounds"), ALL),
        ],
    ),
    (
        _("Administration"),
        [
            ("accounts:user_list", _("Users"), {Role.SUPERUSER, Role.ADMIN}),
            ("periodlocks:periodlock_list", _("Period locks"), STAFF | {Role.TOWN}),
        ],
    ),
    (
        _("Audit"),
        [
            ("changes:change_list", _("Change log"), {Role.SUPERUSER, Role.ADMIN}),
            ("employment:access_log", _("Reveal log"), {Role.SUPERUSER, Role.ADMIN}),
        ],
    ),
]


#: Counts shown beside menu entries, registered from above (the inbox's count of what waits):
#: {url name: fn(request) → int}. Each is called once per page that renders the menu.
_BADGES: dict[str, Callable] = {}


def register_nav_badge(name: str, fn: Callable) -> None:
    """Show `fn(request)` beside the menu entry `name` (when it is above zero)."""
    _BADGES[name] = fn


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_badges": []}
    role = Role.SUPERUSER if user.is_superuser else user.role
    match = getattr(request, "resolver_match", None)
    here = f"{match.namespace}:{match.url_name}" if match else ""
    groups = []
    for label, entries in NAV:
        items = []
        for name, item_label, roles in entries:
            if roles is not ALL and role not in roles:
                continue
            url = _url(name)
            if url is None:
                continue
            prefix = name.rsplit("_", 1)[0]  # registry:village_list → registry:village
            active = here == name or (name != "dashboard:home" and here.startswith(prefix + "_"))
            badge = _BADGES[name](request) if name in _BADGES else 0
            items.append({"url": url, "label": item_label, "active": active, "badge": badge})
        if items:
            groups.append(
                {"label": label, "items": items, "active": any(i["active"] for i in items)}
            )
    # Counts also shown in the bar itself, so a phone sees them with the menu folded.
    badges = [i for g in groups for i in g["items"] if i["badge"]]
    return {"nav_items": groups, "nav_badges": badges}
