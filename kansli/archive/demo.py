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
from kansli.files.store import store_bytes
from kansli.org.models import Authority, User
from kansli.registry import actions
from kansli.registry.models import Case, SecrecyProvision

CASES = 5  # in the completed transfer; each takes a few seconds (PDF/A, the validators)
RECEIPT = "EA-2026-0042"


def load(seed: int, scale: float, report: Any) -> list[Any]:
    ks = Authority.objects.get(code="KS")
    if Transfer.objects.filter(authority=ks).exists():
        return []
    # Ready for the next transfer: a building permit case with all a package carries.
    mbn = Authority.objects.get(code="MBN")
    register_complete_case(
        mbn, datetime.date(2023, 9, 14), SecrecyProvision.objects.get(reference="OSL 21 kap. 3 §"),
        "Ansökan om bygglov för förråd på Åsbacken 3:14",
        kinds=("Ansökan om bygglov", "Synpunkt"),
        classification=mbn.classifications.filter(code="3.3.2").first(),
    )  # fmt: skip
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


PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]"
    b"/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def register_complete_case(
    authority: Authority, closed: datetime.date, provision: SecrecyProvision, title: str,
    *, kinds: tuple[str, str] = ("Ansökan", "Yttrande"), classification: Any = None,
) -> Case:  # fmt: skip
    """A closed building permit case with what a package must carry: a party with
    protected identity and an address, a document secrecy-marked under `provision` with
    its sender withheld, a voided one, a drawing in two versions under a non-ASCII
    name, and a plain-text letter that gets a PDF/A rendition. `kinds`: the document
    types of the application and the letter (the plan's, where one is in force)."""
    opened = timezone.make_aware(datetime.datetime.combine(closed, datetime.time(9)))
    case = actions.do_register_case(
        authority, title, classification=classification,
        opened_at=opened - datetime.timedelta(days=90), actor=None,
    )  # fmt: skip
    actions.do_add_party(case, "Örjan Ek", identity_number="19610412-1234", role="sökande",
                         actor=None)  # fmt: skip
    actions.do_add_party(
        case, "Sara Skyddad", identity_number="19850612-2389",
        address="Hemliga vägen 1, 123 45 Ort", role="granne", protected_identity=True,
        actor=None,
    )  # fmt: skip
    day = closed - datetime.timedelta(days=60)
    application = actions.do_register_document(
        case, "inkommen", day, "Ansökan med ritningar", counterpart="Örjan Ek",
        document_type=kinds[0], actor=None,
    )  # fmt: skip
    first = actions.do_attach_file(
        application, store_bytes(PDF, "ritning.pdf"), "Ritning åäö.pdf", actor=None
    )
    second = store_bytes(PDF.replace(b"Count 0", b"Count 0 "), "ritning2.pdf")
    actions.do_attach_file(application, second, "Ritning åäö.pdf", replaces=first, actor=None)
    letter = actions.do_register_document(
        case, "inkommen", day, "Yttrande från granne", counterpart="Sara Skyddad",
        document_type=kinds[1], actor=None,
    )  # fmt: skip
    text = store_bytes(b"Jag har inget att invanda.\n", "yttrande.txt")
    actions.do_attach_file(letter, text, "yttrande.txt", actor=None)
    actions.do_mark_secrecy(letter, provision, withhold_counterpart=True, actor=None)
    wrong = actions.do_register_document(
        case, "inkommen", day, "Felregistrerad skrivelse", counterpart="Fel Avsändare",
        document_type=kinds[0], actor=None,
    )  # fmt: skip
    actions.do_void_document(wrong, "Registrerad i fel ärende", actor=None)
    actions.do_change_case_status(case, "avslutat", actor=None)
    # Closed on the day given (the demo's and the tests' past), as an import would have it.
    moment = timezone.make_aware(datetime.datetime.combine(closed, datetime.time(12)))
    Case.objects.filter(pk=case.pk).update(closed_at=moment)
    case.refresh_from_db()
    return case
