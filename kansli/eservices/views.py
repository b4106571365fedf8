"""The public e-services (no login): a medborgarförslag, a synpunkt, an e-förslag and
its public page where others sign it once a registrar has published it. Each form is
held against spam by kansli.web.spam; nothing of the sender's address or browser is
kept. A submission is registered by the system (actor None); the receipt page is
reached by a signed link. Staff (login): the e-förslag waiting for review, and the
registrations whose diary text is still to be written."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from kansli.access.rules import may_read
from kansli.eservices import mail
from kansli.eservices.actions import (
    REVIEWING_ROLES,
    do_decline_petition,
    do_publish_petition,
    do_sign_petition,
    do_submit,
    neutral_text,
)
from kansli.eservices.forms import (
    FeedbackForm,
    ProposalForm,
    ReviewForm,
    SignatureForm,
    SubmissionForm,
)
from kansli.eservices.models import Kind, Submission
from kansli.org.models import Authority
from kansli.registry.models import Document
from kansli.registry.permissions import REGISTERING_ROLES
from kansli.registry.views.common import authorities_with, current_user, require
from kansli.web import spam

RECEIPT_SALT = "kansli.eservices.receipt"
LISTED = 50  # e-förslag a review list shows; it says how many there are
FORMS: dict[str, type[SubmissionForm]] = {
    Kind.PROPOSAL: ProposalForm, Kind.FEEDBACK: FeedbackForm, Kind.PETITION: SubmissionForm,
}  # fmt: skip


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "eservices/index.html", {"petitions": _open_petitions()})


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, kind: str) -> HttpResponse:
    council = _council()
    if kind != Kind.FEEDBACK and council is None:
        raise Http404  # the municipality has no fullmäktige in Kansli to send it to
    posted = request.method == "POST"
    form = FORMS[kind](request.POST if posted else None, request.FILES if posted else None)
    status = 200
    if posted:
        refused = spam.refusal(request, scope=f"eservices-{kind}")
        if refused is not None:
            form.is_valid()
            form.add_error(None, refused)
        if form.is_valid():
            data = form.cleaned_data
            files = [(upload.name or "bilaga", upload.read()) for upload in data["attachments"]]
            authority = data.get("authority") or council
            assert authority is not None  # a synpunkt's is chosen, the others' is fullmäktige
            try:
                submission = do_submit(
                    kind, authority, data["title"], data["text"],
                    name=data["name"], contact=data["contact"], attachments=files, actor=None,
                )  # fmt: skip
            except ValidationError as refusal:
                form.add_action_errors(refusal)
            else:
                token = signing.dumps(submission.pk, salt=RECEIPT_SALT)
                return redirect("eservices:receipt", token=token)
        status = 400
    context = {"form": form, "kind": Kind(kind), "council": council} | spam.spam_context()
    return render(request, "eservices/submit_form.html", context, status=status)


def receipt(request: HttpRequest, token: str) -> HttpResponse:
    try:
        pk = signing.loads(token, salt=RECEIPT_SALT, max_age=86400)
    except signing.BadSignature:
        raise Http404 from None
    submission = get_object_or_404(Submission.objects.select_related("authority"), pk=pk)
    mailed = mail.email_address(submission.contact) is not None
    return render(request, "eservices/receipt.html", {"submission": submission, "mailed": mailed})


@require_http_methods(["GET", "POST"])
def petition(request: HttpRequest, pk: int) -> HttpResponse:
    """The public page of an e-förslag: its text and how many have signed (not who)."""
    submission = get_object_or_404(_published(), pk=pk)
    form = SignatureForm(request.POST if request.method == "POST" else None)
    status, sent = 200, False
    if request.method == "POST" and submission.sent_to_board_at is None:
        refused = spam.refusal(request, scope="eservices-sign")
        if refused is not None:
            form.is_valid()
            form.add_error(None, refused)
        if form.is_valid():
            mail.signature_link(submission, form.cleaned_data["name"], form.cleaned_data["email"])
            sent = True
        else:
            status = 400
    context = {"submission": submission, "form": form, "sent": sent} | spam.spam_context()
    return render(request, "eservices/petition_page.html", context, status=status)


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the e-mail: a GET shows a button (mail scanners open links), the POST
    counts the signature."""
    found = mail.signature_in(token)
    if found is None:
        return render(request, "eservices/confirm.html", {"expired": True}, status=400)
    submission = get_object_or_404(_published(), pk=found["s"])
    context: dict[str, Any] = {"submission": submission}
    if request.method == "POST":
        try:
            do_sign_petition(submission, str(found["n"]), str(found["e"]), actor=None)
        except ValidationError as refusal:
            context["refusal"] = " ".join(refusal.messages)
        else:
            context["signed"] = True
    return render(request, "eservices/confirm.html", context)


def _council() -> Authority | None:
    return Authority.objects.valid_on().filter(kind=Authority.Kind.COUNCIL).first()


def _published() -> Any:
    """E-förslag the public may read: published by a registrar, not voided, not
    secrecy-marked."""
    return Submission.objects.filter(
        kind=Kind.PETITION, published_at__isnull=False,
        document__voided_at__isnull=True, document__secrecy__isnull=True,
    ).annotate(signed=Count("signatures"))  # fmt: skip


def _open_petitions() -> Any:
    return _published().filter(sent_to_board_at__isnull=True).order_by("-submitted_at")[:50]


def reviewable(user: Any) -> QuerySet[Submission]:
    """The e-förslag at the authorities the user reviews for, not declined, whose
    registration the user may see and which is not voided, oldest first."""
    found = Submission.objects.filter(
        kind=Kind.PETITION,
        declined_at__isnull=True,
        authority__in=authorities_with(user, REVIEWING_ROLES),
        document__in=Document.objects.visible_to(user),
        document__voided_at__isnull=True,
    )
    return found.select_related("document__case__authority", "authority").order_by(
        "submitted_at", "pk"
    )


def waiting_review(user: Any) -> QuerySet[Submission]:
    """Those not yet published or declined: the start page counts them."""
    return reviewable(user).filter(published_at__isnull=True)


@never_cache
@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    return _review_page(request, current_user(request))


def _review_page(
    request: HttpRequest, user: Any, failed: ReviewForm | None = None, pk: int | None = None
) -> HttpResponse:
    """The e-förslag to check before they are published, each with its heading and text
    (not the proposer's name, which the check does not need), a button to publish and a
    reason to decline; below them those published, each with a reason to take it down.
    A secrecy-marked one is shown by number only to those who may not read it. After a
    refused review the whole page again, with that form's errors."""
    require(authorities_with(user, REVIEWING_ROLES).exists())
    waiting = waiting_review(user)
    published = reviewable(user).filter(published_at__isnull=False).order_by("-published_at")

    def row(submission: Submission) -> dict[str, Any]:
        shown = "published" if submission.published_at else "waiting"
        form = (
            failed
            if submission.pk == pk and failed
            else ReviewForm(prefix=str(submission.pk), initial={"shown": shown})
        )
        return {"submission": submission, "form": form,
                "readable": may_read(user, submission.document),
                "mailed": mail.email_address(submission.contact) is not None}  # fmt: skip

    context = {
        "waiting": [row(s) for s in waiting[:LISTED]],
        "waiting_count": waiting.count(),
        "published": [row(s) for s in published[:LISTED]],
        "published_count": published.count(),
        "listed": LISTED,
        "failed": failed,
    }
    return render(request, "eservices/review_list.html", context, status=400 if failed else 200)


@login_required
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    submission = get_object_or_404(reviewable(user), pk=pk)
    form = ReviewForm(request.POST, prefix=str(pk))
    now = "published" if submission.published_at else "waiting"
    if form.is_valid() and form.cleaned_data["shown"] != now:
        form.add_error(None, _("Someone else has reviewed it meanwhile: look at it again."))
    if form.is_valid():
        number = {"number": submission.receipt_number}
        try:
            if form.cleaned_data["decision"] == "publish":
                do_publish_petition(submission, actor=user)
                messages.success(request, _("%(number)s is published for signing.") % number)
            else:
                do_decline_petition(submission, form.cleaned_data["reason"], actor=user)
                messages.success(
                    request, _("%(number)s is not published; the reason is in the case.") % number
                )
            return redirect("eservices:review-list")
        except ValidationError as refusal:
            form.add_action_errors(refusal)
    return _review_page(request, user, form, pk)


def undescribed(user: Any) -> QuerySet[Submission]:
    """The submissions at the authorities the user registers for whose registration
    still says only its kind (kansli.eservices.actions.neutral_text): the registrar is
    to write in short what each concerns (OSL 5 kap. 2 §), oldest first."""
    found = Submission.objects.filter(
        authority__in=authorities_with(user, REGISTERING_ROLES),
        document__in=Document.objects.visible_to(user),
        document__voided_at__isnull=True,
        document__description__in=[neutral_text(kind) for kind in Kind.values],
    )
    return found.select_related("document__case").order_by("submitted_at", "pk")


@never_cache
@login_required
def describe_list(request: HttpRequest) -> HttpResponse:
    """The e-service registrations still without a diary text of their own, each with the
    sender's heading (to those who may read the document) and a link to correct it."""
    user = current_user(request)
    require(authorities_with(user, REGISTERING_ROLES).exists())
    found = undescribed(user)
    rows = [{"submission": s, "readable": may_read(user, s.document)} for s in found[:LISTED]]
    context = {"rows": rows, "count": found.count(), "listed": LISTED}
    return render(request, "eservices/describe_list.html", context)
