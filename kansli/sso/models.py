"""The identity provider as the second factor of a session.

django-otp records the second factor by the device that passed it (the session keeps
its persistent id; OTPMiddleware gives `request.user.is_verified()`). When the identity
provider says that it signed the person in with more than a password, the session is
marked with this device: it verifies no codes of its own."""

from __future__ import annotations

from django_otp.models import Device

NAME = "Identitetsleverantörens tvåstegsverifiering"


class IdentityProviderDevice(Device):
    """One per user, made at the first single sign-on with multi-factor authentication."""

    class Meta:
        verbose_name = "identitetsleverantörens tvåstegsverifiering"
        verbose_name_plural = "identitetsleverantörens tvåstegsverifieringar"

    def verify_token(self, token: object) -> bool:
        """No code is ever accepted here: the identity provider checked the factor."""
        return False
