"""Users managed from the web: a programme admin's users within their area (a county, a city
or the province).

Every write goes through a service in tianmu/accounts/services.py (change-logged, scoped);
these views validate the form, call it and say what happened. Users outside what the admin
manages are not found (404), like any record outside a scope.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tianmu.accounts import services
from tianmu.accounts.forms import ApiTokenForm, PasswordResetForm, UserForm
from tianmu.accounts.models import ApiToken, User
from tianmu.accounts.selectors import may_manage_users, users_managed_by
from tianmu.core.services import NotFound
from tianmu.core.views import add_service_errors

FIELDS = ("role", "scope_area", "scope_organization", "first_name", "email")


def _managed(request):
    if not may_manage_users(request.user):
        raise Http404
    return users_managed_by(request.user).select_related("scope_area", "scope_organization")


def _scope_of(account: User) -> str:
    return str(account.scope_area or account.scope_organization or "—")


@never_cache
@login_required
def user_list(request):
    users = _managed(request).order_by("username")
    q = request.GET.get("q", "").strip()
    if q:
        users = users.filter(
            Q(username__icontains=q)
            | Q(first_name__icontains=q)
            | Q(scope_area__name__icontains=q)
            | Q(scope_organization__name__icontains=q)
        )
    page = Paginator(users, settings.TIANMU_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page_obj": page, "q": q})


@never_cache
@login_required
def user_add(request):
    _managed(request)
    form = UserForm(request.POST or None, by=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = services.user_create(
                user=request.user,
                username=data["username"],
                password=data["password"],
                **{k: data[k] for k in FIELDS},
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Created user %(username)s (%(role)s, %(scope)s). They must change the "
                    "initial password at their first sign-in."
                )
                % {
                    "username": account.username,
                    "role": account.get_role_display(),
                    "scope": _scope_of(account),
                },
            )
            return redirect("accounts:user_detail", pk=account.pk)
    return render(request, "accounts/user_form.html", {"form": form})


@never_cache
@login_required
def user_detail(request, pk: int):
    account = get_object_or_404(_managed(request), pk=pk)
    initial = {k: getattr(account, k) for k in FIELDS}
    form = UserForm(initial=initial, by=request.user, account=account)
    password_form = PasswordResetForm()
    token_form = ApiTokenForm()
    new_key = None
    action = request.POST.get("action") if request.method == "POST" else None
    try:
        if action == "update":
            form = UserForm(request.POST, by=request.user, account=account)
            if form.is_valid():
                account = services.user_update(
                    user=request.user,
                    account=account,
                    **{k: form.cleaned_data[k] for k in FIELDS},
                )
                messages.success(
                    request,
                    _("Saved %(username)s: %(role)s, %(scope)s.")
                    % {
                        "username": account.username,
                        "role": account.get_role_display(),
                        "scope": _scope_of(account),
                    },
                )
                return redirect("accounts:user_detail", pk=account.pk)
        elif action == "password":
            password_form = PasswordResetForm(request.POST)
            if password_form.is_valid():
                services.user_reset_password(
                    user=request.user,
                    account=account,
                    password=password_form.cleaned_data["password"],
                )
                messages.success(
                    request,
                    _("New password set for %(username)s; they must change it when they sign in.")
                    % {"username": account.username},
                )
                return redirect("accounts:user_detail", pk=account.pk)
        elif action == "token":
            token_form = ApiTokenForm(request.POST)
            if token_form.is_valid():
                _token, new_key = services.user_token_issue(
                    user=request.user,
                    account=account,
                    name=token_form.cleaned_data["name"],
                    days=token_form.cleaned_data["days"],
                )
                token_form = ApiTokenForm()
    except ValidationError as exc:
        target = {"update": form, "password": password_form, "token": token_form}[action]
        add_service_errors(target, exc)
    except NotFound as exc:
        raise Http404 from exc
    context = {
        "account": account,
        "form": form,
        "password_form": password_form,
        "token_form": token_form,
        "new_key": new_key,
        "tokens": ApiToken.objects.filter(user=account).order_by("-created", "-id"),
        "is_me": account.pk == request.user.pk,
    }
    return render(request, "accounts/user_detail.html", context)


@require_POST
@login_required
def user_active(request, pk: int):
    account = get_object_or_404(_managed(request), pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.user_set_active(user=request.user, account=account, active=active)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        message = (
            _("%(username)s is active again and can sign in.")
            if active
            else _("%(username)s is deactivated: they can no longer sign in or use the API.")
        )
        messages.success(request, message % {"username": account.username})
    return redirect("accounts:user_detail", pk=account.pk)
