"""What the citizens send through the e-services, and the intake API's memory of the
answers it gave. Nothing here holds the sender's IP address or browser: anyone may
write to the municipality without leaving such a trace (kansli.anonymous)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kansli.org.models import Authority
from kansli.registry.models import Document


class Kind(models.TextChoices):
    PROPOSAL = "medborgarforslag", _("citizen proposal (medborgarförslag)")
    FEEDBACK = "synpunkt", _("comment or complaint (synpunkt)")
    PETITION = "e-forslag", _("e-petition (e-förslag)")


class Submission(models.Model):
    """Ett inkommet e-ärende, registered as an incoming document in a new case of the
    authority it goes to:

    - a medborgarförslag: a proposal a member of the municipality (folkbokförd there)
      puts to fullmäktige, where fullmäktige has decided to allow them (KL 8 kap. 1 §);
      the proposer is named;
    - an e-förslag: a proposal published on the web that others sign; with enough
      signatures it goes to the board (a petition; the proposer is named);
    - a synpunkt: a comment, a complaint or praise to any authority, anonymous if the
      sender wishes.

    The receipt number is the document's number (KF 2026/12-1): what the citizen quotes
    when asking about it, and what finds it in the public e-diary. The registration says
    only what kind of submission it is ("Synpunkt via e-tjänsten"): the diary's text is
    the registrar's to write (OSL 5 kap. 2 §), and a sender's own heading may name a
    neighbour or an illness before anyone has read it. The sender's heading and text are
    kept here and in the document's first file."""

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), max_length=20000)
    name = models.CharField(_("name"), max_length=200, blank=True)
    contact = models.CharField(_("e-mail or address"), max_length=300, blank=True)
    document = models.OneToOneField(Document, on_delete=models.PROTECT, related_name="+")
    receipt_number = models.CharField(_("receipt number"), max_length=60)
    submitted_at = models.DateTimeField(_("submitted"))
    # From an external e-service platform through the intake API: the token's user.
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    # An e-förslag is checked by a registrar or secretary before it is published for
    # signing (the municipality's rules for e-förslag: no insults, no named private
    # persons, within the municipality's remit) and is published or declined, with the
    # reason told to the proposer; until then it has no public page and no one can sign.
    published_at = models.DateTimeField(_("published for signing"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    # An e-förslag: the signatures it needs (fixed when it is published), and when it
    # reached them and went to the board.
    threshold = models.PositiveIntegerField(_("signatures needed"), null=True, blank=True)
    sent_to_board_at = models.DateTimeField(_("sent to the board"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-service submission")
        verbose_name_plural = _("e-service submissions")
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(declined_at__isnull=True),
                name="submission_published_or_declined",
            ),
            models.CheckConstraint(
                condition=Q(declined_at__isnull=True) | ~Q(decline_reason=""),
                name="submission_decline_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_number} {self.title}"


class Signature(models.Model):
    """En underskrift av ett e-förslag: counted only once its signer has confirmed it
    through the link sent to their e-mail address, and once per address. The names are
    not shown on the public page."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="signatures")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), max_length=254)
    confirmed_at = models.DateTimeField(_("confirmed"))

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            models.UniqueConstraint(fields=["submission", "email"], name="signature_once")
        ]

    def __str__(self) -> str:
        return self.name


class IdempotencyRecord(models.Model):
    """An Idempotency-Key an intake API caller sent, with a digest of the body and the
    first answer (status and JSON): a retry with the same key and body gets that answer
    again and registers nothing twice; one key per caller."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=200)
    body_sha256 = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    answer = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once")]

    def __str__(self) -> str:
        return self.key
