"""The built-in kinds of inbox item (registered from InboxConfig.ready()):

- `confirm_delivery`, `confirm_order_delivery`, `confirm_payment`, `confirm_placement`: a
  record the other side reported that this user's side confirms or disputes (the two-sided
  confirmation of tianmu/core/workflow.py: the enterprise's liaison for its enterprise, the
  village's cadre for the village; programme staff may enter records for either side but do
  not confirm them, so their inboxes hold none of these);
- `update_returned`: a project update the reviewer sent back, for whoever may fix and resubmit
  it (the village side: not the reviewers);
- `import_failed`: an import of the user's that finished with errors and that no later import
  of the same register has put right;
- `loan_application`: a loan application to the bank's products, awaiting the bank;
- `round`: a report due in an open reporting round, for the reporter (tianmu/rounds).
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tianmu.commerce import services as commerce
from tianmu.commerce.models import Delivery, OrderDelivery, Payment
from tianmu.core.roles import Role
from tianmu.core.scoping import editable_by, scope_for, visible_to
from tianmu.core.workflow import ConfirmationStatus, ReviewStatus, Side, record_confirm
from tianmu.employment.models import Placement
from tianmu.exchange.models import ImportJob, ImportStatus
from tianmu.exchange.registers import importer
from tianmu.inbox.sources import InboxItem, InboxSource, register_inbox_source
from tianmu.loans.choices import LoanStatus
from tianmu.loans.models import Loan
from tianmu.projects.models import ProjectUpdate
from tianmu.rounds import selectors as rounds


def _awaiting(user, model, *, enterprise: str, village: str, related: tuple[str, ...]):
    """Reported records of `model` whose other side is `user`'s: `enterprise` and `village`
    lead from the record to its enterprise and to its village."""
    scope = scope_for(user)
    if scope.role == Role.ENTERPRISE and scope.is_org:
        mine = {enterprise: scope.organization.pk}
        side = Side.ENTERPRISE
    elif scope.role == Role.VILLAGE and scope.is_area:
        mine = {f"{village}__area": scope.area.pk}
        side = Side.VILLAGE
    else:
        return None
    return (
        visible_to(user, model)
        .filter(confirmation=ConfirmationStatus.REPORTED, **mine)
        .exclude(reported_side=side)
        .select_related(*related)
    )


def _confirm_item(kind, obj, *, title, url, enterprise, village, action) -> InboxItem:
    return InboxItem(
        kind=kind,
        title=title,
        url=url,
        since=obj.workflow_date(),
        detail=f"{enterprise} · {village}",
        action_label=_("Confirm"),
        action_confirm=_("Confirm “%(record)s”? A confirmed record is locked.") % {"record": obj},
        action_url=action,
    )


def _act_url(kind: str, pk: int) -> str:
    return reverse("inbox:inbox_act", args=[kind, pk])


register_inbox_source(
    InboxSource(
        kind="confirm_delivery",
        pending=lambda user: _awaiting(
            user,
            Delivery,
            enterprise="agreement__enterprise",
            village="agreement__village",
            related=("line", "agreement__enterprise", "agreement__village__area"),
        ),  # fmt: skip
        item=lambda d: _confirm_item(
            "confirm_delivery",
            d,
            title=_("Confirm a delivery: %(record)s") % {"record": d},
            url=reverse("commerce:agreement_detail", args=[d.agreement_id]),
            enterprise=d.agreement.enterprise,
            village=d.agreement.village,
            action=_act_url("confirm_delivery", d.pk),
        ),  # fmt: skip
        act=lambda user, obj: commerce.delivery_confirm(user=user, delivery=obj),
    )
)
register_inbox_source(
    InboxSource(
        kind="confirm_order_delivery",
        pending=lambda user: _awaiting(
            user,
            OrderDelivery,
            enterprise="order__enterprise",
            village="order__village",
            related=("order__enterprise", "order__village__area"),
        ),  # fmt: skip
        item=lambda d: _confirm_item(
            "confirm_order_delivery",
            d,
            title=_("Confirm a delivery: %(record)s") % {"record": d},
            url=reverse("commerce:purchaseorder_detail", args=[d.order_id]),
            enterprise=d.order.enterprise,
            village=d.order.village,
            action=_act_url("confirm_order_delivery", d.pk),
        ),  # fmt: skip
        act=lambda user, obj: commerce.order_delivery_confirm(user=user, delivery=obj),
    )
)
register_inbox_source(
    InboxSource(
        kind="confirm_payment",
        pending=lambda user: _awaiting(
            user,
            Payment,
            enterprise="order__enterprise",
            village="order__village",
            related=("order__enterprise", "order__village__area"),
        ),  # fmt: skip
        item=lambda p: _confirm_item(
            "confirm_payment",
            p,
            title=_("Confirm a payment: %(record)s on %(date)s") % {"record": p, "date": p.date},
            url=reverse("commerce:purchaseorder_detail", args=[p.order_id]),
            enterprise=p.order.enterprise,
            village=p.order.village,
            action=_act_url("confirm_payment", p.pk),
        ),  # fmt: skip
        act=lambda user, obj: commerce.payment_confirm(user=user, payment=obj),
    )
)
register_inbox_source(
    InboxSource(
        kind="confirm_placement",
        pending=lambda user: _awaiting(
            user,
            Placement,
            enterprise="position__workshop__enterprise",
            village="person__village",
            related=("person__village__area", "position__workshop__enterprise"),
        ),  # fmt: skip
        item=lambda p: _confirm_item(
            "confirm_placement",
            p,
            title=_("Confirm a placement: %(record)s from %(start)s")
            % {"record": p, "start": p.start},
            url=reverse("employment:placement_detail", args=[p.pk]),
            enterprise=p.position.workshop.enterprise,
            village=p.person.village,
            action=_act_url("confirm_placement", p.pk),
        ),  # fmt: skip
        act=lambda user, obj: record_confirm(user=user, obj=obj),
    )
)


def _returned_updates(user):
    scope = scope_for(user)
    if scope.is_all or scope.role in (Role.ADMIN, Role.LEADER):  # the reviewers' side
        return None
    return (
        editable_by(user, ProjectUpdate)
        .filter(review_status=ReviewStatus.RETURNED)
        .select_related("project")
    )


register_inbox_source(
    InboxSource(
        kind="update_returned",
        pending=_returned_updates,
        item=lambda u: InboxItem(
            kind="update_returned",
            title=_("Fix and resubmit the update “%(title)s” of %(project)s")
            % {"title": u.title, "project": u.project},
            url=reverse("projects:update_edit", args=[u.pk]),
            since=u.reviewed_at.date() if u.reviewed_at else u.date,
            detail=_("Returned: %(note)s") % {"note": u.review_note} if u.review_note else "",
        ),
    )
)


#: How long an import with errors waits in the inbox unless a later import puts it right.
FAILED_IMPORT_SHOWN = datetime.timedelta(days=30)


def _failed_imports(user):
    keep = FAILED_IMPORT_SHOWN
    put_right = ImportJob.objects.filter(
        user=OuterRef("user"),
        resource=OuterRef("resource"),
        status=ImportStatus.DONE,
        dry_run=False,
        created_at__gt=OuterRef("created_at"),
    )
    return (
        ImportJob.objects.filter(
            user=user, status=ImportStatus.FAILED, created_at__gte=timezone.now() - keep
        )
        .exclude(Exists(put_right))
        .defer("content", "actions")
    )


def _import_item(job: ImportJob) -> InboxItem:
    imp = importer(job.resource)
    return InboxItem(
        kind="import_failed",
        title=_("Import with errors: %(register)s · %(file)s")
        % {"register": capfirst(imp.title()) if imp else job.resource, "file": job.filename},
        url=reverse("exchange:import_detail", args=[job.pk]),
        since=timezone.localdate(job.finished_at or job.created_at),
        detail=ngettext("%(count)s error", "%(count)s errors", len(job.errors))
        % {"count": len(job.errors)},
    )


register_inbox_source(InboxSource(kind="import_failed", pending=_failed_imports, item=_import_item))


def _applications(user):
    scope = scope_for(user)
    if scope.role != Role.BANK or not scope.is_org:
        return None
    return (
        visible_to(user, Loan)
        .filter(status=LoanStatus.APPLIED, product__bank=scope.organization)
        .select_related("village__area", "product")
    )


register_inbox_source(
    InboxSource(
        kind="loan_application",
        pending=_applications,
        item=lambda loan: InboxItem(
            kind="loan_application",
            title=_("Decide on a loan application: %(loan)s") % {"loan": loan},
            url=reverse("loans:loan_detail", args=[loan.pk]),
            since=loan.applied_on,
            detail=str(loan.product),
        ),
    )
)


# Reporting rounds sit below the inbox (the reports read them), so the inbox registers their
# kind: the user's own rows in open rounds with nothing reported or declared yet.
register_inbox_source(
    InboxSource(
        kind="round",
        pending=rounds.pending_for,
        item=lambda r: InboxItem(
            kind="round",
            title=rounds.inbox_title(r),
            url=rounds.round_url(r.round),
            due=r.round.deadline,
            since=timezone.localdate(r.round.created),
            detail=str(r.round.program),
        ),
    )
)
