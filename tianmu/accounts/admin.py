"""The Django admin for users (superusers only): a password set here must be changed by its
owner at the next sign-in, like one set by `tianmu adduser`."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from tianmu.accounts.models import ApiToken, User


class ResetPasswordForm(AdminPasswordChangeForm):
    def save(self, commit=True):
        self.user.must_change_password = True
        return super().save(commit=commit)


class AddUserForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "role", "scope_area", "scope_organization")

    def save(self, commit=True):
        self.instance.must_change_password = True
        return super().save(commit=commit)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    change_password_form = ResetPasswordForm
    add_form = AddUserForm
    list_display = ("username", "role", "scope_area", "scope_organization", "is_active")
    list_filter = ("role", "is_active", "is_superuser")
    fieldsets = (
        (None, {"fields": ("username", "password", "must_change_password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Role and scope"), {"fields": ("role", "scope_area", "scope_organization")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "role",
                    "scope_area",
                    "scope_organization",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    raw_id_fields = ("scope_area", "scope_organization")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued on /accounts/tokens/ or by `tianmu apitoken`; here they are only
    listed (never their hash)."""

    list_display = ("prefix", "name", "user", "created", "expires", "revoked", "last_used")
    list_filter = ("revoked",)
    fields = ("prefix", "name", "user", "created", "expires", "revoked", "last_used")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False
