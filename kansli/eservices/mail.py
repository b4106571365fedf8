"""The e-mails the e-services send, after the change that causes them has committed: the
receipt to a citizen who gave an e-mail address, the review of an e-förslag to its
proposer, the link that confirms a signature, and the notice to the registrars that an
e-förslag has reached its threshold. Whatever address a sender types gets no text of
theirs back: the receipt names the kind, number and authority only, and a signature's
link goes out only for an e-förslag a registrar has published. A failure to send is
logged (without the address) and never undoes the registration."""

from __future__ import annotations

import base64
import json
import logging

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from kansli.eservices.models import Submission
from kansli.org.models import Role, RoleAssignment

log = logging.getLogger(__name__)

SIGNATURE_SALT = "kansli.eservices.signature"
SIGNATURE_DAYS = 7


def email_address(contact: str) -> str | None:
    """The contact given, if it is an e-mail address."""
    try:
        validate_email(contact)
    except ValidationError:
        return None
    return contact


def receipt(submission_id: int) -> None:
    submission = Submission.objects.get(pk=submission_id)
    address = email_address(submission.contact)
    if address is not None:
        subject = _("Receipt %(number)s") % {"number": submission.receipt_number}
        _send(subject, "eservices/mail/receipt.txt", {"submission": submission}, [address])


def reviewed(submission_id: int, *, taken_down: bool = False) -> None:
    """Tell the proposer of an e-förslag, if they gave an e-mail address, that it is
    published (with its page), declined or taken down (with the reason)."""
    submission = Submission.objects.get(pk=submission_id)
    address = email_address(submission.contact)
    if address is None:
        return
    page = settings.SITE_URL + reverse("eservices:petition", args=[submission.pk])
    subject = _("Your e-petition %(number)s") % {"number": submission.receipt_number}
    context = {"submission": submission, "page": page, "taken_down": taken_down}
    _send(subject, "eservices/mail/reviewed.txt", context, [address])


def signature_link(submission: Submission, name: str, email: str) -> None:
    """Send the link that confirms a signature; nothing is stored until it is opened.
    The link holds the name and address encrypted, not merely signed: a web server's
    or Django's log of the address it was opened at must not give them away."""
    payload = json.dumps({"s": submission.pk, "n": name, "e": email}).encode()
    token = _cipher().encrypt(payload).decode()
    link = settings.SITE_URL + reverse("eservices:confirm", args=[token])
    subject = _("Confirm your signature: %(title)s") % {"title": submission.title}
    context = {"submission": submission, "link": link, "days": SIGNATURE_DAYS}
    _send(subject, "eservices/mail/signature_link.txt", context, [email])


def signature_in(token: str) -> dict[str, object] | None:
    """The submission id, name and e-mail a confirmation link holds, or None when the
    link is forged or older than SIGNATURE_DAYS."""
    try:
        plain = _cipher().decrypt(token.encode(), ttl=SIGNATURE_DAYS * 86400)
    except (InvalidToken, ValueError):
        return None
    found = json.loads(plain)
    return found if isinstance(found, dict) else None


def _cipher() -> Fernet:
    """Fernet (AES and an HMAC, with the time it was made) under a key derived from the
    installation's secret key."""
    key = salted_hmac(SIGNATURE_SALT, "fernet", algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(key))


def petition_sent(submission_id: int) -> None:
    """Tell the authority's registrars that an e-förslag has reached its threshold."""
    submission = Submission.objects.select_related("authority", "document__case").get(
        pk=submission_id
    )
    registrars = RoleAssignment.objects.valid_on().filter(
        authority=submission.authority, role=Role.REGISTRAR
    )
    addresses = sorted({r.user.email for r in registrars.select_related("user") if r.user.email})
    if addresses:
        subject = _("E-petition %(number)s has reached its signatures") % {
            "number": submission.receipt_number
        }
        context = {"submission": submission, "site": settings.SITE_URL}
        _send(subject, "eservices/mail/petition_sent.txt", context, addresses)


def _send(subject: str, template: str, context: dict[str, object], to: list[str]) -> None:
    try:
        send_mail(subject, render_to_string(template, context), None, to)
    except OSError:
        log.exception("could not send %s", template)
