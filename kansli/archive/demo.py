"""Demo transfer to the e-archive: kommunstyrelsen's oldest closed cases exported as
checked FGS 2.0 packages into the data folder (e-arkiv/KS-demo) and the e-archive's
receipt registered by the archivist ("arkivarie"), so that those cases are
transferred; the later closed cases are left ready for the next transfer, which the
archivist can start from the e-archive page. Through the actions; a second run finds
the transfer and adds nothing."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from kansli.archive.actions import do_export_transfer, do_register_receipt, do_start_transfer
from kansli.archive.export import closed_cases
from kansli.archive.models import Transfer
from kansli.org.models import Authority, User
from kansli.registry.models import Case

CASES = 5  # in the completed transfer; each takes a few seconds (PDF/A, the validators)
RECEIPT = "EA-2026-0042"


def load(seed: int, scale: float, report: Any) -> list[Any]:
    ks = Authority.objects.get(code="KS")
    if Transfer.objects.filter(authority=ks).exists():
        return []
    closed = list(
        Case.objects.filter(authority=ks, closed_at__isnull=False, holds__isnull=True)
        .order_by("closed_at")
        .values_list("closed_at", flat=True)[: CASES + 1]
    )
    if len(closed) <= CASES:
        return []  # a small demo (the tests' scale) has too few closed cases
    # The day after the CASES-th oldest closing, so that about those are in it (not
    # after today: the oldest cases of a small demo may have closed today).
    before = min(timezone.localtime(closed[CASES - 1]).date() + datetime.timedelta(days=1),
                 timezone.localdate())  # fmt: skip
    if not closed_cases(ks, before).exists():
        return []
    archivist = User.objects.get(username="arkivarie")
    folder = Path(settings.DATA_DIR) / "e-arkiv" / "KS-demo"
    transfer = do_start_transfer(ks, before, folder, actor=archivist)
    transfer = do_export_transfer(transfer, actor=archivist)
    do_register_receipt(transfer, RECEIPT, timezone.localdate(), actor=archivist)
    waiting = Case.objects.filter(authority=ks, closed_at__isnull=False).exclude(
        transfers__transfer=transfer
    )
    report(
        f"E-arkiv: leverans {transfer.pk} med {transfer.cases.count()} av kommunstyrelsens ärenden "
        f"avslutade före {before:%Y-%m-%d} ({transfer.size / 1e6:.1f} MB i {folder}), kvitterad "
        f"({RECEIPT}); {waiting.count()} avslutade ärenden väntar på nästa leverans"
    )
    return []
