"""A document's files: upload (a new file or a new version of one) and download."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http.response import HttpResponseBase
from ninja import File, Form, Router, Status, UploadedFile

from kansli.access.actions import do_log_read
from kansli.files.download import file_response
from kansli.files.store import store_upload
from kansli.inputs import Id
from kansli.org.api import ERRORS, ApiRequest
from kansli.registry import actions
from kansli.registry.api import queries
from kansli.registry.api.schemas import FileOut
from kansli.registry.models import DocumentFile

router = Router(tags=["files"])


@router.post(
    "/documents/{document_id}/files",
    response={201: FileOut, **ERRORS},
    summary="Attach a file to a document",
)
def upload_file(
    request: ApiRequest,
    document_id: Id,
    file: File[UploadedFile],
    replaces: Form[Id | None] = None,
) -> Status[DocumentFile]:
    """Upload a file (multipart/form-data, field `file`) as the document's file, or as a
    new version of its file `replaces` (the earlier version is kept). Programs, unknown
    types and content that does not match the file name are refused (422)."""
    document = queries.visible(queries.documents(request.auth), document_id)
    earlier = None
    if replaces is not None:
        earlier = next((f for f in document.files.all() if f.pk == replaces), None)
        if earlier is None:
            raise ValidationError({"replaces": f"Handlingen har ingen fil med id {replaces}."})
    with transaction.atomic():  # refused: the stored file's row goes too
        try:
            stored = store_upload(file)
        except ValidationError as exc:
            raise ValidationError({"file": exc.messages}) from exc
        attached = actions.do_attach_file(
            document, stored, file.name or "", replaces=earlier, actor=request.auth
        )
    return Status(201, queries.visible(queries.files(request.auth), attached.pk))


@router.get(
    "/files/{file_id}",
    response=ERRORS,
    summary="Download a file",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file's bytes, as received.",
                "content": {"application/octet-stream": {"schema": {"type": "string",
                                                                    "format": "binary"}}},
            }
        }
    },
)  # fmt: skip
def download_file(request: ApiRequest, file_id: Id) -> HttpResponseBase:
    """A version of a document's file, if the caller may see the document. Fetching a
    secrecy-marked document's file is logged (who, when, from where)."""
    attached: DocumentFile = queries.visible(queries.files(request.auth), file_id)
    do_log_read(attached.document, "file", stored_file=attached.stored, actor=request.auth)
    return file_response(attached.stored, attached.name)
