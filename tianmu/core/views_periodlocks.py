"""The period-lock page (`/period-locks/`): what is locked, a form to lock a month and one to
lift a lock with a reason (programme admins); read-only for the other area roles. The same
forms and services as `/api/v1/period-locks` (tianmu/core/api_periodlocks.py)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from tianmu.core.forms_periodlocks import PeriodLockForm, PeriodUnlockForm
from tianmu.core.periodlocks import PeriodLock
from tianmu.core.scoping import can_create, editable_by, scope_for
from tianmu.core.services import NotFound
from tianmu.core.workflow import period_lock, period_locks_of, period_unlock


class PeriodLockListView(LoginRequiredMixin, View):
    template_name = "core/periodlock_list.html"

    def get(self, request):
        return self.page(request)

    def post(self, request):
        """Lock a month (the lock form posts here)."""
        if not can_create(request.user, PeriodLock):
            raise Http404
        form = PeriodLockForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                lock = period_lock(
                    user=request.user,
                    area=form.cleaned_data["area"],
                    month=form.cleaned_data["month"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            except NotFound as exc:
                raise Http404 from exc
            else:
                messages.success(
                    request,
                    _("%(month)s is now locked for %(area)s.")
                    % {"month": f"{lock.month:%Y-%m}", "area": lock.area},
                )
                return redirect("periodlocks:periodlock_list")
        return self.page(request, form=form, status=400)

    def page(self, request, *, form=None, unlock=None, status=200):
        user = request.user
        if not scope_for(user).is_all and not scope_for(user).is_area:
            raise Http404  # organisations' users have no locks to see
        qs = period_locks_of(user).select_related("locked_by")
        page = Paginator(qs, settings.TIANMU_PAGE_SIZE).get_page(request.GET.get("page"))
        ids = [lock.pk for lock in page.object_list]
        may_unlock = set(
            editable_by(user, PeriodLock)
            .filter(pk__in=ids, unlocked_at__isnull=True)
            .values_list("pk", flat=True)
        )
        admin = can_create(user, PeriodLock)
        unlock_pk, unlock_form = unlock or (None, None)
        rows = [
            {
                "lock": lock,
                "unlock_form": (
                    unlock_form
                    if lock.pk == unlock_pk
                    else (PeriodUnlockForm(prefix=f"u{lock.pk}") if lock.pk in may_unlock else None)
                ),
            }
            for lock in page.object_list
        ]
        context = {
            "page_obj": page,
            "rows": rows,
            "form": (form or PeriodLockForm(user=user)) if admin else None,
        }
        return render(request, self.template_name, context, status=status)


class PeriodUnlockView(PeriodLockListView):
    """Lift a lock with a reason (each lock's unlock form posts here)."""

    model = PeriodLock  # what the `<int:pk>` names (the page walks of the tests read it)

    def get(self, request, pk):
        return redirect("periodlocks:periodlock_list")

    def post(self, request, pk):
        lock = editable_by(request.user, PeriodLock).filter(pk=pk).first()
        if lock is None:
            raise Http404
        form = PeriodUnlockForm(request.POST, prefix=f"u{pk}")
        if form.is_valid():
            try:
                period_unlock(user=request.user, lock=lock, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                _add_errors(form, exc)
            except NotFound as exc:
                raise Http404 from exc
            else:
                messages.success(
                    request,
                    _("%(month)s is unlocked for %(area)s.")
                    % {"month": f"{lock.month:%Y-%m}", "area": lock.area},
                )
                return redirect("periodlocks:periodlock_list")
        return self.page(request, unlock=(lock.pk, form), status=400)


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
