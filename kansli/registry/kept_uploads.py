"""Files attached to a registration form that is shown again (the personal-identity-number
warning to confirm, a field to correct). A browser never sends a file input again, so
the files are stored at once (content-addressed, registered with nothing yet) and named
in a token the form carries, signed for the user who uploaded them; on the next submit
they are attached as if uploaded again. A token that is altered, too old or another
user's is refused, so no one reaches a file through it."""

from __future__ import annotations

from collections.abc import Iterable

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from kansli.files.models import StoredFile
from kansli.files.store import store_upload
from kansli.org.models import User

SALT = "kansli.registry.kept_uploads"
MAX_AGE_SECONDS = 24 * 3600

Kept = list[tuple[StoredFile, str]]


def keep(uploads: Iterable[UploadedFile], already: Kept) -> Kept:
    """Store the uploads (checked by the form already) and add them to those kept."""
    return [*already, *((store_upload(upload), upload.name or "") for upload in uploads)]


def token(kept: Kept, user: User) -> str:
    if not kept:
        return ""
    files = [[stored.sha256, name] for stored, name in kept]
    return signing.dumps({"user": user.pk, "files": files}, salt=SALT, compress=True)


def kept_files(value: str, user: User) -> Kept:
    """The files a token names, or ValidationError if it is not one this user was given."""
    if not value:
        return []
    refused = ValidationError(
        _("The files attached earlier could not be kept: attach them again."), code="kept"
    )
    try:
        data = signing.loads(value, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature as error:
        raise refused from error
    if data.get("user") != user.pk:
        raise refused
    found = StoredFile.objects.in_bulk([sha for sha, _name in data["files"]], field_name="sha256")
    if len(found) != len({sha for sha, _name in data["files"]}):
        raise refused
    return [(found[sha], name) for sha, name in data["files"]]
