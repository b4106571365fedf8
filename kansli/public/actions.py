"""Changing what the public e-diary shows: an authority's policy on private persons'
names, and publishing a file with its registration. Audited like every change."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kansli.audit.chain import record
from kansli.files.models import StoredFile
from kansli.org.models import Authority, Role
from kansli.org.permissions import require_sysadmin
from kansli.public.models import DiaryPolicy, PublishedFile
from kansli.public.record import masks_for
from kansli.registry import personal_numbers
from kansli.registry.permissions import require_role
from kansli.search import index


@transaction.atomic
def do_set_diary_policy(
    authority: Authority, *, mask_private_names: bool, actor: Any
) -> DiaryPolicy:
    """Choose whether private persons' names are left out of the authority's public
    e-diary; its registrations are indexed again to match."""
    require_sysadmin(actor)
    policy, _created = DiaryPolicy.objects.get_or_create(authority=authority)
    before = {"mask_private_names": policy.mask_private_names}
    policy.mask_private_names = mask_private_names
    policy.save(update_fields=["mask_private_names"])
    record(actor=actor, action="public.set_policy", obj=policy, before=before,
           after={"mask_private_names": mask_private_names})  # fmt: skip
    for case in authority.cases.all():
        index.index_case(case)
    return policy


@transaction.atomic
def do_publish_file(document_file: Any, *, actor: Any) -> PublishedFile:
    """Publish a file of an open registration in the public e-diary (a registrar of the
    authority). The e-diary's masking cannot reach inside a file, so a file is not
    published when its document is secrecy-marked, concerns a private person (whose name
    the e-diary hides: the name is in the letter) or a party with protected identity
    (OSL 21 kap. 3 §), or when its text or its name holds a personal identity number, or
    its text has not been read yet or could not be read (OSL 21 kap. 7 §; GDPR art. 6).
    A scanned page's text is not read (no OCR yet): its pixels are not checked."""
    document = document_file.document
    require_role(actor, document.case.authority, [Role.REGISTRAR], "publicera filer")
    if document.secrecy_id is not None:
        raise ValidationError("En sekretessmarkerad handlings filer publiceras inte.")
    if document.voided_at is not None:
        raise ValidationError("Handlingen är makulerad.")
    if hasattr(document_file, "publication"):
        raise ValidationError("Filen är redan publicerad.")
    masks = masks_for(document.case)
    if document.counterpart_is_private or masks.private:
        raise ValidationError(
            "Ärendet gäller en privatperson, vars namn e-diariet döljer: filerna publiceras inte."
        )
    if masks.protected:  # OSL 21 kap. 3 §: the file may name or place the person
        raise ValidationError(
            "En part i ärendet har skyddade personuppgifter: ärendets filer publiceras inte."
        )
    stored = StoredFile.objects.get(pk=document_file.stored_id)  # its text as read now
    if stored.extraction == StoredFile.Extraction.PENDING:
        raise ValidationError("Filens text är inte läst ännu: försök igen om en stund.")
    if stored.extraction == StoredFile.Extraction.FAILED:
        raise ValidationError("Filens text kunde inte läsas, så den kan inte granskas: "
                              "filen publiceras inte.")  # fmt: skip
    if personal_numbers.find(stored.text) or personal_numbers.find(document_file.name):
        raise ValidationError("Filen innehåller personnummer och publiceras inte.")
    publication = PublishedFile.objects.create(
        document_file=document_file, published_at=timezone.now(), published_by=actor
    )
    record(actor=actor, action="public.publish_file", obj=publication,
           label=f"{document.document_number} {document_file.name}",
           after={"document": document.pk, "file": document_file.pk})  # fmt: skip
    return publication


def unpublish_files(document_file_ids: list[int]) -> None:
    """Take files out of the e-diary as their document is disposed of (registered with
    kansli.retention.disposal.files_going_hooks; the disposal's audit events say it)."""
    PublishedFile.objects.filter(document_file_id__in=document_file_ids).delete()
