"""The intake API for external e-service platforms: `POST /api/v1/intake/submissions`
registers a medborgarförslag, synpunkt or e-förslag as the e-services' forms do, on
behalf of the API key's user, who must hold a registering role for the authority.

With an `Idempotency-Key` header a retry is safe: the same key with the same body
answers what the first call answered and registers nothing again; the same key with
another body is refused (422)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from ninja import Field, Header, Router, Schema, Status

from kansli.eservices.actions import MAX_ATTACHMENTS, do_submit, do_submit_once
from kansli.eservices.models import Kind, Submission
from kansli.inputs import Code, LongText, Name, Words
from kansli.org.api import ERRORS, ApiRequest
from kansli.org.models import Authority
from kansli.web.api_auth import TokenAuth

router = Router(tags=["intake"])

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
Base64 = Annotated[str, Field(max_length=(MAX_ATTACHMENT_BYTES + 2) // 3 * 4)]
IdempotencyKey = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[\x21-\x7e]+$")]
KEY_DESCRIPTION = (
    "Makes a retry safe: a later call with the same key and the same body answers exactly "
    "as the first (same status and JSON) and registers nothing again; the same key with "
    "another body is refused with 422. Up to 200 printable ASCII characters, e.g. a UUID; "
    "one key per submission."
)


class IntakeAttachmentIn(Schema):
    name: Words = Field(description="The file name, e.g. karta.pdf.")
    content: Base64 = Field(description="The file's bytes in base64, at most 10 MB.")


class IntakeSubmissionIn(Schema):
    kind: Kind = Field(description="medborgarforslag, synpunkt or e-forslag.")
    authority: Code = Field(
        description="The authority's code, e.g. KF (a medborgarförslag or e-förslag goes to "
        "fullmäktige)."
    )
    title: Words = Field(description="The heading.")
    text: LongText = Field(description="What the citizen wrote, at most 20,000 characters.")
    name: Words = Field("", description="The sender's name; needed but for a synpunkt.")
    contact: Name = Field("", description="An e-mail address (a receipt is sent) or an address.")
    attachments: list[IntakeAttachmentIn] = Field(
        [], max_length=MAX_ATTACHMENTS, description="At most 5 files, each checked as an upload."
    )


class IntakeReceiptOut(Schema):
    id: int = Field(description="The submission's id.")
    kind: str
    receipt_number: str = Field(description="The registered document's number, e.g. KF 2026/12-1.")
    authority: str
    case_id: int
    document_id: int


@router.post(
    "/intake/submissions",
    auth=TokenAuth(),
    response={201: IntakeReceiptOut, **ERRORS},
    summary="Register a submission from an e-service platform",
)
def submit(
    request: ApiRequest,
    payload: IntakeSubmissionIn,
    idempotency_key: IdempotencyKey | None = Header(  # noqa: B008
        None, alias="Idempotency-Key", description=KEY_DESCRIPTION
    ),
) -> Any:
    """Register the submission as an incoming document in a new case of the authority
    and answer with its receipt number. 403 when the key's user may not register for
    the authority."""
    authority = Authority.objects.filter(code=payload.authority.strip().upper()).first()
    if authority is None:
        raise ValidationError({"authority": f"Okänd myndighet: {payload.authority}."})
    fields = {
        "kind": payload.kind, "authority": authority, "title": payload.title,
        "text": payload.text, "name": payload.name, "contact": payload.contact,
        "attachments": [(a.name, _decoded(a.content)) for a in payload.attachments],
    }  # fmt: skip
    if idempotency_key is None:
        return Status(201, _answer(do_submit(actor=request.auth, **fields)))
    digest = hashlib.sha256(
        json.dumps(payload.dict(), sort_keys=True, default=str).encode()
    ).hexdigest()
    status, answer = do_submit_once(idempotency_key, digest, _answer, actor=request.auth, **fields)
    return Status(status, answer)


def _decoded(content: str) -> bytes:
    try:
        return base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError({"attachments": "En bilaga är inte giltig base64."}) from None


def _answer(submission: Submission) -> dict[str, Any]:
    return {
        "id": submission.pk,
        "kind": submission.kind,
        "receipt_number": submission.receipt_number,
        "authority": submission.authority.code,
        "case_id": submission.document.case_id,
        "document_id": submission.document_id,
    }
