"""`/api/v1/period-locks`: lock a month for a county or a town, list the locks, lift one with a
reason (docs/period-locks.md). Programme admins write; area roles read the locks over and
inside their area; anyone else sees none (and a write by them is 404)."""

from __future__ import annotations

import datetime

from ninja import Query, Router, Schema, Status

from tianmu.core.api import (
    InvalidInput,
    Page,
    PageParams,
    ensure_can_create,
    get_visible_or_404,
    paginate,
    user_of,
)
from tianmu.core.forms_periodlocks import PeriodLockForm
from tianmu.core.periodlocks import PeriodLock
from tianmu.core.workflow import period_lock, period_locks_of, period_unlock

router = Router(tags=["period locks"])


class LockAreaOut(Schema):
    id: int
    code: str | None
    name: str
    level: str


class PeriodLockOut(Schema):
    id: int
    area: LockAreaOut
    month: str
    reason: str
    active: bool
    locked_by: str | None
    locked_at: datetime.datetime
    unlocked_by: str | None
    unlocked_at: datetime.datetime | None
    unlock_reason: str

    @staticmethod
    def resolve_month(obj) -> str:
        return f"{obj.month:%Y-%m}"

    @staticmethod
    def resolve_active(obj) -> bool:
        return obj.is_active

    @staticmethod
    def resolve_locked_by(obj) -> str | None:
        return obj.locked_by.username if obj.locked_by_id else None

    @staticmethod
    def resolve_locked_at(obj) -> datetime.datetime:
        return obj.created

    @staticmethod
    def resolve_unlocked_by(obj) -> str | None:
        return obj.unlocked_by.username if obj.unlocked_by_id else None


class PeriodLockIn(Schema):
    area: str | int | None = None
    month: str | None = None
    reason: str | None = None


class UnlockIn(Schema):
    reason: str | None = None


class LockFilters(Schema):
    active: bool | None = None


def _reload(user, pk: int) -> PeriodLock:
    return period_locks_of(user).select_related("locked_by").get(pk=pk)


@router.get(
    "/period-locks",
    response=Page[PeriodLockOut],
    summary="The period locks over and inside your area (newest month first)",
)
def period_lock_list(request, page: Query[PageParams], filters: Query[LockFilters]):
    qs = period_locks_of(user_of(request)).select_related("locked_by")
    if filters.active is True:
        qs = qs.filter(unlocked_at__isnull=True)
    elif filters.active is False:
        qs = qs.filter(unlocked_at__isnull=False)
    return paginate(qs, page)


@router.post(
    "/period-locks",
    response={201: PeriodLockOut},
    summary="Lock a month for a county or a town (programme admins)",
)
def period_lock_create(request, payload: PeriodLockIn):
    user = user_of(request)
    ensure_can_create(user, PeriodLock)  # not a programme admin: 404, whatever the input
    data = {k: ("" if v is None else str(v)) for k, v in payload.model_dump().items()}
    form = PeriodLockForm(data=data, user=user)
    if not form.is_valid():
        raise InvalidInput({k: [str(m) for m in v] for k, v in form.errors.items()})
    lock = period_lock(
        user=user,
        area=form.cleaned_data["area"],
        month=form.cleaned_data["month"],
        reason=form.cleaned_data["reason"],
    )
    return Status(201, _reload(user, lock.pk))


@router.post(
    "/period-locks/{int:lock_id}/unlock",
    response=PeriodLockOut,
    summary="Lift a period lock, with a reason (programme admins)",
)
def period_lock_unlock(request, lock_id: int, payload: UnlockIn):
    user = user_of(request)
    lock = get_visible_or_404(user, PeriodLock, lock_id)
    period_unlock(user=user, lock=lock, reason=payload.reason or "")
    return _reload(user, lock.pk)
