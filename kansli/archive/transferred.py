"""Which documents the e-archive holds: those of a case in a transfer whose receipt is
registered (kvitterad), registered and with every file added before that transfer
started, so that its package was written with them. The disposal lists ask
(kansli.retention.disposal.transferred_hooks): a kept document with a delivery period
leaves the active system only once it is here. A document registered or a file version
added to the case after the export is not in the e-archive and stays."""

from __future__ import annotations

from django.db.models import Max

from kansli.archive.models import Transfer, TransferredCase
from kansli.org.models import Authority
from kansli.registry.models import Document


def received_documents(authority: Authority) -> set[int]:
    received = TransferredCase.objects.filter(
        transfer__authority=authority, transfer__status=Transfer.Status.RECEIVED
    )
    started = dict(
        received.values("case_id")
        .annotate(at=Max("transfer__started_at"))
        .values_list("case_id", "at")
    )
    documents = (
        Document.objects.filter(case_id__in=started)
        .annotate(last_file=Max("files__added_at"))
        .values_list("pk", "case_id", "registered_at", "last_file")
    )
    return {
        pk for pk, case_id, registered, last_file in documents
        if max(registered, last_file or registered) <= started[case_id]
    }  # fmt: skip
