"""Demo: everyone in the demo who must sign in with a one-time code gets an
authenticator with one published key, so that a visitor can add that key to an
authenticator app and sign in as them. Runs after the other loaders, when the roles,
access groups and grants that decide who needs a code are in place."""

from __future__ import annotations

from base64 import b32decode
from typing import Any
from urllib.parse import quote

from django_otp.plugins.otp_totp.models import TOTPDevice

from kansli.access.rules import may_read_secrets
from kansli.org.models import User
from kansli.web import actions

# Published with the demo: never use it anywhere else. Base32, 20 bytes.
SECRET = "KANSLIDEMOKANSLIDEMOKANSLIDEMO23"  # noqa: S105 - published with the demo
KEY_HEX = b32decode(SECRET).hex()
URI = f"otpauth://totp/{quote('Kansli demo')}?secret={SECRET}&issuer=Kansli"


def uses_demo_key(username: str) -> bool:
    """Whether this demo login needs the one-time code from the published key."""
    return TOTPDevice.objects.filter(user__username=username, confirmed=True, key=KEY_HEX).exists()


def load(seed: int, scale: float, report: Any) -> list[Any]:
    given = 0
    for user in User.objects.filter(is_active=True).order_by("pk"):
        has_one = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        if not has_one and may_read_secrets(user):
            actions.do_add_totp_device(user, KEY_HEX, actor=None)
            given += 1
    report(f"Tvåstegsverifiering: {given} nya autentiseringsappar med demonyckeln")
    return []
