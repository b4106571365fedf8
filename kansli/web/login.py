"""Signing in and out: the password step (django-axes locks a username and address out
after repeated failures), the second step with a one-time code, and the setup of the
authenticator app. The views parse input and call kansli.web.actions."""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from kansli.anonymous import client_address
from kansli.sso.signout import provider_logout_url
from kansli.web import actions
from kansli.web.forms import CodeForm, LoginForm
from kansli.web.twofactor import (
    base32_secret,
    has_authenticator,
    is_verified,
    needs_two_factor,
    qr_svg,
)


class LoginView(auth_views.LoginView):
    """The password step; a user who needs a code is taken on to it by
    TwoFactorMiddleware."""

    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        actions.do_log_in(user, actor=user)
        return response

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        username, password = form.data.get("username", ""), form.data.get("password", "")
        if username and password:
            locked_out = bool(getattr(self.request, "axes_locked_out", False))
            actions.do_refuse_login(username, locked_out=locked_out)
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # One transaction: a session that cannot be ended (kansli.web.sessions) leaves
        # no audit event saying it was.
        with transaction.atomic():
            provider = provider_logout_url(request)  # after a single sign-on, its logout
            if request.user.is_authenticated:
                actions.do_log_out(request.user, actor=request.user)
            response = super().post(request, *args, **kwargs)
        return redirect(provider) if provider else response


@functools.cache
def _dummy_hash() -> str:
    """A real hash to check against: an unusable one would be refused without work."""
    return make_password("kansli-ingen-inloggning")


def lockout_response(
    request: HttpRequest, response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponseBase:
    """django-axes' answer while a username and address are locked out: the login page
    as the view rendered it, with the same message and status as a wrong password, so
    that it tells neither that the account exists nor that it is locked."""
    # The password is hashed as for any attempt, so that the answer takes as long as a
    # wrong password's and the time does not tell that the account is locked either.
    check_password(request.POST.get("password", ""), _dummy_hash())
    match = getattr(request, "resolver_match", None)
    if response is not None and match is not None and match.url_name == "login":
        return response
    return redirect("login")


def client_ip(request: HttpRequest) -> str | None:
    """The address django-axes counts failures per: the one the audit log records.
    X-Forwarded-For counts only from a proxy in KANSLI_TRUSTED_PROXIES (anyone can
    send it); behind nginx every request would otherwise come from 127.0.0.1, and
    anyone could lock anyone out by their username alone."""
    return client_address(request) or None


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin signs in through the same login (lockout, second step, audit)."""
    if request.user.is_authenticated:
        raise PermissionDenied
    return redirect(f"{reverse('login')}?{request.GET.urlencode()}")


@never_cache
@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step: the code from the authenticator app, or a backup code."""
    user, next_url = request.user, _next(request)
    if not needs_two_factor(user) or is_verified(user):
        return redirect(next_url)
    if not has_authenticator(user):
        return redirect(f"{reverse('two_factor_setup')}?{urlencode({'next': next_url})}")
    form = CodeForm(request.POST or None)
    if form.is_valid():
        try:
            device = actions.do_verify_second_factor(
                user,  # type: ignore[arg-type]
                form.cleaned_data["code"],
                actor=user,
            )
        except ValidationError as exc:
            form.add_error("code", exc)
        else:
            _passed(request, device)
            return redirect(next_url)
    context = {"form": form, "next": next_url}
    return render(request, "registration/two_factor_verify.html", context)


@never_cache
@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """First sign-in of someone who needs a code: add the authenticator app (QR code,
    otpauth:// link or the key by hand), confirm with a code, get the backup codes."""
    user, next_url = request.user, _next(request)
    if not needs_two_factor(user):
        return redirect(next_url)
    if has_authenticator(user):
        target = next_url if is_verified(user) else reverse("two_factor_verify")
        return redirect(target)
    device = actions.do_start_totp_setup(user, actor=user)  # type: ignore[arg-type]
    form = CodeForm(request.POST or None)
    if form.is_valid():
        try:
            codes = actions.do_confirm_totp_device(device, form.cleaned_data["code"], actor=user)
        except ValidationError as exc:
            form.add_error("code", exc)
        else:
            _passed(request, device)
            done = {"codes": codes, "next": next_url}
            return render(request, "registration/two_factor_backup_codes.html", done)
    uri = device.config_url
    context = {
        "form": form,
        "next": next_url,
        "uri": uri,
        "secret": base32_secret(device),
        "qr": qr_svg(uri, _("QR code for the authenticator app")),
    }
    return render(request, "registration/two_factor_setup.html", context)


def _passed(request: HttpRequest, device: Any) -> None:
    """The session has passed the second step: a new session key for the new privilege
    (against session fixation), and the device remembered by django-otp."""
    request.session.cycle_key()  # its SignOn follows (kansli.web.dbsessions)
    django_otp.login(request, device)


def _next(request: HttpRequest) -> str:
    """Where to go afterwards: `next` when it is on this site, else the start page."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return resolve_url(settings.LOGIN_REDIRECT_URL)
