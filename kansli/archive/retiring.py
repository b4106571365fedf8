"""The archivist's checklist for retiring a system (avveckling): what of each
authority is exported and transferred, and what still stands in the way (open cases,
legal holds, requests for documents not yet answered, disposal lists not finished,
inbox items not registered). Counts only: no titles, no names."""

from __future__ import annotations

from dataclasses import dataclass

from kansli.archive.models import Transfer, TransferredCase
from kansli.org.models import Authority
from kansli.registry.models import Case, CaseStatus, InboxItem
from kansli.requests.models import AccessRequest
from kansli.retention.models import DisposalRun, Hold, RunState

FINISHED = [CaseStatus.CLOSED, CaseStatus.VOIDED]


@dataclass(frozen=True)
class Checklist:
    authority: Authority
    cases: int
    open: int
    exported: int
    transferred: int
    holds: int
    requests: int
    disposal_lists: int
    inbox: int

    @property
    def not_exported(self) -> int:
        return self.cases - self.open - self.exported

    @property
    def ready(self) -> bool:
        """Nothing stands in the way: every case is closed and transferred."""
        return not (
            self.open or self.holds or self.requests or self.disposal_lists or self.inbox
        ) and (self.transferred == self.cases)


def checklist(authority: Authority) -> Checklist:
    cases = Case.objects.filter(authority=authority)
    in_transfers = TransferredCase.objects.filter(case__authority=authority)
    received = in_transfers.filter(transfer__status=Transfer.Status.RECEIVED)
    return Checklist(
        authority=authority,
        cases=cases.count(),
        open=cases.exclude(status__in=FINISHED).count(),
        exported=cases.filter(status__in=FINISHED, pk__in=in_transfers.values("case_id")).count(),
        transferred=cases.filter(pk__in=received.values("case_id")).count(),
        holds=Hold.objects.filter(authority=authority, lifted_at__isnull=True).count(),
        requests=AccessRequest.objects.filter(
            authority=authority, answered_at__isnull=True
        ).count(),
        disposal_lists=DisposalRun.objects.filter(authority=authority)
        .exclude(state__in=[RunState.DONE, RunState.RETURNED])
        .count(),
        inbox=InboxItem.objects.filter(authority=authority, document__isnull=True).count(),
    )
