"""Writes for accounts: passwords, API tokens. Each is change-logged through the models."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tianmu.accounts.models import ApiToken, User
from tianmu.core.context import attributed_to


def user_set_password(*, user: User, password: str, by: User | None) -> User:
    """Set `user`'s password. One chosen by someone else (`by` is another user, or None for a
    command) must be changed by its owner at the next sign-in."""
    validate_password(password, user)
    user.set_password(password)
    user.must_change_password = by is None or by.pk != user.pk
    with transaction.atomic(), attributed_to(by):
        user.save()
    return user


def apitoken_issue(
    *, user: User, name: str, days: int = ApiToken.DEFAULT_DAYS, by: User | None = None
) -> tuple[ApiToken, str]:
    """Issue a token for `user`, valid `days` days (1 to ApiToken.MAX_DAYS); returns the
    token and its key, which is shown once and never stored."""
    name = (name or "").strip()
    errors = {}
    if len(name) > 100:
        errors["name"] = _("The name can be at most 100 characters.")
    if not 1 <= days <= ApiToken.MAX_DAYS:
        errors["days"] = _("A token is valid for 1 to %(max)d days.") % {"max": ApiToken.MAX_DAYS}
    if not user.is_active:
        errors["user"] = _("This user is inactive; a token for them would not work.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), attributed_to(by):
        return ApiToken.issue(user, name=name, days=days)


def apitoken_revoke(*, token: ApiToken, by: User | None = None) -> ApiToken:
    """Revoke a token at once; revoking a revoked token changes nothing."""
    if token.revoked is not None:
        return token
    token.revoked = timezone.now()
    with transaction.atomic(), attributed_to(by):
        token.save(update_fields=["revoked", "last_updated"])
    return token
