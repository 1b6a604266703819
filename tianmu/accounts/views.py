"""Accounts pages: sign-in, password change, two-factor set-up and check, API tokens.

Thin views: the rules are in middleware.py (what a session may reach), services.py (writes)
and selectors.py (which tokens a user may see and revoke).
"""

from __future__ import annotations

from base64 import b32encode

import segno
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from tianmu.accounts.demo_logins import demo_logins
from tianmu.accounts.forms import ApiTokenForm, OTPTokenForm
from tianmu.accounts.middleware import demo_waiver
from tianmu.accounts.selectors import tokens_visible_to
from tianmu.accounts.services import apitoken_issue, apitoken_revoke, user_set_password


def _next(request, default: str = "dashboard:start"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["demo_mode"] = demo_waiver()
        context["demo_logins"] = demo_logins()
        context["expired"] = self.request.GET.get("expired") == "1"
        return context


@never_cache
@login_required
def password_change(request):
    """Change one's own password; clears the "must change" flag an admin's reset sets."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = user_set_password(
            user=request.user, password=form.cleaned_data["new_password1"], by=request.user
        )
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password has been changed."))
        return _next(request)
    return render(
        request,
        "accounts/password_change.html",
        {
            "form": form,
            "forced": request.user.must_change_password,
            "next": request.GET.get("next", ""),
        },
    )


@never_cache
@login_required
def otp_setup(request):
    """Set up an authenticator app: a new TOTP secret, shown once as a QR code and as text,
    confirmed by the first code it shows."""
    user = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return render(request, "accounts/otp_setup.html", {"done": True})
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    form = OTPTokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
        messages.success(request, _("Two-factor sign-in is on."))
        return _next(request)
    qr = segno.make(device.config_url, error="m").svg_inline(scale=4, omitsize=True)
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "qr": qr,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "required": user.needs_second_factor,
            "next": request.GET.get("next", ""),
        },
    )


@never_cache
@login_required
def otp_verify(request):
    """The second step of signing in, for users with an authenticator."""
    if request.user.is_verified():
        return _next(request)
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect("accounts:otp_setup")
    form = OTPTokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        otp_login(request, device)
        return _next(request)
    return render(
        request, "accounts/otp_verify.html", {"form": form, "next": request.GET.get("next", "")}
    )


@never_cache
@login_required
def token_list(request):
    """The user's API tokens (and, for admins, those of their area's users); a new one's
    key is shown once, on the page that created it."""
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = apitoken_issue(
            user=request.user,
            name=form.cleaned_data["name"],
            days=form.cleaned_data["days"],
            by=request.user,
        )
        form = ApiTokenForm()
    tokens = tokens_visible_to(request.user).order_by("-created", "-id")
    return render(
        request,
        "accounts/token_list.html",
        {"form": form, "tokens": tokens, "new_key": new_key, "me": request.user},
    )


@require_POST
@login_required
def token_revoke(request, pk: int):
    token = get_object_or_404(tokens_visible_to(request.user), pk=pk)
    if token.revoked is not None:
        raise Http404
    apitoken_revoke(token=token, by=request.user)
    messages.success(
        request,
        _("The token %(prefix)s… of %(username)s is revoked.")
        % {"prefix": token.prefix, "username": token.user.username},
    )
    # From a user's page (an admin managing their tokens) back to that page.
    return _next(request, "accounts:token_list")
