"""Who must sign in with a second factor, and whether this session has given it.

A person who can read secrecy-marked documents (`kansli.access.rules.may_read_secrets`)
signs in with a password and then a one-time code: a six-digit TOTP code from an
authenticator app (RFC 6238) or one of their backup codes. Secret information gets
the stronger sign-in: GDPR art. 32 (appropriate technical measures) and the NIS2
directive art. 21.2 j (multi-factor authentication). KANSLI_REQUIRE_TWO_FACTOR=false
turns the requirement off, for development only.

The session remembers the device that passed (django-otp's OTPMiddleware gives
`request.user.is_verified()`); `TwoFactorMiddleware` keeps a session without it on the
code pages, and the API's session authentication refuses it.
"""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import segno
from django.conf import settings
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe
from django_otp.plugins.otp_totp.models import TOTPDevice

from kansli.access.rules import may_read_secrets


def needs_two_factor(user: Any) -> bool:
    """Whether this signed-in user must give a one-time code as well as the password."""
    if not settings.REQUIRE_TWO_FACTOR or user is None or not user.is_authenticated:
        return False
    return may_read_secrets(user)


def is_verified(user: Any) -> bool:
    """Whether this request's session has passed the second factor."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def second_factor_missing(request: HttpRequest) -> bool:
    """Signed in with the password but not yet with the code it needs."""
    user = request.user
    return user.is_authenticated and not is_verified(user) and needs_two_factor(user)


def has_authenticator(user: Any) -> bool:
    """Whether the user has a confirmed authenticator app (TOTP device)."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def base32_secret(device: TOTPDevice) -> str:
    """The device's key as an authenticator app takes it by hand: base32, in groups of
    four for reading."""
    plain = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(plain[i : i + 4] for i in range(0, len(plain), 4))


def qr_svg(uri: str, title: str) -> SafeString:
    """The otpauth:// URI as a QR code in inline SVG (no inline style, so it passes the
    Content-Security-Policy), dark on white so that it scans in dark mode too."""
    code = segno.make(uri, error="m")
    svg = code.svg_inline(border=4, omitsize=True, dark="#000", light="#fff", title=title)
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S308 - segno's own markup
