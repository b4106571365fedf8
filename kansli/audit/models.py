"""The audit log (händelselogg): an append-only, hash-chained record of every state change
and every look at a secret document. The chain makes the log tamper-evident: each event
stores the SHA-256 of the previous event's hash and its own canonical content."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One event in the audit chain: who did what to which object, when and from where,
    with the values before and after. Rows are never deleted and never changed (database
    triggers refuse it), except that their details (names, free text, the values) and
    their address can be forgotten: emptied together with their salt, while the salted
    digests the chain hashes stay (kansli.audit.forget). The actor reference has no
    database constraint and the actor's name is copied in, so an event outlives what it
    describes."""

    seq = models.BigIntegerField(_("sequence number"), unique=True)
    created_at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("actor"), max_length=300)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_label = models.CharField(_("object"), max_length=500, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    client_ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    # Salt and digest of the details (DETAILS in chain.py) and of the address; a salt is
    # empty once what it seals has been forgotten, an address digest empty when there
    # never was an address.
    details_salt = models.CharField(max_length=32, blank=True)
    details_digest = models.CharField(max_length=64, default="")
    address_salt = models.CharField(max_length=32, blank=True)
    address_digest = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # The events whose address is still kept, by age (forget.forget_addresses).
            models.Index(
                fields=["created_at"], condition=~Q(address_salt=""), name="audit_address_kept"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_label}"


class ChainHead(models.Model):
    """The single row that names the newest event. Writers lock it (an UPDATE ...
    RETURNING of the next number) before appending, so concurrent transactions queue
    and the chain cannot fork; `verify` also checks that the newest event is the one
    named here, which detects a deleted tail. `marked_seq` is the number of the newest
    event that one of `kansli.audit.chain.on_record`'s functions marked as a change and
    `added_seq` the newest it marked as an addition (the public pages' cache keys on
    them), both written with the head in the same statement."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)
    marked_seq = models.BigIntegerField(default=0)
    added_seq = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash}"
