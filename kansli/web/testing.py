"""Test helpers for signing in with a second factor.

`Client.force_login` skips the login page, so it skips the one-time code too: the
root conftest.py registers this module as a pytest plugin, whose autouse fixture makes
every force_login also mark the test client's session as having passed the second
factor (with a confirmed authenticator made for the user if there is none). Only the
test client changes; the middleware and the API check every real session as before.
Tests of the login itself post to /login/ and /login/kod/ instead.

Django's `Client.login()` does not pass the request to authenticate(), which
django-axes needs: use force_login, or post to /login/.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from django.utils.html import escape
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from kansli.org.models import User
from kansli.web import actions


def signed_in(user: User) -> Client:
    """A test client signed in as the user (second factor passed, see above)."""
    client = Client()
    client.force_login(user)
    return client


def api_client(user: User) -> Client:
    """A test client that calls the API with a bearer key of the user's."""
    from kansli.org.actions import do_create_api_token

    _token, key = do_create_api_token(user, "Test", actor=None)
    return Client(headers={"Authorization": f"Bearer {key}"})


def sv(text: str, **values: object) -> str:
    """The Swedish of an English msgid, filled in and HTML-escaped as a page shows it."""
    with translation.override("sv"):
        message = translation.gettext(text)
    return escape(message % values if values else message)


# RFC 6238's own test key ("12345678901234567890"), hex-encoded as django-otp keeps it.
TEST_KEY = "3132333435363738393031323334353637383930"


def give_authenticator(user: User, key_hex: str = TEST_KEY) -> TOTPDevice:
    """A confirmed authenticator app for the user, through the action."""
    return actions.do_add_totp_device(user, key_hex, actor=None)


def totp_code(device: TOTPDevice | bytes, *, steps_ahead: int = 0) -> str:
    """The six digits the authenticator app shows now (or `steps_ahead` periods of 30
    seconds later: a code is accepted once, and one period ahead is still accepted)."""
    key = device if isinstance(device, bytes) else device.bin_key
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def mark_second_factor_passed(client: Client, user: User) -> None:
    """Make the client's session one that has given its one-time code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test", key=TEST_KEY, confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture(autouse=True)
def force_login_passes_the_second_factor(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    original: Callable[..., None] = Client.force_login

    def force_login(self: Client, user: Any, backend: str | None = None) -> None:
        original(self, user, backend)
        mark_second_factor_passed(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)
    yield
