"""Forms of the accounts pages: a one-time code, a new API token."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tianmu.accounts.models import ApiToken


class OTPTokenForm(forms.Form):
    """A six-digit code from an authenticator app (TOTP), checked against one device."""

    token = forms.CharField(
        label=_("Code"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text=_("The six digits your authenticator app shows now."),
    )

    def __init__(self, *args, device=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_token(self):
        token = self.cleaned_data["token"].replace(" ", "")
        allowed, _info = self.device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError(
                _("Too many wrong codes. Wait a minute, then try again."), code="throttled"
            )
        # verify_token counts failures and slows further attempts down (django-otp throttling).
        if not token.isdigit() or not self.device.verify_token(token):
            raise forms.ValidationError(_("This code is not right."), code="invalid")
        return token


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “monthly export”."),
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=ApiToken.MAX_DAYS,
        initial=ApiToken.DEFAULT_DAYS,
    )


class UserForm(forms.Form):
    """A user as a programme admin sets them up: name, role and the one scope the role takes.
    The scope lists offer only areas and organisations inside the admin's own area."""

    username = forms.CharField(label=_("User name"), max_length=150)
    first_name = forms.CharField(label=_("Name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    role = forms.ChoiceField(label=_("Role"))
    scope_area = forms.ModelChoiceField(
        label=_("Scope area"),
        queryset=None,
        required=False,
        help_text=_(
            "A county, a city or the province for programme admins and leaders, a town or a "
            "village otherwise."
        ),
    )
    scope_organization = forms.ModelChoiceField(
        label=_("Scope organisation"),
        queryset=None,
        required=False,
        help_text=_("The enterprise of an enterprise liaison, the bank of a bank officer."),
    )
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Tell it to the user; they must choose their own at the first sign-in."),
    )

    def __init__(self, *args, by, account=None, **kwargs):
        from tianmu.accounts.choices import AREA_ROLES, Role
        from tianmu.core.scoping import editable_by, scope_for
        from tianmu.registry.models import Area, Organization

        super().__init__(*args, **kwargs)
        scope = scope_for(by)
        roles = [(v, label) for v, label in Role.choices if v != Role.SUPERUSER or scope.is_all]
        self.fields["role"].choices = roles
        if scope.is_all:
            areas, orgs = Area.objects.all(), Organization.objects.all()
        else:
            areas = Area.objects.filter(scope.area_q("pk"))
            orgs = editable_by(by, Organization)
        levels = {level for allowed in AREA_ROLES.values() for level in allowed}
        self.fields["scope_area"].queryset = areas.filter(level__in=levels).order_by("path")
        self.fields["scope_organization"].queryset = orgs.filter(
            kind__in=("enterprise", "partner")
        ).order_by("kind", "name")
        if account is not None:
            del self.fields["username"]
            del self.fields["password"]


class PasswordResetForm(forms.Form):
    password = forms.CharField(
        label=_("New password"),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("The user must choose their own at the next sign-in."),
    )
