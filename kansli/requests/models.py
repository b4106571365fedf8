from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kansli.files.models import StoredFile
from kansli.org.models import Authority, Municipality
from kansli.registry.models import Case, Document, SecrecyProvision


class Channel(models.TextChoices):
    """How a request came in. Anyone may ask in any way (TF 2 kap. 15 §)."""

    WEB = "web", _("web form")
    EMAIL = "email", _("e-mail")
    PHONE = "phone", _("phone")
    COUNTER = "counter", _("at the counter")
    LETTER = "letter", _("letter")


class AccessRequestQuerySet(models.QuerySet["AccessRequest"]):
    def visible_to(self, user: Any) -> AccessRequestQuerySet:
        """The requests of the cases the user may read (kansli.access.rules)."""
        from kansli.access.rules import visible_cases

        return self.filter(case__in=visible_cases(Case.objects.all(), user))


class AccessRequest(models.Model):
    """En begäran om allmän handling: someone asks to read or have a copy of public
    documents. It is handled at once or as soon as possible (TF 2 kap. 15–16 §§); the
    requester need not say who they are or why (TF 2 kap. 18 §), so name and contact are
    optional and nothing that could identify an anonymous requester (an IP address, a
    browser fingerprint) is stored. Each request has its own case in the registry, which
    holds the request, the review, the redacted copies, a refusal and the delivery; the
    case's officer (Case.officer) handles it."""

    authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, related_name="access_requests"
    )
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="access_request")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    received_at = models.DateTimeField(_("received"))
    received_by = models.ForeignKey(  # the staff member who took it; none from the web form
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    name = models.CharField(_("name"), max_length=200, blank=True)
    contact = models.CharField(_("e-mail or address"), max_length=300, blank=True)
    description = models.TextField(_("documents asked for"), max_length=5000)
    # When the requester was last given an answer on every document asked for (a
    # delivery or a refusal): what the measures of promptness count.
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # When the requester asked for the authority's written decision on a refusal
    # (OSL 6 kap. 7 §: they must be told they may).
    decision_asked_at = models.DateTimeField(_("written decision asked for"), null=True, blank=True)

    objects = AccessRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("request for public documents")
        verbose_name_plural = _("requests for public documents")
        ordering = ["received_at", "pk"]

    def __str__(self) -> str:
        return self.case.case_number

    def withholds(self) -> bool:
        """Whether anything asked for is withheld, whole or in part (redacted): the
        requester is then told they may ask for a written decision (OSL 6 kap. 7 §)."""
        return self.items.filter(review__in=WITHHELD).exists()


class Review(models.TextChoices):
    """What the review of one document asked for decides (OSL 6 kap.)."""

    PENDING = "pending", _("not yet reviewed")
    DISCLOSE = "disclose", _("disclose")
    REDACT = "redact", _("disclose with redaction")
    CONDITIONS = "conditions", _("disclose with conditions")  # förbehåll, OSL 10 kap. 14 §
    REFUSE = "refuse", _("refuse")
    REFERRED = "referred", _("referred to another authority")


# A redacted document is refused in part: what is masked is withheld.
WITHHELD = {Review.REFUSE, Review.REDACT}


class RequestedItem(models.Model):
    """One document asked for: a registered document once it is found, or the
    requester's own words until then, and how it was reviewed. What is withheld names
    its provision (OSL 6 kap. 3 §, the decision's reasons); a condition (förbehåll,
    OSL 10 kap. 14 §) limits how the requester may use what is disclosed. A document
    another authority must review (its own secrecy, OSL 6 kap. 4 §) is referred with a
    record of where and when."""

    request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, related_name="items")
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    description = models.CharField(_("description"), max_length=500, blank=True)
    review = models.CharField(
        _("review"), max_length=12, choices=Review.choices, default=Review.PENDING
    )
    provisions = models.ManyToManyField(
        SecrecyProvision, blank=True, related_name="+", verbose_name=_("provisions")
    )
    conditions = models.TextField(_("conditions"), max_length=2000, blank=True)
    reasons = models.TextField(_("reasons"), max_length=5000, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    referred_to = models.CharField(_("referred to"), max_length=200, blank=True)
    referred_at = models.DateTimeField(_("referred"), null=True, blank=True)
    # The redacted copy registered in the request's case (the original is untouched).
    redacted = models.ForeignKey(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("document asked for")
        verbose_name_plural = _("documents asked for")
        ordering = ["request", "pk"]

    def __str__(self) -> str:
        return self.document.document_number if self.document else self.description


class Redaction(models.Model):
    """A redacted copy (maskering) of one document asked for: the PDF it was made from
    (the document's own, or its conversion), the areas marked, each with its provision,
    and the PDF made, from which what lay under the areas was removed. Delivered only
    when the check found none of the marked text in the result. The marked strings
    themselves are not kept: only their number and a digest per string."""

    item = models.ForeignKey(RequestedItem, on_delete=models.CASCADE, related_name="redactions")
    source = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    result = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    # [{"page": 1, "rect": [x0, y0, x1, y1], "provision": "OSL 21 kap. 3 §"}, ...]
    areas = models.JSONField(default=list)
    checked = models.JSONField(default=dict)  # what each extractor found (counts, no text)
    verified = models.BooleanField(default=False)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField()

    class Meta:
        verbose_name = _("redaction")
        verbose_name_plural = _("redactions")
        ordering = ["made_at", "pk"]

    def __str__(self) -> str:
        return f"{self.item}: {len(self.areas)}"


class FeeSchedule(models.Model):
    """The municipality's fees for copies (avgiftsuttag, TF 2 kap. 16 §): by default
    the state's model (avgiftsförordningen 15–16 §§): the first nine pages free, ten
    pages 50 kr, then 2 kr a page. An electronic copy of a public document costs the
    same when the municipality so decides."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="fee_schedule"
    )
    free_pages = models.PositiveIntegerField(_("free pages"), default=9)
    base_fee = models.DecimalField(
        _("fee for the first page charged (kr)"), max_digits=8, decimal_places=2,
        default=Decimal(50),
    )  # fmt: skip
    base_pages = models.PositiveIntegerField(_("pages the base fee covers"), default=10)
    page_fee = models.DecimalField(
        _("fee per further page (kr)"), max_digits=8, decimal_places=2, default=Decimal(2)
    )

    class Meta:
        verbose_name = _("fee schedule")
        verbose_name_plural = _("fee schedules")

    def __str__(self) -> str:
        return str(self.municipality)

    def fee(self, pages: int) -> Decimal:
        if pages <= self.free_pages:
            return Decimal(0)
        return self.base_fee + self.page_fee * max(0, pages - self.base_pages)


class DeliveryMethod(models.TextChoices):
    EMAIL = "email", _("e-mail")
    LINK = "link", _("download link")
    POST = "post", _("post")


class Delivery(models.Model):
    """Copies sent to the requester: by e-mail, by a download link that expires (or is
    withdrawn), or marked as sent by post; with the pages counted and the fee recorded as
    shown before sending. A link's downloads are logged without anything about who
    fetched them."""

    request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, related_name="deliveries")
    items = models.ManyToManyField(RequestedItem, related_name="deliveries")
    method = models.CharField(_("method"), max_length=10, choices=DeliveryMethod.choices)
    address = models.CharField(_("sent to"), max_length=300, blank=True)
    pages = models.PositiveIntegerField(_("pages"))
    fee = models.DecimalField(_("fee (kr)"), max_digits=10, decimal_places=2)
    sent_at = models.DateTimeField(_("sent"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    link_expires_at = models.DateTimeField(_("link expires"), null=True, blank=True)
    # A link withdrawn before it expired (sent to the wrong address, a copy that should
    # not have gone): from then on it opens nothing. What was fetched before stays
    # fetched; the audit chain says which files had been.
    link_revoked_at = models.DateTimeField(_("link withdrawn"), null=True, blank=True)
    link_revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    downloads = models.PositiveIntegerField(_("downloads"), default=0)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["sent_at", "pk"]

    def __str__(self) -> str:
        return f"{self.request}: {self.get_method_display()}"

    @property
    def link_open(self) -> bool:
        """Whether its link still opens: neither expired nor withdrawn."""
        expires, revoked = self.link_expires_at, self.link_revoked_at
        return expires is not None and revoked is None and expires > timezone.now()


class Refusal(models.Model):
    """The authority's written decision to refuse (avslagsbeslut, OSL 6 kap. 7 §), in
    whole or in part, taken by the delegate the delegation order names: registered in
    the request's case with the reasons and provisions and how to appeal to the
    kammarrätt within three weeks from the day the requester was told, through the
    authority (OSL 6 kap. 8 §, FL 44 §)."""

    request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, related_name="refusals")
    items = models.ManyToManyField(RequestedItem, related_name="refusals")
    point = models.ForeignKey(
        "meetings.DelegationPoint", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(_("decided"))
    reasons = models.TextField(_("reasons"), max_length=5000)
    document = models.OneToOneField(Document, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("refusal")
        verbose_name_plural = _("refusals")
        ordering = ["decided_on", "pk"]

    def __str__(self) -> str:
        return f"{self.request}: {self.document.document_number}"


class Appeal(models.Model):
    """An appeal of a refusal (överklagande), registered in the same case. The authority
    first reconsiders (FL 39 §); unless it changes the decision as asked, it forwards the
    appeal with the file to the kammarrätt (FL 46 §)."""

    refusal = models.ForeignKey(Refusal, on_delete=models.PROTECT, related_name="appeals")
    document = models.OneToOneField(Document, on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField(_("received"))
    late = models.BooleanField(_("late"), default=False)
    reconsideration = models.TextField(_("reconsideration"), max_length=5000, blank=True)
    changed = models.BooleanField(_("decision changed"), default=False)
    forwarded_at = models.DateTimeField(_("forwarded"), null=True, blank=True)
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["received_on", "pk"]

    def __str__(self) -> str:
        return f"{self.refusal}: {self.document.document_number}"
