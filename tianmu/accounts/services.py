"""Writes for accounts: passwords, API tokens. Each is change-logged through the models."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tianmu.accounts.models import ApiToken, User
from tianmu.core.context import attributed_to
from tianmu.core.services import service


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


# --- users managed from the web (a programme admin within their area) --------------------


def _ensure_manages(user: User, account: User, *, field: str | None = None) -> None:
    """`account` (as it now stands) lies within what `user` manages; a change that would
    move it outside is refused (and, in a service, rolled back)."""
    from tianmu.accounts.selectors import users_managed_by

    if users_managed_by(user).filter(pk=account.pk).exists():
        return
    if field is None:
        from tianmu.core.services import NotFound

        raise NotFound()
    area = getattr(user, "scope_area", None)
    raise ValidationError(
        {field: _("Choose a scope inside your own area (%(area)s).") % {"area": area or _("none")}}
    )


def _ensure_may_manage(user: User) -> None:
    from tianmu.accounts.selectors import may_manage_users
    from tianmu.core.services import NotFound

    if not may_manage_users(user):
        raise NotFound()


def _scope_field(account: User) -> str:
    from tianmu.accounts.choices import ORG_ROLES

    return "scope_organization" if account.role in ORG_ROLES else "scope_area"


def _check_role(user: User, account: User) -> None:
    from tianmu.accounts.choices import Role

    if account.role == Role.SUPERUSER and not user.is_superuser:
        raise ValidationError({"role": _("Only a superuser can make a superuser.")})


def _normalise_scope(account: User) -> None:
    """A user has one scope: an area for area roles, an organisation for the others."""
    from tianmu.accounts.choices import AREA_ROLES, ORG_ROLES

    if account.role in AREA_ROLES:
        account.scope_organization = None
    elif account.role in ORG_ROLES:
        account.scope_area = None


@service
def user_create(
    *,
    user: User,
    username: str,
    role: str,
    password: str,
    scope_area=None,
    scope_organization=None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    """A programme admin (or a superuser) creates a user within their scope, with an initial
    password the new user must change at the first sign-in."""
    _ensure_may_manage(user)
    account = User(
        username=(username or "").strip(),
        role=role,
        scope_area=scope_area,
        scope_organization=scope_organization,
        first_name=first_name,
        last_name=last_name,
        email=email,
        must_change_password=True,
    )
    _normalise_scope(account)
    _check_role(user, account)
    account.full_clean(exclude=["password"])
    try:
        validate_password(password, account)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    account.set_password(password)
    account.save()
    _ensure_manages(user, account, field=_scope_field(account))
    return account


@service
def user_update(
    *,
    user: User,
    account: User,
    role: str,
    scope_area=None,
    scope_organization=None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    """Change a user's role, scope and name; the result must still lie within the acting
    admin's scope. Nobody changes their own role or scope here."""
    _ensure_may_manage(user)
    account = User.objects.select_for_update().get(pk=account.pk)
    _ensure_manages(user, account)
    if account.pk == user.pk:
        raise ValidationError({"role": _("You cannot change your own role or scope.")})
    account.role = role
    account.scope_area = scope_area
    account.scope_organization = scope_organization
    account.first_name, account.last_name, account.email = first_name, last_name, email
    _normalise_scope(account)
    _check_role(user, account)
    account.full_clean(exclude=["password"])
    account.save()
    _ensure_manages(user, account, field=_scope_field(account))
    return account


@service
def user_set_active(*, user: User, account: User, active: bool) -> User:
    """Deactivate a user (they can no longer sign in, and their API tokens stop working) or
    activate them again."""
    _ensure_may_manage(user)
    account = User.objects.select_for_update().get(pk=account.pk)
    _ensure_manages(user, account)
    if account.pk == user.pk:
        raise ValidationError(_("You cannot deactivate yourself."))
    if account.is_active != active:
        account.is_active = active
        account.save(update_fields=["is_active"])
    return account


@service
def user_reset_password(*, user: User, account: User, password: str) -> User:
    """Give a user a new password that they must change at their next sign-in."""
    _ensure_may_manage(user)
    _ensure_manages(user, account)
    if account.pk == user.pk:
        raise ValidationError(
            {"password": _("Change your own password on the “Change password” page.")}
        )
    try:
        return user_set_password(user=account, password=password, by=user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc


@service
def user_token_issue(
    *, user: User, account: User, name: str, days: int = ApiToken.DEFAULT_DAYS
) -> tuple[ApiToken, str]:
    """An admin issues an API token for a user they manage (the key is shown once)."""
    _ensure_may_manage(user)
    _ensure_manages(user, account)
    return apitoken_issue(user=account, name=name, days=days, by=user)
