"""Shared record workflows every instrument module reuses (one mechanism, not one per module):

- **Two-sided confirmation** (`Confirmable`): what one side reports (a delivery, a payment, a
  placement…), the other side confirms or disputes with a reason. Figures count confirmed
  amounts; reported-but-unconfirmed ones are shown beside them, never mixed in. A confirmed
  record is locked; a correction is a new record linked through `corrects`.
- **Review** (`Reviewable`): village-entered records go draft → submitted → approved, or back
  to returned with a reason, and can be resubmitted.
- **Period lock** (`PeriodLock`): a programme admin locks a month of a county or a town
  (`period_lock`, lifted with a reason by `period_unlock`); records dated in a locked month
  are read-only for everyone. `check_period_lock` is the one check, run by every
  write path (`object_save`, `object_delete`, confirm, dispute, review, `bulk_create_logged`).
  It and the model live in tianmu/core/periodlocks.py (services.py runs the check, and this
  module uses services.py: neither may import the other) and are importable from here.

A model opts in by inheriting the mixin and implementing `side_of(user)` (Confirmable) and
`workflow_date()` / `workflow_area()` (for the period lock). Services call the functions here;
views and API never change the workflow fields directly.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tianmu.core.context import attributed_to
from tianmu.core.periodlocks import PeriodLock, check_period_lock, ensure_period_open
from tianmu.core.roles import Role
from tianmu.core.scoping import visible_to
from tianmu.core.services import NotFound, service


class ConfirmationStatus(models.TextChoices):
    REPORTED = "reported", gettext_lazy("Reported, awaiting confirmation")
    CONFIRMED = "confirmed", gettext_lazy("Confirmed")
    DISPUTED = "disputed", gettext_lazy("Disputed")


class Side(models.TextChoices):
    """The two parties of a record (enterprise and village collective, bank and village …)."""

    ENTERPRISE = "enterprise", gettext_lazy("Enterprise")
    VILLAGE = "village", gettext_lazy("Village")
    BANK = "bank", gettext_lazy("Bank")
    ADMIN = "admin", gettext_lazy("Programme office")


class Confirmable(models.Model):
    """Mixin: a record reported by one side and confirmed (or disputed) by the other."""

    reported_side = models.CharField(
        gettext_lazy("reported by side"), max_length=12, choices=Side.choices
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("reported by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmation = models.CharField(
        gettext_lazy("confirmation"),
        max_length=10,
        choices=ConfirmationStatus.choices,
        default=ConfirmationStatus.REPORTED,
        db_index=True,
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(gettext_lazy("confirmed at"), null=True, blank=True)
    dispute_reason = models.CharField(gettext_lazy("dispute reason"), max_length=300, blank=True)
    corrects = models.ForeignKey(
        "self",
        verbose_name=gettext_lazy("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        help_text=gettext_lazy("The confirmed record this one corrects."),
    )

    class Meta:
        abstract = True

    def side_of(self, user) -> str | None:
        """Which side `user` acts for on this record (a Side value), or None."""
        raise NotImplementedError

    @property
    def is_locked(self) -> bool:
        return self.confirmation == ConfirmationStatus.CONFIRMED


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", gettext_lazy("Draft")
    SUBMITTED = "submitted", gettext_lazy("Submitted")
    APPROVED = "approved", gettext_lazy("Approved")
    RETURNED = "returned", gettext_lazy("Returned")


class Reviewable(models.Model):
    """Mixin: draft → submitted → approved, or returned with a reason."""

    review_status = models.CharField(
        gettext_lazy("review status"),
        max_length=10,
        choices=ReviewStatus.choices,
        default=ReviewStatus.DRAFT,
        db_index=True,
    )
    review_note = models.CharField(gettext_lazy("review note"), max_length=300, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(gettext_lazy("reviewed at"), null=True, blank=True)

    class Meta:
        abstract = True


# --- services -----------------------------------------------------------------------------


def ensure_record_writable(obj) -> None:
    """The common guard for updates: not confirmed (locked) and not in a locked month."""
    if isinstance(obj, Confirmable) and obj.pk and obj.is_locked:
        raise ValidationError(_("This record is confirmed and locked; enter a correction instead."))
    if hasattr(obj, "workflow_date"):
        ensure_period_open(date=obj.workflow_date(), area=obj.workflow_area())


def _counterparty(user, obj: Confirmable) -> str:
    if not visible_to(user, type(obj)).filter(pk=obj.pk).exists():
        raise NotFound()
    side = obj.side_of(user)
    if side is None or side == obj.reported_side:
        raise ValidationError(
            _("Only the other side (not the side that reported it) can confirm or dispute this.")
        )
    return side


@service
def record_confirm(*, user, obj: Confirmable) -> Confirmable:
    """The counter-party confirms a reported (or disputed) record; it is locked from now on."""
    with transaction.atomic(), attributed_to(user):
        obj = type(obj).objects.select_for_update().get(pk=obj.pk)
        _counterparty(user, obj)
        if obj.confirmation == ConfirmationStatus.CONFIRMED:
            raise ValidationError(_("This record is already confirmed."))
        check_period_lock(obj)
        obj.confirmation = ConfirmationStatus.CONFIRMED
        obj.confirmed_by = user
        obj.confirmed_at = timezone.now()
        obj.dispute_reason = ""
        obj.save(
            update_fields=[
                "confirmation",
                "confirmed_by",
                "confirmed_at",
                "dispute_reason",
                "last_updated",
            ]
        )
    return obj


@service
def record_dispute(*, user, obj: Confirmable, reason: str) -> Confirmable:
    """The counter-party disputes a reported record, with a reason."""
    reason = (reason or "").strip()
    with transaction.atomic(), attributed_to(user):
        obj = type(obj).objects.select_for_update().get(pk=obj.pk)
        _counterparty(user, obj)
        if not reason:
            raise ValidationError({"reason": _("Say why you dispute this record.")})
        if obj.confirmation == ConfirmationStatus.CONFIRMED:
            raise ValidationError(
                _("This record is confirmed and locked; enter a correction instead.")
            )
        check_period_lock(obj)
        obj.confirmation = ConfirmationStatus.DISPUTED
        obj.dispute_reason = reason[:300]
        obj.confirmed_by = user
        obj.confirmed_at = timezone.now()
        obj.save(
            update_fields=[
                "confirmation",
                "dispute_reason",
                "confirmed_by",
                "confirmed_at",
                "last_updated",
            ]
        )
    return obj


@service
def review_submit(*, user, obj: Reviewable) -> Reviewable:
    return _review(
        user=user,
        obj=obj,
        to=ReviewStatus.SUBMITTED,
        allowed_from=(ReviewStatus.DRAFT, ReviewStatus.RETURNED),
    )


@service
def review_approve(*, user, obj: Reviewable) -> Reviewable:
    return _review(
        user=user,
        obj=obj,
        to=ReviewStatus.APPROVED,
        allowed_from=(ReviewStatus.SUBMITTED,),
        reviewer=True,
    )


@service
def review_return(*, user, obj: Reviewable, reason: str) -> Reviewable:
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the record goes back.")})
    return _review(
        user=user,
        obj=obj,
        to=ReviewStatus.RETURNED,
        allowed_from=(ReviewStatus.SUBMITTED,),
        reviewer=True,
        note=reason.strip(),
    )


def _review(*, user, obj, to, allowed_from, reviewer=False, note=""):
    from tianmu.core.services import ensure_editable

    with transaction.atomic(), attributed_to(user):
        obj = type(obj).objects.select_for_update().get(pk=obj.pk)
        # Reviewers are programme staff: admins (and superusers) who may edit the record.
        is_staff = user.is_superuser or user.role in (Role.ADMIN, Role.SUPERUSER)
        if reviewer and not is_staff:
            if visible_to(user, type(obj)).filter(pk=obj.pk).exists():
                raise ValidationError(_("Only programme staff review records."))
            raise NotFound()
        ensure_editable(user, obj)
        if obj.review_status not in allowed_from:
            raise ValidationError(
                _("A record that is “%(status)s” cannot move to “%(to)s”.")
                % {"status": obj.get_review_status_display(), "to": ReviewStatus(to).label}
            )
        check_period_lock(obj)
        obj.review_status = to
        fields = ["review_status", "last_updated"]
        if reviewer:
            obj.reviewed_by = user
            obj.reviewed_at = timezone.now()
            obj.review_note = note
            fields += ["reviewed_by", "reviewed_at", "review_note"]
        obj.save(update_fields=fields)
    return obj


#: Area levels a month can be locked for (core knows the levels by name, not registry's enum).
LOCKABLE_LEVELS = ("county", "town")


def _lock_scope_error(user, area) -> str | None:
    """Why `user` may not lock a month of `area` (a message), or None when they may. A
    programme admin locks their county and its towns; a superuser any county or town."""
    from tianmu.core.scoping import scope_for

    if area is None:
        return _("Give the division code of a county or a town.")
    scope = scope_for(user)
    inside = scope.is_all or (
        scope.role == Role.ADMIN
        and scope.area is not None
        and (area.pk == scope.area.pk or area.path.startswith(scope.area.subtree_prefix()))
    )
    if not inside:
        return _("%(area)s is not in your area.") % {"area": area}
    if area.level not in LOCKABLE_LEVELS:
        return _("A month is locked for a county or a town; %(area)s is neither.") % {"area": area}
    return None


@service
def period_lock(*, user, area, month: datetime.date, reason: str = "") -> PeriodLock:
    """Lock `month` for a county or a town. Refused: someone who is not a programme admin
    (NotFound), an area outside their county or not a county or town, a month that has not
    begun, and a month already locked for the area or an area above it."""
    from tianmu.core.scoping import can_create
    from tianmu.core.services import object_save

    if not can_create(user, PeriodLock):
        raise NotFound()
    problem = _lock_scope_error(user, area)
    if problem:
        raise ValidationError({"area": problem})
    month = month.replace(day=1)
    if month > timezone.localdate().replace(day=1):
        raise ValidationError({"month": _("Only a month that has begun can be locked.")})
    ids = [*area.ancestor_ids(), area.pk]
    held = (
        PeriodLock.objects.active()
        .filter(area_id__in=ids, month=month)
        .select_related("area")
        .first()
    )
    if held is not None:
        raise ValidationError(
            {
                "month": _("%(month)s is already locked for %(area)s.")
                % {"month": f"{month:%Y-%m}", "area": held.area}
            }
        )
    lock = PeriodLock(area=area, month=month, reason=(reason or "").strip()[:200], locked_by=user)
    return object_save(user=user, instance=lock)


@service
def period_unlock(*, user, lock: PeriodLock, reason: str) -> PeriodLock:
    """Lift a lock, saying why; the lock row keeps who lifted it, when and why (and the
    change log records the change). Only a programme admin over its area may."""
    from tianmu.core.services import ensure_editable

    reason = (reason or "").strip()
    with transaction.atomic(), attributed_to(user):
        lock = PeriodLock.objects.select_for_update().get(pk=lock.pk)
        if not visible_to(user, PeriodLock).filter(pk=lock.pk).exists():
            raise NotFound()
        ensure_editable(user, lock)
        if not reason:
            raise ValidationError({"reason": _("Say why the month is unlocked.")})
        if not lock.is_active:
            raise ValidationError(_("This lock has already been lifted."))
        lock.unlocked_at = timezone.now()
        lock.unlocked_by = user
        lock.unlock_reason = reason[:300]
        lock.full_clean()
        lock.save(update_fields=["unlocked_at", "unlocked_by", "unlock_reason", "last_updated"])
    return lock


def period_locks_of(user):
    """The locks `user` may see, newest month first, with their areas."""
    return visible_to(user, PeriodLock).select_related("area", "unlocked_by")


# --- figures over confirmable records -------------------------------------------------------


def corrections_index(name: str) -> models.Index:
    """The partial index `confirmed_q` needs on a Confirmable model: its confirmed corrections
    (a few rows). Without it PostgreSQL hashes every confirmed row of the table to find the
    records a correction replaces, on every figure and list that counts (docs/scale.md)."""
    return models.Index(
        fields=["corrects"],
        name=name,
        condition=models.Q(confirmation=ConfirmationStatus.CONFIRMED, corrects__isnull=False),
    )


def confirmed_q(prefix: str = "") -> models.Q:
    """Records that count in a figure: confirmed, and not replaced by a confirmed correction.

    A correction is a new record linked through `corrects`; once the counter-party confirms
    it, it counts instead of the record it corrects (never both). `prefix` leads from the
    queried model to the confirmable one ("" when it is the queried model).
    """
    return models.Q(**{f"{prefix}confirmation": ConfirmationStatus.CONFIRMED}) & ~models.Q(
        **{f"{prefix}corrections__confirmation": ConfirmationStatus.CONFIRMED}
    )


def awaiting_q(prefix: str = "") -> models.Q:
    """Records reported but not yet confirmed (or disputed): shown beside a figure, never in it."""
    return models.Q(**{f"{prefix}confirmation": ConfirmationStatus.REPORTED})
