"""Users, their role and data scope, and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from tianmu.accounts.choices import AREA_ROLES, ORG_ROLES, Role


class User(AbstractUser):
    """A person who signs in. `role` says what they do, `scope_*` where they may do it."""

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

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def clean(self):
        super().clean()
        if self.role == Role.SUPERUSER:
            return
        level = AREA_ROLES.get(self.role)
        if level and (self.scope_area is None or self.scope_area.level != level):
            raise ValidationError(
                {
                    "scope_area": _("This role needs an area of level %(level)s as its scope.")
                    % {"level": level}
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


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def authenticate(self, key: str) -> User | None:
        token = self.select_related("user").filter(key_hash=_hash(key)).first()
        if token is None or not token.user.is_active:
            return None
        return token.user


class ApiToken(models.Model):
    """A bearer token for the API. Only its hash is stored; the key is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("prefix"), max_length=8)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @classmethod
    def issue(cls, user: User) -> tuple[ApiToken, str]:
        key = "tm_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, key_hash=_hash(key), prefix=key[:8])
        return token, key
