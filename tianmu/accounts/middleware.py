"""Session rules after sign-in: time limits, the second factor, a forced password change.

Each applies to browser sessions only. API requests with a bearer token carry no session, so
none of this touches them (tokens have their own expiry and revocation; docs/api.md).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

AUTH_AT = "tianmu_auth_at"  # when the session signed in (epoch seconds)
SEEN_AT = "tianmu_seen_at"  # the last request of the session, to the minute

# Refreshing the last-seen time writes the session, so it is refreshed at most every two
# minutes: a session is then signed out between 28 and 30 idle minutes, never later.
_SEEN_GRANULARITY = 120


def demo_waiver() -> bool:
    """`make run` (DEBUG=1 TIANMU_DEMO=1): no second factor or forced change for the demo."""
    return bool(settings.DEBUG and getattr(settings, "TIANMU_DEMO", False))


def _always_open(request) -> bool:
    path = request.path_info
    return path.startswith((settings.STATIC_URL, "/i18n/")) or path == reverse("accounts:logout")


def _api(request) -> bool:
    return request.path_info.startswith("/api/")


def _session_user(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return None
    return user


class SessionLimitMiddleware:
    """Sign a session out after TIANMU_SESSION_IDLE_MINUTES idle or TIANMU_SESSION_MAX_HOURS
    after sign-in, whichever comes first (the cookie's age alone would renew on every save)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _session_user(request) is not None:
            now = int(time.time())
            session = request.session
            auth_at = session.get(AUTH_AT) or now
            seen_at = session.get(SEEN_AT) or now
            idle = settings.TIANMU_SESSION_IDLE_MINUTES * 60
            limit = settings.TIANMU_SESSION_MAX_HOURS * 3600
            if now - seen_at > idle or now - auth_at > limit:
                logout(request)
                if not _api(request):
                    login = reverse(settings.LOGIN_URL)
                    query = urlencode({"next": request.get_full_path(), "expired": "1"})
                    return redirect(f"{login}?{query}")
            else:
                if AUTH_AT not in session:
                    session[AUTH_AT] = auth_at
                if now - seen_at >= _SEEN_GRANULARITY or SEEN_AT not in session:
                    session[SEEN_AT] = now
        return self.get_response(request)


def _only(request, url_name: str, message: str, *, also: tuple[str, ...] = ()):
    """Answer anything but `url_name` (and `also`) with a redirect to it (pages) or 403 (API)."""
    target = reverse(url_name)
    if request.path_info in {target, *(reverse(name) for name in also)}:
        return None
    if _always_open(request):
        return None
    if _api(request):
        return JsonResponse({"detail": message}, status=403)
    return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


class SecondFactorMiddleware:
    """A signed-in user with a TOTP device must enter a code before anything else; a
    superuser or programme admin without one can reach only the page that sets it up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = _session_user(request)
        if user is not None and not user.is_verified():
            from django_otp import user_has_device

            if user_has_device(user, confirmed=True):
                blocked = _only(
                    request, "accounts:otp_verify", _("Enter the code from your authenticator.")
                )
            elif user.needs_second_factor and not demo_waiver():
                blocked = _only(
                    request,
                    "accounts:otp_setup",
                    _("Set up two-factor sign-in before you continue."),
                )
            else:
                blocked = None
            if blocked is not None:
                return blocked
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """A password someone else chose must be replaced before anything else is reachable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = _session_user(request)
        if user is not None and user.must_change_password and not demo_waiver():
            blocked = _only(
                request,
                "accounts:password_change",
                _("Choose your own password before you continue."),
                # The second factor comes first (SecondFactorMiddleware sends the user there).
                also=("accounts:otp_setup", "accounts:otp_verify"),
            )
            if blocked is not None:
                return blocked
        return self.get_response(request)
