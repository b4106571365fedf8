"""A closed case with everything a package must carry, built through the real actions:
parties (one with protected identity and an address), a secrecy-marked document, a
voided one, a file in two versions, a non-ASCII file name and a text document that
gets a PDF/A rendition."""

from __future__ import annotations

import datetime

from django.utils import timezone

from kansli.files.store import store_bytes
from kansli.org.models import Authority
from kansli.registry import actions
from kansli.registry.models import Case
from kansli.registry.testing import make_case, make_incoming, make_provision

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"  # noqa: E501


def make_archivable_case(authority: Authority, closed: datetime.date, title: str = "") -> Case:
    case = make_case(title or "Ansökan om bygglov för förråd på Åsbacken 3:14", authority=authority)
    actions.do_add_party(
        case, "Örjan Ek", identity_number="19610412-1234", role="sökande", actor=None
    )
    actions.do_add_party(
        case, "Sara Skyddad", identity_number="19850612-2389",
        address="Hemliga vägen 1, 123 45 Ort",
        role="granne", protected_identity=True, actor=None,
    )  # fmt: skip
    application = make_incoming(
        case, description="Ansökan med ritningar", counterpart="Örjan Ek", document_type="Ansökan"
    )
    first = actions.do_attach_file(
        application, store_bytes(PDF, "ritning.pdf"), "Ritning åäö.pdf", actor=None
    )
    second = store_bytes(PDF.replace(b"Count 0", b"Count 0 "), "ritning2.pdf")
    actions.do_attach_file(application, second, "Ritning åäö.pdf", replaces=first, actor=None)
    letter = make_incoming(
        case,
        description="Yttrande från granne",
        counterpart="Sara Skyddad",
        document_type="Yttrande",
    )
    text = store_bytes(b"Jag har inget att invanda.\n", "y.txt")
    actions.do_attach_file(letter, text, "yttrande.txt", actor=None)
    actions.do_mark_secrecy(letter, make_provision("OSL 21 kap. 3 §"), withhold_counterpart=True,
                            actor=None)  # fmt: skip
    wrong = make_incoming(
        case, description="Felregistrerad skrivelse", counterpart="Fel Avsändare",
        document_type="Ansökan",
    )  # fmt: skip
    actions.do_void_document(wrong, "Registrerad i fel ärende", actor=None)
    actions.do_change_case_status(case, "avslutat", actor=None)
    moment = timezone.make_aware(datetime.datetime.combine(closed, datetime.time(12)))
    Case.objects.filter(pk=case.pk).update(closed_at=moment)
    case.refresh_from_db()
    return case
