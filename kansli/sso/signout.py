"""Signing out of Kansli after a single sign-on ends the session at the identity
provider too: Kansli's sign-out (kansli.web.login.LogoutView) sends the browser on
to the provider's logout (kansli.sso.oidc.logout_url, kansli.sso.saml.logout_url),
which comes back to Kansli's login page."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest

from kansli.sso.models import SignOn

logger = logging.getLogger(__name__)


def provider_logout_url(request: HttpRequest) -> str | None:
    """Where the browser goes after Kansli's sign-out to be signed out at the
    provider; None for a session not started through it. Read before the session
    is ended."""
    key = request.session.session_key
    sign_on = SignOn.objects.filter(session_key=key).first() if key else None
    if sign_on is None:
        return None
    # Imported here: pysaml2 builds its schemas on import (half a second), which every
    # process would pay at start-up through the receiver below.
    from kansli.sso import oidc, saml

    try:
        if sign_on.protocol == "oidc" and settings.OIDC_ENABLED:
            return oidc.logout_url(request)
        if sign_on.protocol == "saml" and settings.SAML_ENABLED:
            return saml.logout_url(request)
    except Exception:  # the provider's metadata out of reach, a broken configuration
        # Signing out of Kansli must not fail on the provider: Kansli's session ends,
        # the provider's is left (and said so in the log).
        logger.warning("The provider's logout could not be prepared", exc_info=True)
    return None


@receiver(user_logged_out)
def forget_sign_on(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    """A session signed out is no longer one a provider's logout has to end."""
    key = request.session.session_key if request is not None else None
    if key:
        SignOn.objects.filter(session_key=key).delete()
