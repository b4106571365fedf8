"""The login form, the one-time code form and the form to change one's password."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kansli.org.actions import password_change_locked
from kansli.org.forms import NewPasswordForm
from kansli.registry.forms import AccessibleForm


class LoginForm(AuthenticationForm):
    """Django's login form with one message for every refusal: a wrong password, an
    unknown or deactivated username and a locked-out username and address all read
    the same, so the page never tells whether an account exists (OWASP ASVS 2.2)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Login failed: check the username and password. After %(limit)s failed "
            "attempts, logging in is blocked for %(minutes)s minutes."
        ),
    }

    def get_invalid_login_error(self) -> ValidationError:
        return ValidationError(
            self.error_messages["invalid_login"],
            code="invalid_login",
            params={"limit": settings.LOGIN_FAILURE_LIMIT, "minutes": settings.LOCKOUT_MINUTES},
        )

    def confirm_login_allowed(self, user: Any) -> None:
        if not user.is_active:
            raise self.get_invalid_login_error()


class CodeForm(forms.Form):
    """The one-time code: six digits from the authenticator app, or a backup code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        error_messages={"required": _("Enter the code.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "autofocus": True}
        ),
    )


class PasswordForm(AccessibleForm, NewPasswordForm):
    """The signed-in person's new password, given twice, after the current one."""

    field_order = ["current_password", "new_password", "new_password_again"]
    current_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_current_password(self) -> str:
        password: str = self.cleaned_data["current_password"]
        if password_change_locked(self.user):
            raise ValidationError(
                _("Too many wrong passwords. Try again in %(minutes)d minutes.")
                % {"minutes": settings.LOCKOUT_MINUTES},
                code="locked",
            )
        if not self.user.check_password(password):
            raise ValidationError(_("The current password is wrong."), code="wrong_password")
        return password
