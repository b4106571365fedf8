"""Which cases the e-archive has received: those in a transfer whose receipt is
registered (kvitterad). The disposal lists ask (kansli.retention.disposal
.transferred_hooks): a kept document with a delivery period leaves the active system
only once its case is here."""

from __future__ import annotations

from kansli.archive.models import Transfer, TransferredCase
from kansli.org.models import Authority


def received_cases(authority: Authority) -> set[int]:
    received = TransferredCase.objects.filter(
        transfer__authority=authority, transfer__status=Transfer.Status.RECEIVED
    )
    return set(received.values_list("case_id", flat=True))
