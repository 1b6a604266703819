"""Users, their role and data scope, and API tokens."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tianmu.accounts.choices import AREA_ROLES, ORG_ROLES, Role
from tianmu.core.models import ChangeLogged, ChangeLoggedModel
from tianmu.registry.choices import AreaLevel


class User(ChangeLogged, AbstractUser):
    """A person who signs in. `role` says what they do, `scope_*` where they may do it.

    Change-logged by who they are and what they may do — never the password hash or the time
    of the last sign-in.
    """

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.LEADER)
    scope_area = models.ForeignKey(
        "registry.Area",
        verbose_name=_("scope area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    scope_organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("scope organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_(
            "Set when someone else chose the password (tianmu adduser, an admin's reset): "
            "until the user picks their own, they can only reach the password change page."
        ),
    )

    changelog_fields = (
        "username",
        "role",
        "scope_area",
        "scope_organization",
        "is_active",
        "is_staff",
        "is_superuser",
        "must_change_password",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def clean(self):
        super().clean()
        if self.role == Role.SUPERUSER:
            return
        levels = AREA_ROLES.get(self.role)
        if levels and (self.scope_area is None or self.scope_area.level not in levels):
            raise ValidationError(
                {
                    "scope_area": _("This role needs an area of level %(level)s as its scope.")
                    % {"level": ", ".join(str(AreaLevel(v).label).lower() for v in levels)}
                }
            )
        kind = ORG_ROLES.get(self.role)
        if kind and (self.scope_organization is None or self.scope_organization.kind != kind):
            raise ValidationError(
                {
                    "scope_organization": _(
                        "This role needs an organisation of kind %(kind)s as its scope."
                    )
                    % {"kind": kind}
                }
            )

    @property
    def is_read_only(self) -> bool:
        return self.role == Role.LEADER and not self.is_superuser

    @property
    def needs_second_factor(self) -> bool:
        """Superusers and programme admins must sign in with a second factor."""
        return self.is_superuser or self.role in (Role.SUPERUSER, Role.ADMIN)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        """Tokens that still authenticate: not revoked, not expired."""
        return self.filter(revoked__isnull=True, expires__gt=timezone.now())

    def authenticate(self, key: str) -> User | None:
        token = self.usable().select_related("user").filter(key_hash=_hash(key)).first()
        if token is None or not token.user.is_active:
            return None
        now = timezone.now()
        if token.last_used is None or now - token.last_used > datetime.timedelta(minutes=5):
            # A plain UPDATE: using a token is not a change of it (no change-log row).
            self.model.objects.filter(pk=token.pk).update(last_used=now)
        return token.user


class ApiToken(ChangeLoggedModel):
    """A bearer token for the API. Only its hash is stored; the key is shown once.

    Every token has a name and an expiry and can be revoked; issuing and revoking are
    change-logged without the key or its hash.
    """

    MAX_DAYS = 365
    DEFAULT_DAYS = 90

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for, e.g. “monthly export”.")
    )
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("prefix"), max_length=8)
    expires = models.DateTimeField(_("expires"))
    revoked = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    changelog_masked = ("key_hash",)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["prefix"])]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name} ({self.user})"

    @property
    def is_usable(self) -> bool:
        return self.revoked is None and self.expires > timezone.now()

    @classmethod
    def issue(cls, user: User, *, name: str = "", days: int = DEFAULT_DAYS) -> tuple[ApiToken, str]:
        """A new token for `user`; the key is returned once and only its hash is kept."""
        key = "tm_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name or str(_("API token")),
            key_hash=_hash(key),
            prefix=key[:8],
            expires=timezone.now() + datetime.timedelta(days=days),
        )
        return token, key
