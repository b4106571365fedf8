"""The identity provider as the second factor of a session.

django-otp records the second factor by the device that passed it (the session keeps
its persistent id; OTPMiddleware gives `request.user.is_verified()`). When the identity
provider says that it signed the person in with more than a password, the session is
marked with this device: it verifies no codes of its own."""

from __future__ import annotations

from django.conf import settings
from django.db import models
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


class Link(models.Model):
    """Which person at the identity provider a Kansli account is: the provider (OIDC
    `iss`, SAML entity id) and its never-reused id for the person (OIDC `sub`, SAML
    NameID). A username is not enough: the provider may give a leaver's username to a
    newcomer, who would then sign in as the leaver's account with its roles."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="sso_links")  # fmt: skip
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "koppling till identitetsleverantören"
        verbose_name_plural = "kopplingar till identitetsleverantören"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sso_link_subject"),
            models.UniqueConstraint(fields=["user", "issuer"], name="sso_link_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} = {self.subject} hos {self.issuer}"


class SignOn(models.Model):
    """A Kansli session started through the identity provider: its session key, the
    link it was started through and the provider's id for its own session (OIDC `sid`,
    SAML SessionIndex), so that a logout the provider starts finds the sessions to end.
    The key is enough to end a session with the database and the Redis session
    backends alike (kansli.web.sessions); a session's data cannot be searched."""

    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="sign_ons")
    protocol = models.CharField(max_length=8)  # "oidc" or "saml"
    provider_session = models.CharField(max_length=255, blank=True)
    session_key = models.CharField(max_length=40, unique=True)
    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "inloggning via identitetsleverantören"
        verbose_name_plural = "inloggningar via identitetsleverantören"

    def __str__(self) -> str:
        return f"{self.link.user} via {self.protocol} {self.started_at:%Y-%m-%d %H:%M}"
