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
