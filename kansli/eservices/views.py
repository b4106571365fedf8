"""The public e-services (no login): a medborgarförslag, a synpunkt, an e-förslag and
its public page where others sign it. Each form is held against spam by
kansli.web.spam; nothing of the sender's address or browser is kept. A submission is
registered by the system (actor None); the receipt page is reached by a signed link."""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from kansli.eservices import mail
from kansli.eservices.actions import do_sign_petition, do_submit
from kansli.eservices.forms import FeedbackForm, ProposalForm, SignatureForm, SubmissionForm
from kansli.eservices.models import Kind, Submission
from kansli.org.models import Authority
from kansli.web import spam

RECEIPT_SALT = "kansli.eservices.receipt"
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
    """E-förslag the public may read: not voided, not secrecy-marked."""
    return Submission.objects.filter(
        kind=Kind.PETITION, document__voided_at__isnull=True, document__secrecy__isnull=True
    ).annotate(signed=Count("signatures"))


def _open_petitions() -> Any:
    return _published().filter(sent_to_board_at__isnull=True).order_by("-submitted_at")[:50]
